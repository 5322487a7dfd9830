"""The predicate index of the embedded store: each predicate read whole, once, and joined in Python.

At 10,000 events pyoxigraph's joins of the declared projection patterns (``kg/projections.yaml``) took
most of a projection's time: the themes projection's ``raised`` edge 7 s, the organizations'
co-participation 3 s. Reading each predicate once (a SPARQL scan of one pattern) and joining the rows
here gives the same rows in less than half of it, and one index serves every projection and the page's
details (``kg.viz.rows``), so a predicate two of them need is read once. Only for the embedded store
(``embedded``); other stores, and a pattern edited in projections.yaml, run the SPARQL text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import product

from .vocab import DCTERMS, FOAF, KG, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, THEME

_NONE = (None,)
# Predicates as plain strings, once (an rdflib namespace lookup per row cost seconds at 10,000 events).
TYPE, TITLE, URL, DERIVED = str(RDF.type), str(DCTERMS.title), str(SCHEMA.url), str(PROV.wasDerivedFrom)
QUOTE, QUOTED, MEMBER, ORGANIZATION = str(KG.quote), str(PROV.wasQuotedFrom), str(ORG.member), str(ORG.organization)
LABEL, KG_TITLE, NOTE, PREF = str(RDFS.label), str(KG.title), str(SKOS.editorialNote), str(SKOS.prefLabel)
PART, AGENT, EVENT, AS_STATED = str(KG.part), str(KG.agent), str(KG.event), str(KG.titleAsStated)
EVENT_TYPE, SOURCE, START = str(KG.eventType), str(DCTERMS.source), str(SCHEMA.startDate)
CITY, COUNTRY, SUBJECT = str(KG.city), str(KG.country), str(DCTERMS.subject)
MEMBER_OF, SECTOR_OF, ALT, SUB_OF = str(ORG.memberOf), str(KG.sector), str(SKOS.altLabel), str(ORG.subOrganizationOf)
PARTICIPATED_IN, ORGANIZER, IN_SCHEME = str(KG.participatedIn), str(SCHEMA.organizer), str(SKOS.inScheme)
THEME_SCHEME = str(THEME) + "scheme"


def embedded(store) -> bool:
    """Whether ``store`` is the embedded pyoxigraph store, whose predicates an ``Index`` reads whole."""
    return getattr(store, "inner", None) is not None and hasattr(store.inner, "quads_for_pattern")


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


def _events(index: Index) -> set[str]:
    return index.typed(SCHEMA.Event) - index.typed(KG.Section)


# The declared patterns of every projection (kg/projections.yaml): the stakeholders' (the page reads these
# predicates for its details anyway; their SPARQL joins took 40 s at 10,000 events), then the others'.


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


def _theme_nodes(index: Index) -> list[dict]:
    raised = {theme for themes in index.values(SUBJECT).values() for theme in themes}  # FILTER EXISTS
    return [{"node": node, "label": label} for node, schemes in index.values(IN_SCHEME).items()
            if THEME_SCHEME in schemes and node in raised for label in index.of(PREF, node)]  # fmt: skip


def _co_organized(index: Index) -> list[dict]:
    return [{"node": node, "via": event} for event, nodes in index.values(ORGANIZER).items() for node in nodes]


def _co_participation_of_organizations(index: Index) -> list[dict]:
    # the agent itself when an organization, and the organizations it is a member of (the UNION's two sides)
    organizations, events = index.typed(ORG.Organization), index.typed(SCHEMA.Event)
    rows = []
    for agent, joined in index.values(PARTICIPATED_IN).items():
        nodes = {org for org in (agent, *index.of(MEMBER_OF, agent)) if org in organizations}
        rows += [{"node": node, "via": event} for event in joined if event in events for node in nodes]
    return rows


def _shared_people(index: Index) -> list[dict]:
    return [{"node": org, "via": person} for person in index.typed(FOAF.Person) for org in index.of(MEMBER_OF, person)]


def _co_participation_of_people(index: Index) -> list[dict]:
    return [{"node": person, "via": event} for person in index.typed(FOAF.Person)
            for event in index.of(PARTICIPATED_IN, person)]  # fmt: skip


def _raised(index: Index) -> list[dict]:
    # ?source ^org:memberOf? ?agent: the agent itself (a path of length zero) or what it is a member of
    organizations = index.typed(ORG.Organization)
    rows = []
    for fact in index.typed(KG.Participation):
        themes = index.of(SUBJECT, fact)
        for agent in index.of(AGENT, fact):
            sources = {org for org in (agent, *index.of(MEMBER_OF, agent)) if org in organizations}
            rows += [{"source": s, "target": t, "via": fact, "label": None} for s in sources for t in themes]
    return rows


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
    "?node skos:inScheme theme:scheme ; skos:prefLabel ?label . FILTER EXISTS { ?any dcterms:subject ?node }":
        _theme_nodes,
    "?via schema:organizer ?node .": _co_organized,
    "{ ?node kg:participatedIn ?via } UNION { ?p org:memberOf ?node ; kg:participatedIn ?via } "
    "?node a org:Organization . ?via a schema:Event .": _co_participation_of_organizations,
    "?via a foaf:Person ; org:memberOf ?node .": _shared_people,
    "?node a foaf:Person ; kg:participatedIn ?via .": _co_participation_of_people,
    "?via kg:agent ?agent ; dcterms:subject ?target ; a kg:Participation . "
    "?source ^org:memberOf? ?agent ; a org:Organization .": _raised,
}  # fmt: skip
_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)  # a whole line of comment (a "#" inside an IRI is kept)


def known(pattern: str):
    """The Python join that gives ``pattern``'s rows, or None (the pattern is then run as SPARQL)."""
    return PATTERNS.get(" ".join(_COMMENT.sub("", pattern).split()))


def select(index: Index, fallback):
    """A ``select(pattern, variables)`` for ``kg.network.project``: the known patterns from ``index``,
    any other (a projection edited in projections.yaml) by ``fallback``, the SPARQL itself."""
    def rows(pattern: str, variables: str) -> list[dict]:
        join = known(pattern)
        return join(index) if join is not None else fallback(pattern, variables)

    return rows
