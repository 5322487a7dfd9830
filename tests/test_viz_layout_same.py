"""``kg.viz.layout._grid_spring`` keeps x and y in arrays of their own: the positions must be those of
the (n, 2) version it replaced (kept here as the reference), bit for bit, so the page does not change."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from kg.viz import layout


def reference_grid_spring(nodes: list, graph: nx.Graph, seed: int, iterations: int = 200) -> np.ndarray:
    from scipy.spatial import cKDTree

    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array(sorted((index[a], index[b]) for a, b in graph.edges), dtype=np.intp)
    rng = np.random.default_rng(seed)
    side = math.sqrt(n)
    xy = rng.random((n, 2)) * side
    temperature = side / 10
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        pairs = cKDTree(xy).query_pairs(3.0, output_type="ndarray")
        delta = xy[pairs[:, 0]] - xy[pairs[:, 1]]
        dist2 = np.maximum((delta**2).sum(axis=1), 1e-4)
        push = delta / dist2[:, None]
        disp = layout._sum_by(pairs[:, 0], push, n) - layout._sum_by(pairs[:, 1], push, n)
        disp += layout._far_push(xy)
        delta = xy[edges[:, 0]] - xy[edges[:, 1]]
        pull = delta * np.sqrt((delta**2).sum(axis=1))[:, None]
        disp += layout._sum_by(edges[:, 1], pull, n) - layout._sum_by(edges[:, 0], pull, n)
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        xy += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return xy


@pytest.mark.parametrize("seed", [1, 42])
def test_the_same_positions_bit_for_bit(seed):
    graph = nx.connected_watts_strogatz_graph(400, 6, 0.2, seed=seed)
    graph = nx.relabel_nodes(graph, {v: f"https://kg.example.org/id/person/p{v}" for v in graph})
    nodes = sorted(graph)
    new = layout._grid_spring(nodes, graph, seed, iterations=60)
    assert new.tobytes() == reference_grid_spring(nodes, graph, seed, iterations=60).tobytes()
    assert np.isfinite(new).all() and new.std() > 1  # spread out, not collapsed
