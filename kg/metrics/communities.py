"""Communities: groups of nodes more tied to each other than to the rest (Louvain).

Louvain (Blondel et al. 2008) moves nodes between groups while the weighted modularity grows. It
starts from a random order, so the seed is fixed (42): the same graph gives the same groups. Groups
are numbered from 0 by size, largest first (ties broken by the smallest node id), so the numbers
are stable too.

References
----------
Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008). Fast unfolding of communities
in large networks. J. Stat. Mech. P10008.
Newman, M. E. J. (2006). Modularity and community structure in networks. PNAS 103, 8577–8582.
"""

from __future__ import annotations

import networkx as nx

SEED = 42
RESOLUTION = 1.0


def louvain(graph: nx.Graph, seed: int = SEED) -> dict:
    """``{node: community number}``; 0 is the largest community.

    Examples
    --------
    >>> g = nx.barbell_graph(4, 0)
    >>> parts = louvain(g)
    >>> parts[0] == parts[3] != parts[4] == parts[7]
    True
    """
    if graph.number_of_nodes() == 0:
        return {}
    groups = nx.community.louvain_communities(graph, weight="weight", resolution=RESOLUTION, seed=seed)
    ordered = sorted((sorted(group, key=str) for group in groups), key=lambda g: (-len(g), str(g[0])))
    return {node: number for number, group in enumerate(ordered) for node in group}


def modularity(graph: nx.Graph, community: dict) -> float:
    """Weighted modularity of the partition ``{node: community number}`` (0 for a graph without edges)."""
    if graph.number_of_edges() == 0:
        return 0.0
    groups: dict[int, set] = {}
    for node, number in community.items():
        groups.setdefault(number, set()).add(node)
    return nx.community.modularity(graph, groups.values(), weight="weight", resolution=RESOLUTION)
