"""Periods of time, and a projection cut to one period.

A period is a closed range of calendar days with a label: a year (``2024``), a quarter
(``2024-Q2``), a month (``2024-03``), a rolling window (``2023..2024``) or an explicit range
(``2022-09..2024-12``). Dates in the graph may be a year (``xsd:gYear``), a month
(``xsd:gYearMonth``) or a day (``xsd:date``): each stands for all the days it covers, so an event
dated ``2024`` counts in every month and quarter of 2024, and an event that ran from
2024-12-30 to 2025-01-02 counts in both years.

An edge of a projection exists in a period when an event behind it (``via``: the event itself, or
the event of a participation) falls in that period; its weight there is the number of those
events. A node is in a period when one of its ties is, or when it is an event of the period. Ties
that no dated event is behind (shared people, memberships, events without a date) are in no
period: ``Timeline.undated`` and ``undated_ties`` name them, so nothing is dropped unsaid.

Examples
--------
>>> [p.label for p in split(parse_period("2023..2024"), "year")]
['2023', '2024']
>>> parse_period("2022-09..2024-12").start, parse_period("2022-09..2024-12").end
(datetime.date(2022, 9, 1), datetime.date(2024, 12, 31))
>>> date_span("2024-02")
(datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from .vocab import sparql_prefixes

PER = ("year", "quarter", "month")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_LENGTH = re.compile(r"^(\d+)\s*([ymq])$")


class PeriodError(ValueError):
    """A period, window or date that cannot be read; the message says what to write instead."""


@dataclass(frozen=True, order=True)
class Period:
    """Days ``start`` to ``end``, both included."""

    start: date
    end: date
    label: str = field(compare=False)

    def overlaps(self, first: date, last: date) -> bool:
        return first <= self.end and last >= self.start

    def iso(self) -> str:
        """``start/end`` as ISO 8601 days (a time interval)."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def date_span(text: str) -> tuple[date, date]:
    """The first and last day a year, month or day stands for (``2024``, ``2024-02``, ``2024-02-29``)."""
    match = _DATE.match(str(text).strip())
    if not match:
        raise PeriodError(f"{text!r} is not a date: write a year (2024), a month (2024-03) or a day (2024-03-01)")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a date ({exc})") from None


def _bound(text: str) -> tuple[date, date]:
    quarter = _QUARTER.match(text.strip())
    if quarter:
        year, q = int(quarter.group(1)), int(quarter.group(2))
        return date(year, 3 * q - 2, 1), date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
    return date_span(text)


def parse_period(text: str) -> Period:
    """``2023``, ``2024-Q2``, ``2024-03``, ``2024-03-01`` or a range ``FROM..TO`` of those."""
    text = str(text).strip()
    if ".." in text:
        first, _, last = text.partition("..")
        start, end = _bound(first)[0], _bound(last)[1]
        if end < start:
            raise PeriodError(f"period {text!r} ends before it starts: write FROM..TO with FROM first")
        return Period(start, end, text)
    try:
        start, end = _bound(text)
    except PeriodError:
        raise PeriodError(f"{text!r} is not a period: write 2023, 2024-Q2, 2024-03 or a range such as 2022-09..2024-12") from None
    return Period(start, end, text)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months_of(per: str) -> int:
    if per not in PER:
        raise PeriodError(f"--per {per!r}: use one of {', '.join(PER)}")
    return {"year": 12, "quarter": 3, "month": 1}[per]


def _label(start: date, months: int) -> str:
    if months == 12 and start.month == 1:
        return str(start.year)
    if months == 3 and start.month % 3 == 1:
        return f"{start.year}-Q{start.month // 3 + 1}"
    if months == 1:
        return f"{start.year}-{start.month:02d}"
    last = _add_months(start, months - 1)
    return f"{start.year}-{start.month:02d}..{last.year}-{last.month:02d}"


def split(span: Period, per: str = "year") -> list[Period]:
    """The calendar years, quarters or months that ``span`` touches, in order."""
    months = _months_of(per)
    first = date(span.start.year, span.start.month, 1)
    if months > 1:  # align to the calendar: quarters start in Jan, Apr, Jul, Oct; years in January
        first = date(first.year, (first.month - 1) // months * months + 1, 1)
    out = []
    while first <= span.end:
        nxt = _add_months(first, months)
        out.append(Period(first, date.fromordinal(nxt.toordinal() - 1), _label(first, months)))
        first = nxt
    return out


def length_in_months(text: str) -> int:
    """``2y`` = 24, ``3m`` = 3, ``1q`` = 3."""
    match = _LENGTH.match(str(text).strip().lower())
    if not match or int(match.group(1)) == 0:
        raise PeriodError(f"{text!r} is not a length of time: write 2y (years), 6m (months) or 1q (quarters)")
    return int(match.group(1)) * {"y": 12, "m": 1, "q": 3}[match.group(2)]


def rolling(span: Period, window: str, step: str | None = None) -> list[Period]:
    """Windows of length ``window`` starting every ``step`` (default: one window, no overlap), the
    first at the start of ``span``'s first year, until a window reaches ``span``'s end."""
    months, every = length_in_months(window), length_in_months(step or window)
    first = date(span.start.year, 1, 1) if every % 12 == 0 else date(span.start.year, span.start.month, 1)
    out = []
    while True:
        nxt = _add_months(first, months)
        start, end = first, date.fromordinal(nxt.toordinal() - 1)
        label = f"{start.year}..{end.year}" if months % 12 == 0 and start.month == 1 else _label(start, months)
        out.append(Period(start, end, label))
        if end >= span.end:
            return out
        first = _add_months(first, every)


@dataclass
class Timeline:
    """When the events of a graph happened.

    Attributes
    ----------
    spans : dict
        ``{event IRI: (first day, last day)}`` for every dated event (a section takes its event's dates).
    undated : list of str
        Events without a start date, sorted: they are in no period.
    event_of : dict
        ``{fact IRI: event IRI}`` for facts that belong to an event (participations, sections).
    """

    spans: dict[str, tuple[date, date]]
    undated: list[str]
    event_of: dict[str, str]
    # the spans behind each node and edge of the last graph cut (``_spans``): computed once for all periods
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def in_period(self, events, period: Period) -> list[str]:
        """The dated ``events`` that fall in ``period``, sorted."""
        return sorted(e for e in events if e in self.spans and period.overlaps(*self.spans[e]))

    def extent(self) -> Period | None:
        """From the first day of the earliest event to the last day of the latest one."""
        if not self.spans:
            return None
        first = min(s for s, _ in self.spans.values())
        last = max(e for _, e in self.spans.values())
        return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")


def _answer(store, text: str) -> "_Answer":
    """The rows of a SELECT as plain strings (None when unbound). From Oxigraph's own answer when the
    store has one: converting every term to rdflib first costs more than the query on large graphs."""
    raw = getattr(store, "raw_query", None)
    if raw is not None:
        answer = raw(text)
        return _Answer([v.value for v in answer.variables],
                       [tuple(None if v is None else v.value for v in row) for row in answer])  # fmt: skip
    result = store.query(text)
    return _Answer([str(v) for v in result.vars], [tuple(None if v is None else str(v) for v in row) for row in result])


def select_rows(store, query: str):
    """The rows of a SELECT (written without PREFIX lines: kg's prefixes are added) as
    ``{variable: string or None}``."""
    answer = _answer(store, sparql_prefixes() + query)
    for row in answer:
        yield dict(zip(answer.vars, row))


def timeline(store, facts: bool = True) -> Timeline:
    """Read every event's dates, and which event each section (and, with ``facts``, each participation
    or other fact linked by ``kg:event``) belongs to.

    A start date that is not a year, month or day raises ``PeriodError``; an end before the start
    is read as the start (the record is odd, the event still happened then).
    """
    spans: dict[str, tuple[date, date]] = {}
    undated = set()
    for row in select_rows(store, "SELECT ?event ?start ?end WHERE { ?event a schema:Event . "
                            "FILTER NOT EXISTS { ?event a kg:Section } "
                            "OPTIONAL { ?event schema:startDate ?start } OPTIONAL { ?event schema:endDate ?end } }"):  # fmt: skip
        event = row["event"]
        if not row["start"]:
            undated.add(event)
            continue
        try:
            first, last = date_span(row["start"])
            if row["end"]:
                last = max(last, date_span(row["end"])[1])
        except PeriodError as exc:
            raise PeriodError(f"event {event}: {exc}") from None
        old = spans.get(event)
        spans[event] = (min(first, old[0]), max(last, old[1])) if old else (first, last)
    undated -= set(spans)
    event_of = {}
    for row in select_rows(store, "SELECT ?fact ?event WHERE { ?fact a kg:Section ; schema:superEvent ?event }"):
        event_of[row["fact"]] = row["event"]
    if facts:
        for row in select_rows(store, "SELECT ?fact ?event WHERE { ?fact kg:event ?event }"):
            event_of[row["fact"]] = row["event"]
    return Timeline(spans, sorted(undated), event_of)


class _Answer:
    def __init__(self, variables, rows):
        self.vars, self._rows = variables, rows

    def __iter__(self):
        return iter(self._rows)


def load(store, projection: str):
    """``(projection graph, timeline, activity)``, each of the projection's patterns read once for the
    graph and the activity alike; on the embedded store, joined from one predicate index
    (``kg.predicates``, as ``kg.network.project`` does)."""
    from . import network

    select = _remembered(network.selector(store))
    graph = network.project(store, projection, select=select)
    direct = any(kind.mode == "direct" for kind in network.projections()[projection].edges)
    return graph, timeline(store, facts=direct), activity(store, projection, select)


def _remembered(select):
    """``select`` answering a pattern asked again from the rows it gave the first time."""
    answers: dict[tuple[str, str], list] = {}

    def rows(where: str, variables: str) -> list:
        if (where, variables) not in answers:
            answers[where, variables] = select(where, variables)
        return answers[where, variables]

    return rows


def choose(extent: Period | None, per: str | None = None, window: str | None = None, step: str | None = None,
           periods=()) -> list[Period]:  # fmt: skip
    """The periods asked for: explicit ``periods`` (strings), else a rolling ``window``/``step``,
    else calendar ``per`` (default year) over the ``extent`` of the data (none when nothing is dated)."""
    if periods:
        if window or step:
            raise PeriodError("give either --period or --window/--step, not both")
        return [p if isinstance(p, Period) else parse_period(p) for p in periods]
    if per and window:
        raise PeriodError("give either --per or --window/--step, not both")
    if step and not window:
        raise PeriodError("--step needs --window (for example --window 2y --step 1y)")
    if extent is None:
        return []
    if window:
        return rolling(extent, window, step)
    return split(extent, per or "year")


def activity(store, projection: str, select=None) -> dict[str, set[str]]:
    """``{node: the facts and events it takes part in}`` under the projection's edge patterns, so a
    node is in a period when it took part in an event of the period, even without a tie there (an
    organization alone at an event). ``select``: as ``kg.network.project``'s (default: the SPARQL)."""
    from . import network

    select = select or (lambda where, variables: network._select(store, where, variables))
    spec = network.projections()[projection]
    out: dict[str, set[str]] = {}
    for kind in spec.edges:
        if kind.mode == "shared":
            for row in select(kind.pattern, "?node ?via"):
                out.setdefault(row["node"], set()).add(row["via"])
        else:
            for row in select(kind.pattern, "?source ?target ?via ?label"):
                out.setdefault(row["source"], set()).add(row["via"])
                out.setdefault(row["target"], set()).add(row["via"])
    return out


def cut(graph: nx.Graph, timeline: Timeline, period: Period, active: dict[str, set[str]] | None = None) -> nx.Graph:
    """The projection as it was in ``period``: the ties an event of the period is behind, weighted by
    those events (``via`` keeps only them), and the nodes of those ties, plus the nodes ``active``
    in an event of the period (``activity``) and the period's events when events are nodes. Node
    attributes are kept; ``graph.graph["period"]`` is the label."""
    node_spans, edge_spans = _spans(graph, timeline, active)
    start, end = period.start, period.end
    out = nx.Graph(**graph.graph)
    out.graph["period"] = period.label
    nodes = graph.nodes
    for node, spans in node_spans.items():
        if any(first <= end and last >= start for first, last in spans):
            out.add_node(node, **nodes[node])
    for (a, b), vias in edge_spans.items():
        kept = [via for via, first, last in vias if first <= end and last >= start]
        if not kept:
            continue
        for node in (a, b):
            if node not in out:
                out.add_node(node, **nodes[node])
        data = graph.edges[a, b]
        out.add_edge(a, b, weight=len(kept), kinds=data.get("kinds", []), labels=data.get("labels", []), via=kept)
    return out


def _spans(graph, timeline, active):
    """The dated spans behind each node and each edge, computed once per (graph, timeline, active)."""
    key = (id(graph), id(active))
    if timeline.cache.get("key") == key:
        return timeline.cache["spans"]
    spans, event_of = timeline.spans, timeline.event_of
    node_spans = {}
    for node in graph:
        found = [spans[node]] if node in spans else []
        for via in (active or {}).get(node, ()):
            span = spans.get(event_of.get(via, via))
            if span:
                found.append(span)
        if found:
            node_spans[node] = found
    edge_spans = {}
    for a, b, data in graph.edges(data=True):
        vias = []
        for via in data.get("via", []):
            span = spans.get(event_of.get(via, via))
            if span:
                vias.append((via, *span))
        if vias:
            edge_spans[(a, b)] = vias
    timeline.cache.update(key=key, spans=(node_spans, edge_spans), graph=graph, active=active)  # keeps ids alive
    return node_spans, edge_spans


def _dated_in(timeline: Timeline, via: str, period: Period) -> bool:
    span = timeline.spans.get(timeline.event_of.get(via, via))
    return bool(span) and period.overlaps(*span)


def undated_ties(graph: nx.Graph, timeline: Timeline) -> list[tuple[str, str]]:
    """Ties of ``graph`` that no dated event is behind: they are in no period."""
    return sorted((min(a, b), max(a, b)) for a, b, data in graph.edges(data=True)
                  if not any(timeline.spans.get(timeline.event_of.get(v, v)) for v in data.get("via", [])))  # fmt: skip
