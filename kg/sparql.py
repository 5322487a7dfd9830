"""Running SPARQL queries for people: inline, from a ``.rq`` file, or by name from ``kg/queries/``;
parameters bound as terms; results in the standard formats, in a deterministic order.

A named query is a ``.rq`` file whose first lines are comments::

    # title: People of an organization
    # description: What the query answers, in one or two sentences.
    # param: org = cfhr — what the parameter means (zero or more lines)
    # example: kg query --name people-of-organization --param org=cgr

A parameter binds the query variable of the same name (``?org``). Values are typed: ``<…>`` or
``http(s)://…`` is an IRI, ``prefix:local`` with a known prefix (``theme:``, ``sector:`` …) is an IRI,
digits are an integer, anything else a plain literal. A parameter named after a kind of entity also
takes a short id: ``org``/``organization`` → ``{base}org/ID``, ``person`` → ``{base}person/ID``,
``event`` → ``{base}event/ID``, ``source`` → ``{base}source/ID``, ``theme`` → ``theme:ID``,
``sector`` → ``sector:ID``, and ``about``/``entity`` → whichever of person, org, event exists. An empty
default leaves the variable unbound (every value) unless ``--param`` gives one. Values are bound with
``kg.bindings`` (a ``VALUES`` block written by rdflib's serializer), never pasted into the query text.

Ordering: when the query has no ``ORDER BY``, rows are sorted, so the same graph always gives the same
output.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib.term import BNode, Literal, URIRef

from . import query_errors, sparql_guard, vocab  # the guard's patterns compile at import: in the fork server, once for all workers
from .spreadsheet import safe_cell

QUERIES_DIR = Path(__file__).parent / "queries"
HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*?)\s*$")
PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*(?:—|--)\s*(.*)$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NUMERIC = {str(vocab.XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}

# parameter name -> where a short id lives ("base:" = under the data base IRI)
ID_KINDS = {
    "org": "base:org/", "organization": "base:org/", "person": "base:person/", "event": "base:event/",
    "source": "base:source/", "theme": str(vocab.THEME), "sector": str(vocab.SECTOR),
}  # fmt: skip
ANY_ENTITY = ("about", "entity")


class QueryError(Exception):
    """A query that cannot run as asked; the message says what to change."""


class UnknownId(QueryError):
    """A parameter names an id (or IRI) that nothing readable at the store's level has."""


@dataclass
class Param:
    name: str
    default: str  # as written in the header; "" = unbound unless given
    meaning: str


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


# named queries ----------------------------------------------------------------------------------------
def parse_named(path: Path) -> NamedQuery:
    """Read a named query and its header comments.

    Parameters
    ----------
    path: a ``.rq`` file.

    Returns
    -------
    NamedQuery with title, description, params and examples (empty when the header lacks them).
    """
    text = Path(path).read_text(encoding="utf-8")
    query = NamedQuery(name=Path(path).stem, path=Path(path), text=text)
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            param = PARAM.match(value)
            if param:
                query.params.append(Param(*param.groups()))
            else:  # a parameter without meaning is still a parameter
                name, _, default = value.partition("=")
                query.params.append(Param(name.strip(), default.strip(), ""))
        elif key == "example":
            query.examples.append(value)
        else:
            setattr(query, key, value)
    return query


def named_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query in ``directory``, sorted by name."""
    return [parse_named(p) for p in sorted(Path(directory).glob("*.rq"))]


def named_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    path = Path(directory) / f"{name}.rq"
    if not re.match(r"^[A-Za-z0-9_.-]+$", name) or not path.is_file():
        known = ", ".join(q.name for q in named_queries(directory))
        raise QueryError(f"no named query {name!r}. Known: {known}. `kg queries` describes them.")
    return parse_named(path)


# parameters ---------------------------------------------------------------------------------------------
def parse_assignments(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["org=cgr", "min=2"]`` → ``{"org": "cgr", "min": "2"}``."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name.strip()):
            raise QueryError(f"--param {pair!r}: write it as NAME=VALUE, e.g. --param org=cgr")
        out[name.strip()] = value
    return out


def param_term(name: str, value: str, base: str, exists=None):
    """The RDF term a parameter value stands for.

    Parameters
    ----------
    name: the parameter (decides whether a short id is an entity, see the module docstring).
    value: the text as typed.
    base: the data namespace ({base}org/ID ...).
    exists: optional callable IRI -> bool, to tell which entity a bare id of ``about`` names.

    Returns
    -------
    rdflib URIRef or Literal.

    Examples
    --------
    >>> param_term("org", "cgr", "https://kg.example.org/id/")
    rdflib.term.URIRef('https://kg.example.org/id/org/cgr')
    >>> param_term("min", "2", "https://kg.example.org/id/")
    rdflib.term.Literal('2', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        iri = text[1:-1]
        if re.search(r"[\s<>\"{}|^`\\]", iri):
            raise QueryError(f"--param {name}: {text} is not a valid IRI (no spaces, quotes or braces)")
        return URIRef(iri)
    if re.match(r"^https?://[^\s<>\"{}|^`\\]+$", text):
        return URIRef(text)
    prefix, colon, local = text.partition(":")
    known = vocab.all_prefixes(base)
    if colon and prefix in known and re.match(r"^[A-Za-z0-9_.-]+$", local):
        return URIRef(known[prefix] + local)
    if re.match(r"^-?\d+$", text):
        return Literal(int(text))
    kind = ID_KINDS.get(name)
    if kind and SLUG.match(text):
        return URIRef(base + kind[5:] + text if kind.startswith("base:") else kind + text)
    if name in ANY_ENTITY and SLUG.match(text):
        candidates = [URIRef(f"{base}{k}/{text}") for k in ("person", "org", "event")]
        for iri in candidates:
            if exists is None or exists(iri):
                return iri
        return candidates[0]
    return Literal(value)


def bindings_for(query: NamedQuery | None, given: dict[str, str], base: str, exists=None, store=None) -> dict:
    """Terms for a named query's parameters (defaults filled in) or for an ad-hoc query's ``--param``s.

    With ``store``, each given value of an id parameter (see ``ID_KINDS``, ``ANY_ENTITY``) must name
    something readable in it, else ``UnknownId`` says so with the nearest readable ids."""
    if store is not None and exists is None:
        exists = lambda iri: _known(store, iri)  # noqa: E731
    if query is None:
        out = {name: param_term(name, value, base, exists) for name, value in given.items()}
        if store is not None:
            for name, value in given.items():
                check_id(store, name, value, out[name])
        return out
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {names}")
    out = {}
    for p in query.params:
        value = given.get(p.name, p.default)
        if value != "":
            out[p.name] = param_term(p.name, value, base, exists)
            if store is not None and p.name in given:
                check_id(store, p.name, value, out[p.name])
    return out


# ids that name nothing ------------------------------------------------------------------------------
KIND_WORDS = {"base:org/": "organization", "base:person/": "person", "base:event/": "event",
              "base:source/": "source", str(vocab.THEME): "theme", str(vocab.SECTOR): "sector"}  # fmt: skip


def _known(store, iri) -> bool:
    """Whether any readable triple has ``iri`` as its subject or object."""
    return bool(store.query("ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }", {"iri": URIRef(str(iri))}).askAnswer)


def readable_ids(store, namespace: str) -> list[str]:
    """The short ids under ``namespace`` that the store (one level's graphs) holds, sorted."""
    answer = store.query("SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } "
                         f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), {Literal(namespace).n3()})) }}")  # fmt: skip
    var = answer.vars[0]
    ids = {str(row[var])[len(namespace):] for row in _rows(answer) if var in row}
    return sorted(i for i in ids if SLUG.match(i))


def _either(words: list[str]) -> str:
    return " or ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} or {words[-1]}"


def check_id(store, name: str, value: str, term) -> None:
    """Raise ``UnknownId`` when an id parameter's value names nothing readable in ``store``.

    The message depends only on what is readable (the typed text, and ids at the store's level for
    suggestions): an id withheld above the level reads exactly as one that never existed."""
    if name not in ID_KINDS and name not in ANY_ENTITY or isinstance(term, URIRef) and _known(store, term):
        return  # (a value that is no IRI, such as org="Centre for Human Rights", names nothing either)
    base = store.base
    kinds = [ID_KINDS[name]] if name in ID_KINDS else ["base:person/", "base:org/", "base:event/"]
    namespaces = [base + k[5:] if k.startswith("base:") else k for k in kinds]
    text = value.strip().strip("<>")
    typed = next((text[len(ns):] for ns in namespaces if text.startswith(ns)), text)
    if ":" in typed and not typed.startswith("http"):
        typed = typed.partition(":")[2]
    words = _either([KIND_WORDS[k] for k in kinds])
    candidates = sorted({i for ns in namespaces for i in readable_ids(store, ns)})
    close = difflib.get_close_matches(typed, candidates, n=3, cutoff=0.6)
    hint = f" Did you mean {_either([f'`{c}`' for c in close])}?" if close else " No readable id is close to it."
    raise UnknownId(f"--param {name}={value}: no {words} with this id in the graph.{hint}")


# the shape of a query --------------------------------------------------------------------------------------
def _parse(sparql: str):
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(sparql)
    except Exception:  # noqa: BLE001 - not rdflib's dialect; the engine will judge it
        return None


def _strip_literals(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked, so keywords can be told from text."""
    pattern = r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
    return re.sub(pattern, " ", sparql)


def _unescape(sparql: str) -> str:
    """Codepoint escapes (\\u0053 …) are undone before a SPARQL query is parsed, so before we look at it too."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)


def has_order_by(sparql: str) -> bool:
    """Whether the outermost query orders its rows (an ORDER BY outside every brace; a subquery's is inside)."""
    return sparql_guard.read(sparql).ordered


# terms and rows as SPARQL 1.1 Query Results JSON terms -------------------------------------------------------
def term_json(term) -> dict | None:
    """An rdflib term as a SPARQL 1.1 Query Results JSON term (None for unbound)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != str(vocab.XSD.string):
        out["datatype"] = str(term.datatype)
    return out


def _sort_key(cell: dict | None) -> tuple:
    if cell is None:
        return (0, 0.0, "", "", "")
    number = 0.0
    if cell.get("datatype") in NUMERIC:
        try:
            number = float(cell["value"])
        except ValueError:
            pass
    rank = {"uri": 1, "bnode": 2, "literal": 3}.get(cell["type"], 4)
    return (rank, number, cell["value"], cell.get("datatype", ""), cell.get("xml:lang", ""))


def sort_rows(rows: list[list]) -> list[list]:
    """Rows in a fixed order (for queries without ORDER BY): column by column, numbers by value."""
    return sorted(rows, key=lambda row: [_sort_key(c) for c in row])


def nt(cell: dict | None) -> str:
    """A term in N-Triples syntax (the SPARQL TSV encoding)."""
    if cell is None:
        return ""
    if cell["type"] == "uri":
        return f"<{cell['value']}>"
    if cell["type"] == "bnode":
        return f"_:{cell['value']}"
    value = cell["value"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if "xml:lang" in cell:
        return f'"{value}"@{cell["xml:lang"]}'
    if "datatype" in cell:
        return f'"{value}"^^<{cell["datatype"]}>'
    return f'"{value}"'


def plain(cell: dict | None) -> str:
    """A term as plain text (the SPARQL CSV encoding)."""
    if cell is None:
        return ""
    return f"_:{cell['value']}" if cell["type"] == "bnode" else cell["value"]


def short(cell: dict | None, base: str) -> str:
    """A term for people to read: IRIs of the graph's own namespaces shortened."""
    if cell is None:
        return ""
    if cell["type"] == "uri":
        value = cell["value"]
        if value.startswith(base):
            return value[len(base) :]
        for prefix, ns in vocab.PREFIXES.items():
            if value.startswith(str(ns)) and len(value) > len(str(ns)):
                return f"{prefix}:{value[len(str(ns)):]}"
        return f"<{value}>"
    return plain(cell)


# result formats -----------------------------------------------------------------------------------------------
SELECT_FORMATS = ("table", "csv", "tsv", "json", "md", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "xml")


def to_json(variables: list[str], rows: list[list]) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [{v: c for v, c in zip(variables, row) if c is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1) + "\n"


def to_csv(variables: list[str], rows: list[list]) -> str:
    """SPARQL 1.1 Query Results CSV (plain values, CRLF line ends), each cell safe to open in a
    spreadsheet (``kg.spreadsheet.safe_cell``: a value that would run as a formula gets a leading ')."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([safe_cell(plain(c)) for c in row] for row in rows)
    return out.getvalue()


def to_tsv(variables: list[str], rows: list[list]) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples syntax)."""
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(nt(c) for c in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_xml(variables: list[str], rows: list[list]) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out += ["</head>", "<results>"]
    for row in rows:
        out.append("<result>")
        for v, c in zip(variables, row):
            if c is None:
                continue
            if c["type"] == "uri":
                inner = f"<uri>{escape(c['value'])}</uri>"
            elif c["type"] == "bnode":
                inner = f"<bnode>{escape(c['value'])}</bnode>"
            else:
                attrs = ""
                if "xml:lang" in c:
                    attrs = f" xml:lang={quoteattr(c['xml:lang'])}"
                elif "datatype" in c:
                    attrs = f" datatype={quoteattr(c['datatype'])}"
                inner = f"<literal{attrs}>{escape(c['value'])}</literal>"
            out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def to_markdown(variables: list[str], rows: list[list], base: str) -> str:
    def cell(c):
        return short(c, base).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


TABLE_WIDTH = 60  # characters a table cell shows before it is cut (kg query --width)


def to_table(variables: list[str], rows: list[list], base: str, width: int = TABLE_WIDTH) -> str:
    """An aligned text table; values longer than ``width`` characters (0: no limit) are cut with an
    ellipsis, and the last line says how many were cut and how to see them whole."""
    cut = 0

    def cell(c):
        nonlocal cut
        text = short(c, base).replace("\n", " ")
        if not width or len(text) <= width:
            return text
        cut += 1
        return text[: max(width - 1, 0)] + "…"

    cells = [[cell(c) for c in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(variables), line(["-" * w for w in widths])] + [line(r) for r in cells]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''}"
    if cut:
        footer += (f"; {cut} value{'s' if cut != 1 else ''} cut at {width} characters, marked …: "
                   "see them whole with --width 0 or --format csv")  # fmt: skip
    out.append(footer + ")")
    return "\n".join(out) + "\n"


def format_select(variables: list[str], rows: list[list], fmt: str, base: str, width: int = TABLE_WIDTH) -> str:
    """Rows (lists of SPARQL JSON terms) in one of ``SELECT_FORMATS`` (``width``: the table's cells)."""
    if fmt == "json":
        return to_json(variables, rows)
    if fmt == "csv":
        return to_csv(variables, rows)
    if fmt == "tsv":
        return to_tsv(variables, rows)
    if fmt == "xml":
        return to_xml(variables, rows)
    if fmt == "md":
        return to_markdown(variables, rows, base)
    return to_table(variables, rows, base, width)


def format_boolean(answer: bool, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}) + "\n"
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if answer else 'false'}</boolean></sparql>\n")  # fmt: skip
    return ("true" if answer else "false") + "\n"


def format_graph(triples, fmt: str, base: str) -> bytes:
    """Triples (pyoxigraph) sorted and serialized: ``ttl`` (default), ``nt``, ``jsonld`` or ``xml`` (RDF/XML)."""
    import pyoxigraph as ox

    key = lambda t: tuple((type(x).__name__, str(x)) for x in (t.subject, t.predicate, t.object))  # noqa: E731
    triples = sorted(set(triples), key=key)
    rdf_format = {"nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}.get(
        fmt, ox.RdfFormat.TURTLE)  # fmt: skip
    kwargs = {}
    if rdf_format == ox.RdfFormat.TURTLE:
        used = {str(x) for t in triples for x in (t.subject, t.predicate, t.object) if isinstance(x, ox.NamedNode)}
        used |= {str(t.object.datatype) for t in triples if isinstance(t.object, ox.Literal)}
        kwargs["prefixes"] = {p: str(ns) for p, ns in vocab.PREFIXES.items()
                              if any(iri.startswith(f"<{ns}") for iri in used)}  # fmt: skip
    return ox.serialize(triples, format=rdf_format, **kwargs) or b""


# running ------------------------------------------------------------------------------------------------------
@dataclass
class Answer:
    """What a query gave: ``kind`` is SELECT, ASK or CONSTRUCT (also for DESCRIBE)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    def render(self, fmt: str, base: str, width: int = TABLE_WIDTH) -> bytes:
        if self.kind == "ASK":
            return format_boolean(bool(self.boolean), fmt).encode()
        if self.kind == "CONSTRUCT":
            return format_graph(self.triples, fmt, base)
        return format_select(self.variables, self.rows, fmt, base, width).encode()


def run(store, sparql: str, bindings: dict | None = None) -> Answer:
    """Run a query on a ``kg.store.Store``; rows sorted unless the query has ORDER BY.

    Parameters
    ----------
    store: any ``kg.store.Store`` (on-disk Oxigraph, memory, remote).
    sparql: the query text; the project's prefixes it uses but does not declare are added (``with_prefixes``).
    bindings: variable name -> rdflib term, bound as a VALUES block (see ``kg.bindings``).

    Returns
    -------
    Answer

    Examples
    --------
    >>> answer = run(store, "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }")  # doctest: +SKIP
    >>> answer.render("csv", store.base)  # doctest: +SKIP
    """
    from .store import to_ox

    written, sparql = sparql, with_prefixes(sparql, store.base)
    try:
        ordered = inspect(sparql)
    except Refused as exc:
        raise QueryError(f"{exc}; kg query only reads the graph (change data/ and rebuild instead)") from None
    try:
        result = store.query(sparql, bindings or None)
    except ValueError as exc:  # kg.bindings: nowhere to put the parameters
        raise QueryError(str(exc)) from None
    except SyntaxError as exc:
        raise QueryError(query_errors.explain(written, store.base, str(exc))) from None
    except Exception as exc:  # noqa: BLE001 - engines raise their own kinds (rdflib: NotBoundError ...)
        found = query_errors.problem(written, store.base)
        if found:
            raise QueryError(found) from None
        raise QueryError(f"the {store.kind} engine could not run the query: {type(exc).__name__}: {exc}. "
                         "Try the default store (--store oxigraph) or simplify the query.") from None
    if result.type == "ASK":
        return Answer("ASK", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        import pyoxigraph as ox

        triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.graph]
        return Answer("CONSTRUCT", triples=triples)
    variables = [str(v) for v in result.vars]
    rows = [[term_json(row.get(v)) for v in result.vars] for row in _rows(result)]
    if not ordered:
        rows = sort_rows(rows)
    return Answer("SELECT", variables=variables, rows=rows)


def _rows(result):
    """Each row as a mapping Variable -> term (unbound variables absent), whatever the store kind."""
    if getattr(result, "bindings", None) is not None:
        return result.bindings
    return [{v: t for v, t in zip(result.vars, row) if t is not None} for row in result]


# safety for the endpoint -------------------------------------------------------------------------------------
class Refused(QueryError):
    """A request the read-only endpoint will not run (an update, LOAD, or SERVICE)."""


def _contains(tree, names: set[str]) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name in names:
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return False


SERVICE_REFUSED = ("SERVICE (federated query) is refused: nothing here fetches other hosts (the word counts wherever "
                   "a keyword could start, as in ex:serviceArea; write such a name as a full <IRI>)")
UPDATE_REFUSED = "the graph is read-only here: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …) is refused"
UNREADABLE_REFUSED = ("a query that names SERVICE and cannot be read token by token is refused (federated queries "
                      "are not allowed here; keep the word inside a string or a comment)")


def inspect(sparql: str) -> bool:
    """Refuse what a read-only endpoint must not run (an update, LOAD, SERVICE); else tell whether the
    query has its own ORDER BY.

    The decision follows SPARQL 1.1's own terminals (``kg.sparql_guard``): the query is cut into
    tokens as sent and with its ``\\u`` escapes undone, and refused when either reading has a bare
    word of an update, or ``service`` where an engine could start the keyword. A query that holds the
    word but no such token (``"public service"``) is also parsed with rdflib, a second opinion: a
    ``SERVICE`` pattern it finds is refused too. The messages are fixed texts.

    Returns
    -------
    True when the outermost query has an ORDER BY.

    Raises
    ------
    Refused with a message for the client.
    """
    seen = sparql_guard.readings(sparql)
    if any(r.update for r in seen):
        raise Refused(UPDATE_REFUSED)
    if any(r.service for r in seen):
        raise Refused(SERVICE_REFUSED)
    if sparql_guard.mentions_service(sparql):
        if any(r.doubtful for r in seen):
            raise Refused(UNREADABLE_REFUSED)
        tree = _parse(sparql)  # slow (20–400 ms), so only for a query that has the word
        if tree is not None and _contains(tree, {"ServiceGraphPattern"}):
            raise Refused(SERVICE_REFUSED)
    return seen[0].ordered


def has_dataset_clause(sparql: str) -> bool:
    """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``): the keyword outside every
    brace (a subquery cannot have one), with comments, strings and IRIs blanked.

    This only decides which of the readable graphs a query reads, never what is readable: the store of
    a level holds nothing above it. A misjudged query reads the wrong graphs of its level, not more."""
    depth = 0
    tokens = _strip_literals(_unescape(sparql))
    for match in re.finditer(r"[{}]|(?<![\w?$:.@\\-])FROM(?![\w:.-])", tokens, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            return True
    return False


def with_prefixes(text: str, base: str | None = None) -> str:
    """The query with PREFIX lines added for the project's prefixes (``vocab.PREFIXES``, and given the
    data's base ``vocab.DATA_PREFIXES``: ``person:``, ``organization:``, ``event:``, ``source:``) that it
    uses but does not declare, so ``schema:name`` or ``organization:cfhr`` works without a prologue."""
    known = vocab.all_prefixes(base)
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:", text, re.IGNORECASE)}
    tokens = _strip_literals(text)
    missing = [p for p in known if p not in declared and re.search(rf"(?<![\w:-]){p}:", tokens)]
    return "".join(f"PREFIX {p}: <{known[p]}>\n" for p in missing) + text
