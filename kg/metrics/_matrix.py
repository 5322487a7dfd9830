"""The fast engine behind the metrics: a networkx graph as a sparse matrix (scipy) or an igraph
graph, in the graph's own node order, so every result maps back to the same nodes."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import scipy.sparse as sp


def to_igraph(graph: nx.Graph):
    """``(nodes, igraph.Graph)`` with the edge attributes ``weight`` and ``distance`` copied."""
    import igraph

    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    edges = list(graph.edges(data=True))
    out = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v, _ in edges], directed=False)
    for name in ("weight", "distance"):
        out.es[name] = [data.get(name, 1) for _, _, data in edges]
    return nodes, out


def weight_matrix(graph: nx.Graph) -> tuple[list, sp.csr_array]:
    """``(nodes, W)``: the symmetric weighted adjacency matrix, self-loops left out."""
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    rows, cols, vals = [], [], []
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        w = float(data.get("weight", 1))
        rows += [index[u], index[v]]
        cols += [index[v], index[u]]
        vals += [w, w]
    n = len(nodes)
    return nodes, sp.csr_array((vals, (rows, cols)), shape=(n, n))


def eigenvector_power(graph: nx.Graph, max_iter: int, tol: float) -> dict:
    """networkx's eigenvector power iteration (on A + I, L1 convergence test), on a sparse matrix."""
    nodes, W = weight_matrix(graph)
    n = len(nodes)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + W @ last
        norm = math.hypot(*x) or 1.0
        x = x / norm
        if np.abs(x - last).sum() < n * tol:
            return dict(zip(nodes, x.tolist()))
    raise nx.PowerIterationFailedConvergence(max_iter)


def burt(graph: nx.Graph) -> tuple[dict, dict]:
    """Burt's constraint and effective size of every node (weighted), as networkx defines them,
    with sparse matrix products instead of loops over pairs of neighbours.

    With ``P`` the weights divided by each node's total (``p_ij``), ``M`` the weights divided by each
    node's strongest tie (``m_jq``) and ``A`` the 0/1 adjacency:

    * constraint(i) = sum over neighbours j of (p_ij + sum_q p_iq p_qj)^2 = rowsum(A ∘ (P + P²)²)
    * effective size(i) = deg(i) − sum over neighbours j, q of p_iq m_jq = deg(i) − rowsum(P ∘ (A M))

    An isolated node gets NaN for both, as in networkx.
    """
    nodes, W = weight_matrix(graph)
    n = len(nodes)
    if n == 0:
        return {}, {}
    A = (W > 0).astype(float)
    strength = np.asarray(W.sum(axis=1)).ravel()
    strongest = W.max(axis=1).toarray().ravel() if n else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        P = sp.diags_array(np.where(strength > 0, 1 / strength, 0.0)) @ W
        M = sp.diags_array(np.where(strongest > 0, 1 / strongest, 0.0)) @ W
    P = sp.csr_array(P)
    local = A.multiply(P + P @ P)
    constraint = np.asarray(local.multiply(local).sum(axis=1)).ravel()
    degree = np.asarray(A.sum(axis=1)).ravel()
    redundancy = np.asarray(P.multiply(A @ M).sum(axis=1)).ravel()
    effective = degree - redundancy
    isolated = degree == 0
    constraint[isolated] = math.nan
    effective[isolated] = math.nan
    return dict(zip(nodes, constraint.tolist())), dict(zip(nodes, effective.tolist()))
