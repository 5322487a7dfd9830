"""Answers as text and bytes: SPARQL 1.1 Query Results JSON terms, sorted rows, and the result formats
(table, CSV, TSV, JSON, Markdown, XML; Turtle, N-Triples, JSON-LD, RDF/XML for graphs)."""

from __future__ import annotations

import csv
import io
import json


from .. import formats, vocab
from ..spreadsheet import safe_cell


def __getattr__(name: str):
    """``term_json`` (kg.rdflib_terms, part of this module's interface): imported with rdflib when first read."""
    if name == "term_json":
        from ..rdflib_terms import term_json

        return term_json
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# terms and rows as SPARQL 1.1 Query Results JSON terms -------------------------------------------------------
NUMERIC = {vocab.NAMESPACES["xsd"] + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}


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
        for prefix, ns in vocab.NAMESPACES.items():
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns):]}"
        return f"<{value}>"
    return plain(cell)


# result formats -----------------------------------------------------------------------------------------------
SELECT_FORMATS = formats.names(formats.ROWS)  # kg.formats: the one registry
GRAPH_FORMATS = formats.names(formats.GRAPH, answers=True)


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


def escape(text: str) -> str:
    """``xml.sax.saxutils.escape``, written here: that module imports urllib.request (and with it http.client,
    email and ssl: a tenth of a second of `kg query`'s start)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``xml.sax.saxutils.quoteattr``: escaped, then quoted (with ' when the text holds " but not ')."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


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
    fmt = fmt if fmt in GRAPH_FORMATS else "ttl"
    rdf_format = formats.rdf_format(fmt)
    kwargs = {}
    if fmt == "ttl":
        used = {str(x) for t in triples for x in (t.subject, t.predicate, t.object) if isinstance(x, ox.NamedNode)}
        used |= {str(t.object.datatype) for t in triples if isinstance(t.object, ox.Literal)}
        kwargs["prefixes"] = {p: ns for p, ns in vocab.NAMESPACES.items()
                              if any(iri.startswith(f"<{ns}") for iri in used)}  # fmt: skip
    return ox.serialize(triples, format=rdf_format, **kwargs) or b""


def _rows(result):
    """Each row as a mapping Variable -> term (unbound variables absent), whatever the store kind."""
    if getattr(result, "bindings", None) is not None:
        return result.bindings
    return [{v: t for v, t in zip(result.vars, row) if t is not None} for row in result]
