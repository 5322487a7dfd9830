"""The data's own IRIs have prefixes: person:, organization: (org: is W3C ORG), event:, source:, bound to
the data's base, in `kg query`, query files, parameters, the endpoint and the Turtle export."""

from __future__ import annotations

import rdflib

from kg import sparql, vocab
from kg.serve.media import accepted
from kg.serve.worker import answer_query

from .conftest import DATA, kg

BASE = vocab.DEFAULT_BASE


def _run(build, *args):
    return kg("query", *args, "--data", DATA, "--build-dir", build, "--format", "csv")


def test_prefixes_follow_the_data_base():
    assert vocab.data_prefixes("https://x.example/id/") == {
        "person": "https://x.example/id/person/", "organization": "https://x.example/id/org/",
        "event": "https://x.example/id/event/", "source": "https://x.example/id/source/"}  # fmt: skip
    text = sparql.with_prefixes("SELECT * WHERE { organization:cfhr ?p ?o }", "https://x.example/id/")
    assert text.startswith("PREFIX organization: <https://x.example/id/org/>\n")
    assert "org" in vocab.PREFIXES and str(vocab.PREFIXES["org"]) == "http://www.w3.org/ns/org#"  # W3C ORG kept


def test_an_inline_query_uses_the_data_prefixes(seed_build):
    result = _run(seed_build, "SELECT ?name WHERE { organization:cfhr schema:name ?name }")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["Centre for Human Rights"]  # data/organizations.yaml, id cfhr
    result = _run(seed_build, "SELECT ?name WHERE { person:john-collins schema:name ?name }")
    assert result.stdout.splitlines()[1:] == ["John Collins"]


def test_event_and_source_prefixes(seed_build):
    query = ("SELECT ?s WHERE { event:toc-day-lahore-2024 ?p ?o . "
             "BIND(source:toc-day-lahore-2024 AS ?s) FILTER EXISTS { ?s ?q ?r } } LIMIT 1")  # fmt: skip
    result = _run(seed_build, query)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [BASE + "source/toc-day-lahore-2024"]


def test_a_query_file_and_a_parameter_use_them(seed_build, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?name WHERE { ?org schema:name ?name }\n", encoding="utf-8")
    result = _run(seed_build, "--file", path, "--param", "org=organization:cfhr")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["Centre for Human Rights"]
    result = _run(seed_build, "--name", "people-of-organization", "--param", "org=organization:cfhr")
    assert result.exit_code == 0 and BASE + "person/" in result.stdout


def test_the_endpoint_knows_them(seed_store):
    job = {"query": "SELECT ?name WHERE { organization:cfhr schema:name ?name }", "accept": accepted("text/csv"),
           "format": None, "store": "", "default_graphs": [], "named_graphs": []}  # fmt: skip
    status, media, body, _ = answer_query(seed_store, job, 100)
    assert status == 200, body
    assert body.decode().splitlines()[1:] == ["Centre for Human Rights"]


def test_help_lists_them(seed_build):
    text = kg("query", "--help").output
    for prefix in ("person:", "organization:", "event:", "source:", "schema:", "theme:"):
        assert prefix in text


def test_the_turtle_export_writes_them_and_means_the_same_graph(seed_build):
    ttl = kg("export", "--format", "ttl", "--data", DATA, "--build-dir", seed_build).stdout
    for prefix, namespace in vocab.data_prefixes(BASE).items():
        assert f"@prefix {prefix}: <{namespace}> ." in ttl
    assert "\nperson:john-collins " in ttl
    nt = kg("export", "--format", "nt", "--data", DATA, "--build-dir", seed_build).stdout
    assert "person:" not in nt
    graphs = [rdflib.Graph().parse(data=ttl, format="turtle"), rdflib.Graph().parse(data=nt, format="nt")]
    ground = [{t for t in g if not any(isinstance(x, rdflib.BNode) for x in t)} for g in graphs]
    assert len(graphs[0]) == len(graphs[1]) and ground[0] == ground[1]
