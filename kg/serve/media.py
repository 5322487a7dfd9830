"""Content negotiation for the endpoint: the media types of SELECT/ASK and CONSTRUCT answers."""

from __future__ import annotations

from ..formats import DEFAULT, GRAPH, ROWS, served

# The tables of content negotiation, read from the one format registry (kg.formats).
ROW_TYPES = {media: f.name for f in served(ROWS) for media in f.accepts}  # media type -> format, SELECT and ASK
GRAPH_TYPES = {media: f.name for f in served(GRAPH) for media in f.accepts}  # for CONSTRUCT and DESCRIBE
ROW_MEDIA = {f.name: f.media_type for f in served(ROWS)}
GRAPH_MEDIA = {f.name: f.media_type for f in served(GRAPH)}
FORMAT_NAMES = {name: f.name for f in served(ROWS) + served(GRAPH) for name in (f.name, *f.aliases)}  # format parameter


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
    default = DEFAULT[GRAPH if kind == "CONSTRUCT" else ROWS]
    if named and FORMAT_NAMES.get(named.lower()) in media:
        key = FORMAT_NAMES[named.lower()]
        return key, media[key]
    for media_type in accept:
        if media_type in table:
            return table[media_type], media[table[media_type]]
    return default, media[default]
