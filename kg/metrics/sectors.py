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


UNSECTORED_KINDS = ("event", "theme")


def own_sectors(graph: nx.Graph) -> dict:
    """``{node: set of sectors}``: an organization's own sector; a person's, those of every
    organization they are linked to (and their own ``sector`` attribute); none for events and themes."""
    out = {}
    for node, data in graph.nodes(data=True):
        kind = data.get("type", "")
        found = {data["sector"]} if data.get("sector") and kind not in UNSECTORED_KINDS else set()
        if kind == "person":
            found |= {graph.nodes[o].get("sector") for o in graph[node]
                      if graph.nodes[o].get("type") == "organization" and graph.nodes[o].get("sector")}  # fmt: skip
        out[node] = found
    return out


def sector_reach(graph: nx.Graph) -> dict:
    """How far each node reaches across sectors, counting the people and organizations it meets at
    events as well as its direct ties (for the page's "Bridges" panel).

    A person or organization *meets* its sectored neighbours and, through each event it is linked
    to, every other sectored participant of that event. Its score is the share of those meetings
    with someone whose sectors it does not share (0: it only meets its own sector; 1: only others).
    An event's score is the chance that two of its sectored participants drawn at random are of
    different sectors (Gini-Simpson diversity of their sectors). ``None`` when nothing is met.

    Returns
    -------
    dict
        ``{node: {"score": float or None, "sectors": sorted sectors met outside its own,
        "events": number of events through which it met someone, "met": number of meetings}}``

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_nodes_from([("ann", {"type": "person"}), ("ngo", {"type": "organization", "sector": "civil-society"}),
    ...                   ("min", {"type": "organization", "sector": "government"}), ("day", {"type": "event"})])
    >>> g.add_edges_from([("ann", "ngo"), ("ann", "day"), ("min", "day")])
    >>> sector_reach(g)["ann"]["score"], sector_reach(g)["ann"]["sectors"], sector_reach(g)["day"]["score"]
    (0.5, ['government'], 0.5)
    """
    own = own_sectors(graph)
    kind = {node: data.get("type", "") for node, data in graph.nodes(data=True)}
    out = {}
    for node in graph:
        if kind[node] in UNSECTORED_KINDS:
            counts: dict[str, float] = {}
            for other in sorted(graph[node]):
                for sector in own[other]:
                    counts[sector] = counts.get(sector, 0) + 1 / len(own[other])
            # Summed in a fixed order: a set's order changes with Python's string hashing from one process
            # to the next, and so did the last digit of a score (0.8333333333333333 or ...334).
            shares = [counts[sector] for sector in sorted(counts)]
            total = sum(shares)
            score = 1 - sum((c / total) ** 2 for c in shares) if total > 1 else None
            out[node] = {"score": score, "sectors": sorted(counts), "events": 0, "met": round(total)}
            continue
        met, across, sectors_met, events = 0, 0, set(), 0
        mine = own[node]
        for other in graph[node]:
            if kind[other] in UNSECTORED_KINDS:
                people = [p for p in graph[other] if p != node and own[p]]
                events += bool(people)
            else:
                people = [other] if own[other] else []
            for p in people:
                met += 1
                if not own[p] & mine:
                    across += 1
                    sectors_met |= own[p] - mine
        out[node] = {"score": (across / met) if met and mine else None, "sectors": sorted(sectors_met),
                     "events": events, "met": met}  # fmt: skip
    return out
