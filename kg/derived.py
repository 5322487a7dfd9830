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
``?event kgd:raised ?theme``
    a participation (anything with ``kg:event ?event``) at the event records the theme (``^kg:event/
    dcterms:subject``): with the event's own ``dcterms:subject``, the themes an event addressed, for
    themes-over-time.
``<base>derived/event-sector/<hash>``
    a ``kgd:EventSector`` node per event and sector that met there, with ``kgd:ofEvent``, ``kgd:ofSector``,
    every ``kgd:organization`` of that sector that took part itself or through a person
    (``foaf:Person``) who is a member of it, and every such ``kgd:person``: sectors-at-events counts them.
``<base>derived/org-pair/<hash>``
    a node per two organizations A and B (the hash of their IRIs, A's the lower) that met at a dated
    ``schema:Event`` (each organizing it or taking part itself or through a member,
    ``(^kg:participatedIn|schema:organizer)/org:memberOf?``), with ``kgd:metIn`` the year (the first four
    characters of ``schema:startDate``) of every such event and ``kgd:sectors`` a
    ``<base>derived/sector-pair/<hash>`` node (``kgd:sectorA`` a sector of A, ``kgd:sectorB`` another of B)
    for each two different sectors they stand in: sector-ties-per-year counts the pairs by their earliest
    year (the year of their earliest date) without joining organizations, sectors and dates at query time.

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
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from . import levels, vocab

KGD = "https://kg.example.org/derived#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ORG = "http://www.w3.org/ns/org#"
_KG = str(vocab.KG)
_WANTED = {
    _KG + "agent": "agent", _KG + "participatedIn": "participated", _ORG + "memberOf": "member_of",
    _KG + "sector": "sector", "https://schema.org/organizer": "organizer",
    _KG + "event": "event_of", "http://purl.org/dc/terms/subject": "subject",
    "https://schema.org/startDate": "start",
}  # fmt: skip
_LITERAL_OBJECTS = {"start"}  # kept as the literal's lexical form (STR); every other relation is IRI to IRI
_TYPES = {_ORG + "Organization": "organization", "http://xmlns.com/foaf/0.1/Person": "person",
          _KG + "Participation": "participation", "https://schema.org/Event": "event"}  # fmt: skip
RULES = {
    "countsFor": "?participation kg:agent ?org, with ?org a org:Organization; or ?participation kg:agent/org:memberOf ?org",
    "link": "co-organizer when ?via schema:organizer ?from; co-participant when ?from kg:participatedIn ?via, or "
            "?through org:memberOf ?from ; kg:participatedIn ?via; shared-person when ?via org:memberOf ?from",
    "sector": "?agent kg:sector ?sector; or ?agent org:memberOf/kg:sector ?sector",
    "organizerSector": "?event schema:organizer/kg:sector ?sector",
    "raised": "?event kgd:raised ?theme when ?participation kg:event ?event ; dcterms:subject ?theme",
    "EventSector": "per event and sector: ?org kg:sector ?sector and ?org kg:participatedIn ?event, or "
                   "?person a foaf:Person ; kg:participatedIn ?event ; org:memberOf ?org (kgd:person ?person)",
    "metIn": "per ?orgA and ?orgB, STR(?orgA) < STR(?orgB), both a org:Organization, that met at an ?event a "
               "schema:Event with a schema:startDate ?date (?x kg:participatedIn ?event, or ?event schema:organizer "
               "?x; ?x org:memberOf? ?org): kgd:metIn SUBSTR(STR(?date), 1, 4) for every such event; kgd:sectors "
               "a node with kgd:sectorA ?sa and kgd:sectorB ?sb per ?orgA kg:sector ?sa . ?orgB kg:sector ?sb, "
               "?sa != ?sb",
}  # fmt: skip
_LITERALS = {KGD + "link", KGD + "metIn"}  # the derived facts whose object is a literal


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
            level = levels.graph_level(graph, self.base) or "restricted"
            rank = self._rank_of[graph] = levels.LEVEL_RANK.get(level, len(levels.LEVEL_RANK) - 1)
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
                if kind is None or not isinstance(q.subject, ox.NamedNode) or not isinstance(
                        q.object, ox.Literal if kind in _LITERAL_OBJECTS else ox.NamedNode):  # fmt: skip
                    continue
                table, key = self.pairs[kind], (q.subject.value, q.object.value)
            rank = self._rank(q.graph_name.value)
            if rank < table.get(key, 99):
                table[key] = rank

    def contribution(self, quads: Iterable[ox.Quad]) -> tuple[dict, dict]:
        """What ``quads`` alone add, as (pairs, typed) tables for ``merge`` (a build keeps them per
        report, so an unchanged report's quads need not be read again)."""
        part = Collector(self.base)
        part._rank_of = self._rank_of
        part.add(quads)
        return ({name: table for name, table in part.pairs.items() if table},
                {name: table for name, table in part.typed.items() if table})  # fmt: skip

    def merge(self, pairs: dict, typed: dict) -> None:
        """Add a ``contribution``: each pair or subject keeps the lowest rank stating it."""
        for mine, theirs in ((self.pairs, pairs), (self.typed, typed)):
            for name, table in theirs.items():
                into = mine[name]
                for key, rank in table.items():
                    if rank < into.get(key, 99):
                        into[key] = rank

    def quads(self) -> list[ox.Quad]:
        """The derived graphs, one per level that derives something its levels below do not."""
        by_rank: dict[int, list] = {}
        for fact, rank in derive_ranked(self.pairs, self.typed, self.base).items():
            by_rank.setdefault(rank, []).append(fact)
        out: list[ox.Quad] = []
        for rank, level in enumerate(levels.LEVEL_RANK):
            if rank in by_rank:
                graph = ox.NamedNode(graph_iri(self.base, level))
                out.extend(ox.Quad(*_terms(f), graph) for f in sorted(by_rank[rank]))
                out.extend(_describe(graph, level))
        return out

    def facts(self) -> dict[tuple[str, str, str], int]:
        """Every derived fact with the rank (level) of the graph it goes into."""
        return derive_ranked(self.pairs, self.typed, self.base)

    def at(self, rank: int) -> dict:
        """The relations as a level of this rank reads them (for ``derive``)."""
        view = {name: {k for k, r in table.items() if r <= rank} for name, table in self.pairs.items()}
        view.update({name: {k for k, r in table.items() if r <= rank} for name, table in self.typed.items()})
        return view


NQUADS_BATCH = 50_000  # facts a piece: the text of a million facts at once took ~600 MB beside the facts


def nquads(facts: dict[tuple[str, str, str], int], base: str, above: int = -1) -> Iterator[tuple[int, bytes, int]]:
    """The derived graphs as N-Quads, piece by piece: (rank, bytes, number of quads), the same quads as
    ``Collector.quads`` written as text directly (a million pyoxigraph terms cost seconds; the
    store is a set, so the order does not matter). Every
    subject and object is an IRI the records or ``node`` made (checked already), the one literal
    a ``kgd:link`` kind or a ``kgd:metIn`` year. Only the ranks above ``above`` (the public one was
    handed on already when it is 0, see ``Early``)."""
    by_rank: dict[int, list] = {}
    for fact, rank in facts.items():
        if rank > above:
            by_rank.setdefault(rank, []).append(fact)
    for rank, level in enumerate(levels.LEVEL_RANK):
        if rank in by_rank:
            graph = graph_iri(base, level)
            yield _described(graph, level)
            ranked = by_rank.pop(rank)
            for start in range(0, len(ranked), NQUADS_BATCH):
                yield _piece(rank, ranked[start : start + NQUADS_BATCH], graph)


class Early:
    """The facts of the public derived graph handed on as they are derived, ``NQUADS_BATCH`` at a time, as
    the pieces ``nquads`` gives (``hand_on(rank, bytes, number of quads)``; ``close`` hands on the rest). A
    build from nothing then loads them into the public store while the other parts are still derived:
    they are almost half its quads, and loaded after the derivation they left the loader idle meanwhile
    (kg.storeload)."""

    def __init__(self, base: str, hand_on):
        self.level = levels.LEVELS[0]
        self.graph = graph_iri(base, self.level)
        self.hand_on = hand_on
        self._batch: list = []
        self._described = False

    def add(self, fact: tuple[str, str, str]) -> None:
        """A fact whose rank is 0 (the lowest: it never moves to another graph)."""
        self._batch.append(fact)
        if len(self._batch) >= NQUADS_BATCH:
            self._hand_on()

    def close(self) -> None:
        self._hand_on()

    def _hand_on(self) -> None:
        if self._batch:
            if not self._described:  # the graph's description first, as in ``nquads``
                self.hand_on(*_described(self.graph, self.level))
                self._described = True
            self.hand_on(*_piece(0, self._batch, self.graph))
            self._batch = []


def _described(graph: str, level: str) -> tuple[int, bytes, int]:
    described = _describe(ox.NamedNode(graph), level)
    return levels.LEVEL_RANK[level], ox.serialize(described, format=ox.RdfFormat.N_QUADS), len(described)


def _piece(rank: int, facts: list, graph: str) -> tuple[int, bytes, int]:
    lines = [f'<{s}> <{p}> {_literal(o) if p in _LITERALS else "<" + o + ">"} <{graph}> .\n' for s, p, o in facts]
    return rank, "".join(lines).encode(), len(lines)


def fact_quads(facts, base: str) -> list[ox.Quad]:
    """The quads of some derived facts, each ((s, p, o), rank) in the graph of its rank."""
    graphs = [ox.NamedNode(graph_iri(base, level)) for level in levels.LEVEL_RANK]
    return [ox.Quad(*_terms(fact), graphs[rank]) for fact, rank in facts]


def describe_quads(base: str, rank: int) -> list[ox.Quad]:
    """What the derived graph of a rank says about itself (written with its first fact)."""
    level = levels.LEVELS[rank]
    return _describe(ox.NamedNode(graph_iri(base, level)), level)


def _literal(text: str) -> str:
    return str(ox.Literal(text))


def _terms(fact: tuple[str, str, str]) -> tuple:
    s, p, o = fact
    return ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o) if p in _LITERALS else ox.NamedNode(o)


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
    pairs = {name: dict.fromkeys(view[name], 0) for name in _WANTED.values()}
    typed = {name: dict.fromkeys(view[name], 0) for name in _TYPES.values()}
    return set(derive_ranked(pairs, typed, base))


def derive_ranked(pairs: dict, typed: dict, base: str) -> dict[tuple[str, str, str], int]:
    """Every derived triple with the lowest rank (level) that derives it: the lowest, over the ways to
    derive it, of the highest rank among the facts that way uses (one pass for every level). The rules
    are written once, in ``derive_global`` and ``derive_local``; a build applies the second report by
    report (kg.increments), here it is applied to all the pairs at once."""
    local, shared = split(pairs, typed)
    joins = Joins(shared)
    facts = derive_global(joins, base)
    for fact, rank in derive_local(local, joins, base).items():
        if rank < facts.get(fact, 99):
            facts[fact] = rank
    return facts


# Per report ------------------------------------------------------------------------------------------
# Which rules join facts of two different reports? Every rule joins at most the facts of one event or one
# participation (``kg:agent``, ``kg:participatedIn``, ``schema:organizer``, ``kg:event``, ``dcterms:subject``
# and the ``kg:Participation`` type: a report states them only about its own events, and event ids are
# unique across reports) with the "global" relations: ``org:memberOf`` (stated by the affiliations of ANY
# report: a person's membership from report A joins their participation in report B), ``kg:sector`` and the
# types of organizations and people (the registries). So the facts are derived per report, with the global
# relations merged over every part, and the whole set is the union, each fact at its lowest rank; the
# facts that follow from the global relations alone (shared-person ends, agents' sectors) are one more
# contribution. ``derive_ranked`` over everything stays the definition (tests compare the two).

GLOBAL_PAIRS = ("member_of", "sector")
GLOBAL_TYPED = ("organization", "person")


def split(pairs: dict, typed: dict) -> tuple[tuple[dict, dict], tuple[dict, dict]]:
    """A ``Collector.contribution`` as (local, global) parts, each (pairs, typed)."""
    local = ({k: v for k, v in pairs.items() if k not in GLOBAL_PAIRS},
             {k: v for k, v in typed.items() if k not in GLOBAL_TYPED})
    shared = ({k: v for k, v in pairs.items() if k in GLOBAL_PAIRS}, {k: v for k, v in typed.items() if k in GLOBAL_TYPED})
    return local, shared


class Globals:
    """The global relations (``GLOBAL_PAIRS``, ``GLOBAL_TYPED``) of a whole build, each key with the
    number of parts stating it at each rank, so a part's contribution can be taken out again."""

    def __init__(self, counts: dict | None = None):
        self.counts: dict[str, dict] = counts or {name: {} for name in (*GLOBAL_PAIRS, *GLOBAL_TYPED)}

    def add(self, contribution: tuple[dict, dict], sign: int = 1) -> None:
        for tables in contribution:
            for name, table in tables.items():
                into = self.counts[name]
                for key, rank in table.items():
                    at = into.setdefault(key, {})
                    at[rank] = at.get(rank, 0) + sign
                    if not at[rank]:
                        del at[rank]
                        if not at:
                            del into[key]

    def tables(self) -> tuple[dict, dict]:
        """(pairs, typed) as ``derive_ranked`` reads them: each key at its lowest rank."""
        lowest = {name: {key: min(at) for key, at in table.items()} for name, table in self.counts.items()}
        return {n: lowest[n] for n in GLOBAL_PAIRS}, {n: lowest[n] for n in GLOBAL_TYPED}

    def digest(self) -> str:
        pairs, typed = self.tables()
        text = repr([sorted(table.items()) for table in (*pairs.values(), *typed.values())])
        return hashlib.sha256(text.encode()).hexdigest()


class Joins:
    """The global relations indexed for the per-report rules."""

    def __init__(self, tables: tuple[dict, dict]):
        pairs, typed = tables
        self.organizations, self.persons = typed["organization"], typed["person"]
        self.member_of: dict[str, dict[str, int]] = {}
        for (member, org), rank in pairs["member_of"].items():
            self.member_of.setdefault(member, {})[org] = rank
        self.sectors: dict[str, dict[str, int]] = {}
        for (org, sector), rank in pairs["sector"].items():
            self.sectors.setdefault(org, {})[sector] = rank
        self.sector_pairs = pairs["sector"]


def derive_global(joins: Joins, base: str) -> dict[tuple[str, str, str], int]:
    """The facts that follow from the global relations alone: shared-person tie ends and agents' sectors
    (as ``derive_ranked`` makes them)."""
    facts: dict[tuple[str, str, str], int] = {}

    def add(fact, rank):
        if rank < facts.get(fact, 99):
            facts[fact] = rank

    for member, orgs in joins.member_of.items():
        for org, rank in orgs.items():
            end = _node(base, "tie-end", org, member, "shared-person")
            add((end, KGD + "from", org), rank)
            add((end, KGD + "via", member), rank)
            add((end, KGD + "link", "shared-person"), rank)
    own_sector = KGD + "sector"
    for (agent, sector), rank in joins.sector_pairs.items():
        add((agent, own_sector, sector), rank)
    for member, orgs in joins.member_of.items():
        for org, member_rank in orgs.items():
            for sector, sector_rank in joins.sectors.get(org, {}).items():
                add((member, own_sector, sector), max(member_rank, sector_rank))
    return facts


def derive_local(local: tuple[dict, dict], joins: Joins, base: str) -> dict[tuple[str, str, str], int]:
    """The facts that follow from one report's own pairs (``split``'s local part) joined with the
    global relations: every rule of ``derive_ranked`` that reads a local pair."""
    pairs, typed = local
    empty: dict = {}
    facts: dict[tuple[str, str, str], int] = {}

    def add(fact, rank):
        if rank < facts.get(fact, 99):
            facts[fact] = rank

    def keep(table, key, rank):
        if rank < table.get(key, 99):
            table[key] = rank

    organizations, persons, member_of, sectors = joins.organizations, joins.persons, joins.member_of, joins.sectors
    participations = typed.get("participation", empty)
    counts_for = KGD + "countsFor"
    for (participation, agent), rank in pairs.get("agent", empty).items():
        typed_at = participations.get(participation)
        if typed_at is None:
            continue
        rank = max(rank, typed_at)
        if agent in organizations:
            add((participation, counts_for, agent), max(rank, organizations[agent]))
        for org, member_rank in member_of.get(agent, empty).items():
            add((participation, counts_for, org), max(rank, member_rank))

    ends: dict = {}
    through: dict = {}
    meetings: dict = {}
    meeting_orgs: dict = {}
    meeting_people: dict = {}
    for (agent, event), rank in pairs.get("participated", empty).items():
        keep(ends, (agent, event, "co-participant"), rank)
        for org, member_rank in member_of.get(agent, empty).items():
            both = max(rank, member_rank)
            keep(ends, (org, event, "co-participant"), both)
            keep(through, (org, event, "co-participant", agent), both)
        for sector, sector_rank in sectors.get(agent, empty).items():
            both = max(rank, sector_rank)
            keep(meetings, (event, sector), both)
            keep(meeting_orgs, (event, sector, agent), both)
        if agent in persons:
            person_rank = max(rank, persons[agent])
            for org, member_rank in member_of.get(agent, empty).items():
                for sector, sector_rank in sectors.get(org, empty).items():
                    all_of = max(person_rank, member_rank, sector_rank)
                    keep(meetings, (event, sector), all_of)
                    keep(meeting_orgs, (event, sector, org), all_of)
                    keep(meeting_people, (event, sector, agent), all_of)
    for (event, org), rank in pairs.get("organizer", empty).items():
        keep(ends, (org, event, "co-organizer"), rank)
    for (org, via, link), rank in ends.items():
        end = _node(base, "tie-end", org, via, link)
        add((end, KGD + "from", org), rank)
        add((end, KGD + "via", via), rank)
        add((end, KGD + "link", link), rank)
    for (org, via, link, person), rank in through.items():
        add((_node(base, "tie-end", org, via, link), KGD + "through", person), rank)

    raised = KGD + "raised"
    themes: dict[str, dict[str, int]] = {}
    for (subject, theme), rank in pairs.get("subject", empty).items():
        themes.setdefault(subject, {})[theme] = rank
    for (participation, event), rank in pairs.get("event_of", empty).items():
        for theme, theme_rank in themes.get(participation, empty).items():
            add((event, raised, theme), max(rank, theme_rank))
    organizer_sector = KGD + "organizerSector"
    for (event, org), rank in pairs.get("organizer", empty).items():
        for sector, sector_rank in sectors.get(org, empty).items():
            add((event, organizer_sector, sector), max(rank, sector_rank))
    for (event, sector), rank in meetings.items():
        meeting = _node(base, "event-sector", event, sector)
        add((meeting, _RDF_TYPE, KGD + "EventSector"), rank)
        add((meeting, KGD + "ofEvent", event), rank)
        add((meeting, KGD + "ofSector", sector), rank)
    for (event, sector, org), rank in meeting_orgs.items():
        add((_node(base, "event-sector", event, sector), KGD + "organization", org), rank)
    for (event, sector, person), rank in meeting_people.items():
        add((_node(base, "event-sector", event, sector), KGD + "person", person), rank)
    _org_pairs(pairs, typed, joins, base, add)
    return facts


def _org_pairs(pairs: dict, typed: dict, joins: "Joins", base: str, add) -> None:
    """The organization pairs (``kgd:metIn``, ``kgd:sectors``) of one report's events: the organizations at
    each dated event (organizing it or taking part, themselves or through a member), then every two of them
    with the event's years and their sectors."""
    empty: dict = {}
    events = typed.get("event", empty)
    years: dict[str, dict[str, int]] = {}
    for (event, date), rank in pairs.get("start", empty).items():
        typed_at = events.get(event)
        if typed_at is not None:
            at = years.setdefault(event, {})
            year, rank = date[:4], max(rank, typed_at)  # SUBSTR(STR(?date), 1, 4): characters, not bytes
            if rank < at.get(year, 99):
                at[year] = rank
    if not years:
        return
    organizations, member_of, sectors = joins.organizations, joins.member_of, joins.sectors
    present: dict[str, dict[str, int]] = {}  # event -> organization -> lowest rank it is there

    def there(x, event, rank):
        if event not in years:
            return
        orgs = present.setdefault(event, {})
        ways = [(x, max(rank, organizations[x]))] if x in organizations else []
        ways += [(org, max(rank, member_rank, organizations[org]))
                 for org, member_rank in member_of.get(x, empty).items() if org in organizations]  # fmt: skip
        for org, both in ways:
            if both < orgs.get(org, 99):
                orgs[org] = both

    for (x, event), rank in pairs.get("participated", empty).items():
        there(x, event, rank)
    for (event, x), rank in pairs.get("organizer", empty).items():
        there(x, event, rank)
    met_in, of_sectors, sector_a, sector_b = KGD + "metIn", KGD + "sectors", KGD + "sectorA", KGD + "sectorB"
    nodes: dict[tuple, str] = {}

    def node(kind, one, other):
        made = nodes.get((kind, one, other))
        if made is None:
            made = nodes[(kind, one, other)] = _node(base, kind, one, other)
        return made

    for event, orgs in present.items():
        ranked = sorted(orgs.items())  # Python's str order is SPARQL's STR(?a) < STR(?b): code points
        event_year_rank = min(years[event].values())
        for i, (a, rank_a) in enumerate(ranked):
            for b, rank_b in ranked[i + 1:]:
                pair = node("org-pair", a, b)
                both = max(rank_a, rank_b)
                for year, year_rank in years[event].items():
                    add((pair, met_in, year), max(both, year_rank))
                dated = max(both, event_year_rank)
                for sa, rank_sa in sectors.get(a, empty).items():
                    for sb, rank_sb in sectors.get(b, empty).items():
                        if sa != sb:
                            rank = max(dated, rank_sa, rank_sb)
                            combo = node("sector-pair", sa, sb)
                            add((pair, of_sectors, combo), rank)
                            add((combo, sector_a, sa), rank)
                            add((combo, sector_b, sb), rank)


def _node(base: str, kind: str, *parts: str) -> str:
    return f"{base}derived/{kind}/{hashlib.sha256(' '.join(parts).encode()).hexdigest()[:24]}"


def derived_quads(quads: Iterable[ox.Quad], base: str) -> list[ox.Quad]:
    """The derived graphs of a whole set of quads (the in-memory stores and a remote upload)."""
    collector = Collector(base)
    collector.add(quads)
    return collector.quads()
