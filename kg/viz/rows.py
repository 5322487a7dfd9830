"""The rows of the page's detail queries (``kg.viz.data``), read from pyoxigraph's indexes.

At 10,000 events pyoxigraph took 76 s to join the participations with their parts, titles, notes
and source sentences, and 30 s more for the memberships, events and themes. Reading each predicate
once (a SPARQL scan of one pattern) and joining in Python gives the same rows in a few seconds: every
function here returns exactly what its SPARQL text in ``kg.viz.data`` returns (the same variables,
one row per solution, unbound as None), which the tests check on the seed and on synthetic data.
The index and the projections' patterns joined from it are ``kg.predicates``'s: the page passes one
index to both, so it reads each predicate once for its projection and its details together.
Only for the embedded store (``OxigraphStore``); other stores run the SPARQL text.
"""

from __future__ import annotations

from itertools import product

from ..predicates import (  # noqa: F401 - Index, known and select are used through this module too
    _NONE, AGENT, AS_STATED, CITY, COUNTRY, DERIVED, EVENT, EVENT_TYPE, KG_TITLE, LABEL, MEMBER, NOTE, ORGANIZATION,
    PART, PREF, QUOTE, QUOTED, SOURCE, START, SUBJECT, TITLE, URL, Index, _events, known, select,
)  # fmt: skip
from ..vocab import KG, ORG


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
