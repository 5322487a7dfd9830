"""Metrics at scale (issue 14 item 5): closeness of a large connected piece is estimated from sampled
pivots, says so in the outputs, and stays exact (equal to networkx within 1e-9) where it is not sampled."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.metrics import centrality, measure


def _weighted(graph: nx.Graph) -> nx.Graph:
    for u, v in graph.edges:
        graph[u][v]["weight"] = 1 + (u * 7 + v) % 3
    return graph


def test_exact_closeness_equals_networkx_in_several_pieces():
    graph = _weighted(nx.disjoint_union(nx.connected_watts_strogatz_graph(300, 4, 0.2, seed=3), nx.path_graph(5)))
    graph.add_node("alone")
    expected = nx.closeness_centrality(centrality.with_distance(graph), distance="distance", wf_improved=True)
    for k in (None, 400):  # no piece larger than 400: exact either way
        got = centrality.closeness(graph, k=k)
        assert max(abs(got[n] - expected[n]) for n in graph) < 1e-9


def test_sampled_closeness_is_close_to_exact_and_exact_in_small_pieces():
    big = nx.connected_watts_strogatz_graph(1500, 6, 0.1, seed=1)
    graph = _weighted(nx.disjoint_union(big, nx.path_graph(4)))
    exact = centrality.closeness(graph)
    sampled = centrality.closeness(graph, k=200, seed=7)
    errors = [abs(sampled[n] - exact[n]) / exact[n] for n in range(1500)]
    assert max(errors) < 0.1 and sum(errors) / len(errors) < 0.03
    assert max(abs(sampled[n] - exact[n]) for n in range(1500, 1504)) < 1e-12  # the small piece: exact
    assert sampled != exact  # it did sample


def test_node_metrics_say_closeness_was_sampled(monkeypatch):
    graph = _weighted(nx.connected_watts_strogatz_graph(120, 4, 0.2, seed=2))
    assert not any("closeness estimated" in note for note in measure.node_metrics(graph).notes)
    monkeypatch.setattr(measure, "EXACT_CLOSENESS_MAX_NODES", 50)
    monkeypatch.setattr(measure, "CLOSENESS_PIVOTS", 30)
    metrics = measure.node_metrics(graph)
    assert any("closeness estimated from 30 sampled pivot nodes" in note for note in metrics.notes)
    assert "closeness estimated from 30 pivots" in metrics.parameters
    assert measure.graph_metrics(graph, metrics)["notes"] == metrics.notes
    exact = measure.node_metrics(graph, k=0)  # k=0: everything exact
    assert not any("closeness estimated" in note for note in exact.notes)
    assert {n: r["closeness"] for n, r in exact.items()} != {n: r["closeness"] for n, r in metrics.items()}


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_engines_agree_on_exact_closeness(engine):
    graph = _weighted(nx.connected_watts_strogatz_graph(200, 4, 0.3, seed=5))
    reference = nx.closeness_centrality(centrality.with_distance(graph), distance="distance", wf_improved=True)
    got = centrality.closeness(graph, engine=engine)
    assert max(abs(got[n] - reference[n]) for n in graph) < 1e-9
