"""Every metric of every node, period by period: one tidy table.

The projection is built once, cut to each period (``kg.periods.cut``: the ties an event of the
period is behind) and measured there with ``kg.metrics.node_metrics``. A row is one node in one
period in which it has a tie (or, for an event node, in which the event happened); a node absent
from a period has no row there. ``first_seen`` and ``last_seen`` are the labels of the first and
last of the measured periods the node is in. Community numbers are per period (0 = that period's
largest community): compare members, not numbers, across periods (``kg.changes`` does).

Examples
--------
>>> with kg.open_store() as store:                                   # doctest: +SKIP
...     table = kg.metrics.by_period(store, "organizations", per="year")
...     [r["betweenness"] for r in table.rows if r["period"] == "2024"][:3]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .. import network, periods
from .measure import METRICS, graph_metrics, node_metrics

PERIOD_FIELDS = ("period", "period_start", "period_end")
NODE_FIELDS = ("id", "label", "type", "sector")
COLUMNS = PERIOD_FIELDS + NODE_FIELDS + METRICS + ("first_seen", "last_seen")


@dataclass
class PeriodTable:
    """The tidy table and what it was computed from.

    Attributes
    ----------
    projection : str
    periods : list of kg.periods.Period
    rows : list of dict
        Keys in ``COLUMNS`` order; sorted by period (in order) then node id.
    graphs : dict
        ``{period label: the projection cut to that period}``.
    figures : dict
        ``{period label: kg.metrics.graph_metrics of that period}``.
    undated_events : list of str
        Events without a date: in no period.
    undated_ties : list of (str, str)
        Ties of the projection no dated event is behind (shared people, memberships, undated
        events): in no period.
    timeline : kg.periods.Timeline
    whole : networkx.Graph
        The projection over all time.
    """

    projection: str
    periods: list
    rows: list[dict]
    graphs: dict[str, nx.Graph]
    figures: dict[str, dict]
    undated_events: list[str]
    undated_ties: list[tuple[str, str]]
    timeline: periods.Timeline
    whole: nx.Graph
    metrics: dict = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS

    def notes(self) -> list[str]:
        """Sentences for the reader: what is in no period, and why."""
        out = []
        if self.undated_events:
            shown = ", ".join(i.rsplit("/", 1)[-1] for i in self.undated_events[:10])
            more = f" and {len(self.undated_events) - 10} more" if len(self.undated_events) > 10 else ""
            out.append(f"{len(self.undated_events)} event(s) have no date and are in no period: {shown}{more}")
        if self.undated_ties:
            out.append(f"{len(self.undated_ties)} of {self.whole.number_of_edges()} tie(s) have no dated event behind "
                       "them (shared people, memberships or undated events) and are in no period")  # fmt: skip
        if not self.periods:
            out.append("no event has a date: there is no period to measure")
        return out

    def at(self, label: str) -> dict[str, dict]:
        """``{node: row}`` of one period."""
        return {r["id"]: r for r in self.rows if r["period"] == label}


# Periods are measured in parallel processes (one per core) when they hold this many ties in all:
# below it, starting the processes costs more than it saves.
PARALLEL_MIN_EDGES = 40_000


def _measure(job):
    graph, k, engine = job
    return node_metrics(graph, k=k, engine=engine)


def measure_all(graphs: list[nx.Graph], k=None, engine="auto") -> list:
    """``node_metrics`` of each graph, in parallel processes when they are large (same figures:
    every algorithm is seeded)."""
    import os

    workers = min(os.cpu_count() or 1, len(graphs))
    if workers < 2 or sum(g.number_of_edges() for g in graphs) < PARALLEL_MIN_EDGES:
        return [node_metrics(g, k=k, engine=engine) for g in graphs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_measure, [(g, k, engine) for g in graphs]))


def measure_periods(graph: nx.Graph, timeline: periods.Timeline, chosen, k=None, engine="auto",
                    active=None) -> PeriodTable:  # fmt: skip
    """The tidy table of an already built projection (see ``by_period``; ``active`` is
    ``kg.periods.activity`` of it)."""
    graphs, figures, all_metrics, rows = {}, {}, {}, []
    cuts = [periods.cut(graph, timeline, period, active) for period in chosen]
    for period, cut, figures_of in zip(chosen, cuts, measure_all(cuts, k=k, engine=engine)):
        graphs[period.label], all_metrics[period.label] = cut, figures_of
        figures[period.label] = graph_metrics(cut, figures_of)
        for node in sorted(cut, key=str):
            data = cut.nodes[node]
            row = {"period": period.label, "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                   "id": str(node), "label": data.get("label", ""), "type": data.get("type", ""),
                   "sector": data.get("sector", "")}  # fmt: skip
            row.update(figures_of[node])
            rows.append(row)
    seen: dict[str, list[str]] = {}
    for row in rows:
        seen.setdefault(row["id"], []).append(row["period"])
    for row in rows:
        row["first_seen"], row["last_seen"] = seen[row["id"]][0], seen[row["id"]][-1]
    return PeriodTable(graph.graph.get("name", ""), list(chosen), rows, graphs, figures, list(timeline.undated),
                       periods.undated_ties(graph, timeline), timeline, graph, all_metrics)  # fmt: skip


def by_period(store, projection: str = "organizations", per: str | None = "year", window: str | None = None,
              step: str | None = None, period=(), k: int | None = None, engine: str = "auto") -> PeriodTable:  # fmt: skip
    """Every metric of every node of ``projection``, per period.

    Parameters
    ----------
    store : kg.store.Store
        An open graph (``kg.open_store()``).
    projection : str
        A declared projection (``kg.network.projections()``).
    per : "year", "quarter" or "month"
        Calendar periods over the years of the data (default year).
    window, step : str, optional
        Rolling windows instead: ``window="2y", step="1y"`` gives 2012..2013, 2013..2014, ...
    period : list of str, optional
        Explicit periods instead: ``["2023", "2022-09..2024-12"]``.
    k, engine
        As in ``kg.metrics.node_metrics``.

    Returns
    -------
    PeriodTable
        ``.rows`` is the tidy table (period, period_start, period_end, id, label, type, sector, every
        metric, first_seen, last_seen); ``.notes()`` says which events and ties are in no period.
    """
    if projection not in network.projections():
        raise KeyError(f"unknown projection {projection!r}; declared: {', '.join(network.projections())}")
    chosen = periods.choose(None, per=per, window=window, step=step, periods=period) if period else None
    graph, timeline, active = periods.load(store, projection)
    if chosen is None:
        chosen = periods.choose(timeline.extent(), per=per, window=window, step=step)
    return measure_periods(graph, timeline, chosen, k=k, engine=engine, active=active)
