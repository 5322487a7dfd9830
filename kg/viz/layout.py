"""Node positions computed before the page opens, so the browser has no physics to run.

vis.js's physics never settles on large graphs; a networkx layout with a fixed seed gives the same
picture every time and a 2,000-node page that is interactive as soon as it is drawn.

Three steps:

1. each connected component is laid out on its own (Kamada-Kawai when small, the sparse
   Fruchterman-Reingold spring layout when large) and scaled so that neighbouring nodes sit a
   readable distance apart;
2. the components are packed in rows, largest first, so that small islands do not push the main
   network into a corner;
3. overlapping boxes (each node with its label under it) are pushed apart, a few sweeps at most.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

KAMADA_KAWAI_UP_TO = 300  # nodes in a component; above this its all-pairs distances cost too much
EDGE_LENGTH = 110.0  # pixels: typical distance between linked nodes
MIN_GAP = 34.0  # pixels: neighbouring nodes closer than this (10th percentile) get the component spread out
MARGIN = 80.0  # pixels between packed components
ROOM = 2.5  # a component's area is at least this many times the area of its nodes' label boxes


def _component_layout(graph: nx.Graph, seed: int) -> np.ndarray:
    """Positions of one connected component, in rows of ``sorted(graph)``, typical edge length 1."""
    nodes = sorted(graph)
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    if n <= KAMADA_KAWAI_UP_TO:
        pos = nx.kamada_kawai_layout(graph, pos=nx.spring_layout(graph, seed=seed, iterations=30))
        xy = np.array([pos[v] for v in nodes], dtype=float)
    else:
        xy = _grid_spring(nodes, graph, seed)
    lengths = _edge_lengths(graph, nodes, xy)
    typical = float(np.median(lengths)) if len(lengths) else 1.0
    return (xy - xy.mean(axis=0)) / (typical or 1.0)


def _sum(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per-node sums of numbers (np.add.at, but far faster through bincount)."""
    return np.bincount(index, weights=values, minlength=n)


def _sum_by(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per-node sums of 2-D vectors."""
    return np.column_stack([_sum(index, values[:, d], n) for d in (0, 1)])


def _grid_spring(nodes: list, graph: nx.Graph, seed: int, iterations: int = 200) -> np.ndarray:
    """Fruchterman-Reingold with the grid variant of its paper: repulsion only between nodes closer
    than 3k (found with a k-d tree), so an iteration costs about n log n instead of n². networkx's
    own spring layouts took 25-33 s on a 2,000-node component here; this takes about a second."""
    from scipy.spatial import cKDTree

    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array(sorted((index[a], index[b]) for a, b in graph.edges), dtype=np.intp).reshape(-1, 2)
    tails, heads = edges[:, 0].copy(), edges[:, 1].copy()
    rng = np.random.default_rng(seed)
    side = math.sqrt(n)  # k = 1: one unit of area per node
    xy = rng.random((n, 2)) * side
    temperature = side / 10
    cooling = temperature / (iterations + 1)
    # x and y are kept apart (one contiguous array each): the same operations on the same floats, in
    # the same order, as on the (n, 2) array, so the same positions bit for bit, in half the time.
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    for _ in range(iterations):
        xy[:, 0], xy[:, 1] = x, y
        pairs = cKDTree(xy).query_pairs(3.0, output_type="ndarray")
        first, second = pairs[:, 0].copy(), pairs[:, 1].copy()
        dx, dy = x[first] - x[second], y[first] - y[second]
        dist2 = np.maximum(dx * dx + dy * dy, 1e-4)
        px, py = dx / dist2, dy / dist2  # k²/d along the unit vector
        far_x, far_y = _far_push(xy).T
        disp_x = _sum(first, px, n) - _sum(second, px, n) + far_x
        disp_y = _sum(first, py, n) - _sum(second, py, n) + far_y
        dx, dy = x[tails] - x[heads], y[tails] - y[heads]
        d = np.sqrt(dx * dx + dy * dy)
        pull_x, pull_y = dx * d, dy * d  # d²/k along the unit vector
        disp_x += _sum(heads, pull_x, n) - _sum(tails, pull_x, n)
        disp_y += _sum(heads, pull_y, n) - _sum(tails, pull_y, n)
        length = np.maximum(np.sqrt(disp_x * disp_x + disp_y * disp_y), 1e-9)
        step = np.minimum(length, temperature) / length
        x += disp_x * step
        y += disp_y * step
        temperature -= cooling
    xy[:, 0], xy[:, 1] = x, y
    return xy


def _far_push(xy: np.ndarray, cells: int = 16) -> np.ndarray:
    """Repulsion from far nodes, approximated by the centres of a coarse grid's cells (their node
    counts as masses); cells nearer than 3k are left to the exact near-field term."""
    low = xy.min(axis=0)
    size = np.maximum(xy.max(axis=0) - low, 1e-9) / cells
    cell = np.minimum(((xy - low) / size).astype(int), cells - 1)
    flat = cell[:, 0] * cells + cell[:, 1]
    mass = np.bincount(flat, minlength=cells * cells).astype(float)
    full = mass > 0
    centre = np.column_stack([np.bincount(flat, weights=xy[:, d], minlength=cells * cells) for d in (0, 1)])
    centre = centre[full] / mass[full][:, None]
    mass = mass[full]
    # Cell to cell (at most cells² × cells²), then every node gets its cell's push.
    delta = centre[:, None, :] - centre[None, :, :]
    dist2 = (delta**2).sum(axis=2)
    weight = np.where(dist2 > 9.0, mass[None, :] / np.maximum(dist2, 1e-9), 0.0)
    push = (delta * weight[:, :, None]).sum(axis=1)
    slot = np.full(cells * cells, -1)
    slot[np.flatnonzero(full)] = np.arange(len(mass))
    return push[slot[flat]]


def _edge_lengths(graph: nx.Graph, nodes: list, xy: np.ndarray) -> np.ndarray:
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in graph.edges])
    return np.linalg.norm(xy[pairs[:, 0]] - xy[pairs[:, 1]], axis=1)


def _spread(xy: np.ndarray) -> np.ndarray:
    """Scale so edges are about EDGE_LENGTH long and most nodes keep MIN_GAP from their nearest one."""
    xy = xy * EDGE_LENGTH
    if len(xy) < 3:
        return xy
    from scipy.spatial import cKDTree

    distances, _ = cKDTree(xy).query(xy, k=2)
    nearest = float(np.percentile(distances[:, 1], 10))
    if 0 < nearest < MIN_GAP:
        xy = xy * min(MIN_GAP / nearest, 6.0)
    return xy


def _pack(blocks: list[np.ndarray], halves: list[np.ndarray]) -> list[np.ndarray]:
    """Place components (largest first) in rows no wider than the largest one or sqrt of the total area.
    ``halves`` gives each node's half width and height, so labels count in a component's extent."""
    lows = [(b - h).min(axis=0) for b, h in zip(blocks, halves)]
    sizes = [(b + h).max(axis=0) - low for b, h, low in zip(blocks, halves, lows)]
    area = sum((w + MARGIN) * (h + MARGIN) for w, h in sizes)
    width = max(sizes[0][0], math.sqrt(area))
    out, x, y, row_h = [], 0.0, 0.0, 0.0
    for block, low, (w, h) in zip(blocks, lows, sizes):
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h + MARGIN, 0.0
        out.append(block - low + np.array([x, y]))
        x += w + MARGIN
        row_h = max(row_h, h)
    return out


def remove_overlaps(xy: np.ndarray, half_w: np.ndarray, half_h: np.ndarray, sweeps: int = 40) -> np.ndarray:
    """Push apart boxes that overlap, each pair along the line between their centres, half each way,
    just far enough to clear; repeated until nothing overlaps (or ``sweeps`` rounds). Candidate pairs
    come from a k-d tree, so a round costs about n log n plus the overlapping pairs."""
    from scipy.spatial import cKDTree

    xy = xy.copy()
    n = len(xy)
    if n < 2:
        return xy
    reach = 2 * float(np.sqrt(half_w**2 + half_h**2).max())
    for _ in range(sweeps):
        pairs = cKDTree(xy).query_pairs(reach, output_type="ndarray")
        if not len(pairs):
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = xy[j] - xy[i]
        over_x = half_w[i] + half_w[j] - np.abs(delta[:, 0])
        over_y = half_h[i] + half_h[j] - np.abs(delta[:, 1])
        hit = (over_x > 0) & (over_y > 0)
        if not hit.any():
            break
        i, j, delta, over_x, over_y = i[hit], j[hit], delta[hit], over_x[hit], over_y[hit]
        dist = np.sqrt((delta**2).sum(axis=1))
        same = dist < 1e-9
        delta[same] = (0.0, 1.0)  # boxes on the same spot: stack them
        dist[same] = 1.0
        unit = delta / dist[:, None]
        with np.errstate(divide="ignore"):
            need = np.minimum(np.where(np.abs(unit[:, 0]) > 1e-9, over_x / np.abs(unit[:, 0]), np.inf),
                              np.where(np.abs(unit[:, 1]) > 1e-9, over_y / np.abs(unit[:, 1]), np.inf))  # fmt: skip
        step = unit * (need / 2 + 0.5)[:, None]
        # Several overlaps on one box are summed, so cap each box's move to its largest single push.
        move = _sum_by(j, step, n) - _sum_by(i, step, n)
        largest = np.zeros(n)
        np.maximum.at(largest, np.concatenate([i, j]), np.concatenate([need / 2 + 0.5] * 2))
        length = np.sqrt((move**2).sum(axis=1))
        scale = np.where(length > largest, largest / np.maximum(length, 1e-9), 1.0)
        xy += move * scale[:, None]
    return xy


def _ordered_subgraph(graph: nx.Graph, nodes: list) -> nx.Graph:
    """The subgraph on ``nodes``, in their order. networkx's ``subgraph`` view iterates its node set,
    whose order changes with Python's string hashing from one process to the next; the spring layouts
    follow node order, so the page would differ between two runs on the same graph."""
    keep = set(nodes)
    out = nx.Graph()
    out.add_nodes_from(nodes)
    out.add_edges_from(sorted((a, b) for a in nodes for b in graph[a] if b in keep and a < b))
    return out


def positions(graph: nx.Graph, seed: int = 42, boxes: dict | None = None) -> dict:
    """Pixel coordinates for every node.

    Parameters
    ----------
    graph : networkx.Graph
    seed : int
        Seed of the spring layouts (the result is the same for the same graph and seed).
    boxes : dict, optional
        node -> (half width, half height) in pixels of the node with its label; when given,
        overlapping boxes are pushed apart.

    Returns
    -------
    dict
        node -> (x, y) in pixels, rounded to 0.1.

    Examples
    --------
    >>> pos = positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2]
    True
    """
    if graph.number_of_nodes() == 0:
        return {}
    plain = nx.Graph()
    plain.add_nodes_from(sorted(graph))
    plain.add_edges_from(sorted(tuple(sorted(e)) for e in graph.edges))
    components = sorted((sorted(c) for c in nx.connected_components(plain)), key=lambda c: (-len(c), c[0]))
    blocks = []
    for comp in components:
        xy = _spread(_component_layout(_ordered_subgraph(plain, comp), seed))
        if boxes and len(comp) > 2:
            # Leave room for the labels: boxes may cover at most 1/ROOM of the component's area.
            need = ROOM * sum(4 * boxes[v][0] * boxes[v][1] for v in comp)
            span = xy.max(axis=0) - xy.min(axis=0)
            have = max(float(span[0] * span[1]), 1.0)
            if have < need:
                xy = xy * min(math.sqrt(need / have), 4.0)
        blocks.append(xy)
    halves = [np.array([boxes[v] if boxes else (0.0, 0.0) for v in comp], dtype=float) for comp in components]
    placed = _pack(blocks, halves)
    order = [v for c in components for v in c]
    xy = np.vstack(placed)
    if boxes:
        half_w = np.array([boxes[v][0] for v in order], dtype=float)
        half_h = np.array([boxes[v][1] for v in order], dtype=float)
        xy = remove_overlaps(xy, half_w, half_h)
    xy = xy - (xy.min(axis=0) + xy.max(axis=0)) / 2
    return {v: (round(float(x), 1), round(float(y), 1)) for v, (x, y) in zip(order, xy)}
