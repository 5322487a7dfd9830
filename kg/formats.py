"""Every output format kg writes, in one registry: `kg export`, `kg query` and `kg serve` read their
tables from here, so a format is added or renamed once.

A format is keyed by what it holds (``kind``: ``graph`` for RDF, ``rows`` for SELECT/ASK answers)
and its short name (``xml`` is both RDF/XML and SPARQL results XML), as rdflib's plugin registry
keys a plugin by name and kind. Each says its media type, the media types an ``Accept`` header may
name it by, other names of the ``format`` parameter, the pyoxigraph format it maps to (for graphs,
pyoxigraph's ``RdfFormat.supports_datasets`` says whether it keeps named graphs) and where it is
offered: by `kg export` (whole graphs), for CONSTRUCT/DESCRIBE answers, and on the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

GRAPH, ROWS = "graph", "rows"


@dataclass(frozen=True)
class Format:
    name: str
    kind: str  # GRAPH or ROWS
    media_type: str | None = None  # what a response in this format says it is (None: not served)
    accepts: tuple[str, ...] = ()  # media types an Accept header may name it by, the usual one first
    aliases: tuple[str, ...] = ()  # other names of the endpoint's format parameter
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    export: bool = False  # offered by `kg export`
    answers: bool = False  # a CONSTRUCT/DESCRIBE answer may be written in it (graphs; rows: every row format)

    @property
    def datasets(self) -> bool:
        """Whether it keeps the named graph (the source) of every fact."""
        return bool(self.rdf and self.rdf.supports_datasets)


REGISTRY: tuple[Format, ...] = (
    # RDF: kg export writes the first five; a CONSTRUCT/DESCRIBE answer comes in ttl, nt, jsonld or xml
    Format("ttl", GRAPH, "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), ("turtle", "n3"),
           rdf=ox.RdfFormat.TURTLE, export=True, answers=True),
    Format("nt", GRAPH, "application/n-triples", ("application/n-triples", "text/plain"), ("ntriples", "n-triples"),
           rdf=ox.RdfFormat.N_TRIPLES, export=True, answers=True),
    Format("nq", GRAPH, "application/n-quads", rdf=ox.RdfFormat.N_QUADS, export=True),
    Format("trig", GRAPH, "application/trig", rdf=ox.RdfFormat.TRIG, export=True),
    Format("jsonld", GRAPH, "application/ld+json", ("application/ld+json",), ("json-ld",), rdf=ox.RdfFormat.JSON_LD,
           export=True, answers=True),
    Format("xml", GRAPH, "application/rdf+xml", ("application/rdf+xml",), ("rdf+xml", "rdfxml"), rdf=ox.RdfFormat.RDF_XML,
           answers=True),
    # rows of SELECT and ASK answers, in the order `kg query --help` lists them (table and md are not served)
    Format("table", ROWS),
    Format("csv", ROWS, "text/csv; charset=utf-8", ("text/csv",), results=ox.QueryResultsFormat.CSV),
    Format("tsv", ROWS, "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",),
           results=ox.QueryResultsFormat.TSV),
    Format("json", ROWS, "application/sparql-results+json", ("application/sparql-results+json", "application/json"),
           results=ox.QueryResultsFormat.JSON),
    Format("md", ROWS),
    Format("xml", ROWS, "application/sparql-results+xml",
           ("application/sparql-results+xml", "application/xml", "text/xml"), results=ox.QueryResultsFormat.XML),
)  # fmt: skip

DEFAULT = {GRAPH: "ttl", ROWS: "json"}  # what the endpoint answers when the client names nothing it knows


def get(kind: str, name: str) -> Format:
    for fmt in REGISTRY:
        if fmt.kind == kind and fmt.name == name:
            return fmt
    raise KeyError(f"no {kind} format {name!r}")


def names(kind: str, **flags: bool) -> tuple[str, ...]:
    """The names of the formats of ``kind`` with every flag given (``export=True``, ``answers=True`` …)."""
    return tuple(f.name for f in REGISTRY if f.kind == kind and all(getattr(f, k) == v for k, v in flags.items()))


def served(kind: str) -> tuple[Format, ...]:
    """The formats of ``kind`` the endpoint answers in (graphs: the CONSTRUCT/DESCRIBE ones)."""
    return tuple(f for f in REGISTRY if f.kind == kind and f.media_type and (kind == ROWS or f.answers))


def rdf_format(name: str) -> ox.RdfFormat:
    return get(GRAPH, name).rdf
