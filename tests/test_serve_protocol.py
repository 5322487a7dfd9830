"""The endpoint reads requests as the SPARQL 1.1 Protocol says, within its limits (issue 12, findings 5
and 6): against a real `kg serve`.

* the 1 MB limit holds on the stream: a chunked body has no length, and is refused (413) as soon as
  it passes the limit, not after it was read whole; per-query work (prefixing a query) runs in a
  worker, so `/status.json` stays fast while clients send megabyte queries;
* one query per request; relative IRIs resolve against the data's base; the request's charset is
  honoured and bytes that are not text in it are refused; FROM / FROM NAMED choose the dataset, among
  the graphs readable at the level, and the protocol's default-graph-uri / named-graph-uri win over them.
"""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time

import pytest
import requests

from .conftest import DATA, copy_data, kg
from .test_serve import Server

BASE = "https://kg.example.org/id/"
GRAPH = BASE + "graph/public/"
CSV = {"Accept": "text/csv"}


Endpoint = Server  # the module's name for a real `kg serve` with options


@pytest.fixture(scope="module")
def endpoint(seed_build):
    srv = Endpoint(DATA, seed_build)
    yield srv
    srv.stop()


def count(endpoint, query: str, params=()) -> int:
    response = requests.get(endpoint.sparql, params=[("query", query), *params], headers=CSV, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.text.splitlines()[1])


def value(response) -> str:
    assert response.status_code == 200, response.text
    return response.text.splitlines()[1]


# finding 5: the body limit on the stream, and nothing per query in the server process -----------------------
def open_chunked_post(endpoint, content_type: str = "application/sparql-query") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", endpoint.port), timeout=10)
    sock.sendall(f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.port}\r\nContent-Type: {content_type}\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n".encode())  # fmt: skip
    return sock


def send_chunks(sock: socket.socket, total: int, piece: bytes) -> None:
    sent = 0
    while sent < total:
        sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        sent += len(piece)


def read_response(sock: socket.socket, seconds: float = 10) -> str:
    """A whole HTTP response (head and a Content-Length body) as text."""
    sock.settimeout(seconds)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536) or b"\r\n\r\n"
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next((line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0))
    while len(body) < length:
        more = sock.recv(65536)
        if not more:
            break
        body += more
    return (head + b"\r\n\r\n" + body).decode("latin-1")


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(endpoint):
    """1.1 MB of a body that never ends: the server answers 413 without waiting for the rest."""
    for content_type, piece in [("application/sparql-query", b"#" * 65536),
                                ("application/x-www-form-urlencoded", b"query=ASK%7B%7D" + b"x" * 65521)]:  # fmt: skip
        with open_chunked_post(endpoint, content_type) as sock:
            send_chunks(sock, 1_100_000, piece)  # and no final empty chunk: the body is still open
            try:
                answer = read_response(sock)
            except TimeoutError:
                pytest.fail(f"no answer 10 s after 1.1 MB of an open chunked {content_type} body: it is being read whole")
        assert answer.startswith("HTTP/1.1 413"), answer
        assert "over 1,000,000 bytes" in answer


def test_large_chunked_bodies_are_refused(endpoint):
    """10 and 60 MB sent chunked (no Content-Length) were accepted; each is 413 now, and quickly."""
    for megabytes in (10, 60):
        started = time.monotonic()
        body = (b"ASK {} #" + b"x" * 65528 for _ in range(megabytes * 16))
        response = requests.post(endpoint.sparql, data=body, headers={"Content-Type": "application/sparql-query"}, timeout=60)
        assert response.status_code == 413, (megabytes, response.status_code, response.text[:200])
        assert time.monotonic() - started < 20
    fine = requests.post(endpoint.sparql, data=(c for c in [b"ASK ", b"{ ?s ?p ?o }"]), timeout=30,
                         headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})  # fmt: skip
    assert fine.status_code == 200 and fine.json()["boolean"] is True  # a small chunked body is still read


# with_prefixes on this text took 2.5 s in the server's event loop (330,000 empty strings to blank)
MEGABYTE_QUERY = ("ASK { VALUES ?x { " + '"" ' * 330_000 + "} }").encode()


def test_status_stays_fast_while_two_clients_send_megabyte_queries(endpoint):
    """Prefixing and checking a query are per-query work: they run in a worker (under its time limit),
    so the server process keeps answering. Before, each 1 MB query held the event loop for seconds."""
    assert len(MEGABYTE_QUERY) < 1_000_000
    stop = threading.Event()
    answers: list[int] = []

    def client(chunked: bool):
        while not stop.is_set():
            body = (MEGABYTE_QUERY[i : i + 65536] for i in range(0, len(MEGABYTE_QUERY), 65536)) if chunked else MEGABYTE_QUERY
            response = requests.post(endpoint.sparql, data=body, headers={"Content-Type": "application/sparql-query"}, timeout=60)
            answers.append(response.status_code)

    clients = [threading.Thread(target=client, args=(chunked,), daemon=True) for chunked in (False, True)]
    for thread in clients:
        thread.start()
    time.sleep(1.0)  # both are sending
    latencies = []
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            started = time.perf_counter()
            assert requests.get(endpoint.url + "/status.json", timeout=30).ok
            latencies.append(time.perf_counter() - started)
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in clients:
            thread.join(60)
    assert len(answers) >= 2, answers  # the megabyte queries were really sent and answered meanwhile
    assert set(answers) <= {200, 503}, answers  # answered, or stopped at the time limit in their worker
    stalled = sum(t for t in latencies if t > 0.25)  # the old server: 9.6 s (4 answers in 8 s, up to 4 s each)
    print(f"/status.json while two clients sent 1 MB queries: {len(latencies)} requests, median "
          f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, {stalled:.1f} s in "
          f"answers slower than 0.25 s; {len(answers)} big queries answered")  # fmt: skip
    # generous bounds: the machine is shared, and the pool's replacing of a worker stopped at the time limit
    # can hold the loop a few hundred ms under load; what they catch is seconds of a blocked event loop
    assert stalled < 4.0 and len(latencies) >= 20, latencies


# finding 6: the SPARQL 1.1 Protocol ---------------------------------------------------------------------------
def test_a_request_gives_exactly_one_query(endpoint):
    ask, count_all = "ASK { ?s ?p ?o }", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    requests_with_two = [
        lambda: requests.get(endpoint.sparql, params=[("query", ask), ("query", count_all)], timeout=10),
        lambda: requests.post(endpoint.sparql, data=[("query", ask), ("query", count_all)], timeout=10),
        lambda: requests.post(endpoint.sparql, params={"query": ask}, data={"query": count_all}, timeout=10),
        lambda: requests.post(endpoint.sparql, params={"query": ask}, data=count_all.encode(), timeout=10,
                              headers={"Content-Type": "application/sparql-query"}),  # fmt: skip
    ]
    for send in requests_with_two:
        response = send()
        assert response.status_code == 400, (response.request.url, response.text)
        assert "exactly one" in response.text
    one = requests.get(endpoint.sparql, params={"query": ask}, headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert one.json()["boolean"] is True


def test_relative_iris_resolve_against_the_data_base(endpoint):
    construct = requests.get(endpoint.sparql, params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                             headers={"Accept": "application/n-triples"}, timeout=10)  # fmt: skip
    assert construct.status_code == 200, construct.text
    assert construct.text.strip() == f'<{BASE}s> <{BASE}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    name = requests.get(endpoint.sparql, params={"query": "SELECT ?n WHERE { <person/umar-khan> schema:name ?n }"},
                        headers=CSV, timeout=10)  # fmt: skip
    assert value(name) == "Umar Khan"
    own = requests.get(endpoint.sparql, params={"query": "BASE <http://example.org/x/> CONSTRUCT { <s> <p> 1 } WHERE {}"},
                       headers={"Accept": "application/n-triples"}, timeout=10)  # fmt: skip
    assert own.text.startswith("<http://example.org/x/s> <http://example.org/x/p>")  # a query's own BASE wins


def test_the_request_charset_is_honoured(endpoint):
    query = 'SELECT ?x WHERE { BIND("Café Müller" AS ?x) }'
    for charset in ("ISO-8859-1", "latin1", "utf-16", "UTF-8"):
        direct = requests.post(endpoint.sparql, data=query.encode(charset), timeout=10,
                               headers={"Content-Type": f"application/sparql-query; charset={charset}", **CSV})  # fmt: skip
        assert value(direct) == "Café Müller", charset
    form = requests.post(endpoint.sparql, data="query=" + requests.utils.quote(query, encoding="latin-1"), timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1", **CSV})  # fmt: skip
    assert value(form) == "Café Müller"
    assert value(requests.get(endpoint.sparql, params={"query": query}, headers=CSV, timeout=10)) == "Café Müller"


def test_bytes_that_are_not_text_in_the_charset_are_refused(endpoint):
    latin1 = 'SELECT ?x WHERE { BIND("Café" AS ?x) }'.encode("latin-1")
    cases = [  # (body, content type, status, words of the message)
        (latin1, "application/sparql-query", 400, "not valid utf-8"),
        (latin1, "application/sparql-query; charset=UTF-8", 400, "byte 0xe9 at offset"),
        (b"query=" + requests.utils.quote(latin1).encode(), "application/x-www-form-urlencoded", 400, "not valid utf-8"),
        (latin1, "application/sparql-query; charset=no-such-charset", 415, "charset 'no-such-charset'"),
        (latin1, "application/sparql-query; charset=base64", 415, "charset 'base64'"),
        (latin1, "application/sparql-query; charset=punycode", 415, "charset 'punycode'"),
    ]
    for body, content_type, status, words in cases:
        response = requests.post(endpoint.sparql, data=body, headers={"Content-Type": content_type}, timeout=10)
        assert response.status_code == status and words in response.text, (content_type, response.status_code, response.text)
    url = requests.get(endpoint.sparql + "?query=ASK%7B%7D%20%23%E9", timeout=10)  # %E9 is not UTF-8
    assert url.status_code == 400 and "not valid utf-8" in url.text


def test_from_and_from_named_choose_the_dataset(endpoint):
    everything = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> {?s ?p ?o}") == 0
    registry = count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}registry> {{ ?s ?p ?o }}")
    event = f"{GRAPH}toc-day-lahore-2024"
    both = count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}registry> FROM <{event}> {{ ?s ?p ?o }}")
    assert 0 < registry < both < everything
    assert registry == count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", [("default-graph-uri", GRAPH + "registry")])
    assert registry == count(endpoint, "SELECT (COUNT(*) AS ?n) FROM <graph/public/registry> { ?s ?p ?o }")  # relative
    named = requests.get(endpoint.sparql, params={"query": f"SELECT DISTINCT ?g FROM NAMED <{event}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
                         headers=CSV, timeout=10)  # fmt: skip
    assert named.text.splitlines()[1:] == [event]
    assert count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{event}> {{ ?s ?p ?o }}") == 0  # default graph: empty
    graph = requests.get(endpoint.sparql, params={"query": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{event}> WHERE {{ ?s ?p ?o }}"},
                         headers={"Accept": "application/n-triples"}, timeout=10)  # fmt: skip
    assert 0 < len(graph.text.splitlines()) < everything
    # the word in a string, a variable or a comment is not a dataset clause
    assert count(endpoint, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(!sameTerm(?o, "FROM <urn:x>")) } # FROM <urn:x>') == everything
    assert count(endpoint, "SELECT (COUNT(?from) AS ?n) WHERE { ?from ?p ?o }") == everything


def test_the_protocol_dataset_wins_over_the_query_dataset(endpoint):
    """SPARQL 1.1 Protocol 2.1.4: when both give a dataset, the protocol's is used."""
    event = f"{GRAPH}toc-day-lahore-2024"
    registry = count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}registry> {{ ?s ?p ?o }}")
    lahore = count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{event}> {{ ?s ?p ?o }}")
    assert registry != lahore
    assert count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}registry> {{ ?s ?p ?o }}", [("default-graph-uri", event)]) == lahore
    both = requests.get(endpoint.sparql, headers=CSV, timeout=10, params=[
        ("query", f"SELECT DISTINCT ?g FROM NAMED <{event}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("named-graph-uri", GRAPH + "registry")])  # fmt: skip
    assert both.text.splitlines()[1:] == [GRAPH + "registry"]
    # only a default graph in the protocol: the query's FROM NAMED is replaced too (no named graphs)
    none = requests.get(endpoint.sparql, headers=CSV, timeout=10, params=[
        ("query", f"SELECT DISTINCT ?g FROM NAMED <{event}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("default-graph-uri", GRAPH + "registry")])  # fmt: skip
    assert none.text.splitlines()[1:] == []


def test_the_query_dataset_stays_within_the_level(tmp_path):
    """A graph above the server's level, named in FROM or FROM NAMED, is empty; it exists at its own level."""
    data = copy_data(tmp_path)
    people = data / "people.yaml"
    people.write_text(people.read_text().replace("name: Umar Khan\n", "name: Umar Khan\n    sensitivity: internal\n"))
    build_dir = tmp_path / "build"
    internal = BASE + "graph/internal/registry"
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{internal}> {{ ?s ?p ?o }} }}"
    out = kg("query", "--data", data, "--build-dir", build_dir, "--level", "internal", in_graph, "--format", "json")
    assert out.exit_code == 0, out.output
    assert int(json.loads(out.stdout)["results"]["bindings"][0]["n"]["value"]) > 0  # the graph is there, at its level
    srv = Endpoint(data, build_dir)
    try:
        assert count(srv, f"SELECT (COUNT(*) AS ?n) FROM <{internal}> {{ ?s ?p ?o }}") == 0
        assert count(srv, f"SELECT (COUNT(*) AS ?n) FROM <{internal}> FROM NAMED <{internal}> "
                          "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }") == 0  # fmt: skip
        assert count(srv, "SELECT (COUNT(*) AS ?n) FROM <graph/internal/registry> { ?s ?p ?o }") == 0
        for dataset in (f"FROM <{internal}>", f"FROM <{GRAPH}registry>", ""):
            assert count(srv, f"SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?p schema:name 'Umar Khan' }}") == 0
        assert count(srv, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}registry> {{ ?s ?p ?o }}") > 0
    finally:
        srv.stop()
