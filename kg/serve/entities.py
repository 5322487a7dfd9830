"""The data's own IRIs, answered as Linked Data: ``{base path}{kind}/{id}`` (``/id/person/john-collins``
for the default base) is the entity's page for a browser (``Accept: text/html``), and its triples as
Turtle, N-Triples, JSON-LD or RDF/XML by ``Accept`` (Turtle when nothing is asked). ``{base path}``
alone is the index, and with ``?q=`` the search by name or alias.

Every query runs in the worker pool, as for ``/sparql``, at the server's level; the page is made by
``kg.entity_page`` from the answers (as ``kg export --html`` does). An entity that the level does not
read gets the same 404 as one that never existed: the store holds nothing of it, so the two cannot
be told apart by anything but time.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from .. import entity_page as ep
from .media import GRAPH_MEDIA, GRAPH_TYPES, accepted

HTML = "text/html; charset=utf-8"
SELECT_JSON = ["application/sparql-results+json"]
MAX_QUERY_TEXT = 200  # characters of a search; longer is cut (nobody's name is longer)


def base_path(base: str) -> str:
    """The path of the data's base IRI, where its IRIs are answered: ``/id/`` for ``https://kg.example.org/id/``."""
    path = urlsplit(base).path or "/"
    return path if path.endswith("/") else path + "/"


def index_path(base: str) -> str:
    """The index page: the base path itself, unless that is ``/`` (the query page)."""
    path = base_path(base)
    return path if path != "/" else "/entities/"


def wanted(header: str | None) -> str:
    """"html", or the graph format key (ttl, nt, jsonld, xml) an Accept header asks for first."""
    for media in accepted(header):
        if media in ("text/html", "application/xhtml+xml"):
            return "html"
        if media in GRAPH_TYPES:
            return GRAPH_TYPES[media]
    return "ttl"


def not_found(request: Request) -> Response:
    """One answer for every address that holds no entity at this level, whatever the reason."""
    return PlainTextResponse("nothing is published at this address; find people, organizations and events by name "
                             "at the index\n",
                             status_code=404, headers={"Cache-Control": "no-store", "Vary": "Accept"})  # fmt: skip


class Pages:
    """The handlers; ``ask(request, query, accept)`` runs one query in the pool and returns the worker's
    reply (status, media type, body, headers), or raises ``Failed`` holding the response to send."""

    def __init__(self, base: str, ask):
        self.base = base
        self.ask = ask
        self.prefix = base_path(base)
        self.index = index_path(base)

    def paths(self) -> tuple[str, ...]:
        """The paths (prefixes) of the pages: the index and each kind's folder."""
        return (self.index, *(f"{self.prefix}{kind}/" for kind in ep.KINDS))

    def href(self, iri: str) -> str | None:
        """The server's own address of an entity's page (its IRI's path)."""
        where = ep.split_iri(iri, self.base)
        return f"{self.prefix}{where[0]}/{where[1]}" if where else None

    async def select(self, request: Request, query: str) -> tuple[list[dict], bool]:
        status, media, body, headers = await self.ask(request, query, SELECT_JSON)
        if status != 200:
            raise Failed(Response(body, status_code=status, media_type=media))
        return ep.rows_of(json.loads(body)), headers.get("X-KG-Truncated") == "true"

    async def entity(self, request: Request) -> Response:
        iri = ep.entity_iri(self.base, request.path_params["kind"], request.path_params["ident"])
        if iri is None:
            return not_found(request)
        try:
            properties, _ = await self.select(request, ep.about(ep.PROPERTIES, iri))
            if not properties:
                return not_found(request)
            fmt = wanted(request.headers.get("accept"))
            if fmt != "html":
                status, media, body, headers = await self.ask(request, ep.about(ep.GRAPH, iri),
                                                              [k for k, v in GRAPH_TYPES.items() if v == fmt][:1])  # fmt: skip
                return Response(body, status_code=status, media_type=media if status != 200 else GRAPH_MEDIA[fmt],
                                headers={**headers, "Vary": "Accept", "Cache-Control": "no-store"})  # fmt: skip
            facts, _ = await self.select(request, ep.facts_query(iri))
            linked, _ = await self.select(request, ep.about(ep.LINKED_FROM, iri))
            network, _ = await self.select(request, ep.about(ep.NETWORK, iri))
            events, _ = await self.select(request, ep.about(ep.EVENTS, iri))
            quoted = (await self.select(request, ep.about(ep.QUOTED, iri)))[0] if iri.startswith(f"{self.base}source/") else []
        except Failed as failed:
            return failed.response
        page = ep.entity_html(iri, self.base, properties, facts, linked, network, self.href, "/static/", self.index,
                              events, quoted)  # fmt: skip
        return Response(page, media_type=HTML, headers={"Vary": "Accept", "Cache-Control": "no-store"})

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()[:MAX_QUERY_TEXT]
        try:
            rows, truncated = await self.select(request, ep.bound(ep.SEARCH, q))
        except Failed as failed:
            return failed.response
        page = ep.index_html(rows, self.base, self.href, "/static/", self.index, q, truncated)
        return Response(page, media_type=HTML, headers={"Cache-Control": "no-store"})


class Failed(Exception):
    """A query of a page could not be answered: ``response`` says why (as /sparql would)."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response
