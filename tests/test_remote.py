"""The same answers on the embedded store, in memory (rdflib) and on a real Virtuoso server.

The session fixture starts a private Virtuoso on loopback with scripts/virtuoso.sh (skipped when
virtuoso-t is missing, failing on CI) and stops it by its PID at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess

import pytest
import rdflib
from rdflib.compare import isomorphic

from kg import export, network, generations, sparql
from kg.remote import RemoteError, RemoteStore, iso_duration

from .conftest import DATA, ROOT, kg, require

SCRIPT = ROOT / "scripts" / "virtuoso.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """The query endpoint of a private Virtuoso, with KG_STORE_USER/PASSWORD set for the session."""
    require(shutil.which("virtuoso-t") is not None, "Virtuoso (virtuoso-t)")
    state = tmp_path_factory.mktemp("virtuoso")
    env = {**os.environ, "VIRTUOSO_PORT": str(_free_port()), "VIRTUOSO_HTTP_PORT": str(_free_port()),
           "VIRTUOSO_BUFFERS": "20000"}  # fmt: skip
    started = subprocess.run(["bash", str(SCRIPT), "start", str(state)], env=env, capture_output=True, text=True,
                             timeout=120)  # fmt: skip
    assert started.returncode == 0, started.stdout + started.stderr
    url = f"http://127.0.0.1:{env['VIRTUOSO_HTTP_PORT']}/sparql"
    saved = {k: os.environ.get(k) for k in ("KG_STORE_USER", "KG_STORE_PASSWORD")}
    os.environ["KG_STORE_USER"] = "dba"
    os.environ["KG_STORE_PASSWORD"] = (state / "dba-password").read_text().strip()
    try:
        yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stopped = subprocess.run(["bash", str(SCRIPT), "stop", str(state)], capture_output=True, text=True, timeout=60)
        assert stopped.returncode == 0, stopped.stderr


@pytest.fixture(scope="session")
def three_stores(virtuoso, seed_build):
    """The seed data on the embedded store, in rdflib's memory and on Virtuoso, at the public level."""
    stores = {"oxigraph": generations.open_store(DATA, seed_build), "memory": generations.open_store(DATA, store="memory"),
              "virtuoso": generations.open_store(DATA, store=virtuoso)}  # fmt: skip
    yield stores
    for store in stores.values():
        store.close()


def _cell(value) -> str:
    """A result value as text. Engines may differ where SPARQL leaves them latitude: GROUP_CONCAT over
    no values ("" or unbound), whether it keeps a shared language tag, and the order it joins values
    in; those compare equal here."""
    if isinstance(value, rdflib.Literal) and "; " in str(value):
        return "; ".join(sorted(str(value).split("; ")))
    if value is None or (isinstance(value, rdflib.Literal) and str(value) == "" and value.datatype is None):
        return ""
    if isinstance(value, rdflib.Literal) and value.language:
        return rdflib.Literal(str(value)).n3()
    return value.n3()


def _rows(result) -> list[tuple[str, ...]]:
    if result.type == "ASK":
        return [(str(bool(result.askAnswer)),)]
    return sorted(tuple(_cell(v) for v in row) for row in result)


@pytest.mark.parametrize("name", [q.name for q in sparql.named_queries()])
def test_named_queries_agree(three_stores, name):
    named = sparql.named_query(name)
    answers = {}
    for kind in ("oxigraph", "virtuoso"):
        store = three_stores[kind]
        answers[kind] = _rows(store.query(named.text, sparql.bindings_for(named, {}, store.base)))
    assert answers["virtuoso"] == answers["oxigraph"], name
    memory = three_stores["memory"]  # every named query avoids the gaps of rdflib's engine (no xfail)
    answers["memory"] = _rows(memory.query(named.text, sparql.bindings_for(named, {}, memory.base)))
    assert answers["memory"] == answers["oxigraph"], name


@pytest.mark.parametrize("projection", sorted(network.projections()))
def test_projections_and_metrics_agree(three_stores, projection):
    graphs = {kind: network.project(store, projection) for kind, store in three_stores.items()}
    reference = graphs["oxigraph"]
    assert reference.number_of_nodes() > 0
    for kind, graph in graphs.items():
        assert sorted(graph.nodes(data=True)) == sorted(reference.nodes(data=True)), kind
        assert sorted(graph.edges(data=True)) == sorted(reference.edges(data=True)), kind
    try:
        from kg.metrics import node_metrics
    except ImportError:  # kg.metrics not there yet: the projections above are what metrics read
        return
    values = {kind: node_metrics(graph) for kind, graph in graphs.items()}
    assert values["virtuoso"] == values["oxigraph"] and values["memory"] == values["oxigraph"]


def test_exports_agree(three_stores):
    graphs = {}
    for kind, store in three_stores.items():
        graphs[kind] = rdflib.Graph().parse(data=export.serialize(store, "nt").decode(), format="nt")
    assert len(graphs["oxigraph"]) > 1000
    # blank nodes (OWL lists in the ontology) get new labels in every store: compare up to renaming
    assert isomorphic(graphs["virtuoso"], graphs["oxigraph"])
    assert isomorphic(graphs["memory"], graphs["oxigraph"])


def test_upload_only_when_changed_and_only_what_changed(virtuoso, tmp_path):
    base = "https://kg.example.org/test-upload/"
    data = tmp_path / "d"
    assert kg("synth", "--events", 12, "--out", data, "--seed", 5).exit_code == 0
    first = RemoteStore.for_data(virtuoso, data_dir=data, base=base)
    assert len(first.uploaded) > 4
    again = RemoteStore.for_data(virtuoso, data_dir=data, base=base)
    assert again.uploaded == []
    report = data / "reports" / "report-000002.yaml"
    report.write_text(report.read_text().replace("title: Synthetic report 2", "title: Synthetic report two"))
    changed = RemoteStore.for_data(virtuoso, data_dir=data, base=base)
    assert changed.uploaded and all("report-000002" in g for g in changed.uploaded), changed.uploaded
    title = "SELECT ?t WHERE { ?s <http://purl.org/dc/terms/title> ?t } ORDER BY ?t"
    assert "Synthetic report two" in [str(r[0]) for r in changed.query(title)]


def test_level_limits_what_a_remote_query_sees(virtuoso, tmp_path):
    base = "https://kg.example.org/test-levels/"
    data = tmp_path / "d"
    assert kg("synth", "--events", 24, "--out", data, "--seed", 6).exit_code == 0
    public = RemoteStore.for_data(virtuoso, data_dir=data, base=base)
    internal = RemoteStore.for_data(virtuoso, data_dir=data, base=base, level="internal")
    assert not any("/graph/internal/" in g for g in public.graphs())
    assert any("/graph/internal/" in g for g in internal.graphs())
    hidden = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/graph/internal/')) }"
    assert int(list(public.query(hidden))[0][0]) == 0
    assert int(list(internal.query(hidden))[0][0]) > 0
    # bound values go in as terms, never as query text
    bound = public.query("SELECT ?name WHERE { ?e <https://schema.org/name> ?name }", {"name": "x\" } ; DROP ALL ; {"})
    assert list(bound) == []


def test_cli_export_through_a_remote_store(virtuoso, tmp_path, seed_build):
    out = tmp_path / "graph.nt"
    result = kg("export", "--format", "nt", "--store", virtuoso, "--data", DATA, "-o", out)
    assert result.exit_code == 0, result.output
    local = kg("export", "--format", "nt", "--data", DATA, "--build-dir", seed_build, "-o", tmp_path / "local.nt")
    assert local.exit_code == 0, local.output
    assert isomorphic(rdflib.Graph().parse(out, format="nt"), rdflib.Graph().parse(tmp_path / "local.nt", format="nt"))


def test_wrong_password_and_dead_server_give_clear_errors(virtuoso, tmp_path, monkeypatch):
    data = tmp_path / "d"
    assert kg("synth", "--events", 4, "--out", data, "--seed", 9).exit_code == 0
    monkeypatch.setenv("KG_STORE_PASSWORD", "wrong")
    with pytest.raises(RemoteError, match="KG_STORE_USER and KG_STORE_PASSWORD"):
        RemoteStore.for_data(virtuoso, data_dir=data, base="https://kg.example.org/test-auth/")
    result = kg("export", "--store", f"http://127.0.0.1:{_free_port()}/sparql", "--data", data)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot reach the SPARQL server" in result.output


def test_iso_duration_undoes_virtuosos_seconds():
    assert iso_duration("7200.0") == "PT2H"
    assert iso_duration("172800") == "P2D"
    assert iso_duration("5400.5") == "PT1H30M0.5S"
    assert iso_duration("PT2H") is None
