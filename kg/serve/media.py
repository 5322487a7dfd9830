"""Content negotiation for the endpoint: the media types of SELECT/ASK and CONSTRUCT answers."""

from __future__ import annotations

ROW_TYPES = {  # media type -> format key, for SELECT and ASK answers
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}  # fmt: skip
GRAPH_TYPES = {  # for CONSTRUCT and DESCRIBE answers
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/rdf+xml": "xml",
}  # fmt: skip
ROW_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
             "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}  # fmt: skip
GRAPH_MEDIA = {"ttl": "text/turtle; charset=utf-8", "nt": "application/n-triples", "jsonld": "application/ld+json",
               "xml": "application/rdf+xml"}  # fmt: skip
FORMAT_NAMES = {  # the short names of the format/output parameter
    "json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "ttl", "ttl": "ttl", "n3": "ttl",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "jsonld": "jsonld", "rdf+xml": "xml",
    "rdfxml": "xml",
}  # fmt: skip


def accepted(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (by q, then as written)."""
    out = []
    for i, part in enumerate((header or "").split(",")):
        media, *params = [x.strip() for x in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            out.append((-q, i, media.lower()))
    return [m for _, _, m in sorted(out)]


def choose_format(kind: str, accept: list[str], named: str | None) -> tuple[str, str]:
    """(format key, response media type) for an answer of ``kind`` (SELECT, ASK or CONSTRUCT)."""
    table, media = (GRAPH_TYPES, GRAPH_MEDIA) if kind == "CONSTRUCT" else (ROW_TYPES, ROW_MEDIA)
    default = "ttl" if kind == "CONSTRUCT" else "json"
    if named and FORMAT_NAMES.get(named.lower()) in media:
        key = FORMAT_NAMES[named.lower()]
        return key, media[key]
    for media_type in accept:
        if media_type in table:
            return table[media_type], media[table[media_type]]
    return default, media[default]
