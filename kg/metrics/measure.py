"""Every metric of every node of a projection, and the figures of the whole network.

This module puts the topic modules together (centrality, brokerage, communities, sectors) and fixes
what every output shares: the metric names and their order, rounding to 6 significant digits (so
CSV, JSON, GraphML, GEXF and RDF carry the same numbers and a rerun gives the same bytes), ``None``
where a metric is undefined, and the notes that say how a figure was computed (sampled
betweenness, eigenvector fallback).
"""

from __future__ import annotations

import math
from importlib.metadata import PackageNotFoundError, version

import networkx as nx

from . import brokerage, centrality, communities, sectors

from ..metric_names import METRICS  # noqa: E402 - the names, defined once
INTEGER_METRICS = ("weighted_degree", "degree", "community")
# Above this many nodes, betweenness samples sources unless told otherwise (k=0 forces exact).
EXACT_BETWEENNESS_MAX_NODES = 1000
AUTO_SAMPLE_K = 100
# Above this many nodes in one connected piece, closeness is estimated from this many pivots (k=0 forces exact).
EXACT_CLOSENESS_MAX_NODES = 5000
CLOSENESS_PIVOTS = 500
DIGITS = 6


def significant(value, digits: int = DIGITS):
    """A float rounded to ``digits`` significant digits; NaN and None become None; -0.0 becomes 0.0."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return None
    return float(f"{value:.{digits}g}") + 0.0


class NodeMetrics(dict):
    """``{node: {metric: value}}`` plus how it was computed (read by ``graph_metrics``).

    Attributes
    ----------
    k : int or None
        Number of sampled betweenness sources, None when betweenness is exact.
    engine : str
        "igraph" or "networkx" (for betweenness, closeness; see ``kg.metrics.centrality``).
    notes : list of str
        Sentences for the reader: fallbacks, sampling, conventions.
    parameters : str
        The algorithms and parameters, for provenance.
    """

    k: int | None = None
    engine: str = "networkx"
    notes: list[str]
    parameters: str = ""


def choose_k(n: int, k: int | None) -> int | None:
    """The number of betweenness sources to sample: ``k`` when given (0 = exact), else exact up to
    ``EXACT_BETWEENNESS_MAX_NODES`` nodes and ``AUTO_SAMPLE_K`` sources above."""
    if k is not None and k < 0:
        raise ValueError(f"k must be 0 (exact) or a positive number of sources, not {k}")
    if k == 0:
        return None
    if k is None:
        k = AUTO_SAMPLE_K if n > EXACT_BETWEENNESS_MAX_NODES else None
    return None if k is None or k >= n else k


def node_metrics(graph: nx.Graph, k: int | None = None, seed: int = 42, engine: str = "auto") -> NodeMetrics:
    """Every metric of every node, rounded to 6 significant digits.

    Parameters
    ----------
    graph : networkx.Graph
        A projection (``kg.network.project``): undirected, edge ``weight`` = number of events or
        facts behind the tie, node ``sector`` ("" when unknown).
    k : int, optional
        Betweenness from ``k`` sampled sources. None (default): exact up to
        ``EXACT_BETWEENNESS_MAX_NODES`` nodes, ``AUTO_SAMPLE_K`` sources above; 0: always exact.
    seed : int
        Seed of Louvain and of the betweenness sample (42: reproducible).
    engine : "auto", "networkx" or "igraph"
        Engine for betweenness, closeness, eigenvector, constraint and effective size ("auto": the
        fast one; "networkx": networkx itself, for its backends). Same values either way.

    Returns
    -------
    NodeMetrics
        ``{node: {"weighted_degree", "degree", "betweenness", "closeness", "eigenvector",
        "pagerank", "community", "constraint", "effective_size", "cross_sector"}}``. Integers for
        weighted degree (when weights are integers), degree and community; floats otherwise;
        ``None`` where a metric is undefined (constraint and effective size of an isolated node,
        cross-sector score of a node without a sector or without ties to one).

    Examples
    --------
    >>> m = node_metrics(nx.star_graph(3))
    >>> m[0]["degree"], m[0]["betweenness"], m[1]["betweenness"]
    (3, 1.0, 0.0)
    """
    engine = centrality.resolve_engine(engine)
    n = graph.number_of_nodes()
    k_used = choose_k(n, k)
    notes = ["weighted degree, eigenvector, PageRank, constraint, effective size and communities use the edge weight "
             "(events or facts behind a tie); betweenness and closeness use distance = 1 / weight"]  # fmt: skip
    if k_used is not None:
        notes.append(f"betweenness estimated from {k_used} of {n} sampled source nodes (seed {seed})")
    pivots = None if k == 0 or n <= EXACT_CLOSENESS_MAX_NODES else CLOSENESS_PIVOTS
    if pivots is not None:
        notes.append(f"closeness estimated from {pivots} sampled pivot nodes per connected piece of more than "
                     f"{pivots} nodes (seed {seed}; Eppstein & Wang 2004), exact in smaller pieces")  # fmt: skip
    columns = {
        "weighted_degree": centrality.weighted_degree(graph),
        "degree": dict(graph.degree()),
        "betweenness": centrality.betweenness(graph, k=k_used, seed=seed, engine=engine),
        "closeness": centrality.closeness(graph, engine=engine, k=pivots, seed=seed),
    }
    try:
        columns["eigenvector"] = centrality.eigenvector(graph, engine=engine)
        eigen_note = "eigenvector: power iteration converged"
    except centrality.EigenvectorFailed as exc:
        columns["eigenvector"] = centrality.pagerank(graph)
        eigen_note = f"eigenvector centrality fell back to PageRank: {exc}"
        notes.append(eigen_note)
    columns["pagerank"] = centrality.pagerank(graph)
    columns["community"] = communities.louvain(graph, seed=seed)
    columns["constraint"], columns["effective_size"] = brokerage.constraint_and_effective_size(graph, engine=engine)
    columns["cross_sector"] = sectors.cross_sector(graph)

    out = NodeMetrics()
    for node in graph:
        row = {}
        for name in METRICS:
            value = columns[name].get(node)
            if name in INTEGER_METRICS and isinstance(value, int):
                row[name] = value
            else:
                row[name] = significant(value)
        out[node] = row
    out.k = k_used
    out.engine = engine
    out.notes = notes
    out.parameters = _parameters(engine, k_used, seed, eigen_note)
    if pivots is not None:
        out.parameters += f"; closeness estimated from {pivots} pivots per piece of more than {pivots} nodes (seed {seed})"
    return out


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _parameters(engine: str, k: int | None, seed: int, eigen_note: str) -> str:
    fast = f"python-igraph {_version('igraph')}" if engine == "igraph" else f"networkx {nx.__version__}"
    return (f"networkx {nx.__version__}: degree(weight), pagerank(alpha={centrality.PAGERANK_ALPHA}, weight), "
            f"louvain_communities(weight, resolution={communities.RESOLUTION}, seed={seed}); "
            f"{fast}: betweenness (normalized, distance=1/weight, k={k}, seed={seed}), closeness (distance=1/weight, "
            f"Wasserman-Faust), eigenvector (power iteration on A+I, weight, tol={centrality.EIGENVECTOR_TOL}, "
            f"max_iter={centrality.EIGENVECTOR_MAX_ITER}; {eigen_note}); Burt constraint and effective size "
            f"(weight); rounded to {DIGITS} significant digits")  # fmt: skip


def graph_metrics(graph: nx.Graph, node_metrics: NodeMetrics) -> dict:
    """The figures of the whole network.

    Parameters
    ----------
    graph : networkx.Graph
    node_metrics : NodeMetrics
        What ``node_metrics(graph)`` returned (its communities give the modularity).

    Returns
    -------
    dict
        ``projection``, ``nodes``, ``edges``, ``density``, ``components``, ``largest_component``,
        ``communities``, ``modularity``, ``betweenness_k`` (None when exact), ``engine``, ``notes``.

    Examples
    --------
    >>> g = nx.path_graph(4)
    >>> figures = graph_metrics(g, node_metrics(g))
    >>> figures["nodes"], figures["edges"], figures["components"]
    (4, 3, 1)
    """
    n = graph.number_of_nodes()
    community = {node: row["community"] for node, row in node_metrics.items() if row.get("community") is not None}
    pieces = [len(c) for c in nx.connected_components(graph)] if n else []
    return {
        "projection": graph.graph.get("name", ""),
        "nodes": n,
        "edges": graph.number_of_edges(),
        "density": significant(nx.density(graph)) if n else 0.0,
        "components": len(pieces),
        "largest_component": max(pieces, default=0),
        "communities": len(set(community.values())),
        "modularity": significant(communities.modularity(graph, community)),
        "betweenness_k": getattr(node_metrics, "k", None),
        "engine": getattr(node_metrics, "engine", ""),
        "notes": list(getattr(node_metrics, "notes", [])),
    }
