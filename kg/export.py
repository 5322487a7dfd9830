"""Writing the graph out in the standard RDF formats, provenance included.

Triple formats (Turtle, N-Triples) hold the union of the readable graphs; quad formats (N-Quads,
TriG, JSON-LD) keep each fact in the named graph of its source. Output is sorted, so the same graph
always gives the same bytes, and a file is written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from . import formats
from . import store as store_module
from .store import OxigraphStore, Store
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
    kwargs = {"prefixes": prefixes | data_prefixes(store.base)} if fmt == "ttl" else {}
    if isinstance(store, OxigraphStore):
        with tempfile.TemporaryDirectory(prefix="kg-export-") as tmp:
            lines = Path(tmp) / "sorted.nt"
            if _write_sorted_lines(store, lines):  # the same triples in the same order, no Python object per triple
                return ox.serialize(ox.parse(path=str(lines), format=ox.RdfFormat.N_TRIPLES), format=rdf_format, **kwargs)
    triples = sorted({q.triple for q in store.quads()}, key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object)))
    return ox.serialize(triples, format=rdf_format, **kwargs)


def _write_sorted_lines(store: OxigraphStore, path: Path) -> bool:
    """Write the union of the store's graphs to ``path`` as N-Triples, one line a triple, in the order
    of ``_key`` (term kind, then its N-Triples text, which is ``str(term)``); False (nothing written)
    when the store holds triple terms.

    pyoxigraph writes the lines itself, into a file (no second copy of them in memory), about a third
    less time and far less memory than a ``Quad`` object per quad and a sort key of six strings. Sorted
    as bytes, two lines compare as their keys do: UTF-8 keeps code point order, a term ends where the
    other's would go on with a character above the space (N-Triples escapes everything below it), and
    only the kinds' first characters need remapping (``_line_key``).

    The lines come from the N-Quads the build loaded the store from, when its generation keeps them
    (``kg.generations.kept_quads``), in the terms the store gives back (``_lines_from_build``), without
    decoding each of them from the store again. Otherwise they are read from the store."""
    lines = _lines_from_build(store)
    if lines is None:
        lines = _lines_from_store(store, path)
    if lines is None:
        return False
    lines.sort(key=_line_key)
    unique = (line for line, _ in itertools.groupby(lines))  # equal lines are neighbours now
    with open(path, "wb") as handle:
        while chunk := list(itertools.islice(unique, 50_000)):  # never the whole text joined at once
            handle.write(b"\n".join(chunk) + b"\n")
    return True


_XSD_LITERAL = b'"^^<http://www.w3.org/2001/XMLSchema#'


def _lines_from_build(store: OxigraphStore, chunk: int = 100_000) -> list[bytes] | None:
    """The N-Triples lines of every quad in the kept N-Quads files of the store's generation, as the
    store writes them; None when the generation does not keep them or they hold a triple term (see
    ``_lines_from_store``).

    The store keeps an XSD literal by its value and writes it back in its canonical form (a metric
    written back as ``"0.0"^^xsd:double`` comes out as ``"0"``): the lines with one go through an
    in-memory store of the same engine (``_as_stored``); the others are the file's, graph name cut off."""
    from .generations import kept_quads

    generation = getattr(store, "generation", None)
    paths = kept_quads(generation, store.level) if generation is not None else None
    if paths is None:
        return None
    lines, typed = [], []
    for path in paths:
        with open(path, "rb") as handle:
            while part := list(itertools.islice(handle, chunk)):  # never a whole file's bytes at once
                if any(b"<<" in line for line in part):
                    return None
                typed += [line for line in part if _XSD_LITERAL in line]
                lines += [_triple(line) for line in part if _XSD_LITERAL not in line]
    return lines + _as_stored(typed)


def _triple(line: bytes) -> bytes:
    """An N-Quads line (``<s> <p> <o> <g> .`` and its line end) as the N-Triples line ``<s> <p> <o> .``: its
    graph name, the last term, an IRI or a blank node, holds no space."""
    return line[: line.rindex(b" ", 0, -3)] + b" ."


def _as_stored(lines: list[bytes]) -> list[bytes]:
    """N-Quads lines as N-Triples lines in the terms an Oxigraph store gives back for them."""
    if not lines:
        return []
    store = ox.Store()  # in memory: the same term encoding as the store on disk
    store.extend(ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS))  # blank nodes keep their labels
    return [_triple(line) for line in store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)]


def _lines_from_store(store: OxigraphStore, path: Path) -> list[bytes] | None:
    """The N-Triples lines of every quad of the store, read from it (``_write_unsorted_lines``); None
    when a line holds a triple term (RDF 1.2), or only a literal holding "<<": the general path then."""
    lines = []
    for part in _write_unsorted_lines(store, path):
        text = part.read_bytes()
        part.unlink()
        if b"<<" in text:
            return None
        lines += text.splitlines()
        del text
    return lines


def _write_unsorted_lines(store: OxigraphStore, path: Path) -> list[Path]:
    """The store's triples as N-Triples lines in files beside ``path`` (a triple may be in several), written
    by two threads at once: the derived graphs (half of a large build's quads) and everything else.
    pyoxigraph releases the GIL while it reads the store and writes the lines (at 10,000 events 21 s for
    2 M lines: decoding each term from the store), so the two take both cores."""
    from . import derived, levels

    derived_graphs = " ".join(f"<{derived.graph_iri(store.base, level)}>" for level in levels.LEVEL_RANK)
    queries = {  # the default graph is read without the union: ``{ ?s ?p ?o }`` is then only its own triples
        "derived": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {derived_graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}",
        "stated": "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION "
                  f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({derived_graphs.replace(' ', ', ')})) }} }}",
    }  # fmt: skip
    parts = {name: path.with_name(f"{path.name}.{name}") for name in queries}
    errors = []

    def write(name: str) -> None:
        try:
            store.inner.query(queries[name]).serialize(output=str(parts[name]), format=ox.RdfFormat.N_TRIPLES)
        except BaseException as error:  # raised in the caller's thread below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(name,), name=f"kg-export-{name}") for name in queries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return list(parts.values())


def _line_key(line: bytes) -> bytes:
    # Kinds sort BlankNode < Literal < NamedNode; their first characters "_", '"', "<" do not.
    # Subjects are IRIs or blank nodes, predicates IRIs: a blank subject becomes "\0", a blank object "!".
    if b"_:" not in line:
        return line
    subject, predicate, rest = line.split(b" ", 2)
    if subject.startswith(b"_:"):
        subject = b"\0" + subject[1:]
    if rest.startswith(b"_:"):
        rest = b"!" + rest[1:]
    return b" ".join((subject, predicate, rest))


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


def start_writing(store: Store, fmt: str, path: Path):
    """Begin writing ``serialize(store, fmt)`` to ``path`` (atomically) in a process of its own, reading
    the same build read-only and at a lower priority (``kg.store.lower_priority``), so that it fills the time the
    caller's other work (``kg run``'s metrics and page) leaves idle on two cores.
    Returns a ``concurrent.futures.Future`` (its ``result()`` re-raises the writer's error), or None when
    the store is not an on-disk build, the build is small or there is one core: then write it yourself.

    Examples
    --------
    >>> pending = start_writing(store, "ttl", Path("build/outputs/graph.ttl"))  # doctest: +SKIP
    >>> ...  # other work                                                      # doctest: +SKIP
    >>> pending.result() if pending else write_atomic(path, serialize(store, "ttl"))  # doctest: +SKIP
    """
    generation = getattr(store, "generation", None)
    if not store_module.worth_a_process(generation):
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),  # spawn: no forked store handles
                               initializer=store_module.lower_priority)  # fmt: skip
    try:
        return pool.submit(_write_in_process, str(generation), store.base, store.level, fmt, str(path))
    finally:
        pool.shutdown(wait=False)  # the process ends when its one job is done


def _write_in_process(generation: str, base: str, level: str, fmt: str, path: str) -> None:
    from .store import OxigraphStore

    store = OxigraphStore.open(generation, base, level)
    try:
        write_atomic(Path(path), serialize(store, fmt))
    finally:
        store.close()
