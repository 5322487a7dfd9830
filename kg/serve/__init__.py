"""``kg serve``: the graph as a read-only SPARQL 1.1 Protocol endpoint, with a query page.

* ``/sparql`` — GET ``?query=…``, POST ``application/x-www-form-urlencoded`` (``query=…``) or POST
  ``application/sparql-query`` (the query as the body). Results by content negotiation (``Accept``,
  or a ``format``/``output`` parameter as SPARQLWrapper sends): SPARQL JSON (default), XML, CSV, TSV;
  graphs as Turtle (default), N-Triples, JSON-LD, RDF/XML.
* ``/id/person/…``, ``/id/org/…``, ``/id/event/…``, ``/id/source/…`` (the path of the data's base) — the
  data's IRIs as Linked Data: an HTML page per entity, or its triples by ``Accept``; ``/id/`` the
  index and search by name (``kg.serve.entities``, pages by ``kg.entity_page``).
* ``/`` — a page to type and run a query and see a table; ``/queries.json`` — the named queries;
  ``/status.json`` — the live store, limits, worker process ids and how many queries were stopped;
  ``/static/…`` — the page's own script and style (nothing comes from the network).

Read-only: updates, ``LOAD`` and ``SERVICE`` are refused (403) after reading the query
(``kg.sparql.inspect``, in the worker, under the time limit); the store is opened read-only anyway.
The dataset is ``default-graph-uri``/``named-graph-uri`` when given, else the query's ``FROM``/``FROM
NAMED``, else the union of the graphs, always among the graphs readable at the server's level; relative
IRIs resolve against the data's base (``kg.serve.worker.answer_query``). A request is read as the
protocol says (``kg.serve.request``): one query, in the request's charset, at most 1 MB of body
however it is sent. Only requests whose ``Host`` names this server are answered, and every response
carries ``nosniff`` and a Content-Security-Policy (``kg.serve.guards``).
Each query runs in a worker process under a time limit: pyoxigraph cannot interrupt a query in its thread, so a worker that runs
over is killed and replaced, and the query is really stopped. Responses carry at most ``max_rows``
rows (or triples); a cut-off response says so in the ``X-KG-Truncated`` header.

The served graph follows rebuilds: each request reads ``build/store/CURRENT`` and a worker reopens the
store when the live generation changed. The server itself builds only on start (``kg serve`` does).
"""

from __future__ import annotations

import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import sparql
from . import entities
from .media import accepted, choose_format  # noqa: F401 - part of the module's interface
from .guards import HostCheck, SecurityHeaders
from .pool import Busy, Crashed, Pool, Stopped, Unavailable
from .request import MAX_REQUEST_BYTES, RequestError, query_of  # noqa: F401 - MAX_REQUEST_BYTES: the interface
from .settings import Settings

STATIC = Path(__file__).parent.parent / "static"


def _text(status: int, message: str, **headers) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


def create_app(settings: Settings, host: str = "127.0.0.1", port: int = 7878) -> Starlette:
    """The Starlette application (the pool of workers starts with the app's lifespan); ``host`` and
    ``port`` are where it listens, which the Host check accepts (with ``settings.allowed_hosts``)."""
    from contextlib import asynccontextmanager

    from ..bindings import with_values
    from ..generations import current_generation, generation_name

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

    async def ask(request: Request, query: str, accept: list[str], params: dict | None = None, pairs=()) -> tuple:
        """Run one query in the pool: the worker's (status, media, body, headers); raises
        ``entities.Failed`` with the 503/500 to send when the pool could not answer."""
        live = current_generation(settings.build_dir)
        if live is None:
            raise entities.Failed(_text(503, f"no graph is built in {settings.build_dir}: run `kg build`", **{"Retry-After": "5"}))
        params = params or {}
        job = {"query": query, "accept": accept, "format": params.get("format") or params.get("output"), "store": str(live),
               "default_graphs": [v for k, v in pairs if k == "default-graph-uri"],
               "named_graphs": [v for k, v in pairs if k == "named-graph-uri"]}  # fmt: skip
        try:
            return await state["pool"].run(job, request.client.host if request.client else "-")
        except Unavailable as exc:  # over the memory limit, or stopped to keep short queries going: the pool says why
            raise entities.Failed(_text(503, str(exc), **exc.headers)) from None
        except Stopped:
            raise entities.Failed(_text(503, f"the query was stopped after the time limit of {settings.timeout:g} s; "
                                             "narrow it (LIMIT, more specific patterns) and try again",
                                        **{"X-KG-Stopped": "time-limit"})) from None  # fmt: skip
        except Crashed:
            raise entities.Failed(_text(500, "the query's worker process died while answering; it was replaced. Try again.")) from None
        except Busy:
            raise entities.Failed(_text(503, f"every query worker stayed busy for {settings.queue_timeout:g} s; try again shortly",
                                        **{"Retry-After": "1"})) from None  # fmt: skip

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        try:
            query, params, pairs = await query_of(request)
        except sparql.Refused as exc:
            return _text(403, str(exc))
        except RequestError as exc:
            return _text(exc.status, str(exc))
        if not query or not query.strip():
            return _text(400, "give a query: GET /sparql?query=… or POST it (form field query, or application/sparql-query). "
                              "Open / for a page to type one.")  # fmt: skip
        try:
            status, media, body, headers = await ask(request, query, accepted(request.headers.get("accept")), params, pairs)
        except entities.Failed as failed:
            return failed.response
        headers = dict(headers) | {"X-KG-Seconds": f"{time.perf_counter() - started:.3f}", "Cache-Control": "no-store"}
        return Response(body, status_code=status, media_type=media, headers=headers)

    async def status(request: Request) -> Response:
        pool = state["pool"]
        live = current_generation(settings.build_dir)
        name = generation_name(live, settings.level) if live else None  # this level's content only
        return JSONResponse({"store": name, "level": settings.level,
                             "timeout_seconds": settings.timeout, "max_rows": settings.max_rows,
                             "workers": sorted(w.process.pid for w in pool.serving()), "idle_workers": pool.idle.qsize(),
                             "spare_workers": pool.spares.qsize(),
                             "stopped_queries": pool.stopped_queries, **pool.describe()})  # fmt: skip

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

    pages = entities.Pages(settings.base, ask)
    routes = [
        Route("/", page),
        Route("/sparql", endpoint, methods=["GET", "POST"]),
        Route("/queries.json", queries),
        Route("/status.json", status),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        # the data's own IRIs, as Linked Data (kg.serve.entities); after the routes above, which they never shadow
        Route(pages.index, pages.search),
        Route(pages.prefix + "{kind}/{ident:path}", pages.entity),
    ]
    # any web page may read this public, read-only endpoint (as with YASGUI) through the server's own
    # names; a page that rebinds a name of its own to this address is refused by the Host check
    middleware = [Middleware(SecurityHeaders, pages=pages.paths()), Middleware(HostCheck, host=host, port=port, allowed=settings.allowed_hosts),
                  Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"], expose_headers=["X-KG-Truncated", "X-KG-Row-Limit"])]  # fmt: skip
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)


def run(settings: Settings, host: str = "127.0.0.1", port: int = 7878, announce=None) -> None:
    """Serve until interrupted; ``announce(message)`` is told where, once the port is known to be free."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:  # say so plainly, before any worker starts, when the port is taken
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    if announce:
        announce(f"kg serve: SPARQL endpoint http://{host}:{port}/sparql, query page http://{host}:{port}/, "
                 f"entity pages http://{host}:{port}{entities.index_path(settings.base)} "
                 f"(level {settings.level}, time limit {settings.timeout:g} s, at most {settings.max_rows:,} rows, "
                 f"{settings.workers} workers); Ctrl-C stops")  # fmt: skip
    uvicorn.run(create_app(settings, host, port), host=host, port=port, log_level="warning")
