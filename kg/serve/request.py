"""Reading a SPARQL 1.1 Protocol request: the query and its parameters, from the URL or the body, in
the request's charset, and never more than ``MAX_REQUEST_BYTES`` of body, however it is sent."""

from __future__ import annotations

import codecs
from urllib.parse import parse_qsl

import anyio
from starlette.requests import Request

from .. import sparql

MAX_REQUEST_BYTES = 1_000_000  # a longer body is refused (413) as soon as the stream passes it
# text codecs whose decoders are written in Python and slow down more than linearly with their input
SLOW_CODECS = {"punycode", "idna"}


class RequestError(Exception):
    """A request the endpoint cannot read: ``status`` is the HTTP status, the message says what to send."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def content_type(header: str | None) -> tuple[str, str]:
    """(media type, charset) of a Content-Type header; the charset defaults to UTF-8."""
    media, *params = (header or "").split(";")
    charset = "utf-8"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            charset = value.strip().strip('"')
    return media.strip().lower(), charset


def decode(data: bytes, charset: str, what: str) -> str:
    """``data`` as text in ``charset``; raises RequestError 415 for a charset we do not read, 400 for
    bytes that are not text in it."""
    try:
        name = codecs.lookup(charset).name
        if name in SLOW_CODECS:
            raise LookupError(charset)
        return data.decode(name)
    except LookupError:  # unknown, or not a text encoding (base64, rot13 …)
        raise RequestError(415, f"charset {charset!r} of the {what} is not one this server reads: "
                                "send the query as UTF-8 (or e.g. charset=ISO-8859-1, UTF-16)") from None  # fmt: skip
    except UnicodeDecodeError as exc:
        raise RequestError(400, f"the {what} is not valid {charset}: byte {exc.object[exc.start]:#04x} at offset "
                                f"{exc.start} ({exc.reason}); send UTF-8, or declare its charset in the "
                                "Content-Type header") from None  # fmt: skip


def form_pairs(text: str, charset: str, what: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a URL-encoded form; %-escapes are bytes in ``charset``."""
    try:
        return parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
    except UnicodeDecodeError as exc:
        raise RequestError(400, f"the {what} holds %-escaped bytes that are not valid {charset} ({exc.reason} "
                                f"at offset {exc.start} of a value); encode the query as {charset}") from None  # fmt: skip


async def read_body(request: Request, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """The request body, refused as soon as it is over ``limit`` bytes: by its Content-Length before
    reading, or while it streams in (a chunked body has no length)."""
    too_long = RequestError(413, f"the request is over {limit:,} bytes; send a shorter query")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_long
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_long
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_body(body: bytes, media: str, charset: str) -> tuple[str | None, list[tuple[str, str]]]:
    """(the query of a direct POST, the pairs of a form POST)."""
    if media == "application/sparql-query":
        return decode(body, charset, "request body"), []
    return None, form_pairs(decode(body, charset, "form body"), charset, "form body")


async def query_of(request: Request) -> tuple[str | None, dict, list[tuple[str, str]]]:
    """The query text, the protocol parameters (last value of each) and every (name, value) pair
    (``default-graph-uri`` and ``named-graph-uri`` repeat).

    Raises RequestError (400 two queries or bad encoding, 413 too long, 415 unsupported content type
    or charset) or ``sparql.Refused`` for an update."""
    url = decode(request.scope.get("query_string", b""), "utf-8", "URL's query string")
    pairs = form_pairs(url, "utf-8", "URL's query string")
    query = None
    if request.method == "POST":
        media, charset = content_type(request.headers.get("content-type"))
        if media == "application/sparql-update":
            raise sparql.Refused("the graph is read-only here: SPARQL Update is refused")
        if media not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            raise RequestError(415, f"unsupported Content-Type {media or '(none)'}: send application/sparql-query "
                                    "or application/x-www-form-urlencoded with query=…")  # fmt: skip
        body = await read_body(request)
        if len(body) < 65_536:
            query, more = _parse_body(body, media, charset)
        else:  # up to a megabyte to decode and unescape: not in the event loop
            query, more = await anyio.to_thread.run_sync(_parse_body, body, media, charset)
        pairs += more
    names = [name for name, _ in pairs]
    if "update" in names:
        raise sparql.Refused("the graph is read-only here: SPARQL Update is refused")
    given = names.count("query") + (query is not None)
    if given > 1:
        raise RequestError(400, f"the request gives {given} queries (query parameters or a query body): "
                                "the SPARQL 1.1 Protocol takes exactly one; send one")  # fmt: skip
    params = dict(pairs)
    return query if query is not None else params.get("query"), params, pairs
