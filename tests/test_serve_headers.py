"""What `kg serve` answers to, and with which headers (issue 12, findings 2 and 7), against a real server.

* DNS rebinding: a page on a name of its own that resolves to 127.0.0.1 must not read the endpoint;
  the Host header gives it away. Only the bound address, loopback names with the port, and names given
  with ``--allow-host`` are answered. A page on another origin still reads it through the server's
  own name (CORS stays open: the endpoint is public and read-only).
* Every response carries ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that forbids
  framing; the page at ``/`` may run only its own script and style, and still works under it.
"""

from __future__ import annotations

import http.server
import socket
import threading
from contextlib import contextmanager

import pytest
import requests

from .conftest import DATA, offline_chromium
from .test_serve_protocol import Endpoint, read_response

ALLOWED = "kg.example.test"  # given with --allow-host, with any port
ALLOWED_WITH_PORT = "proxy.example.test:8443"  # given with its port: only that one
ASK = {"query": "ASK { ?s ?p ?o }"}
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def endpoint(seed_build):
    srv = Endpoint(DATA, seed_build, "--allow-host", ALLOWED, "--allow-host", ALLOWED_WITH_PORT)
    yield srv
    srv.stop()


def get(endpoint, path: str, host: str, **kwargs) -> requests.Response:
    return requests.get(endpoint.url + path, headers={"Host": host, **kwargs.pop("headers", {})}, timeout=10, **kwargs)


# finding 2: DNS rebinding ----------------------------------------------------------------------------------------
def test_a_request_for_another_host_is_refused(endpoint):
    port = endpoint.port
    foreign = [f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"localhost.evil.example:{port}",
               f"{ALLOWED}.evil.example", f"evil.example:{port}@127.0.0.1", "proxy.example.test", "proxy.example.test:80",
               f"localhost:{port + 1 if port < 65535 else port - 1}", "[::2]", ""]  # fmt: skip
    for host in foreign:
        for path, params in [("/", None), ("/sparql", ASK), ("/status.json", None), ("/queries.json", None), ("/static/app.js", None)]:
            response = get(endpoint, path, host, params=params, headers=JSON)
            assert response.status_code == 400, (host, path, response.status_code)
            assert "does not answer to the host" in response.text and "--allow-host" in response.text
            assert "boolean" not in response.text and "textarea" not in response.text
        form = requests.post(endpoint.sparql, data=ASK, headers={"Host": host, **JSON}, timeout=10)
        assert form.status_code == 400, host
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:  # HTTP/1.0 without any Host header
        sock.sendall(b"GET /status.json HTTP/1.0\r\n\r\n")
        assert read_response(sock).startswith("HTTP/1.1 400")


def test_the_servers_own_names_are_answered(endpoint):
    port = endpoint.port
    own = [f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}", "localhost", "127.0.0.1",
           ALLOWED, f"{ALLOWED}:{port}", f"{ALLOWED}:443", ALLOWED_WITH_PORT]  # fmt: skip
    for host in own:
        response = get(endpoint, "/sparql", host, params=ASK, headers=JSON)
        assert response.status_code == 200 and response.json()["boolean"] is True, (host, response.text)


def test_a_bad_allow_host_is_a_clear_error(seed_build):
    from .conftest import kg

    out = kg("serve", "--data", DATA, "--build-dir", seed_build, "--allow-host", "evil example/")
    assert out.exit_code == 2 and "--allow-host" in out.output and "not a host name" in out.output


@pytest.fixture(scope="module")
def browser():
    with offline_chromium(to_loopback="evil.test") as launched:
        yield launched


FETCH = """async (url) => {
  try {
    const response = await fetch(url, {headers: {Accept: "application/sparql-results+json"}});
    return response.status + " " + await response.text();
  } catch (err) { return "failed " + err; }
}"""


def test_a_rebound_name_cannot_read_the_endpoint_in_a_browser(endpoint, browser):
    """The attack itself: a script running in the origin http://evil.test:PORT, whose name now resolves to
    127.0.0.1, asks "its own" server for the graph. Before, it read the answer (same origin)."""
    with browser.new_context() as context:
        page = context.new_page()
        page.goto(f"http://evil.test:{endpoint.port}/")
        answer = page.evaluate(FETCH, "/sparql?query=" + requests.utils.quote("SELECT ?n WHERE { ?p schema:name ?n }"))
        assert answer.startswith("400 "), answer
        assert "Umar Khan" not in answer
        assert page.locator("textarea").count() == 0  # nor the query page: the server refused the name


@contextmanager
def other_origin(html: str):
    """A page on another origin (127.0.0.1, another port), served by a plain HTTP server."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_cross_origin_page_still_reads_the_endpoint_by_its_name(endpoint, browser):
    with other_origin("<!DOCTYPE html><title>another site</title><p>hello</p>") as url, browser.new_context() as context:
        page = context.new_page()
        page.goto(url)
        answer = page.evaluate(FETCH, endpoint.sparql + "?query=" + requests.utils.quote("ASK { ?s ?p ?o }"))
        assert answer.startswith("200 ") and '"boolean": true' in answer, answer


# finding 7: headers ------------------------------------------------------------------------------------------------
def test_every_response_says_nosniff_and_forbids_framing(endpoint):
    responses = {
        "page": requests.get(endpoint.url + "/", timeout=10),
        "answer": requests.get(endpoint.sparql, params=ASK, timeout=10),
        "syntax error": requests.get(endpoint.sparql, params={"query": "SELEC"}, timeout=10),
        "refused": requests.get(endpoint.sparql, params={"query": "DROP ALL"}, timeout=10),
        "too long": requests.post(endpoint.sparql, data=b"#" * 1_000_001, headers={"Content-Type": "application/sparql-query"}, timeout=10),
        "wrong type": requests.post(endpoint.sparql, data=b"x", headers={"Content-Type": "text/plain"}, timeout=10),
        "status": requests.get(endpoint.url + "/status.json", timeout=10),
        "queries": requests.get(endpoint.url + "/queries.json", timeout=10),
        "script": requests.get(endpoint.url + "/static/app.js", timeout=10),
        "style": requests.get(endpoint.url + "/static/style.css", timeout=10),
        "missing": requests.get(endpoint.url + "/nothing-here", timeout=10),
        "foreign host": get(endpoint, "/", "evil.example"),
        "preflight": requests.options(endpoint.sparql, timeout=10, headers={
            "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type"}),  # fmt: skip
    }
    assert responses["answer"].status_code == 200 and responses["too long"].status_code == 413
    for name, response in responses.items():
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", ""), name
        assert response.headers.get("X-Frame-Options") == "DENY", name
    page_policy = responses["page"].headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"):
        assert directive in page_policy
    assert "unsafe-inline" not in page_policy and "unsafe-eval" not in page_policy
    assert responses["preflight"].headers["access-control-allow-origin"] == "*"


def test_the_page_works_under_its_policy_and_cannot_be_framed(endpoint, browser):
    """No inline script or style is needed (the policy would block it: Chromium reports each violation),
    and a page on another origin that frames the query page gets nothing."""
    violations = []
    framing = f'<!DOCTYPE html><title>framing</title><iframe id="f" src="{endpoint.url}/" width="800" height="600"></iframe>'
    with other_origin(framing) as url, browser.new_context() as context:
        page = context.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(endpoint.url + "/")
        page.get_by_role("button", name="People of an organization").click()
        page.wait_for_selector("#results td:has-text('Sevim Saadat')", timeout=15_000)
        assert page.evaluate("getComputedStyle(document.querySelector('#named button')).cursor") == "pointer"  # style.css applied
        assert violations == []
        with page.expect_console_message(lambda m: "frame-ancestors" in m.text, timeout=15_000):
            page.goto(url)
        framed = [f for f in page.frames if f is not page.main_frame]
        assert framed, "the iframe is there"
        assert all(f.query_selector("#query") is None for f in framed)  # Chromium shows its error page instead
        assert any("frame-ancestors" in v for v in violations), violations
