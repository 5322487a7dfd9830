"""Writing the graph out in the standard RDF formats, provenance included.

Triple formats (Turtle, N-Triples) hold the union of the readable graphs; quad formats (N-Quads,
TriG, JSON-LD) keep each fact in the named graph of its source. Output is sorted, so the same graph
always gives the same bytes, and a file is written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pyoxigraph as ox

from . import formats
from .store import Store
from .vocab import PREFIXES, data_prefixes

FORMATS = {f.name: (f.rdf, f.datasets) for f in formats.REGISTRY if f.kind == formats.GRAPH and f.export}  # name -> (format, keeps graphs)


def _key(term) -> tuple:
    return (type(term).__name__, str(term))


def serialize(store: Store, fmt: str) -> bytes:
    rdf_format, keeps_graphs = FORMATS[fmt]
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} | {"id": store.base}
    if keeps_graphs:
        quads = sorted(store.quads(), key=lambda q: (_key(q.graph_name), _key(q.subject), _key(q.predicate), _key(q.object)))
        kwargs = {"prefixes": prefixes} if fmt == "trig" else {}
        return ox.serialize(quads, format=rdf_format, **kwargs)
    triples = sorted({q.triple for q in store.quads()}, key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object)))
    kwargs = {"prefixes": prefixes | data_prefixes(store.base)} if fmt == "ttl" else {}
    return ox.serialize(triples, format=rdf_format, **kwargs)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def export(store: Store, fmt: str, output: Path | None = None) -> int:
    """Serialize the readable graph; returns the number of bytes written."""
    data = serialize(store, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
    return len(data)
