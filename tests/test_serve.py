"""kg serve, started for real on a free port and asked by standard SPARQL clients."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.query import Result

from kg import sparql
from kg.bindings import with_values

from .conftest import DATA, copy_data, kg, offline_chromium, require

try:
    from SPARQLWrapper import JSON, SPARQLWrapper
except ImportError:  # pragma: no cover
    SPARQLWrapper = None

TIMEOUT = 1.5  # the server's time limit in these tests
MAX_ROWS = 100
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~3,000³ rows to count
PEOPLE = "SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`kg serve` on a free loopback port, with this module's limits; ``options`` add to them or override them."""

    def __init__(self, data: Path, build_dir: Path, *options: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sparql = self.url + "/sparql"
        command = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--data", str(data),
                   "--build-dir", str(build_dir), "--port", str(self.port), "--timeout", str(TIMEOUT),
                   "--max-rows", str(MAX_ROWS), "--workers", "2", *options]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/status.json", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"kg serve did not start: {self.process.stdout.read()}")
            time.sleep(0.2)

    def status(self) -> dict:
        return requests.get(self.url + "/status.json", timeout=5).json()

    def stop(self) -> None:
        workers = self.status()["workers"]
        self.process.terminate()
        self.process.wait(15)
        time.sleep(0.2)
        for pid in workers:  # the worker processes went with the server
            assert not _alive(pid), f"worker {pid} outlived the server"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(scope="module")
def server(seed_build):
    srv = Server(DATA, seed_build)
    yield srv
    srv.stop()


def kg_rows(seed_build, query: str) -> list[list]:
    out = kg("query", "--data", DATA, "--build-dir", seed_build, query, "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    return [[b.get(v) for v in data["head"]["vars"]] for b in data["results"]["bindings"]]


def named_with_defaults(name: str) -> str:
    q = sparql.named_query(name)
    return with_values(q.text, sparql.bindings_for(q, {}, "https://kg.example.org/id/"))


def test_sparqlwrapper_gets_the_same_rows_as_kg_query(server, seed_build):
    require(SPARQLWrapper is not None, "SPARQLWrapper")
    for query in (named_with_defaults("people-of-organization"), named_with_defaults("events"), PEOPLE):
        client = SPARQLWrapper(server.sparql)
        client.setQuery(query)
        client.setReturnFormat(JSON)
        answer = client.query().convert()
        rows = [[b.get(v) for v in answer["head"]["vars"]] for b in answer["results"]["bindings"]]
        assert rows == kg_rows(seed_build, query)
        assert rows


def test_rdflib_sparqlstore_gets_the_same_rows(server, seed_build):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.sparql)  # GET, SPARQL XML results
    graph = rdflib.Graph(store=store)
    query = named_with_defaults("people-of-organization")
    got = [[None if t is None else sparql.term_json(t) for t in row] for row in graph.query(query)]
    assert got == kg_rows(seed_build, query)
    assert bool(graph.query("ASK { ?p <https://schema.org/name> 'Sevim Saadat' }").askAnswer) is True


def test_result_formats_are_read_back(server):
    want = {"Sevim Saadat", "Umar Khan", "Seher Aftab"}
    query = named_with_defaults("people-of-organization")
    for accept, parse in [
        ("text/csv", lambda r: {row["name"] for row in csv.DictReader(io.StringIO(r.text))}),
        ("application/sparql-results+json", lambda r: {b["name"]["value"] for b in r.json()["results"]["bindings"]}),
        ("text/tab-separated-values", lambda r: {str(x["name"]) for x in Result.parse(io.BytesIO(r.content), format="tsv")}),
        ("application/sparql-results+xml", lambda r: {str(x["name"]) for x in Result.parse(io.BytesIO(r.content), format="xml")}),
    ]:  # fmt: skip
        response = requests.post(server.sparql, data={"query": query}, headers={"Accept": accept}, timeout=10)
        assert response.status_code == 200 and response.headers["content-type"].startswith(accept), accept
        assert parse(response) == want, accept
    construct = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    sizes = set()
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")]:
        response = requests.get(server.sparql, params={"query": construct}, headers={"Accept": accept}, timeout=10)
        assert response.headers["content-type"].startswith(accept)
        sizes.add(len(rdflib.Graph().parse(data=response.text, format=fmt)))
    assert len(sizes) == 1 and sizes.pop() >= 30
    direct = requests.post(server.sparql, data="ASK { ?s ?p ?o }".encode(), timeout=10,
                           headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})  # fmt: skip
    assert direct.json() == {"head": {}, "boolean": True}


def test_writes_loads_and_federation_are_refused(server):
    refused = [
        {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
        {"query": "DELETE WHERE { ?s ?p ?o }"},
        {"query": "LOAD <http://example.org/data.ttl>"},
        {"query": "DROP ALL"},
        {"update": "DROP ALL"},
        {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"},
        {"query": "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p ?x } } LIMIT 1"},
    ]
    for data in refused:
        response = requests.post(server.sparql, data=data, timeout=10)
        assert response.status_code == 403, data
        assert "refused" in response.text
    update = requests.post(server.sparql, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}, timeout=10)
    assert update.status_code == 403
    # the word SERVICE inside a string is not the keyword
    fine = requests.get(server.sparql, params={"query": 'SELECT ?x WHERE { BIND("SERVICE and LOAD" AS ?x) }'},
                        headers={"Accept": "text/csv"}, timeout=10)  # fmt: skip
    assert fine.status_code == 200 and fine.text.splitlines()[1] == "SERVICE and LOAD"
    assert kg_people_count(server) >= 30  # nothing was deleted
    if SPARQLWrapper is not None:
        client = SPARQLWrapper(server.sparql)
        client.setMethod("POST")
        client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        with pytest.raises(Exception):
            client.query()


def kg_people_count(server) -> int:
    response = requests.get(server.sparql, params={"query": PEOPLE}, headers={"Accept": "text/csv"}, timeout=10)
    return len(response.text.splitlines()) - 1


def test_bad_requests_get_clear_messages(server):
    cors = requests.get(server.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"}, timeout=10)
    assert cors.headers["access-control-allow-origin"] == "*"  # browser clients such as YASGUI may read it
    syntax = requests.get(server.sparql, params={"query": "SELEC ?x"}, timeout=10)
    assert syntax.status_code == 400 and "not valid SPARQL" in syntax.text
    empty = requests.get(server.sparql, timeout=10)
    assert empty.status_code == 400 and "give a query" in empty.text
    wrong = requests.post(server.sparql, data=b"x", headers={"Content-Type": "text/plain"}, timeout=10)
    assert wrong.status_code == 415
    huge = requests.post(server.sparql, data={"query": "ASK {} #" + "x" * 1_100_000}, timeout=10)
    assert huge.status_code == 413


def test_protocol_dataset_parameters(server):
    """default-graph-uri / named-graph-uri pick among the readable graphs; others stay empty."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graph = "https://kg.example.org/id/graph/public/"

    def n(params):
        response = requests.get(server.sparql, params=[("query", count), *params], headers={"Accept": "text/csv"}, timeout=10)
        assert response.status_code == 200, response.text
        return int(response.text.splitlines()[1])

    everything = n([])
    one = n([("default-graph-uri", graph + "ssdo-tip-experts-session-karachi-2024")])
    two = n([("default-graph-uri", graph + "ssdo-tip-experts-session-karachi-2024"), ("default-graph-uri", graph + "registry")])
    assert 0 < one < two < everything
    assert n([("default-graph-uri", "https://kg.example.org/id/graph/restricted/registry")]) == 0
    named = requests.post(server.sparql, data=[("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                               ("named-graph-uri", graph + "registry")],
                          headers={"Accept": "text/csv"}, timeout=10)  # fmt: skip
    assert named.text.splitlines()[1:] == [graph + "registry"]


def test_row_limit(server):
    response = requests.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"}, timeout=10)
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.text)))) == MAX_ROWS + 1
    assert response.headers["X-KG-Truncated"] == "true" and response.headers["X-KG-Row-Limit"] == str(MAX_ROWS)


def test_slow_query_is_stopped_and_the_server_goes_on(server):
    before = server.status()
    started = time.monotonic()
    response = requests.get(server.sparql, params={"query": SLOW}, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and "time limit" in response.text
    assert elapsed < TIMEOUT + 5
    after = server.status()
    assert after["stopped_queries"] == before["stopped_queries"] + 1
    killed = set(before["workers"]) - set(after["workers"])
    assert len(killed) == 1 and not _alive(killed.pop())  # the runaway query's process is gone
    assert kg_people_count(server) >= 30  # still answering
    deadline = time.monotonic() + 30
    while len(server.status()["workers"]) < 2 and time.monotonic() < deadline:  # the pool is back to size
        time.sleep(0.2)
    assert len(server.status()["workers"]) == 2


def test_twenty_concurrent_clients(server, seed_build):
    require(SPARQLWrapper is not None, "SPARQLWrapper")
    query = named_with_defaults("partners-of-organization")
    expected = kg_rows(seed_build, query)

    def client(i):
        wrapper = SPARQLWrapper(server.sparql)
        wrapper.setQuery(query)
        wrapper.setReturnFormat(JSON)
        if i % 2:
            wrapper.setMethod("POST")
        answer = wrapper.query().convert()
        return [[b.get(v) for v in answer["head"]["vars"]] for b in answer["results"]["bindings"]]

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(client, range(20)))
    assert all(a == expected for a in answers) and expected


def test_query_page_and_assets_are_local(server):
    page = requests.get(server.url + "/", timeout=10)
    assert page.status_code == 200 and "<textarea" in page.text
    for asset in ("/static/app.js", "/static/style.css"):
        response = requests.get(server.url + asset, timeout=10)
        assert response.status_code == 200
        assert "http://" not in response.text and "https://" not in response.text  # nothing from the network
    assert 'src="http' not in page.text and 'href="http' not in page.text
    assert "textContent" in requests.get(server.url + "/static/app.js", timeout=10).text
    named = requests.get(server.url + "/queries.json", timeout=10).json()
    assert {q["name"] for q in named} >= {"people-of-organization", "partners-of-organization"}
    example = next(q for q in named if q["name"] == "people-of-organization")["query"]
    ran = requests.post(server.sparql, data={"query": example}, headers={"Accept": "text/csv"}, timeout=10)
    assert "Sevim Saadat" in ran.text  # a clickable example runs as shown


def test_server_follows_a_rebuild_and_keeps_to_its_level(tmp_path):
    """Each request reads build/store/CURRENT: a `kg build` while serving is answered without restart;
    a person marked internal is not served at the default level, even when a query names the graph."""
    data = copy_data(tmp_path)
    build_dir = tmp_path / "build"
    srv = Server(data, build_dir)
    headers = {"Accept": "application/sparql-results+json"}

    def ask(query):
        response = requests.get(srv.sparql, params={"query": query}, headers=headers, timeout=60)
        assert response.status_code == 200, (response.status_code, response.text, srv.status())
        return response.json()["boolean"]

    try:
        renamed = "ASK { ?p <https://schema.org/name> 'Sevim Q. Saadat' }"
        umar = "ASK { ?p <https://schema.org/name> 'Umar Khan' }"
        assert (ask(renamed), ask(umar)) == (False, True)
        people = data / "people.yaml"
        text = people.read_text().replace("name: Sevim Saadat", "name: Sevim Q. Saadat")
        people.write_text(text.replace("name: Umar Khan\n", "name: Umar Khan\n    sensitivity: internal\n"))
        built = kg("build", "--data", data, "--build-dir", build_dir)
        assert built.exit_code == 0, built.output
        assert ask(renamed) is True, srv.status()
        assert ask(umar) is False
        assert ask("ASK { GRAPH ?g { ?p <https://schema.org/name> 'Umar Khan' } }") is False
        internal = "<https://kg.example.org/id/graph/internal/registry>"
        assert ask(f"ASK FROM {internal} {{ ?p <https://schema.org/name> 'Umar Khan' }}") is False
    finally:
        srv.stop()


def test_query_page_in_a_browser(server):
    """The page runs a named query and shows its table; markup in the data stays text; nothing is
    fetched from anywhere but the server."""
    fetched = []
    with offline_chromium(allow_loopback=True) as browser:
        page = browser.new_page()
        page.on("request", lambda r: fetched.append(r.url))
        page.goto(server.url + "/")
        page.get_by_role("button", name="People of an organization").click()
        page.wait_for_selector("#results td:has-text('Sevim Saadat')", timeout=15_000)
        cells = page.locator("#results td").all_inner_texts()
        assert "Director Policy & Advocacy" in cells
        evil = '<img src=x onerror="window.pwned=1">'
        page.fill("#query", f"SELECT ?x WHERE {{ BIND('{evil}' AS ?x) }}")
        page.click("#run")
        page.wait_for_selector("#results td", timeout=15_000)
        assert page.locator("#results td").first.inner_text() == evil
        assert page.locator("#results img").count() == 0
        assert page.evaluate("window.pwned") is None
        page.fill("#query", "DROP ALL")
        page.click("#run")
        page.wait_for_selector("#error:not([hidden])", timeout=15_000)
        assert "403" in page.locator("#error").inner_text()
    assert fetched and all(url.startswith(server.url) for url in fetched), fetched


def test_a_taken_port_is_a_clear_error(server, seed_build):
    out = kg("serve", "--data", DATA, "--build-dir", seed_build, "--port", server.port)
    assert out.exit_code == 1 and f"cannot listen on 127.0.0.1:{server.port}" in out.output
    assert "Choose another --port" in out.output
