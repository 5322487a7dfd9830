"""`kg viz` at scale (issue 16 item 7): the page's faster paths promise the same page as the ones they
replace. Run on the seed and on a small synthetic graph; the 10,000-event figures are `make bench`'s."""

from __future__ import annotations

import pytest

from kg import generations, network, predicates, synth, viz
from kg.viz import rows


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """200 synthetic events, built."""
    root = tmp_path_factory.mktemp("viz-scale")
    synth.synthesize(200, root / "data", seed=7)
    generations.build(root / "data", root / "build")
    store = generations.open_store(root / "data", root / "build")
    yield store
    store.close()


def _same_graph(a, b) -> None:
    assert sorted(a.nodes(data=True)) == sorted(b.nodes(data=True))
    assert sorted((*sorted((u, v)), d) for u, v, d in a.edges(data=True)) == \
        sorted((*sorted((u, v)), d) for u, v, d in b.edges(data=True))  # fmt: skip
    assert a.graph == b.graph


@pytest.mark.parametrize("projection", ["stakeholders", "organizations", "people", "themes"])
def test_every_pattern_is_joined_from_the_index(projection):
    # an edit to projections.yaml that changes one of them falls back to SPARQL (slower, still right):
    # this test says so, so the Python join can be updated with it
    spec = network.projections()[projection]
    types = network.node_types()
    assert all(predicates.known(types[t]) for t in spec.nodes)
    assert all(predicates.known(kind.pattern) for kind in spec.edges)


@pytest.mark.parametrize("projection", ["stakeholders", "organizations", "people", "themes"])
def test_the_projection_read_from_the_index_equals_the_sparql_one(seed_store, synthetic, projection):
    for store in (seed_store, synthetic):
        by_sparql = network.project(store, projection, select=lambda where, variables: network._select(store, where, variables))
        fast = viz.project(store, projection, rows.Index(store))  # the page's index
        _same_graph(fast, by_sparql)
        _same_graph(network.project(store, projection), by_sparql)  # an index of its own
        assert fast.number_of_edges() > 0


def test_each_pattern_s_rows_are_those_of_its_sparql(synthetic):
    types = network.node_types()
    patterns = {types[t]: "*" for spec in network.projections().values() for t in spec.nodes}
    patterns |= {kind.pattern: "?node ?via" if kind.mode == "shared" else "?source ?target ?via ?label"
                 for spec in network.projections().values() for kind in spec.edges}  # fmt: skip
    index = predicates.Index(synthetic)
    for pattern, variables in patterns.items():
        expected = network._select(synthetic, pattern, variables)
        joined = predicates.known(pattern)(index)
        assert {tuple(sorted(r.items())) for r in joined} == {tuple(sorted(r.items())) for r in expected}, pattern
        assert expected, pattern


def test_an_unknown_pattern_is_answered_by_sparql(seed_store):
    asked = []
    select = rows.select(rows.Index(seed_store), lambda where, variables: asked.append(where) or [])
    assert select("?node a foaf:Person .", "*") == [] and asked == ["?node a foaf:Person ."]


def test_the_budget_keeps_the_graph_s_order_whatever_the_string_hashing():
    import networkx as nx

    graph = nx.Graph(name="g")
    graph.add_nodes_from((f"n{i:03d}", {"label": str(i)}) for i in range(300))
    graph.add_edges_from((f"n{i:03d}", f"n{(i * 7) % 300:03d}", {"weight": 1}) for i in range(300) if i != (i * 7) % 300)
    metrics = {n: {"pagerank": 1 / (1 + i)} for i, n in enumerate(graph)}
    kept, notice = viz.budget(graph, metrics, 50, "pagerank")
    assert list(kept) == [f"n{i:03d}" for i in range(50)]  # graph order, not the order of a set
    expected = graph.subgraph(list(kept))
    assert sorted(map(sorted, kept.edges)) == sorted(map(sorted, expected.edges))
    assert [list(kept[n]) for n in kept] == [[m for m in graph[n] if m in kept] for n in kept]
    assert "draws the 50 most central of 300 nodes" in notice and "--max-nodes 300" in notice


def test_make_bench_judges_kg_viz_as_a_process_and_the_page_in_chromium():
    import sys

    from .conftest import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    import bench

    cell = lambda seconds: {"seconds": seconds, "timed_out": False, "peak_mib": 800.0, "error": None}  # noqa: E731
    result = {"events": 10000, "rows": [{"step": "v", "kind": "viz", "kg": cell(45.0)},
                                        {"step": "b", "kind": "viz-browser", "kg": cell(6.0)}]}  # fmt: skip
    targets = {t["target"]: t for t in bench.check_targets(result)}
    assert targets["`kg viz` (stakeholders page, a new process) < 60 s"]["met"]
    slow = targets["the page interactive in Chromium < 5 s"]
    assert not slow["met"] and slow["value"] == 6.0 and slow["reason"]
