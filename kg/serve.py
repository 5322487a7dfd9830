"""``kg serve``: the graph as a read-only SPARQL 1.1 Protocol endpoint, with a query page.

* ``/sparql`` — GET ``?query=…``, POST ``application/x-www-form-urlencoded`` (``query=…``) or POST
  ``application/sparql-query`` (the query as the body). Results by content negotiation (``Accept``,
  or a ``format``/``output`` parameter as SPARQLWrapper sends): SPARQL JSON (default), XML, CSV, TSV;
  graphs as Turtle (default), N-Triples, JSON-LD, RDF/XML.
* ``/`` — a page to type and run a query and see a table; ``/queries.json`` — the named queries;
  ``/status.json`` — the live store, limits, worker process ids and how many queries were stopped;
  ``/static/…`` — the page's own script and style (nothing comes from the network).

Read-only: updates, ``LOAD`` and ``SERVICE`` are refused (403) after reading the query
(``kg.sparql.inspect``, in the worker, under the time limit); the store is opened read-only anyway.
``default-graph-uri``/``named-graph-uri`` choose among the graphs readable at the server's level.
Each query runs in a worker process under a time limit: pyoxigraph cannot interrupt a query in its thread, so a worker that runs
over is killed and replaced, and the query is really stopped. Responses carry at most ``max_rows``
rows (or triples); a cut-off response says so in the ``X-KG-Truncated`` header.

The served graph follows rebuilds: each request reads ``build/store/CURRENT`` and a worker reopens the
store when the live generation changed. The server itself builds only on start (``kg serve`` does).
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import sparql

STATIC = Path(__file__).parent / "static"
MAX_REQUEST_BYTES = 1_000_000  # a query longer than this is refused (413) before it is read

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


@dataclass
class Settings:
    build_dir: Path
    base: str
    level: str = "public"
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue_timeout: float = 30.0  # how long a request may wait for a free worker


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


# the worker processes ---------------------------------------------------------------------------------------
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
    """Run one request's query on an opened ``OxigraphStore``: (status, media type, body, headers)."""
    import pyoxigraph as ox

    try:
        ordered = inspect_cached(job["query"])
    except sparql.Refused as exc:
        return 403, "text/plain; charset=utf-8", f"{exc}\n".encode(), {}
    try:
        if job["default_graphs"] or job["named_graphs"]:
            # the protocol's dataset, but only of graphs readable at this level: others are simply empty
            readable = set(store.graphs())
            default = [ox.NamedNode(g) for g in job["default_graphs"] if g in readable]
            named = [ox.NamedNode(g) for g in job["named_graphs"] if g in readable]
            result = store.inner.query(job["query"], default_graph=default or [ox.DefaultGraph()], named_graphs=named)
        else:
            result = store.raw_query(job["query"])
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
    from .store import OxigraphStore

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
    context.set_forkserver_preload(["kg.serve", "kg.store", "pyoxigraph"])
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


def _lower_priority(worker: Worker) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, 19)
        worker.lowered = True
    except OSError:  # the worker just ended: nothing to lower
        pass


class Stopped(Exception):
    """The query ran past the time limit and its worker was killed."""


class Crashed(Exception):
    """The worker process died while answering (it is replaced)."""


class Busy(Exception):
    """No worker came free within the time limit."""


class Pool:
    """Worker processes; a query waits for a free one, and a worker that runs over time is replaced.

    A long query must not starve the short ones on a small machine. When a query has run for
    ``SLOW_SECONDS``, its worker is lowered to the least CPU priority (nice 19) and a warm spare
    worker joins the idle ones (up to four times the configured number), so short queries keep both
    a free worker and the CPU. A lowered worker is retired when its query ends or is stopped, and
    the spare replaces it at once, without waiting for a new process to start."""

    SLOW_SECONDS = 0.3

    def __init__(self, settings: Settings):
        self.settings = settings
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.spares: asyncio.Queue[Worker] = asyncio.Queue()
        self.all: set[Worker] = set()
        self.spares_starting = 0
        self.stopped_queries = 0

    async def start(self) -> None:
        await asyncio.gather(*(self._add(self.idle) for _ in range(self.settings.workers)), self._add(self.spares))

    async def _add(self, queue: "asyncio.Queue[Worker]") -> None:
        spare = queue is self.spares
        self.spares_starting += spare
        try:
            worker = await anyio.to_thread.run_sync(Worker, self.settings)
        finally:
            self.spares_starting -= spare
        worker.spare = spare
        self.all.add(worker)
        if await anyio.to_thread.run_sync(worker.wait_ready):
            await queue.put(worker)
        else:  # pragma: no cover - a worker that cannot even start
            self.all.discard(worker)
            worker.stop()

    def serving(self) -> list[Worker]:
        """The workers that answer queries (busy or idle), not the warm spare."""
        return [w for w in self.all if not w.spare]

    async def run(self, job: dict) -> tuple:
        """The worker's reply (status, media type, body, headers); raises Busy, Stopped or Crashed."""
        try:
            worker = await asyncio.wait_for(self.idle.get(), timeout=self.settings.queue_timeout)
        except asyncio.TimeoutError:
            raise Busy() from None
        reply, failure = None, Stopped
        try:
            worker.conn.send(job)
            first = min(self.SLOW_SECONDS, self.settings.timeout)
            done = await anyio.to_thread.run_sync(worker.conn.poll, first)
            if not done:  # a long query: lower it, and let the spare serve the others meanwhile
                _lower_priority(worker)
                self._lend_spare()
                done = await anyio.to_thread.run_sync(worker.conn.poll, self.settings.timeout - first)
            if done:
                reply = worker.conn.recv()
        except (EOFError, OSError):
            failure = Crashed
        finally:  # also when the request is cancelled: never lose a worker, never leave one running
            if reply is not None and not getattr(worker, "lowered", False):
                self._release(worker)
            else:
                self._replace(worker, stopped=reply is None and failure is Stopped)
        if reply is None:
            raise failure()
        return reply

    def _keep_a_spare(self) -> None:
        if self.spares.empty() and not self.spares_starting:
            asyncio.get_running_loop().create_task(self._add(self.spares))

    def _lend_spare(self) -> None:
        if self.spares.empty() or len(self.serving()) >= 4 * self.settings.workers:
            return
        spare = self.spares.get_nowait()
        spare.spare = False
        self.idle.put_nowait(spare)
        self._keep_a_spare()

    def _release(self, worker: Worker) -> None:
        """A worker that answered goes back to the idle ones, or away if the pool had grown."""
        if len(self.serving()) > self.settings.workers:
            self.all.discard(worker)
            worker.stop()
        else:
            self.idle.put_nowait(worker)

    def _replace(self, worker: Worker, stopped: bool) -> None:
        self.stopped_queries += stopped
        self.all.discard(worker)
        worker.stop()  # SIGKILL: the query inside pyoxigraph cannot be interrupted any other way
        if len(self.serving()) < self.settings.workers:
            if not self.spares.empty():
                spare = self.spares.get_nowait()
                spare.spare = False
                self.idle.put_nowait(spare)
            else:
                asyncio.get_running_loop().create_task(self._add(self.idle))
        self._keep_a_spare()

    def close(self) -> None:
        for worker in list(self.all):
            worker.stop()
        self.all.clear()


# the web application ----------------------------------------------------------------------------------------
def _text(status: int, message: str, **headers) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


async def _query_of(request: Request) -> tuple[str | None, dict, list[tuple[str, str]]]:
    """The query text, the protocol parameters (last value of each) and every (name, value) pair
    (``default-graph-uri`` and ``named-graph-uri`` repeat); raises Refused for an update."""
    pairs = list(request.query_params.multi_items())
    query = None
    if request.method == "POST":
        if int(request.headers.get("content-length") or 0) > MAX_REQUEST_BYTES:
            raise OverflowError(f"the request is over {MAX_REQUEST_BYTES:,} bytes; send a shorter query")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-query":
            query = (await request.body()).decode("utf-8", "replace")
        elif content_type == "application/sparql-update":
            raise sparql.Refused("the graph is read-only here: SPARQL Update is refused")
        elif content_type == "application/x-www-form-urlencoded":
            body = (await request.body()).decode("utf-8", "replace")
            pairs += parse_qsl(body, keep_blank_values=True)
        else:
            raise ValueError(f"unsupported Content-Type {content_type or '(none)'}: send application/sparql-query "
                             "or application/x-www-form-urlencoded with query=…")  # fmt: skip
    params = dict(pairs)
    if "update" in params:
        raise sparql.Refused("the graph is read-only here: SPARQL Update is refused")
    return query if query is not None else params.get("query"), params, pairs


def create_app(settings: Settings) -> Starlette:
    """The Starlette application (the pool of workers starts with the app's lifespan)."""
    from contextlib import asynccontextmanager

    from .bindings import with_values
    from .project import current_generation

    state: dict = {}

    @asynccontextmanager
    async def lifespan(app):
        pool = Pool(settings)
        await pool.start()
        state["pool"] = pool
        try:
            yield
        finally:
            pool.close()

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        try:
            query, params, pairs = await _query_of(request)
        except sparql.Refused as exc:
            return _text(403, str(exc))
        except ValueError as exc:
            return _text(415, str(exc))
        except OverflowError as exc:
            return _text(413, str(exc))
        if not query or not query.strip():
            return _text(400, "give a query: GET /sparql?query=… or POST it (form field query, or application/sparql-query). "
                              "Open / for a page to type one.")  # fmt: skip
        query = sparql.with_prefixes(query)  # checked in the worker: parsing is slow, and is timed there too
        live = current_generation(settings.build_dir)
        if live is None:
            return _text(503, f"no graph is built in {settings.build_dir}: run `kg build`", **{"Retry-After": "5"})
        job = {"query": query, "accept": accepted(request.headers.get("accept")),
               "format": params.get("format") or params.get("output"), "store": str(live),
               "default_graphs": [v for k, v in pairs if k == "default-graph-uri"],
               "named_graphs": [v for k, v in pairs if k == "named-graph-uri"]}  # fmt: skip
        try:
            status, media, body, headers = await state["pool"].run(job)
        except Stopped:
            return _text(503, f"the query was stopped after the time limit of {settings.timeout:g} s; "
                              "narrow it (LIMIT, more specific patterns) and try again", **{"X-KG-Stopped": "time-limit"})  # fmt: skip
        except Crashed:
            return _text(500, "the query's worker process died while answering; it was replaced. Try again.")
        except Busy:
            return _text(503, f"every query worker stayed busy for {settings.queue_timeout:g} s; try again shortly",
                         **{"Retry-After": "1"})  # fmt: skip
        headers = dict(headers) | {"X-KG-Seconds": f"{time.perf_counter() - started:.3f}", "Cache-Control": "no-store"}
        return Response(body, status_code=status, media_type=media, headers=headers)

    async def status(request: Request) -> Response:
        pool = state["pool"]
        live = current_generation(settings.build_dir)
        return JSONResponse({"store": live.name if live else None, "level": settings.level,
                             "timeout_seconds": settings.timeout, "max_rows": settings.max_rows,
                             "workers": sorted(w.process.pid for w in pool.serving()), "idle_workers": pool.idle.qsize(),
                             "spare_workers": pool.spares.qsize(),
                             "stopped_queries": pool.stopped_queries})  # fmt: skip

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def queries(request: Request) -> Response:
        out = []
        for q in sparql.named_queries():
            try:
                bound = sparql.bindings_for(q, {}, settings.base)
                text = with_values(q.text, bound) if bound else q.text
            except (sparql.QueryError, ValueError):
                text = q.text
            out.append({"name": q.name, "title": q.title, "description": q.description, "query": text,
                        "params": [p.__dict__ for p in q.params]})  # fmt: skip
        return JSONResponse(out)

    routes = [
        Route("/", page),
        Route("/sparql", endpoint, methods=["GET", "POST"]),
        Route("/queries.json", queries),
        Route("/status.json", status),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    # any web page may read this public, read-only endpoint (as with YASGUI); nothing is writable
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"], expose_headers=["X-KG-Truncated", "X-KG-Row-Limit"])]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)


def run(settings: Settings, host: str = "127.0.0.1", port: int = 7878) -> None:
    """Serve until interrupted."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:  # say so plainly, before any worker starts, when the port is taken
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    print(f"kg serve: SPARQL endpoint http://{host}:{port}/sparql, query page http://{host}:{port}/ "
          f"(level {settings.level}, time limit {settings.timeout:g} s, at most {settings.max_rows:,} rows, "
          f"{settings.workers} workers); Ctrl-C stops", flush=True)  # fmt: skip
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
