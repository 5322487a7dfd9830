"""Cross-sector ties: how much of a node's network reaches beyond its own sector.

The cross-sector score of a node is the share of the weight of its ties to nodes *with a sector*
that goes to a node of *another* sector: 0 when every tie stays inside the node's sector, 1 when
every tie crosses to another one. Ties to nodes without a sector (events, themes, people with no
known organization) are left out of both sides of the share. The score is undefined (``None``) for
a node without a sector, and for a node none of whose ties reaches a node with a sector.
"""

from __future__ import annotations

import networkx as nx


def cross_sector(graph: nx.Graph) -> dict:
    """``{node: share in [0, 1] or None}``.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_nodes_from([("ngo", {"sector": "civil-society"}), ("min", {"sector": "government"}),
    ...                   ("uni", {"sector": "civil-society"})])
    >>> g.add_edge("ngo", "min", weight=3); g.add_edge("ngo", "uni", weight=1)
    >>> cross_sector(g)["ngo"]
    0.75
    """
    sector = {node: data.get("sector") or "" for node, data in graph.nodes(data=True)}
    out = {}
    for node in graph:
        own = sector[node]
        if not own:
            out[node] = None
            continue
        across = total = 0.0
        for other, data in graph[node].items():
            if other == node or not sector[other]:
                continue
            weight = data.get("weight", 1)
            total += weight
            if sector[other] != own:
                across += weight
        out[node] = across / total if total else None
    return out
