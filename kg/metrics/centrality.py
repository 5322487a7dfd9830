"""Centrality: who has many ties, who sits on the paths between others, who is close to everyone,
who is tied to the well-tied.

Edge ``weight`` counts the events or facts behind a tie (see ``kg.network``), so a heavier tie is a
*stronger* one. Degree, eigenvector and PageRank use the weight as it is. Betweenness and closeness
follow shortest paths, where a strong tie must be *short*: they use ``distance = 1 / weight``.

Every function takes an undirected ``networkx.Graph`` and returns ``{node: value}``. Betweenness and
closeness run on python-igraph when it is installed (``engine="auto"``), because networkx's pure
Python shortest paths take minutes on thousands of nodes; ``engine="networkx"`` keeps them in
networkx, where backend dispatch (nx-parallel, nx-cugraph) can take over. Both engines give the
same values (tests check them against each other to 1e-9), except when two paths have lengths that
are equal in exact arithmetic but not in floating point (1/3 + 1/6 against 1/2): networkx compares
lengths exactly and keeps only one of those paths, igraph compares within a tolerance and counts
both, which is the mathematically right answer.

References
----------
Freeman, L. C. (1977). A set of measures of centrality based on betweenness. Sociometry 40, 35–41.
Brandes, U. (2001). A faster algorithm for betweenness centrality. J. Math. Sociol. 25, 163–177.
Wasserman, S. & Faust, K. (1994). Social Network Analysis. Cambridge University Press (closeness of
disconnected graphs).
Bonacich, P. (1987). Power and centrality. Am. J. Sociol. 92, 1170–1182.
Brin, S. & Page, L. (1998). The anatomy of a large-scale hypertextual web search engine.
Eppstein, D. & Wang, J. (2004). Fast approximation of centrality. J. Graph Algorithms Appl. 8, 39–45.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np

from . import _matrix

ENGINES = ("auto", "networkx", "igraph")
EIGENVECTOR_MAX_ITER = 1000
EIGENVECTOR_TOL = 1e-6
PAGERANK_ALPHA = 0.85
PIVOTS_AT_ONCE = 20  # sampled closeness: shortest-path trees computed and summed together


def igraph_available() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_engine(engine: str) -> str:
    """``"auto"`` → igraph when installed, else networkx."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "igraph" if igraph_available() else "networkx"
    if engine == "igraph" and not igraph_available():
        raise ValueError("engine 'igraph' needs the python-igraph package: pip install igraph")
    return engine


def weighted_degree(graph: nx.Graph) -> dict:
    """Sum of the weights of a node's ties (the number of events and facts behind them).

    Examples
    --------
    >>> g = nx.Graph(); g.add_edge("a", "b", weight=2); g.add_edge("a", "c", weight=1)
    >>> weighted_degree(g)["a"]
    3
    """
    return dict(graph.degree(weight="weight"))


def with_distance(graph: nx.Graph) -> nx.Graph:
    """A light copy of ``graph`` whose edges carry ``weight`` and ``distance = 1 / weight``."""
    out = nx.Graph()
    out.add_nodes_from(graph)
    for u, v, data in graph.edges(data=True):
        weight = data.get("weight", 1)
        if not isinstance(weight, (int, float)) or not weight > 0:
            raise ValueError(f"edge {u} – {v} has weight {weight!r}; weights must be positive numbers")
        out.add_edge(u, v, weight=weight, distance=1 / weight)
    return out


def sample_sources(graph: nx.Graph, k: int, seed: int) -> list:
    """The ``k`` source nodes networkx's sampled betweenness draws for this ``seed`` (same order)."""
    return random.Random(seed).sample(list(graph.nodes()), k)


def betweenness(graph: nx.Graph, k: int | None = None, seed: int = 42, engine: str = "auto") -> dict:
    """Normalized shortest-path betweenness over ``distance = 1 / weight``.

    The share of shortest paths between other pairs of nodes that run through a node, divided by
    the number of such pairs, so it lies in [0, 1].

    Parameters
    ----------
    graph : networkx.Graph
    k : int, optional
        Sample ``k`` source nodes (Brandes & Pich 2007) instead of all of them; the estimate is
        rescaled as networkx does. ``None`` or ``k >= n`` gives the exact value.
    seed : int
        Chooses the sampled sources (the same ones networkx's ``seed`` chooses).
    engine : "auto", "networkx" or "igraph"

    Returns
    -------
    dict
        node → betweenness.

    Examples
    --------
    >>> betweenness(nx.path_graph(3))[1]
    1.0
    """
    n = graph.number_of_nodes()
    if k is not None and k >= n:
        k = None
    dist = with_distance(graph)
    if resolve_engine(engine) == "networkx":
        return nx.betweenness_centrality(dist, k=k, weight="distance", normalized=True, seed=seed)
    nodes, ig_graph = _matrix.to_igraph(dist)
    if k is None:
        raw = ig_graph.betweenness(directed=False, weights="distance")
        # igraph counts each unordered pair once; networkx normalizes by (n-1)(n-2)/2 pairs
        scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        return {node: value * scale for node, value in zip(nodes, raw)}
    sources = sample_sources(graph, k, seed)
    index = {node: i for i, node in enumerate(nodes)}
    total = np.zeros(n)
    for source in sources:  # one source at a time: the sum of single-source dependencies, as networkx
        total += ig_graph.betweenness(directed=False, weights="distance", sources=[index[source]])
    total *= 2  # igraph halves an undirected single-source count; networkx's δ_s(v) does not
    # networkx's _rescale for normalized, sampled betweenness without endpoints
    scale_source = 1 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    scale_other = 1 / (k * (n - 2))
    chosen = set(sources)
    return {node: total[i] * (scale_source if node in chosen else scale_other) for i, node in enumerate(nodes)}


def closeness(graph: nx.Graph, engine: str = "auto", k: int | None = None, seed: int = 42) -> dict:
    """Closeness over ``distance = 1 / weight``, with Wasserman and Faust's correction for graphs in
    several pieces: ``(r - 1) / sum of distances`` to the ``r - 1`` nodes a node can reach, times
    ``(r - 1) / (n - 1)``. An isolated node gets 0.

    With ``k``, a connected piece of more than ``k`` nodes gets an estimate (Eppstein & Wang 2004):
    the sum of a node's distances is the mean of its distances from ``k`` pivots drawn at random
    from its piece (``seed``), times ``r - 1``: k shortest-path trees instead of one per node.
    Smaller pieces, and the whole graph when ``k`` is None, are exact.

    Examples
    --------
    >>> round(closeness(nx.path_graph(3))[1], 6)
    1.0
    """
    dist = with_distance(graph)
    if k is None and resolve_engine(engine) == "networkx":
        return nx.closeness_centrality(dist, distance="distance", wf_improved=True)
    n = graph.number_of_nodes()
    nodes, ig_graph = _matrix.to_igraph(dist)
    components = [list(c) for c in ig_graph.connected_components()]
    sampled = [c for c in components if k is not None and len(c) > k]
    # Exact closeness only where it is not estimated: a whole-graph call would also run one shortest-path
    # tree per node of the sampled pieces (240 s for the stakeholders at 10,000 events) for nothing.
    exact = sorted(i for c in components if not (k is not None and len(c) > k) for i in c)
    raw = dict(zip(exact, ig_graph.closeness(vertices=exact, weights="distance", normalized=True))) if exact else {}
    reach = {}
    for component in components:
        for i in component:
            reach[i] = len(component)
    out = {}
    for i, node in enumerate(nodes):
        value = raw.get(i, float("nan"))
        out[node] = 0.0 if (n <= 1 or value != value or reach[i] <= 1) else value * (reach[i] - 1) / (n - 1)
    rng = random.Random(seed)
    for component in sampled:
        pivots = rng.sample(component, k)
        # A few pivots' rows at a time (500 rows of 20,000 distances as Python floats took 1 GiB), added
        # one row after another in pivot order, as numpy's sum over the rows of the whole matrix adds them.
        totals, counts = np.zeros(len(component)), np.full(len(component), k, dtype=float)
        for start in range(0, k, PIVOTS_AT_ONCE):
            for row in np.array(ig_graph.distances(source=pivots[start:start + PIVOTS_AT_ONCE], target=component,
                                                   weights="distance")):  # fmt: skip
                totals += row
        for row, pivot in enumerate(pivots):  # a pivot's distance to itself is no sample of its distances
            counts[component.index(pivot)] -= 1
        r = len(component)
        for column, i in enumerate(component):
            estimate = totals[column] / counts[column] * (r - 1)
            out[nodes[i]] = (r - 1) / estimate * (r - 1) / (n - 1) if estimate > 0 else 0.0
    return out


class EigenvectorFailed(Exception):
    pass


def eigenvector(graph: nx.Graph, engine: str = "auto", max_iter: int | None = None) -> dict:
    """Eigenvector centrality (weighted): a node is central when its ties are to central nodes.

    Power iteration on ``A + I`` from the all-ones vector, exactly as
    ``networkx.eigenvector_centrality`` (which ``engine="networkx"`` calls); the other engines run the
    same iteration on a sparse matrix. In a graph of several pieces the values concentrate on the
    piece with the largest eigenvalue: nodes elsewhere get values near 0.

    Raises
    ------
    EigenvectorFailed
        When the iteration does not converge within ``max_iter`` steps (``kg.metrics.node_metrics``
        then falls back to PageRank and says so).
    """
    max_iter = max_iter or EIGENVECTOR_MAX_ITER
    if graph.number_of_nodes() == 0:
        return {}
    try:
        if resolve_engine(engine) == "networkx":
            return nx.eigenvector_centrality(graph, max_iter=max_iter, tol=EIGENVECTOR_TOL, weight="weight")
        return _matrix.eigenvector_power(graph, max_iter=max_iter, tol=EIGENVECTOR_TOL)
    except nx.PowerIterationFailedConvergence as exc:
        raise EigenvectorFailed(f"power iteration did not converge in {max_iter} iterations") from exc


def pagerank(graph: nx.Graph) -> dict:
    """PageRank (weighted, damping 0.85): the share of time a random walker following ties in
    proportion to their weight spends at a node. Sums to 1 over the graph."""
    if graph.number_of_nodes() == 0:
        return {}
    return nx.pagerank(graph, alpha=PAGERANK_ALPHA, weight="weight")
