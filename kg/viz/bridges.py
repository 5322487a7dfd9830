"""Who bridges sectors: the people and organizations the page's "Bridges" panel ranks first.

A broker here is a node whose contacts are seldom tied to each other (low Burt constraint, from
``kg.metrics``) and who meets other sectors (high ``sector_reach``, from ``kg.metrics.sectors``).
The rank is ``sector_reach × (1 − min(constraint, 1)) × log2(1 + events)``: someone met across
sectors at one large event is less of a bridge than someone who keeps meeting them at several.
Ties are broken by betweenness, then name.
Each entry carries one sentence saying why it ranks there, in numbers a reader can check.
"""

from __future__ import annotations

import math

import networkx as nx

BRIDGE_KINDS = ("person", "organization")


def _sector_name(sector: str) -> str:
    return sector.replace("-", " ").capitalize()


def why(reach: dict, constraint: float) -> str:
    """One line: the other sectors met, through how many events, and what the constraint means."""
    sectors = reach["sectors"]
    named = ", ".join(_sector_name(s) for s in sectors[:3]) + (f" +{len(sectors) - 3}" if len(sectors) > 3 else "")
    events = reach["events"]
    openness = "seldom" if constraint < 0.25 else "sometimes" if constraint < 0.5 else "often"
    return (f"{len(sectors)} other sector{'s' if len(sectors) != 1 else ''} ({named}) at {events} "
            f"event{'s' if events != 1 else ''}; {reach['score']:.0%} of {reach['met']} contacts cross sectors; "
            f"constraint {constraint:.2f}: contacts {openness} linked to each other.")  # fmt: skip


def bridges(graph: nx.Graph, metrics: dict, reach: dict, top: int = 10) -> list[dict]:
    """The ``top`` brokers across sectors: ``[{"id", "name", "score", "why"}]``, best first.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_nodes_from([("ann", {"type": "person", "label": "Ann"})])
    >>> bridges(g, {"ann": {"constraint": 0.2, "betweenness": 0.0}},
    ...         {"ann": {"score": 0.5, "sectors": ["government"], "events": 3, "met": 2}})[0]["score"]
    0.8
    """
    ranked = []
    for node, data in graph.nodes(data=True):
        r, m = reach.get(node) or {}, metrics.get(node, {})
        constraint = m.get("constraint")
        if data.get("type") not in BRIDGE_KINDS or not r.get("score") or constraint is None:
            continue
        score = r["score"] * (1 - min(constraint, 1.0)) * math.log2(1 + r.get("events", 0))
        name = data.get("label") or str(node)
        ranked.append((-score, -(m.get("betweenness") or 0), name, node, r, constraint))
    ranked.sort()
    return [{"id": node, "name": name, "score": round(-neg, 4), "why": why(r, constraint)}
            for neg, _, name, node, r, constraint in ranked[:top]]  # fmt: skip
