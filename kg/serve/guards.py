"""What every response of ``kg serve`` passes through: the Host check (against DNS rebinding) and the
security headers.

DNS rebinding: a web page on ``evil.example`` points that name at 127.0.0.1, and its script then reads
the endpoint as its own origin, whatever CORS says. The browser still sends ``Host: evil.example``,
so a request is answered only when its Host names this server: the address it listens on, a loopback
name (127.0.0.1, localhost, [::1]) with its port, or a name given with ``kg serve --allow-host``.
CORS stays open (``*``): any page may read this public, read-only endpoint through its own names.
(Starlette's TrustedHostMiddleware compares names only, never the port, and answers a bare "Invalid
host header"; ours also checks the port of the server's own names and says how to allow a name.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(?P<port>\d{1,5}))?")

# the page: its script and style are files under /static; it only talks to its own server
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")  # fmt: skip
# the entity pages (kg.serve.entities): their own style and script, and a search form sent to themselves
ENTITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                 "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")  # fmt: skip
# everything else is data, never a document to run or frame
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


def host_name(text: str) -> str:
    """A host as a Host header names it: lower case, an IPv6 address in brackets (``::1`` → ``[::1]``).
    ``text`` may end with ``:PORT``. Raises ValueError for something that is not a host name."""
    text = text.strip().lower()
    if text.count(":") > 1 and not text.startswith("["):
        text = f"[{text}]"
    if not HOST.fullmatch(text):
        raise ValueError(f"{text!r} is not a host name: give a name or address, optionally with :PORT "
                         "(kg.example.org, kg.example.org:8443, 192.0.2.7, [2001:db8::7])")  # fmt: skip
    return text


class HostCheck:
    """ASGI middleware: a request whose Host header is not one of this server's names gets 400.

    ``host``/``port`` are where the server listens; their names (and the loopback ones) match with
    that port or none. An ``allowed`` name matches with any port (a proxy in front may use its own),
    unless it was given with one."""

    def __init__(self, app, host: str, port: int, allowed: Iterable[str] = ()):
        self.app = app
        self.port = port
        self.local = {host_name(host), *LOOPBACK}
        self.allowed = {host_name(name) for name in allowed}

    def accepts(self, header: str) -> bool:
        match = HOST.fullmatch(header.strip().lower())
        if not match:
            return False
        name, port = match.group("name"), match.group("port")
        if name in self.local and (port is None or not self.port or int(port) == self.port):
            return True
        return name in self.allowed or f"{name}:{port}" in self.allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        header = Headers(scope=scope).get("host", "")
        if self.accepts(header):
            return await self.app(scope, receive, send)
        port = f":{self.port}" if self.port else ""
        names = ", ".join(sorted(f"{n}{port}" for n in self.local) + sorted(self.allowed))
        given = repr(header) if header else "(no Host header was sent)"
        response = PlainTextResponse(
            f"this server does not answer to the host {given}; it answers to {names}. "
            "To reach it under another name (a proxy, a DNS name), start it with kg serve --allow-host NAME.\n",
            status_code=400)  # fmt: skip
        await response(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware: ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that forbids
    framing on every response; the page at ``/`` may run only its own script and style, and so may the
    entity pages (paths starting with one of ``pages``), whose search form may also submit to the server."""

    def __init__(self, app, pages: tuple[str, ...] = ()):
        self.app = app
        self.pages = tuple(pages)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        policy = PAGE_POLICY if path == "/" else ENTITY_POLICY if path.startswith(self.pages) and self.pages else DATA_POLICY

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Content-Security-Policy"] = policy
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
            await send(message)

        await self.app(scope, receive, send_with_headers)
