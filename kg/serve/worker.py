"""A query worker process: opens the live store read-only and answers one job at a time."""

from __future__ import annotations

import functools
import multiprocessing

from .. import sparql
from .media import choose_format
from .settings import Settings


def _ox_json(term) -> dict | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


@functools.lru_cache(maxsize=256)
def inspect_cached(query: str) -> bool:
    """``kg.sparql.inspect`` remembered per worker (it may parse with rdflib, which is slow)."""
    return sparql.inspect(query)


def answer_query(store, job: dict, max_rows: int) -> tuple[int, str, bytes, dict]:
    """Run one request's query on an opened ``OxigraphStore``: (status, media type, body, headers).

    All per-query work happens here, in the worker and under its time limit, never in the web server:
    the project's prefixes are added, the query is inspected, then run with the data's base IRI (so
    ``<s>`` means ``{base}s``) over its dataset, which is, as the SPARQL 1.1 Protocol says, the
    protocol's ``default-graph-uri``/``named-graph-uri`` when the request gives them (over any
    ``FROM`` in the query), else the query's own ``FROM``/``FROM NAMED``, else the union of the graphs.
    The store holds only the graphs readable at its level: a graph named above it is simply empty."""
    import pyoxigraph as ox

    query = sparql.with_prefixes(job["query"])
    try:  # a long query is not remembered: 256 of a megabyte each would hold a quarter of a GiB
        ordered = inspect_cached(query) if len(query) < 20_000 else sparql.inspect(query)
    except sparql.Refused as exc:
        return 403, "text/plain; charset=utf-8", f"{exc}\n".encode(), {}
    try:
        if job["default_graphs"] or job["named_graphs"]:
            readable = set(store.graphs())
            default = [ox.NamedNode(g) for g in job["default_graphs"] if g in readable]
            named = [ox.NamedNode(g) for g in job["named_graphs"] if g in readable]
            result = store.inner.query(query, base_iri=store.base, default_graph=default or [ox.DefaultGraph()],
                                       named_graphs=named)  # fmt: skip
        elif sparql.has_dataset_clause(query):
            result = store.inner.query(query, base_iri=store.base)
        else:
            result = store.raw_query(query, base_iri=store.base)
    except SyntaxError as exc:
        return 400, "text/plain; charset=utf-8", f"the query is not valid SPARQL: {exc}\n".encode(), {}
    headers = {}
    if isinstance(result, ox.QueryBoolean):
        key, media = choose_format("ASK", job["accept"], job["format"])
        return 200, media, sparql.format_boolean(bool(result), key).encode(), headers
    items = []
    for item in result:
        if len(items) == max_rows:
            headers = {"X-KG-Truncated": "true", "X-KG-Row-Limit": str(max_rows)}
            break
        items.append(item)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [[_ox_json(row[i]) for i in range(len(variables))] for row in items]
        if not ordered:
            rows = sparql.sort_rows(rows)
        key, media = choose_format("SELECT", job["accept"], job["format"])
        return 200, media, sparql.format_select(variables, rows, key, store.base).encode(), headers
    key, media = choose_format("CONSTRUCT", job["accept"], job["format"])
    return 200, media, sparql.format_graph(items, key, store.base), headers


def _worker_main(conn, base: str, level: str, max_rows: int) -> None:
    """A worker: open the live store read-only, answer jobs from ``conn`` until it closes."""
    from ..store import OxigraphStore

    store, path = None, None
    sparql._parse("SELECT * WHERE { ?s ?p ?o }")  # builds rdflib's grammar before the first request
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if job["store"] != path:
                store, path = OxigraphStore.open(job["store"], base, level), job["store"]
            reply = answer_query(store, job, max_rows)
        except Exception as exc:  # noqa: BLE001 - a worker answers every job
            reply = (500, "text/plain; charset=utf-8", f"the query failed: {type(exc).__name__}: {exc}\n".encode(), {})
        conn.send(reply)


@functools.lru_cache(maxsize=1)
def _worker_context():
    """Workers come from a fork server started once with kg already imported: a new worker (one
    killed at the time limit is replaced) then costs a fork, not a fresh interpreter importing
    everything; and the threaded web server itself is never forked."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.serve.worker", "kg.store", "pyoxigraph"])
    return context


class Worker:
    def __init__(self, settings: Settings):
        context = _worker_context()
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, settings.base, settings.level, settings.max_rows),
                                       daemon=True, name="kg-serve-worker")  # fmt: skip
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float = 60) -> bool:
        return self.conn.poll(seconds) and self.conn.recv() == "ready"

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()
