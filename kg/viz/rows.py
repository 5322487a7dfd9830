"""The rows of the page's detail queries (``kg.viz.data``), read from pyoxigraph's indexes.

At 10,000 events pyoxigraph took 76 s to join the participations with their parts, titles, notes
and source sentences, and 30 s more for the memberships, events and themes. Reading each predicate
once (a SPARQL scan of one pattern) and joining in Python gives the same rows in a few seconds: every
function here returns exactly what its SPARQL text in ``kg.viz.data`` returns (the same variables,
one row per solution, unbound as None), which the tests check on the seed and on synthetic data.
The stakeholders projection's patterns (``kg/projections.yaml``) are answered from the same index
(``select``), so the page reads each predicate once for the projection and the details together.
Only for the embedded store (``OxigraphStore``); other stores run the SPARQL text.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import product

from ..vocab import DCTERMS, FOAF, KG, ORG, PROV, RDF, RDFS, SCHEMA, SKOS

_NONE = (None,)
# Predicates as plain strings, once (an rdflib namespace lookup per row cost seconds at 10,000 events).
TYPE, TITLE, URL, DERIVED = str(RDF.type), str(DCTERMS.title), str(SCHEMA.url), str(PROV.wasDerivedFrom)
QUOTE, QUOTED, MEMBER, ORGANIZATION = str(KG.quote), str(PROV.wasQuotedFrom), str(ORG.member), str(ORG.organization)
LABEL, KG_TITLE, NOTE, PREF = str(RDFS.label), str(KG.title), str(SKOS.editorialNote), str(SKOS.prefLabel)
PART, AGENT, EVENT, AS_STATED = str(KG.part), str(KG.agent), str(KG.event), str(KG.titleAsStated)
EVENT_TYPE, SOURCE, START = str(KG.eventType), str(DCTERMS.source), str(SCHEMA.startDate)
CITY, COUNTRY, SUBJECT = str(KG.city), str(KG.country), str(DCTERMS.subject)


class Index:
    """Subject -> objects of a predicate (values as strings, sorted), over the named graphs.

    Each predicate is read whole, once, by one SPARQL scan (``GRAPH ?g { ?s <p> ?o }``): at 10,000
    events one index seek per node and fact cost far more (285 s) than reading the predicates through,
    and pyoxigraph's SPARQL answers give the two strings of a row about twice as fast as
    ``quads_for_pattern`` gives its four terms. ``subjects`` answers from the same read, reversed.
    """

    def __init__(self, store):
        self.inner = store.inner
        self._cache: dict = {}

    def clear(self) -> None:
        """Forget every predicate read (their memory is freed; a later ask reads it again)."""
        self._cache.clear()

    def _pairs(self, where: str):
        """The (subject, object) strings of a pattern over the named graphs (the queries read those)."""
        return ((row[0].value, row[1].value) for row in self.inner.query(f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ {where} }} }}"))

    def values(self, predicate: str) -> dict[str, tuple]:
        key = predicate
        if key not in self._cache:
            found: dict[str, set] = defaultdict(set)
            for subject, value in self._pairs(f"?s <{predicate}> ?o"):
                found[subject].add(value)
            self._cache[key] = {s: tuple(sorted(o)) for s, o in found.items()}
        return self._cache[key]

    def of(self, predicate: str, subject: str) -> tuple:
        return self.values(predicate).get(subject, ())

    def subjects(self, predicate: str, objects) -> set[str]:
        """The subjects with ``predicate`` to one of ``objects`` (IRIs)."""
        key = ("subjects", predicate)
        if key not in self._cache:
            reverse: dict[str, set] = defaultdict(set)
            for subject, values in self.values(predicate).items():
                for value in values:
                    reverse[value].add(subject)
            self._cache[key] = reverse
        reverse = self._cache[key]
        return set().union(*(reverse.get(value, ()) for value in objects))

    def optional(self, predicate: str, subject: str) -> tuple:
        """The values, or (None,) when there is none: an OPTIONAL that leaves the variable unbound."""
        return self.of(predicate, subject) or _NONE

    def typed(self, rdf_type) -> set[str]:
        key = ("a", str(rdf_type))
        if key not in self._cache:  # the subjects of one type only: all rdf:type quads are most of the store
            query = f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s <{TYPE}> <{rdf_type}> }} }}"
            self._cache[key] = {row[0].value for row in self.inner.query(query)}
        return self._cache[key]


def _sources(index: Index, source: str) -> list[tuple]:
    """``OPTIONAL { ?source dcterms:title ?t } OPTIONAL { ?source schema:url ?u }`` for one source."""
    return [(source, t, u) for t in index.optional(TITLE, source) for u in index.optional(URL, source)]


def _evidence(index: Index, fact: str) -> list[tuple]:
    """``(quote, source, sourceTitle, url)`` of the fact's evidence OPTIONAL block in data.py."""
    out = []
    for evidence in index.of(DERIVED, fact):
        for quote in index.of(QUOTE, evidence):
            quoted = [row for s in index.of(QUOTED, evidence) for row in _sources(index, s)]
            out += [(quote, *row) for row in (quoted or [(None, None, None)])]
    return out or [(None, None, None, None)]


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: tuple(v or "" for v in r.values()))  # as kg.viz.data._rows


def memberships(index: Index, only: set | None = None) -> list[dict]:
    """``only``: the memberships of these people or organizations (default: all)."""
    rows = []
    facts = index.typed(ORG.Membership)
    if only is not None:
        facts = facts & (index.subjects(MEMBER, only) | index.subjects(ORGANIZATION, only))
    for fact in facts:
        for person, org in product(index.of(MEMBER, fact), index.of(ORGANIZATION, fact)):
            for org_label, title, note, evidence in product(index.of(LABEL, org), index.optional(KG_TITLE, fact),
                                                            index.optional(NOTE, fact),
                                                            _evidence(index, fact)):  # fmt: skip
                rows.append({"fact": fact, "person": person, "org": org, "orgLabel": org_label, "title": title,
                             "note": note, "quote": evidence[0], "source": evidence[1], "sourceTitle": evidence[2],
                             "url": evidence[3]})  # fmt: skip
    return _sorted(rows)


def participations(index: Index, agents: set | None = None, events: set | None = None) -> list[dict]:
    """``agents``, ``events``: the participations of these agents or in these events (default: all)."""
    rows = []
    facts = index.typed(KG.Participation)
    if agents is not None or events is not None:
        facts = facts & (index.subjects(AGENT, agents or ()) | index.subjects(EVENT, events or ()))
    for fact in facts:
        parts = tuple(sorted({label for part in index.of(PART, fact) for label in index.of(PREF, part)})) or _NONE
        for agent, event in product(index.of(AGENT, fact), index.of(EVENT, fact)):
            for event_label, part, title, note, evidence in product(
                    index.of(LABEL, event), parts, index.optional(AS_STATED, fact),
                    index.optional(NOTE, fact), _evidence(index, fact)):  # fmt: skip
                rows.append({"fact": fact, "agent": agent, "event": event, "eventLabel": event_label, "part": part,
                             "title": title, "note": note, "quote": evidence[0], "source": evidence[1],
                             "sourceTitle": evidence[2], "url": evidence[3]})  # fmt: skip
    return _sorted(rows)


def _events(index: Index) -> set[str]:
    return index.typed(SCHEMA.Event) - index.typed(KG.Section)


def events(index: Index) -> list[dict]:
    rows = []
    for event in _events(index):
        types = tuple(sorted({label for t in index.of(EVENT_TYPE, event) for label in index.of(PREF, t)})) or _NONE
        sources = [row for s in index.of(SOURCE, event) for row in _sources(index, s)] or [(None, None, None)]
        for label, date, city, country, kind, source in product(
                index.of(LABEL, event), index.optional(START, event), index.optional(CITY, event),
                index.optional(COUNTRY, event), types, sources):  # fmt: skip
            rows.append({"event": event, "label": label, "date": date, "city": city, "country": country, "type": kind,
                         "source": source[0], "sourceTitle": source[1], "url": source[2]})  # fmt: skip
    return _sorted(rows)


def event_themes(index: Index) -> list[dict]:
    return _sorted([{"event": e, "theme": t} for e in _events(index) for t in index.of(SUBJECT, e)])


def participation_themes(index: Index, facts: set | None = None) -> list[dict]:
    """``facts``: the themes of these participations only (default: all)."""
    facts = index.typed(KG.Participation) if facts is None else facts
    return _sorted([{"fact": f, "theme": t} for f in facts for t in index.of(SUBJECT, f)])


# The stakeholders projection's patterns (kg/projections.yaml), answered from the same index: the page reads
# these predicates for its details anyway, and the SPARQL joins took 40 s at 10,000 events.
MEMBER_OF, SECTOR_OF, ALT, SUB_OF = str(ORG.memberOf), str(KG.sector), str(SKOS.altLabel), str(ORG.subOrganizationOf)


def _people(index: Index) -> list[dict]:
    rows = []
    for node in index.typed(FOAF.Person):
        sectors = tuple(sorted({s for org in index.of(MEMBER_OF, node) for s in index.of(SECTOR_OF, org)})) or _NONE
        for label, sector, alias in product(index.of(LABEL, node), sectors, index.optional(ALT, node)):
            rows.append({"node": node, "label": label, "sector": sector, "alias": alias})
    return rows


def _organizations(index: Index) -> list[dict]:
    return [{"node": node, "label": label, "sector": sector, "alias": alias}
            for node in index.typed(ORG.Organization)
            for label, sector, alias in product(index.of(LABEL, node), index.of(SECTOR_OF, node),
                                                index.optional(ALT, node))]  # fmt: skip


def _event_nodes(index: Index) -> list[dict]:
    return [{"node": node, "label": label, "date": date} for node in _events(index)
            for label, date in product(index.of(LABEL, node), index.optional(START, node))]  # fmt: skip


def _membership_edges(index: Index) -> list[dict]:
    return [{"source": person, "target": org, "via": fact, "label": title}
            for fact in index.typed(ORG.Membership)
            for person, org, title in product(index.of(MEMBER, fact), index.of(ORGANIZATION, fact),
                                              index.optional(KG_TITLE, fact))]  # fmt: skip


def _participation_edges(index: Index) -> list[dict]:
    rows = []
    for fact in index.typed(KG.Participation):
        parts = sorted({label for part in index.of(PART, fact) for label in index.of(PREF, part)})
        rows += [{"source": agent, "target": event, "via": fact, "label": part}
                 for agent, event, part in product(index.of(AGENT, fact), index.of(EVENT, fact), parts)]  # fmt: skip
    return rows


def _unit_edges(index: Index) -> list[dict]:
    return [{"source": unit, "target": parent, "via": unit, "label": "unit of"}
            for unit, parents in index.values(SUB_OF).items() for parent in parents]  # fmt: skip


PATTERNS = {  # the declared pattern, whitespace collapsed -> the same rows, joined in Python
    "?node a foaf:Person ; rdfs:label ?label . OPTIONAL { ?node org:memberOf/kg:sector ?sector } "
    "OPTIONAL { ?node skos:altLabel ?alias }": _people,
    "?node a org:Organization ; rdfs:label ?label ; kg:sector ?sector . OPTIONAL { ?node skos:altLabel ?alias }":
        _organizations,
    "?node a schema:Event ; rdfs:label ?label . FILTER NOT EXISTS { ?node a kg:Section } "
    "OPTIONAL { ?node schema:startDate ?date }": _event_nodes,
    "?via a org:Membership ; org:member ?source ; org:organization ?target . OPTIONAL { ?via kg:title ?label }":
        _membership_edges,
    "?via a kg:Participation ; kg:agent ?source ; kg:event ?target ; kg:part/skos:prefLabel ?label .":
        _participation_edges,
    '?source org:subOrganizationOf ?target . BIND(?source AS ?via) BIND("unit of" AS ?label)': _unit_edges,
}  # fmt: skip


def known(pattern: str):
    """The Python join that gives ``pattern``'s rows, or None (the pattern is then run as SPARQL)."""
    return PATTERNS.get(" ".join(pattern.split()))


def select(index: Index, fallback):
    """A ``select(pattern, variables)`` for ``kg.network.project``: the known patterns from ``index``,
    any other (a projection edited in projections.yaml) by ``fallback``, the SPARQL itself."""
    def rows(pattern: str, variables: str) -> list[dict]:
        join = known(pattern)
        return join(index) if join is not None else fallback(pattern, variables)

    return rows
