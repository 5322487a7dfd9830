"""Network metrics: hand-computed values on small graphs, agreement of the engines, the seed."""

from __future__ import annotations

import csv
import io
import random

import networkx as nx
import pytest

from kg import metrics, network
from kg.metrics import centrality, measure
from kg.metrics.brokerage import constraint_and_effective_size
from kg.metrics.sectors import cross_sector

ENGINES = ["networkx", "igraph"]


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol


@pytest.mark.parametrize("engine", ENGINES)
def test_star_by_hand(engine):
    g = nx.star_graph(4)  # centre 0, leaves 1..4
    m = metrics.node_metrics(g, engine=engine)
    assert m[0]["degree"] == 4 and m[0]["weighted_degree"] == 4
    assert m[0]["betweenness"] == 1.0 and m[1]["betweenness"] == 0.0
    assert m[0]["closeness"] == 1.0
    assert close(m[1]["closeness"], 4 / 7)  # 1 to the centre + 2 to each of 3 leaves
    assert close(m[0]["constraint"], 1 / 4) and m[1]["constraint"] == 1.0  # sum of (1/4)^2, four times
    assert m[0]["effective_size"] == 4.0 and m[1]["effective_size"] == 1.0
    assert close(m[0]["eigenvector"], 0.5 ** 0.5)  # eigenvector of the star: centre 1/sqrt(2)
    assert close(sum(row["pagerank"] for row in m.values()), 1.0, 1e-5)


@pytest.mark.parametrize("engine", ENGINES)
def test_path_by_hand(engine):
    g = nx.path_graph(3)
    m = metrics.node_metrics(g, engine=engine)
    assert m[1]["betweenness"] == 1.0 and m[0]["betweenness"] == 0.0
    assert m[1]["closeness"] == 1.0 and close(m[0]["closeness"], 2 / 3)
    assert m[1]["constraint"] == 0.5 and m[0]["constraint"] == 1.0
    assert m[1]["effective_size"] == 2.0


def bridged_cliques() -> nx.Graph:
    g = nx.complete_graph(["a0", "a1", "a2", "a3"])
    g.add_edges_from(nx.complete_graph(["b0", "b1", "b2", "b3"]).edges)
    g.add_edges_from([("x", "a0"), ("x", "b0")])
    return g


@pytest.mark.parametrize("engine", ENGINES)
def test_two_cliques_and_a_bridge(engine):
    g = bridged_cliques()
    m = metrics.node_metrics(g, engine=engine)
    # x carries the 16 pairs between the cliques, a0 the 15 pairs from a1..a3 to x and b0..b3; 28 pairs
    assert close(m["x"]["betweenness"], 16 / 28) and close(m["a0"]["betweenness"], 15 / 28)
    # x: two unconnected contacts, 2 * (1/2)^2; a0: 3 * (1/4 + 2/12)^2 + (1/4)^2
    assert m["x"]["constraint"] == 0.5 and close(m["a0"]["constraint"], 84 / 144)
    assert close(m["a1"]["constraint"], 25 / 81 + 2 * (19 / 36) ** 2)
    assert m["x"]["constraint"] == min(row["constraint"] for row in m.values())
    assert m["x"]["betweenness"] == max(row["betweenness"] for row in m.values())
    assert m["a1"]["community"] == m["a2"]["community"] != m["b1"]["community"]
    figures = metrics.graph_metrics(g, m)
    assert (figures["nodes"], figures["edges"], figures["components"], figures["communities"]) == (9, 14, 1, 2)
    assert figures["modularity"] > 0.3


def test_weights_are_distances_for_paths():
    # a—b—c weak (1) around, a—c strong (3): the strong tie is the short one, b lies on no shortest path
    g = nx.Graph()
    g.add_edge("a", "b", weight=1)
    g.add_edge("b", "c", weight=1)
    g.add_edge("a", "c", weight=3)
    m = metrics.node_metrics(g)
    assert m["b"]["betweenness"] == 0.0
    assert m["a"]["weighted_degree"] == 4
    assert close(m["a"]["closeness"], 2 / (1 + 1 / 3))  # distance 1 to b, 1/3 to c


def test_cross_sector_by_hand():
    g = nx.Graph()
    g.add_nodes_from([("ngo", {"sector": "civil-society"}), ("min", {"sector": "government"}),
                      ("uni", {"sector": "civil-society"}), ("ev", {"sector": ""}), ("lone", {"sector": "media"})])
    g.add_edge("ngo", "min", weight=3)
    g.add_edge("ngo", "uni", weight=1)
    g.add_edge("ngo", "ev", weight=5)  # to a node without sector: left out
    g.add_edge("lone", "ev", weight=1)
    score = cross_sector(g)
    assert score["ngo"] == 0.75 and score["min"] == 1.0 and score["uni"] == 0.0
    assert score["ev"] is None and score["lone"] is None


def test_isolated_node_has_no_brokerage():
    g = nx.Graph()
    g.add_edge(1, 2)
    g.add_node(3)
    m = metrics.node_metrics(g)
    assert m[3]["constraint"] is None and m[3]["effective_size"] is None and m[3]["closeness"] == 0.0


def test_eigenvector_falls_back_to_pagerank_and_says_so(monkeypatch):
    g = bridged_cliques()
    monkeypatch.setattr(centrality, "EIGENVECTOR_MAX_ITER", 1)
    m = metrics.node_metrics(g)
    assert all(row["eigenvector"] == row["pagerank"] for row in m.values())
    assert any("fell back to PageRank" in note for note in metrics.graph_metrics(g, m)["notes"])


def weighted_random_graph() -> nx.Graph:
    rng = random.Random(7)
    g = nx.gnm_random_graph(200, 600, seed=7)
    for u, v in g.edges:
        g[u][v]["weight"] = rng.uniform(0.5, 5.0)  # continuous: no two path lengths tie
    g.add_nodes_from([500, 501])
    g.add_edge(500, 501, weight=2.0)  # a second component
    g.add_node(502)  # and an isolated node
    return g


def _agree(a: dict, b: dict, tol=1e-9):
    assert a.keys() == b.keys()
    for node in a:
        x, y = a[node], b[node]
        if x != x or y != y:  # NaN where undefined
            assert x != x and y != y, node
        else:
            assert abs(x - y) <= tol, (node, x, y)


@pytest.fixture(scope="module")
def seed_projections(seed_store):
    return {name: network.project(seed_store, name) for name in network.projections()}


def test_igraph_engine_agrees_with_networkx(seed_projections):
    graphs = dict(seed_projections, random=weighted_random_graph())
    for name, g in graphs.items():
        _agree(centrality.betweenness(g, engine="networkx"), centrality.betweenness(g, engine="igraph"))
        _agree(centrality.betweenness(g, k=10, engine="networkx"), centrality.betweenness(g, k=10, engine="igraph"))
        _agree(centrality.closeness(g, engine="networkx"), centrality.closeness(g, engine="igraph"))
        _agree(centrality.eigenvector(g, engine="networkx"), centrality.eigenvector(g, engine="igraph"))
        c_nx, e_nx = constraint_and_effective_size(g, engine="networkx")
        c_fast, e_fast = constraint_and_effective_size(g, engine="igraph")
        _agree(c_nx, c_fast)
        _agree(e_nx, e_fast)


def test_auto_sampling_above_the_threshold_is_stated(monkeypatch):
    monkeypatch.setattr(measure, "EXACT_BETWEENNESS_MAX_NODES", 100)
    g = weighted_random_graph()
    m = metrics.node_metrics(g)
    assert m.k == measure.AUTO_SAMPLE_K
    figures = metrics.graph_metrics(g, m)
    assert figures["betweenness_k"] == measure.AUTO_SAMPLE_K
    assert any(f"{measure.AUTO_SAMPLE_K} of {g.number_of_nodes()} sampled" in note for note in figures["notes"])
    rows = list(csv.DictReader(io.StringIO(metrics.render("csv", g, m, figures).decode())))
    assert {row["betweenness_k"] for row in rows} == {str(measure.AUTO_SAMPLE_K)}
    assert metrics.node_metrics(g, k=0).k is None  # k=0 forces the exact value


def test_roundtable_organizers_rank_high_by_degree(seed_projections):
    g = seed_projections["organizations"]
    m = metrics.node_metrics(g)
    for org in ("cgr", "cfhr", "gi-toc"):
        mine = m[f"https://kg.example.org/id/org/{org}"]["weighted_degree"]
        rank = 1 + sum(row["weighted_degree"] > mine for row in m.values())
        assert rank <= 3, (org, rank)  # among the top 3 (ties share a rank) of 31 organizations
