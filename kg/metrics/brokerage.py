"""Brokerage (Burt's structural holes): who links people who are not otherwise linked.

* **Constraint** measures how much a node's ties lead back into one closed group: near 1 for a node
  whose contacts all know each other (or who has one tie), low for a broker whose contacts are
  otherwise unconnected. Lower constraint = more brokerage opportunity.
* **Effective size** is the number of a node's contacts minus their redundancy (how much they are
  tied to each other): the number of non-redundant contacts.

Both are weighted by ``weight`` as in ``networkx.constraint`` and ``networkx.effective_size`` (which
``engine="networkx"`` calls); otherwise they are computed with sparse matrix products that give the
same values (tests check them to 1e-9) in a fraction of the time. Both are undefined (NaN) for a
node with no ties.

References
----------
Burt, R. S. (1992). Structural Holes: The Social Structure of Competition. Harvard University Press.
Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures. Connections 20, 35–38.
"""

from __future__ import annotations

import networkx as nx

from . import _matrix
from .centrality import resolve_engine


def constraint_and_effective_size(graph: nx.Graph, engine: str = "auto") -> tuple[dict, dict]:
    """``(constraint, effective_size)``, each ``{node: value}``; NaN for isolated nodes.

    Examples
    --------
    >>> c, e = constraint_and_effective_size(nx.star_graph(3))
    >>> round(c[0], 6), e[0]
    (0.333333, 3.0)
    """
    if resolve_engine(engine) == "networkx":
        # nodes=... takes networkx's loop, which follows the definition: its sparse shortcut divides
        # by the wrong node's strongest tie on weighted graphs (networkx PR #8906, open in 3.6.1)
        nodes = list(graph)
        return nx.constraint(graph, weight="weight"), nx.effective_size(graph, nodes=nodes, weight="weight")
    return _matrix.burt(graph)
