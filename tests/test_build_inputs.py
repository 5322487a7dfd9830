"""One build object for every store: the metrics written back reach the in-memory stores too, so a
named query answers the same whatever ``--store`` says (before, memory stores missed them)."""

from __future__ import annotations

import pytest

from kg import generations
from kg.inputs import BuildInputs
from kg.metrics import into_graph

from .conftest import DATA, kg

STORES = ("oxigraph", "oxigraph-memory", "memory")


@pytest.fixture(scope="module")
def with_metrics(tmp_path_factory):
    build = tmp_path_factory.mktemp("inputs") / "build"
    result = kg("metrics", "--data", DATA, "--build-dir", build, "--projection", "organizations", "--into-graph")
    assert result.exit_code == 0, result.output
    return build


@pytest.mark.parametrize("level", ["public", "restricted"])
def test_top_by_centrality_answers_the_same_on_every_store(with_metrics, level):
    answers = {}
    for store in STORES:
        result = kg("query", "--data", DATA, "--build-dir", with_metrics, "--store", store, "--level", level,
                    "--name", "top-by-centrality", "--param", "metric=weighted_degree",
                    "--param", "projection=organizations", "--format", "csv")  # fmt: skip
        assert result.exit_code == 0, result.output
        answers[store] = result.stdout
    assert answers["oxigraph"].count("\n") == 26  # a header and 25 ranked organizations, not an empty answer
    assert answers["oxigraph-memory"] == answers["oxigraph"]
    assert answers["memory"] == answers["oxigraph"]


def test_memory_store_leaves_out_stale_metrics(with_metrics, tmp_path):
    stale = tmp_path / "graph-extras"
    stale.mkdir()
    source = (with_metrics / "graph-extras" / "metrics-organizations.nq").read_text().splitlines(keepends=True)
    (stale / "metrics-organizations.nq").write_text("# kg-records-fingerprint: public:not-these-records\n" + "".join(source[1:]))
    told = []
    with generations.open_store(DATA, tmp_path, level="public", store="oxigraph-memory", progress=told.append) as store:
        assert not any(g.endswith("/metrics") for g in store.graphs())
    assert told == ["leaving out metrics-organizations.nq: computed from other records (run the command that wrote it again)"]


def test_inputs_agree_with_the_build(with_metrics):
    inputs = BuildInputs(DATA, with_metrics)
    live = generations.current_generation(with_metrics)
    assert live.name == "gen-" + inputs.key(inputs.current_extras())[:16]
    assert inputs.records_digests()["public"] == generations.level_records_digest(live, "public")


def test_store_knows_its_generation_so_writing_back_needs_no_data_folder(with_metrics, tmp_path, monkeypatch):
    live = generations.current_generation(with_metrics)
    store = generations.OxigraphStore.open(live, generations.config.base_iri(), "public")
    monkeypatch.chdir(tmp_path)  # no data/ here, and no KG_DATA: the generation is all it needs
    monkeypatch.delenv("KG_DATA", raising=False)
    [(path, changed)] = into_graph(store, ["organizations"])
    assert path == with_metrics / "graph-extras" / "metrics-organizations.nq" and not changed
    memory = generations.open_store(DATA, with_metrics, store="oxigraph-memory")
    with pytest.raises(ValueError, match="on-disk store"):
        into_graph(memory, ["organizations"])
