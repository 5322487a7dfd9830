"""Query parameters: ``NAME=VALUE`` pairs turned into RDF terms (ids, IRIs, numbers, text), and a
clear error for an id that names nothing readable.

The terms come as rdflib terms (``param_term``, ``bindings_for``: the Python API) or as pyoxigraph terms
(``param_value``, ``parameter_values``: what `kg query` binds, with no rdflib); both read a value the same
way (``_read``)."""

from __future__ import annotations

import difflib
import re
import sys

import pyoxigraph as ox

from .. import vocab
from .catalogue import SLUG, NamedQuery
from .errors import QueryError, UnknownId

# parameter name -> where a short id lives ("base:" = under the data base IRI)
ID_KINDS = {
    "org": "base:org/", "organization": "base:org/", "person": "base:person/", "event": "base:event/",
    "source": "base:source/", "theme": vocab.NAMESPACES["theme"], "sector": vocab.NAMESPACES["sector"],
}  # fmt: skip
ANY_ENTITY = ("about", "entity")
XSD_INTEGER = vocab.NAMESPACES["xsd"] + "integer"



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


def _read(name: str, value: str, base: str, exists, iri, literal):
    """What a parameter value stands for, made with ``iri(text)`` and ``literal(text_or_int)``."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        found = text[1:-1]
        if re.search(r"[\s<>\"{}|^`\\]", found):
            raise QueryError(f"--param {name}: {text} is not a valid IRI (no spaces, quotes or braces)")
        return iri(found)
    if re.match(r"^https?://[^\s<>\"{}|^`\\]+$", text):
        return iri(text)
    prefix, colon, local = text.partition(":")
    known = vocab.all_prefixes(base)
    if colon and prefix in known and re.match(r"^[A-Za-z0-9_.-]+$", local):
        return iri(known[prefix] + local)
    if re.match(r"^-?\d+$", text):
        return literal(int(text))
    kind = ID_KINDS.get(name)
    if kind and SLUG.match(text):
        return iri(base + kind[5:] + text if kind.startswith("base:") else kind + text)
    if name in ANY_ENTITY and SLUG.match(text):
        candidates = [iri(f"{base}{k}/{text}") for k in ("person", "org", "event")]
        for candidate in candidates:
            if exists is None or exists(candidate):
                return candidate
        return candidates[0]
    return literal(value)


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
    rdflib URIRef or Literal (``param_value``: the same as a pyoxigraph term).

    Examples
    --------
    >>> param_term("org", "cgr", "https://kg.example.org/id/")
    rdflib.term.URIRef('https://kg.example.org/id/org/cgr')
    >>> param_term("min", "2", "https://kg.example.org/id/")
    rdflib.term.Literal('2', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    from rdflib.term import Literal, URIRef

    return _read(name, value, base, exists, URIRef, Literal)


def _ox_iri(name: str):
    def iri(text: str) -> ox.NamedNode:
        try:
            return ox.NamedNode(text)
        except ValueError:
            raise QueryError(f"--param {name}: <{text}> is not a valid IRI: write a full one, "
                             "e.g. <https://example.org/id>") from None  # fmt: skip

    return iri


def _ox_literal(name: str):
    def literal(value) -> ox.Literal:
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=ox.NamedNode(XSD_INTEGER))
        try:
            return ox.Literal(value)
        except (ValueError, TypeError, UnicodeError):
            raise QueryError(f"--param {name}: the value is not valid text (UTF-8)") from None

    return literal


def param_value(name: str, value: str, base: str, exists=None):
    """``param_term`` as a pyoxigraph term (``NamedNode`` or ``Literal``), without rdflib.

    Examples
    --------
    >>> param_value("org", "cgr", "https://kg.example.org/id/")
    <NamedNode value=https://kg.example.org/id/org/cgr>
    """
    return _read(name, value, base, exists, _ox_iri(name), _ox_literal(name))


def bindings_for(query: NamedQuery | None, given: dict[str, str], base: str, exists=None, store=None) -> dict:
    """Terms for a named query's parameters (defaults filled in) or for an ad-hoc query's ``--param``s.

    With ``store``, each given value of an id parameter (see ``ID_KINDS``, ``ANY_ENTITY``) must name
    something readable in it, else ``UnknownId`` says so with the nearest readable ids.
    The terms are rdflib terms; ``parameter_values`` gives the same as pyoxigraph terms."""
    return _bind(query, given, base, exists, store, param_term)


def parameter_values(query: NamedQuery | None, given: dict[str, str], base: str, exists=None, store=None) -> dict:
    """``bindings_for`` with pyoxigraph terms (``param_value``): what `kg query` binds, without rdflib."""
    return _bind(query, given, base, exists, store, param_value)


def _bind(query, given, base, exists, store, term) -> dict:
    if store is not None and exists is None:
        exists = lambda iri: _known(store, iri)  # noqa: E731
    if query is None:
        out = {name: term(name, value, base, exists) for name, value in given.items()}
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
            out[p.name] = term(p.name, value, base, exists)
            if store is not None and p.name in given:
                check_id(store, p.name, value, out[p.name])
    return out


# ids that name nothing ------------------------------------------------------------------------------
KIND_WORDS = {"base:org/": "organization", "base:person/": "person", "base:event/": "event",
              "base:source/": "source", ID_KINDS["theme"]: "theme", ID_KINDS["sector"]: "sector"}  # fmt: skip


def _is_iri(term) -> bool:
    """Whether ``term`` is an IRI of either library."""
    if isinstance(term, ox.NamedNode):
        return True
    rdflib_term = sys.modules.get("rdflib.term")  # not imported: the term cannot be one of its
    return rdflib_term is not None and isinstance(term, rdflib_term.URIRef)


def _known(store, iri) -> bool:
    """Whether any readable triple has ``iri`` (a term of either library, or its text) as its subject or object."""
    if not isinstance(iri, ox.NamedNode):
        from rdflib.term import URIRef

        iri = URIRef(str(iri))
    return bool(store.answer("ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }", {"iri": iri}).boolean)


# What each kind of id is declared as: suggestions come from the typed entities, a few thousand rows,
# not from every term of every quad (a scan that took 85-143 s at 10,000 events for a mistyped id).
_KIND_CLASSES = {
    "base:org/": ("http://www.w3.org/ns/org#Organization",), "base:person/": ("https://schema.org/Person",),
    "base:event/": ("https://schema.org/Event",), "base:source/": ("http://www.w3.org/ns/prov#Entity",),
    ID_KINDS["theme"]: (vocab.NAMESPACES["skos"] + "Concept",),
    ID_KINDS["sector"]: (vocab.NAMESPACES["skos"] + "Concept",),
}  # fmt: skip


def readable_ids(store, namespace: str, classes: tuple[str, ...] = ()) -> list[str]:
    """The short ids under ``namespace`` that the store (one level's graphs) holds, sorted: those typed
    with one of ``classes`` when given (every person, organization, event, source, theme and sector is),
    else every IRI under it in any readable triple."""
    within = f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), {ox.Literal(namespace)}))"
    if classes:
        values = " ".join(str(ox.NamedNode(c)) for c in classes)
        answer = store.answer(f"SELECT DISTINCT ?x WHERE {{ VALUES ?class {{ {values} }} ?x a ?class {within} }}")
    else:
        answer = store.answer(f"SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} {within} }}")
    ids = {row[0]["value"][len(namespace):] for row in answer.rows if row[0] is not None}
    return sorted(i for i in ids if SLUG.match(i))


def _either(words: list[str]) -> str:
    return " or ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} or {words[-1]}"


def check_id(store, name: str, value: str, term) -> None:
    """Raise ``UnknownId`` when an id parameter's value names nothing readable in ``store``.

    The message depends only on what is readable (the typed text, and ids at the store's level for
    suggestions): an id withheld above the level reads exactly as one that never existed."""
    if name not in ID_KINDS and name not in ANY_ENTITY or _is_iri(term) and _known(store, term):
        return  # (a value that is no IRI, such as org="Centre for Human Rights", names nothing either)
    base = store.base
    kinds = [ID_KINDS[name]] if name in ID_KINDS else ["base:person/", "base:org/", "base:event/"]
    namespaces = [base + k[5:] if k.startswith("base:") else k for k in kinds]
    text = value.strip().strip("<>")
    typed = next((text[len(ns):] for ns in namespaces if text.startswith(ns)), text)
    if ":" in typed and not typed.startswith("http"):
        typed = typed.partition(":")[2]
    words = _either([KIND_WORDS[k] for k in kinds])
    candidates = sorted({i for kind, ns in zip(kinds, namespaces)
                         for i in readable_ids(store, ns, _KIND_CLASSES.get(kind, ()))})
    close = difflib.get_close_matches(typed, candidates, n=3, cutoff=0.6)
    hint = f" Did you mean {_either([f'`{c}`' for c in close])}?" if close else " No readable id is close to it."
    raise UnknownId(f"--param {name}={value}: no {words} with this id in the graph.{hint}")
