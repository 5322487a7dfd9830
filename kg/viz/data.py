"""What the page shows about each node and edge, read from the store by SPARQL.

A projection (``kg.network.project``) gives the shape of the network; this module adds what a person
clicking on it wants to read: the titles a person held, the events and the part they played there,
the themes raised, the years, and the source sentence behind each fact. Everything comes from the
store, so the page and a SPARQL query always tell the same facts.

The result is plain data (dicts of lists of strings), sorted, ready to be serialized into the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from .. import predicates
from ..store import Store
from ..vocab import sparql_prefixes

MEMBERSHIPS = """
SELECT ?fact ?person ?org ?orgLabel ?title ?note ?quote ?source ?sourceTitle ?url WHERE {
  ?fact a org:Membership ; org:member ?person ; org:organization ?org .
  ?org rdfs:label ?orgLabel .
  OPTIONAL { ?fact kg:title ?title }
  OPTIONAL { ?fact skos:editorialNote ?note }
  OPTIONAL { ?fact prov:wasDerivedFrom ?evidence . ?evidence kg:quote ?quote .
             OPTIONAL { ?evidence prov:wasQuotedFrom ?source .
                        OPTIONAL { ?source dcterms:title ?sourceTitle } OPTIONAL { ?source schema:url ?url } } }
}"""

PARTICIPATIONS = """
SELECT ?fact ?agent ?event ?eventLabel ?part ?title ?note ?quote ?source ?sourceTitle ?url WHERE {
  ?fact a kg:Participation ; kg:agent ?agent ; kg:event ?event .
  ?event rdfs:label ?eventLabel .
  OPTIONAL { ?fact kg:part/skos:prefLabel ?part }
  OPTIONAL { ?fact kg:titleAsStated ?title }
  OPTIONAL { ?fact skos:editorialNote ?note }
  OPTIONAL { ?fact prov:wasDerivedFrom ?evidence . ?evidence kg:quote ?quote .
             OPTIONAL { ?evidence prov:wasQuotedFrom ?source .
                        OPTIONAL { ?source dcterms:title ?sourceTitle } OPTIONAL { ?source schema:url ?url } } }
}"""

# The year of an event is the year of its start date; an undated event has none (a report's date can be
# that of a later report on a future event, so it is not used).
EVENTS = """
SELECT ?event ?label ?date ?city ?country ?type ?source ?sourceTitle ?url WHERE {
  ?event a schema:Event ; rdfs:label ?label .
  FILTER NOT EXISTS { ?event a kg:Section }
  OPTIONAL { ?event schema:startDate ?date }
  OPTIONAL { ?event kg:city ?city }
  OPTIONAL { ?event kg:country ?country }
  OPTIONAL { ?event kg:eventType/skos:prefLabel ?type }
  OPTIONAL { ?event dcterms:source ?source . OPTIONAL { ?source dcterms:title ?sourceTitle }
             OPTIONAL { ?source schema:url ?url } }
}"""

EVENT_THEMES = """
SELECT ?event ?theme WHERE {
  ?event a schema:Event ; dcterms:subject ?theme .
  FILTER NOT EXISTS { ?event a kg:Section }
}"""

PARTICIPATION_THEMES = """
SELECT ?fact ?theme WHERE { ?fact a kg:Participation ; dcterms:subject ?theme . }"""

# The curator's notes on people, organizations and events themselves (a note on a fact comes with the fact).
NOTES = """
SELECT ?node ?note WHERE {
  ?node skos:editorialNote ?note ; a ?type .
  FILTER(?type IN (schema:Person, schema:Organization, schema:Event))
  FILTER NOT EXISTS { ?node a kg:Section }
}"""

THEME_LABELS = """
SELECT ?theme ?label WHERE { ?theme skos:inScheme theme:scheme ; skos:prefLabel ?label . }"""


@dataclass
class Details:
    """Everything the page says beyond the graph's shape.

    ``nodes`` maps a node IRI to ``{"themes", "events", "years", "facts"}`` (sorted lists; ``facts``
    are dicts with the fact's kind, text and source). ``edges`` maps a fact IRI (an edge's ``via``)
    to its description: ``{"text", "event", "quote", "source", "url"}`` (and ``event_id``, the event's
    IRI, for a participation). ``themes`` and ``events``
    map IRIs to labels (the filters' choices), ``event_years`` maps an event IRI to its year.
    """

    nodes: dict[str, dict] = field(default_factory=dict)
    edges: dict[str, dict] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    event_years: dict[str, int] = field(default_factory=dict)


def _rows(store: Store, query: str) -> list[dict[str, str]]:
    result = store.query(sparql_prefixes() + query)
    names = [str(v) for v in result.vars]
    rows = [{n: (None if row[i] is None else str(row[i])) for i, n in enumerate(names)} for row in result]
    return sorted(rows, key=lambda r: tuple(v or "" for v in r.values()))


def embedded(store: Store) -> bool:
    """Whether ``store`` is the embedded pyoxigraph store, whose predicates ``kg.viz.rows`` reads whole."""
    return predicates.embedded(store)


def _reader(store: Store, only: set | None = None, index=None):
    """``read(name, sparql)``: the query's rows, joined in Python from the embedded store's indexes
    (``kg.viz.rows``, the same rows far faster) or by the SPARQL text on any other store. With
    ``only``, on the embedded store: the rows that the details of these nodes are made of (their
    memberships, their and their members' participations). ``index``: a ``kg.predicates.Index`` of
    ``store`` already read from (the projection's), so no predicate is read twice."""
    if not embedded(store):
        return lambda name, query: _rows(store, query)
    from . import rows

    # Whole predicates even for a few nodes: the most central ones reach most facts through their
    # members, and one seek per fact cost more (285 s at 10,000 events) than reading each predicate once.
    index = index if index is not None else rows.Index(store)
    if only is None:
        return lambda name, query: getattr(rows, name)(index)
    memberships = rows.memberships(index, only)
    # an organization has its people's events and themes
    agents = set(only) | {r["person"] for r in memberships if r["org"] in only}
    participations = rows.participations(index, agents=agents, events=only)
    facts = {r["fact"] for r in participations}
    read = {"memberships": memberships, "participations": participations, "events": rows.events(index),
            "event_themes": rows.event_themes(index),
            "participation_themes": [r for r in rows.participation_themes(index, facts)]}  # fmt: skip
    return lambda name, query: read[name]


def _year(value: str | None) -> int | None:
    if value and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None


def _source(row: dict) -> dict:
    """The sentence behind a fact, its source, and the curator's note on the fact ("" when none)."""
    return {"quote": row.get("quote") or "", "source": row.get("sourceTitle") or "", "url": _safe_url(row.get("url")),
            "note": row.get("note") or ""}


def _safe_url(url: str | None) -> str:
    """Only http(s) links reach the page (no javascript: or data: URLs from the records)."""
    return url if url and url.startswith(("https://", "http://")) else ""


def gather(store: Store, graph: nx.Graph, only=None, index=None) -> Details:
    """Read the details of every node and edge of ``graph`` (a projection of ``store``).

    Parameters
    ----------
    store : kg.store.Store
        The open graph the projection was made from.
    graph : networkx.Graph
        A projection (``kg.network.project(store, name)``): nodes keyed by IRI.
    only : iterable of node IRIs, optional
        Read the details of these nodes only (the nodes a page with a node budget draws); each of
        them gets the same details as without ``only``.
    index : kg.predicates.Index, optional
        The embedded store's predicate index to read from (shared with the projection).

    Returns
    -------
    Details
        Per node: themes, events and years (for the page's filters) and the stated facts with their
        source sentences (for the side panel); per fact: the text of its edge's tooltip.

    Examples
    --------
    >>> details = gather(store, network.project(store, "stakeholders"))   # doctest: +SKIP
    >>> details.edges[membership_iri]["text"]                               # doctest: +SKIP
    'Director, CGR'
    """
    out = Details()
    only = None if only is None else set(only)
    read = _reader(store, only, index)
    out.themes = {}
    for row in _rows(store, THEME_LABELS):
        out.themes.setdefault(row["theme"], row["label"])

    events: dict[str, dict] = {}
    for row in read("events", EVENTS):
        info = events.setdefault(row["event"], {"label": row["label"], "year": None, "place": "", "type": "",
                                                "sources": []})  # fmt: skip
        year = _year(row.get("date"))
        if year and (info["year"] is None or year < info["year"]):
            info["year"] = year
        info["place"] = info["place"] or ", ".join(v for v in (row.get("city"), row.get("country")) if v)
        info["type"] = info["type"] or (row.get("type") or "")
        if row.get("source"):
            src = {"quote": "", "source": row.get("sourceTitle") or "", "url": _safe_url(row.get("url")), "note": ""}
            if src not in info["sources"]:
                info["sources"].append(src)
    out.events = {iri: info["label"] for iri, info in events.items()}
    out.event_years = {iri: info["year"] for iri, info in events.items() if info["year"]}

    event_themes: dict[str, set[str]] = defaultdict(set)
    for row in read("event_themes", EVENT_THEMES):
        event_themes[row["event"]].add(row["theme"])
    fact_themes: dict[str, set[str]] = defaultdict(set)
    for row in read("participation_themes", PARTICIPATION_THEMES):
        fact_themes[row["fact"]].add(row["theme"])

    node_events: dict[str, set[str]] = defaultdict(set)
    node_themes: dict[str, set[str]] = defaultdict(set)
    facts: dict[str, list[dict]] = defaultdict(list)
    members: dict[str, set[str]] = defaultdict(set)  # org -> its people

    for row in read("memberships", MEMBERSHIPS):
        title = row.get("title") or ""
        text = f"{title}, {row['orgLabel']}" if title else f"Member of {row['orgLabel']}"
        _describe(out.edges, row["fact"], text, "", row)
        facts[row["person"]].append({"kind": "title", "text": text, **_source(row)})
        members[row["org"]].add(row["person"])

    for row in read("participations", PARTICIPATIONS):
        part = row.get("part") or "Participant"
        title = row.get("title") or ""
        text = f"{part} ({title})" if title else part
        _describe(out.edges, row["fact"], text, row["eventLabel"], row)
        out.edges[row["fact"]]["event_id"] = row["event"]  # the timeline dates an edge by its events
        facts[row["agent"]].append({"kind": "event", "text": f"{text} at {row['eventLabel']}", **_source(row)})
        facts[row["event"]].append({"kind": "participant", "text": f"{part}: {_label(graph, row['agent'])}"
                                    + (f" ({title})" if title else ""), **_source(row)})  # fmt: skip
        node_events[row["agent"]].add(row["event"])
        node_themes[row["agent"]] |= fact_themes.get(row["fact"], set())

    for iri, info in events.items():
        node_events[iri].add(iri)
        for src in info["sources"]:
            facts[iri].append({"kind": "source", "text": " · ".join(v for v in (info["type"], info["place"]) if v),
                               **src})  # fmt: skip

    for row in _rows(store, NOTES):
        facts[row["node"]].append({"kind": "note", "text": row["note"], "quote": "", "source": "", "url": "", "note": ""})

    # An organization takes part in what its people take part in (as in the themes projection).
    for org, people in members.items():
        for person in people:
            node_events[org] |= node_events.get(person, set())
            node_themes[org] |= node_themes.get(person, set())
    # Everyone carries the themes of the events they were part of.
    for node, its_events in node_events.items():
        for event in its_events:
            node_themes[node] |= event_themes.get(event, set())

    # Sub-organization edges have the unit itself as their `via`.
    for a, b, data in graph.edges(data=True):
        if "sub-organization" in data.get("kinds", ()):
            for via in data.get("via", ()):
                if via not in out.edges:
                    unit, parent = (a, b) if via == a else (b, a)
                    out.edges[via] = {"text": f"{_label(graph, unit)} is a unit of {_label(graph, parent)}",
                                      "event": "", "quote": "", "source": "", "url": "", "note": ""}  # fmt: skip

    for node in graph.nodes:
        if node in out.themes:  # a theme node (themes projection) carries itself
            node_themes[node].add(node)
    for node in sorted(graph.nodes if only is None else only & set(graph.nodes)):
        its_events = sorted(node_events.get(node, ()))
        out.nodes[node] = {
            "themes": sorted(node_themes.get(node, ())),
            "events": its_events,
            "years": sorted({out.event_years[e] for e in its_events if e in out.event_years}),
            "facts": sorted(facts.get(node, []), key=lambda f: (f["kind"], f["text"], f["quote"])),
        }
    return out


def _label(graph: nx.Graph, node: str) -> str:
    return graph.nodes[node].get("label", node) if node in graph else node.rsplit("/", 1)[-1]


def _describe(edges: dict, fact: str, text: str, event: str, row: dict) -> None:
    """One description per fact; a fact stated by several sentences keeps the first (sorted)."""
    if fact not in edges:
        edges[fact] = {"text": text, "event": event, **_source(row)}
