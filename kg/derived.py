"""Derived graphs: the joins the named queries would otherwise redo on every run, written once at build time.

At 10,000 events an aggregation that walks "the participations of an organization's members" or "the
sectors of a person's organizations" from the stated facts takes seconds to minutes; the same walk done
once in Python while the build writes the quads takes well under a second. Each fact here is a plain
triple (or a node with a fixed IRI) that follows by one rule from stated facts:

``?participation kgd:countsFor ?org``
    the participation's agent is ``?org`` itself (an ``org:Organization``) or a member of it
    (``kg:agent/org:memberOf?``); themes-by-organization and themes-by-sector count these.
``<base>derived/tie-end/<hash>``
    one end of a tie partners-of-organization reports: ``kgd:from`` an organization, ``kgd:via`` an event
    or person, ``kgd:link`` the kind: "co-organizer" (it organized the event), "co-participant" (it took
    part itself or through a member, ``kg:participatedIn|^org:memberOf/kg:participatedIn``, with
    ``kgd:through`` each member who took part) or "shared-person" (the via is a member of it). Two ends
    with the same via and link make a tie: one join from the bound organization, no EXISTS per row.
``?agent kgd:sector ?sector``
    the agent's own sector or that of an organization it is a member of (``kg:sector|org:memberOf/
    kg:sector``): a person's sectors, for sector-bridges.
``?event kgd:organizerSector ?sector``
    the sector of one of the event's organizers (``schema:organizer/kg:sector``).
``<base>derived/event-sector/<hash>``
    a ``kgd:EventSector`` node per event and sector that met there, with ``kgd:ofEvent``, ``kgd:ofSector``,
    every ``kgd:organization`` of that sector that took part itself or through a person
    (``foaf:Person``) who is a member of it, and every such ``kgd:person``: sectors-at-events counts them.

Levels are never mixed. The facts derived at a level come only from the facts readable at that level:
they are computed from the quads of that level and those below it, and written into the graph
``<base>graph/<level>/derived``, leaving out what the levels below already derive. Every rule is
monotone (no negation, no counting), so a store at level L, which reads the derived graphs of L and of
the levels below, sees exactly the facts derived from what L reads; negations and counts stay in the
queries. A remote store gets the same graphs (they are quads like the records'). Each derived graph
says what it is (``a kgd:DerivedGraph``), which rules made it and from which level
(``prov:wasDerivedFrom`` the level, ``prov:wasGeneratedBy`` this module's rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

from . import to_rdf, vocab

KGD = "https://kg.example.org/derived#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ORG = "http://www.w3.org/ns/org#"
_KG = str(vocab.KG)
_WANTED = {
    _KG + "agent": "agent", _KG + "participatedIn": "participated", _ORG + "memberOf": "member_of",
    _KG + "sector": "sector", "https://schema.org/organizer": "organizer",
}  # fmt: skip
_TYPES = {_ORG + "Organization": "organization", "http://xmlns.com/foaf/0.1/Person": "person",
          _KG + "Participation": "participation"}  # fmt: skip
RULES = {
    "countsFor": "?participation kg:agent ?org, with ?org a org:Organization; or ?participation kg:agent/org:memberOf ?org",
    "link": "co-organizer: ?via schema:organizer ?from; co-participant: ?from kg:participatedIn ?via, or ?through "
            "org:memberOf ?from ; kg:participatedIn ?via; shared-person: ?via org:memberOf ?from",
    "sector": "?agent kg:sector ?sector; or ?agent org:memberOf/kg:sector ?sector",
    "organizerSector": "?event schema:organizer/kg:sector ?sector",
    "EventSector": "per event and sector: ?org kg:sector ?sector and ?org kg:participatedIn ?event, or "
                   "?person a foaf:Person ; kg:participatedIn ?event ; org:memberOf ?org (kgd:person ?person)",
}  # fmt: skip


def graph_iri(base: str, level: str) -> str:
    return f"{base}graph/{level}/derived"


class Collector:
    """Keeps, while the build streams its quads, the few relations the rules read, each pair with the
    lowest rank (level) of a graph stating it."""

    def __init__(self, base: str):
        self.base = base
        self.pairs: dict[str, dict[tuple[str, str], int]] = {name: {} for name in _WANTED.values()}
        self.typed: dict[str, dict[str, int]] = {name: {} for name in _TYPES.values()}
        self._rank_of: dict[str, int] = {}

    def _rank(self, graph: str) -> int:
        rank = self._rank_of.get(graph)
        if rank is None:
            level = to_rdf.graph_level(graph, self.base) or "restricted"
            rank = self._rank_of[graph] = to_rdf.LEVEL_RANK.get(level, len(to_rdf.LEVEL_RANK) - 1)
        return rank

    def add(self, quads: Iterable[ox.Quad]) -> None:
        for q in quads:
            p = q.predicate.value
            if p == _RDF_TYPE:
                kind = _TYPES.get(q.object.value)
                if kind is None:
                    continue
                table, key = self.typed[kind], q.subject.value
            else:
                kind = _WANTED.get(p)
                if kind is None or not isinstance(q.object, ox.NamedNode) or not isinstance(q.subject, ox.NamedNode):
                    continue
                table, key = self.pairs[kind], (q.subject.value, q.object.value)
            rank = self._rank(q.graph_name.value)
            if rank < table.get(key, 99):
                table[key] = rank

    def quads(self) -> list[ox.Quad]:
        """The derived graphs, one per level that derives something its levels below do not."""
        out: list[ox.Quad] = []
        seen: set[tuple] = set()
        for rank, level in enumerate(to_rdf.LEVEL_RANK):
            facts = [f for f in derive(self._at(rank), self.base) if f not in seen]
            if not facts:
                continue
            seen.update(facts)
            graph = ox.NamedNode(graph_iri(self.base, level))
            out.extend(ox.Quad(*_terms(f), graph) for f in sorted(facts))
            out.extend(_describe(graph, level))
        return out

    def _at(self, rank: int) -> dict:
        view = {name: {k for k, r in table.items() if r <= rank} for name, table in self.pairs.items()}
        view.update({name: {k for k, r in table.items() if r <= rank} for name, table in self.typed.items()})
        return view


def _terms(fact: tuple[str, str, str]) -> tuple:
    s, p, o = fact
    return ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o) if p == KGD + "link" else ox.NamedNode(o)


def _describe(graph: ox.NamedNode, level: str) -> list[ox.Quad]:
    """What the derived graph is and where its facts come from (its provenance)."""
    prov = "http://www.w3.org/ns/prov#"
    rules = ox.NamedNode(KGD + "rules")
    triples = [
        (graph, ox.NamedNode(_RDF_TYPE), ox.NamedNode(KGD + "DerivedGraph")),
        (graph, ox.NamedNode(prov + "wasDerivedFrom"), ox.NamedNode(str(vocab.LEVEL) + level)),
        (graph, ox.NamedNode(prov + "wasGeneratedBy"), rules),
    ]
    comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    triples += [(ox.NamedNode(KGD + name), comment, ox.Literal(rule)) for name, rule in sorted(RULES.items())]
    triples.append((rules, comment, ox.Literal("the rules of kg.derived, applied to the facts readable at the level "
                                               "of the graph (prov:wasDerivedFrom)")))  # fmt: skip
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def derive(view: dict, base: str) -> set[tuple[str, str, str]]:
    """Every derived triple that follows from ``view`` (relation name -> set of pairs or subjects)."""
    facts: set[tuple[str, str, str]] = set()
    organizations, persons, participations = view["organization"], view["person"], view["participation"]
    member_of: dict[str, set[str]] = {}
    for member, org in view["member_of"]:
        member_of.setdefault(member, set()).add(org)
    sectors: dict[str, set[str]] = {}
    for org, sector in view["sector"]:
        sectors.setdefault(org, set()).add(sector)

    counts_for = KGD + "countsFor"
    for participation, agent in view["agent"]:
        if participation not in participations:
            continue
        if agent in organizations:
            facts.add((participation, counts_for, agent))
        for org in member_of.get(agent, ()):
            facts.add((participation, counts_for, org))

    ends: dict[tuple[str, str, str], set[str]] = {}  # (organization, via, link) -> the people it runs through
    event_sector: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for agent, event in view["participated"]:
        ends.setdefault((agent, event, "co-participant"), set())
        for org in member_of.get(agent, ()):
            ends.setdefault((org, event, "co-participant"), set()).add(agent)
        for sector in sectors.get(agent, ()):
            event_sector.setdefault((event, sector), (set(), set()))[0].add(agent)
        if agent in persons:
            for org in member_of.get(agent, ()):
                for sector in sectors.get(org, ()):
                    orgs, people = event_sector.setdefault((event, sector), (set(), set()))
                    orgs.add(org)
                    people.add(agent)
    for event, org in view["organizer"]:
        ends.setdefault((org, event, "co-organizer"), set())
    for member, orgs in member_of.items():
        for org in orgs:
            ends.setdefault((org, member, "shared-person"), set())
    for (org, via, link), people in ends.items():
        node = f"{base}derived/tie-end/{hashlib.sha256(f'{org} {via} {link}'.encode()).hexdigest()[:24]}"
        facts.add((node, KGD + "from", org))
        facts.add((node, KGD + "via", via))
        facts.add((node, KGD + "link", link))
        facts.update((node, KGD + "through", person) for person in people)

    own_sector = KGD + "sector"
    for agent, sector in view["sector"]:
        facts.add((agent, own_sector, sector))
    for member, orgs in member_of.items():
        for org in orgs:
            for sector in sectors.get(org, ()):
                facts.add((member, own_sector, sector))

    organizer_sector = KGD + "organizerSector"
    for event, org in view["organizer"]:
        for sector in sectors.get(org, ()):
            facts.add((event, organizer_sector, sector))

    for (event, sector), (orgs, people) in event_sector.items():
        node = f"{base}derived/event-sector/{hashlib.sha256(f'{event} {sector}'.encode()).hexdigest()[:24]}"
        facts.add((node, _RDF_TYPE, KGD + "EventSector"))
        facts.add((node, KGD + "ofEvent", event))
        facts.add((node, KGD + "ofSector", sector))
        facts.update((node, KGD + "organization", org) for org in orgs)
        facts.update((node, KGD + "person", person) for person in people)
    return facts


def derived_quads(quads: Iterable[ox.Quad], base: str) -> list[ox.Quad]:
    """The derived graphs of a whole set of quads (the in-memory stores and a remote upload)."""
    collector = Collector(base)
    collector.add(quads)
    return collector.quads()
