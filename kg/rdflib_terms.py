"""Terms between pyoxigraph and rdflib, and rdflib terms as SPARQL 1.1 Query Results JSON terms.

rdflib terms are what ``Store.query`` (the adapter for notebooks and the Python API) hands out and what
a library caller may bind parameters as. `kg query` on Oxigraph needs none of this (``kg.terms``).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.term import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype.endswith("#string") else URIRef(datatype))
    if isinstance(term, (ox.DefaultGraph,)):
        return None
    raise TypeError(f"unsupported term {term!r}")


def to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"unsupported term {term!r}")


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
    elif term.datatype and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out
