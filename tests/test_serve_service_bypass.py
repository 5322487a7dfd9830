"""SERVICE must never leave the endpoint, however the query is written (issue 12, finding 1).

Each query below ran a real SERVICE call through the old keyword scan, whose blanking of comments and
strings disagreed with the engine's own tokenizer. A listener on another loopback port must receive
nothing, by GET, form POST and direct POST.
"""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from kg import sparql

from .test_serve import server  # noqa: F401 - the module's real `kg serve` fixture


class Listener:
    """A TCP listener on loopback that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


def bypasses(port: int) -> list[str]:
    target = f"<http://127.0.0.1:{port}/sparql>"
    return [
        f"SELECT * WHERE {{ # x\rSERVICE {target} {{ ?s ?p ?o }} }}",  # a comment ended by a carriage return
        f"PREFIX ex: <urn:x:> SELECT * WHERE {{ BIND(ex:a\\# AS ?x) SERVICE {target} {{ ?s ?p ?o }} }}",  # PN_LOCAL_ESC
        f'SELECT * WHERE {{ BIND("""a\\"""" AS ?x) SERVICE {target} {{ ?s ?p ?o }} }}',  # an escaped quote, long string
        f'SELECT * WHERE {{ BIND("a\\u005C" AS ?x) SERVICE {target} {{ ?s ?p ?o }} BIND("" AS ?y) }}',  # \u escape
        f"SELECT * WHERE {{ SERVICESILENT {target} {{ ?s ?p ?o }} }}",  # no space after the keyword
        f"SELECT * WHERE {{ SeRvIcE {target} {{ ?s ?p ?o }} }}",
    ]


@pytest.mark.parametrize("index", range(6))
def test_the_guard_refuses_every_spelling_of_service(index):
    with pytest.raises(sparql.Refused):
        sparql.inspect(bypasses(9)[index])


def test_no_request_reaches_another_port(server, listener):  # noqa: F811
    for query in bypasses(listener.port):
        answers = [
            requests.get(server.sparql, params={"query": query}, timeout=20),
            requests.post(server.sparql, data={"query": query}, timeout=20),
            requests.post(server.sparql, data=query.encode(), headers={"Content-Type": "application/sparql-query"},
                          timeout=20),
        ]
        assert [a.status_code for a in answers] == [403, 403, 403], query
    assert listener.connections == 0


def test_the_word_in_a_literal_still_answers(server):  # noqa: F811
    ok = requests.get(server.sparql, params={"query": 'SELECT ?x WHERE { BIND("public service" AS ?x) }'},
                      headers={"Accept": "text/csv"}, timeout=20)
    assert ok.status_code == 200 and ok.text.splitlines()[1] == "public service"
