"""pyoxigraph terms as SPARQL 1.1 Query Results JSON terms, in the store's own spelling or as rdflib spells
them, without importing rdflib: written once here.

`kg query` prints literals as rdflib spells them (``kg.answers``: ``"1.0E0"^^xsd:double`` as ``1.0``), so an
answer reads the same on every store. ``rdflib_form`` gives that spelling by the same conversion rdflib
applies (``rdflib.term.Literal`` with its lexical forms normalized), for the literals where it is plain:
strings, language-tagged text, datatypes rdflib does not convert, integers, decimals, doubles, booleans
and dates in their usual forms. For any other literal it asks rdflib itself, so the answer is the same.

The conversions to and from rdflib terms (``to_rdflib``, ``to_ox``, ``term_json``) are in
``kg.rdflib_terms`` and importable from here as before; reading one of them imports rdflib.
"""

from __future__ import annotations

import datetime
import re

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# The datatypes whose lexical forms rdflib converts (rdflib.term.XSDToPython, with rdf:XMLLiteral and rdf:HTML);
# a literal of any other datatype keeps its lexical form. A superset is safe (rdflib is asked), a missing one
# is not: tests/test_fast_path_terms.py checks this against rdflib's own table.
INTEGERS = frozenset(XSD + t for t in (
    "integer", "nonPositiveInteger", "long", "nonNegativeInteger", "negativeInteger", "int", "unsignedLong",
    "positiveInteger", "short", "unsignedInt", "byte", "unsignedShort", "unsignedByte"))  # fmt: skip
FLOATS = frozenset((XSD + "float", XSD + "double"))
KEPT = frozenset((XSD + "string", XSD + "anyURI", XSD + "language"))  # converted to the same text
RECOGNIZED = INTEGERS | FLOATS | KEPT | frozenset(XSD + t for t in (
    "time", "date", "dateTime", "duration", "dayTimeDuration", "yearMonthDuration", "hexBinary", "normalizedString",
    "token", "boolean", "decimal", "base64Binary")) | {RDF + "XMLLiteral", RDF + "HTML"}  # fmt: skip

_INTEGER = re.compile(r"[+-]?[0-9]{1,4000}")  # Python's int() refuses more than 4,300 digits
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _lexical(value: str, datatype: str) -> str | None:
    """``value`` of ``datatype`` as rdflib spells it, or None when only rdflib can tell."""
    if datatype not in RECOGNIZED or datatype in KEPT:
        return value
    if datatype in INTEGERS:  # rdflib: int(value), written with str()
        return str(int(value)) if _INTEGER.fullmatch(value) else None
    if datatype in FLOATS:  # float(value), written with str()
        return str(float(value)) if _DOUBLE.fullmatch(value) else None
    if datatype == XSD + "decimal":  # Decimal(value), written with f"{:f}"
        if not _DECIMAL.fullmatch(value):
            return None
        from decimal import Decimal

        return f"{Decimal(value):f}"
    if datatype == XSD + "boolean":
        return value if value in ("true", "false") else None
    if datatype == XSD + "date":  # a date, written with isoformat(): the same text when it is a real date
        found = _DATE.fullmatch(value)
        try:
            return value if found and datetime.date(*map(int, found.groups())) else None
        except ValueError:
            return None
    return None


def rdflib_form(term: ox.Literal) -> tuple[str, str | None, str | None] | None:
    """A literal as rdflib spells it (``kg.rdflib_terms.to_rdflib``): (lexical form, language, datatype
    or None for a plain string), or None when only rdflib can tell (it is then asked: ``spelled_json``)."""
    if term.language:
        return term.value, term.language, None
    datatype = term.datatype.value
    if datatype.endswith("#string"):  # as to_rdflib reads it: a plain string
        return term.value, None, None
    value = _lexical(term.value, datatype)
    return None if value is None else (value, None, datatype)


def ox_json(term) -> dict | None:
    """A pyoxigraph term as a SPARQL 1.1 Query Results JSON term, in the store's own spelling."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def spelled_json(term) -> dict | None:
    """A pyoxigraph term as a SPARQL 1.1 Query Results JSON term, its literal spelled as rdflib spells it:
    the same as ``term_json(to_rdflib(term))``."""
    if not isinstance(term, ox.Literal):
        return ox_json(term)
    form = rdflib_form(term)
    if form is None:
        from .rdflib_terms import term_json, to_rdflib

        return term_json(to_rdflib(term))
    value, language, datatype = form
    out = {"type": "literal", "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype and datatype != XSD_STRING:
        out["datatype"] = datatype
    return out


def spelled(term):
    """A pyoxigraph term with its literal spelled as rdflib spells it (other terms unchanged): the same as
    ``to_ox(to_rdflib(term))`` for a literal."""
    if not isinstance(term, ox.Literal):
        return term
    form = rdflib_form(term)
    if form is None:
        from .rdflib_terms import to_ox, to_rdflib

        return to_ox(to_rdflib(term))
    value, language, datatype = form
    if language:
        return term if value == term.value else ox.Literal(value, language=language)
    if datatype is not None and value == term.value:
        return term
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)


_RDFLIB_SIDE = ("to_rdflib", "to_ox", "term_json")


def __getattr__(name: str):
    """``to_rdflib``, ``to_ox``, ``term_json``: from ``kg.rdflib_terms`` (importing rdflib) when first read."""
    if name in _RDFLIB_SIDE:
        from . import rdflib_terms

        return getattr(rdflib_terms, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
