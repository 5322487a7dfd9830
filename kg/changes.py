"""What changed in a projection between two periods, in words and numbers, each item traced to its events.

``compare(store, "2023", "2024")`` cuts the projection to each period (``kg.periods.cut``: the ties
an event of the period is behind), measures both (``kg.metrics.node_metrics``) and reports:

- actors who joined (in the later period, not the earlier; ``first_time`` when no dated event
  before the later period involves them) and who left (the reverse);
- ties formed and lost, with the events behind them;
- the largest rises and falls of each metric among actors in both periods;
- brokers gained and lost, by the rule in ``BROKER_RULE``;
- communities formed, dissolved, split, merged or continued, matched by ``COMMUNITY_RULE``;
- pairs of sectors that met for the first time (their first tie ever is in the later period).

Every item names its events; ``report["events"]`` gives each event's label, dates and the
sentences of its source that state it (quote, source, line). ``to_markdown``, ``to_json`` and
``to_html`` render the report (HTML escapes every value).
"""

from __future__ import annotations

import html
import json
from datetime import date

import networkx as nx

from . import network, periods
from .metrics.measure import METRICS
from .metrics.periods import measure_all

FORMATS = ("md", "json", "html")
JACCARD_THRESHOLD = 0.3
BROKER_MAX_CONSTRAINT = 0.5
BROKER_MIN_CROSS_SECTOR = 0.5
COMMUNITY_RULE = (f"communities (Louvain, per period) are matched when the Jaccard overlap of their members "
                  f"(shared / all) is at least {JACCARD_THRESHOLD}: an earlier community matched by none is dissolved, "
                  "a later one matched by none is formed, one matched by two or more later ones split, two or more "
                  "matched by one later one merged, one matched by exactly one continued")  # fmt: skip
BROKER_RULE = (f"a broker in a period has Burt's constraint at most {BROKER_MAX_CONSTRAINT} (its ties do not all "
               f"know each other) and a cross-sector score of at least {BROKER_MIN_CROSS_SECTOR} (half its ties or "
               "more reach another sector)")  # fmt: skip
TRENDED = tuple(m for m in METRICS if m != "community")


def _events_in(timeline: periods.Timeline, via, period: periods.Period) -> list[str]:
    events = {timeline.event_of.get(v, v) for v in via}
    return sorted(e for e in events if e in timeline.spans and period.overlaps(*timeline.spans[e]))


def _sentences(store, events: set[str]) -> dict[str, list[dict]]:
    """``{event: [{quote, source, line, field}]}``: the sentences that state each event (its name and
    dates first), as recorded with the event."""
    out: dict[str, list[dict]] = {}
    if not events:
        return out
    values = " ".join(f"<{e}>" for e in sorted(events))
    query = (f"SELECT ?event ?field ?quote ?source ?line WHERE {{ VALUES ?event {{ {values} }} "
             "?evidence kg:about ?event ; kg:quote ?quote ; prov:wasQuotedFrom ?source . "
             "OPTIONAL { ?evidence kg:field ?field } OPTIONAL { ?evidence kg:line ?line } }")  # fmt: skip
    order = {"name": 0, "start_date": 1, "end_date": 2}
    for row in periods.select_rows(store, query):
        item = {"field": row["field"] or "", "quote": row["quote"], "source": row["source"],
                "line": int(row["line"]) if row["line"] is not None else None}  # fmt: skip
        out.setdefault(row["event"], []).append(item)
    for event, items in out.items():
        items.sort(key=lambda i: (order.get(i["field"], 9), i["field"], i["quote"]))
        unique = {}
        for item in items:  # one sentence often states several fields (the start and end dates)
            unique.setdefault((item["quote"], item["source"], item["line"]), item)
        out[event] = list(unique.values())
    return out


def _event_labels(store, events: set[str]) -> dict[str, str]:
    if not events:
        return {}
    values = " ".join(f"<{e}>" for e in sorted(events))
    rows = periods.select_rows(store, f"SELECT ?e ?label WHERE {{ VALUES ?e {{ {values} }} ?e rdfs:label ?label }}")
    out: dict[str, str] = {}
    for row in rows:
        out[row["e"]] = min(out.get(row["e"], row["label"]), row["label"])
    return out


def _node(graph: nx.Graph, node: str) -> dict:
    data = graph.nodes[node]
    return {"id": node, "label": data.get("label", node), "sector": data.get("sector", "")}


def _tie(graph, timeline, a, b, period) -> dict:
    a, b = sorted((a, b))
    return {"source": a, "target": b, "source_label": graph.nodes[a].get("label", a),
            "target_label": graph.nodes[b].get("label", b),
            "events": _events_in(timeline, graph.edges[a, b].get("via", []), period)}  # fmt: skip


def _match_communities(before: dict, after: dict) -> list[dict]:
    """Communities of two periods matched by Jaccard overlap (``COMMUNITY_RULE``)."""
    groups_a: dict[int, set] = {}
    groups_b: dict[int, set] = {}
    for node, row in before.items():
        if row["community"] is not None:
            groups_a.setdefault(row["community"], set()).add(node)
    for node, row in after.items():
        if row["community"] is not None:
            groups_b.setdefault(row["community"], set()).add(node)
    links = {}
    for i, ga in groups_a.items():
        for j, gb in groups_b.items():
            score = len(ga & gb) / len(ga | gb)
            if score >= JACCARD_THRESHOLD:
                links[(i, j)] = round(score, 3)
    out = []
    for i in sorted(groups_a):
        matched = sorted(j for (a, j) in links if a == i)
        if not matched:
            out.append({"change": "dissolved", "before": [sorted(groups_a[i])], "after": [], "jaccard": []})
        elif len(matched) > 1:
            out.append({"change": "split", "before": [sorted(groups_a[i])], "after": [sorted(groups_b[j]) for j in matched],
                        "jaccard": [links[(i, j)] for j in matched]})  # fmt: skip
    for j in sorted(groups_b):
        matched = sorted(i for (i, b) in links if b == j)
        if not matched:
            out.append({"change": "formed", "before": [], "after": [sorted(groups_b[j])], "jaccard": []})
        elif len(matched) > 1:
            out.append({"change": "merged", "before": [sorted(groups_a[i]) for i in matched], "after": [sorted(groups_b[j])],
                        "jaccard": [links[(i, j)] for i in matched]})  # fmt: skip
        elif sum(1 for (a, _) in links if a == matched[0]) == 1:
            i = matched[0]
            out.append({"change": "continued", "before": [sorted(groups_a[i])], "after": [sorted(groups_b[j])],
                        "jaccard": [links[(i, j)]]})  # fmt: skip
    return out


def _is_broker(row: dict) -> bool:
    return (row.get("constraint") is not None and row["constraint"] <= BROKER_MAX_CONSTRAINT
            and row.get("cross_sector") is not None and row["cross_sector"] >= BROKER_MIN_CROSS_SECTOR)  # fmt: skip


def _first_meetings(graph: nx.Graph, timeline: periods.Timeline) -> dict[tuple[str, str], date]:
    """``{(sector, sector): the first day of the earliest dated event behind a tie between them}``."""
    first: dict[tuple[str, str], date] = {}
    for a, b, data in graph.edges(data=True):
        sa, sb = graph.nodes[a].get("sector", ""), graph.nodes[b].get("sector", "")
        if not sa or not sb or sa == sb:
            continue
        days = [timeline.spans[e][0] for e in {timeline.event_of.get(v, v) for v in data.get("via", [])}
                if e in timeline.spans]  # fmt: skip
        if days:
            pair = tuple(sorted((sa, sb)))
            first[pair] = min(first.get(pair, date.max), min(days))
    return first


def compare(store, before: str, after: str, projection: str = "organizations", top: int = 5, k: int | None = None,
            engine: str = "auto") -> dict:  # fmt: skip
    """What changed in ``projection`` from period ``before`` to period ``after`` (see the module's docstring).

    Parameters
    ----------
    store : kg.store.Store
    before, after : str
        Periods as ``kg.periods.parse_period`` reads them: ``2023``, ``2024-Q2``, ``2022-09..2023-12``.
    projection : str
        A declared projection (default organizations).
    top : int
        How many rises and falls of each metric to keep.

    Returns
    -------
    dict
        JSON-ready: ``projection``, ``from``, ``to`` (label, start, end, nodes, edges), ``rules``,
        ``undated_events``, ``joined``, ``left``, ``ties_formed``, ``ties_lost``, ``metrics``
        (``{metric: {"rises": [...], "falls": [...]}}``), ``brokers_gained``, ``brokers_lost``,
        ``communities``, ``sectors_met``, ``events`` (``{event IRI: label, start, end, sentences}``).
    """
    a, b = periods.parse_period(before), periods.parse_period(after)
    if projection not in network.projections():
        raise KeyError(f"unknown projection {projection!r}; declared: {', '.join(network.projections())}")
    graph, timeline, active = periods.load(store, projection)
    ga, gb = periods.cut(graph, timeline, a, active), periods.cut(graph, timeline, b, active)
    ma, mb = measure_all([ga, gb], k=k, engine=engine)
    first_day = {node: min((timeline.spans[e][0] for e in {timeline.event_of.get(v, v) for v in vias}
                            if e in timeline.spans), default=None) for node, vias in active.items()}  # fmt: skip

    def actor(g, node, period):
        item = _node(g, node)
        item["events"] = _events_in(timeline, active.get(node, ()), period)
        return item

    joined = []
    for node in sorted(set(gb) - set(ga)):
        item = actor(gb, node, b)
        item["first_time"] = first_day.get(node) is not None and first_day[node] >= b.start
        joined.append(item)
    left = [actor(ga, node, a) for node in sorted(set(ga) - set(gb))]
    edges_a = {tuple(sorted(e)) for e in ga.edges}
    edges_b = {tuple(sorted(e)) for e in gb.edges}
    formed = [_tie(gb, timeline, x, y, b) for x, y in sorted(edges_b - edges_a)]
    lost = [_tie(ga, timeline, x, y, a) for x, y in sorted(edges_a - edges_b)]

    both = sorted(set(ga) & set(gb))
    trends = {}
    for metric in TRENDED:
        deltas = [(mb[n][metric] - ma[n][metric], n) for n in both
                  if ma[n][metric] is not None and mb[n][metric] is not None]  # fmt: skip

        def item(delta, node, metric=metric):
            return {**_node(gb, node), "before": ma[node][metric], "after": mb[node][metric],
                    "change": float(f"{delta:.6g}") + 0.0,
                    "events": _events_in(timeline, active.get(node, ()), b)}  # fmt: skip

        rises = [item(d, n) for d, n in sorted(deltas, key=lambda x: (-x[0], x[1])) if d > 0][:top]
        falls = [item(d, n) for d, n in sorted(deltas, key=lambda x: (x[0], x[1])) if d < 0][:top]
        trends[metric] = {"rises": rises, "falls": falls}

    def broker(g, m, node, period):
        return {**actor(g, node, period), "constraint": m[node]["constraint"], "cross_sector": m[node]["cross_sector"]}

    brokers_a = {n for n in ga if _is_broker(ma[n])}
    brokers_b = {n for n in gb if _is_broker(mb[n])}
    gained = [broker(gb, mb, n, b) for n in sorted(brokers_b - brokers_a)]
    lost_brokers = [{**broker(ga, ma, n, a), "still_present": n in gb} for n in sorted(brokers_a - brokers_b)]

    communities = _match_communities(ma, mb)
    for change in communities:
        change["before"] = [[_node(ga, n) for n in group] for group in change["before"]]
        change["after"] = [[_node(gb, n) for n in group] for group in change["after"]]

    met = []
    for pair, day in sorted(_first_meetings(graph, timeline).items()):
        if not b.start <= day <= b.end:
            continue
        ties = [_tie(gb, timeline, x, y, b) for x, y in sorted(edges_b)
                if tuple(sorted((gb.nodes[x].get("sector", ""), gb.nodes[y].get("sector", "")))) == pair]  # fmt: skip
        met.append({"sectors": list(pair), "first_day": day.isoformat(), "ties": ties,
                    "events": sorted({e for t in ties for e in t["events"]})})  # fmt: skip

    cited = set()
    for group in (joined, left, formed, lost, gained, lost_brokers, met):
        for item in group:
            cited.update(item["events"])
    for trend in trends.values():
        for item in trend["rises"] + trend["falls"]:
            cited.update(item["events"])
    sentences = _sentences(store, cited)
    labels = {n: d.get("label", n) for n, d in graph.nodes(data=True)}
    labels.update(_event_labels(store, cited))
    events = {e: {"label": labels.get(e, e), "start": timeline.spans[e][0].isoformat(),
                  "end": timeline.spans[e][1].isoformat(), "sentences": sentences.get(e, [])}
              for e in sorted(cited)}  # fmt: skip

    def summary(period, g):
        return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
                "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}  # fmt: skip

    return {
        "projection": projection, "from": summary(a, ga), "to": summary(b, gb),
        "rules": {"period": "an actor or tie is in a period when an event behind it falls in the period (a date given "
                            "as a year or month counts in every period it overlaps)",
                  "communities": COMMUNITY_RULE, "brokers": BROKER_RULE},  # fmt: skip
        "undated_events": list(timeline.undated),
        "joined": joined, "left": left, "ties_formed": formed, "ties_lost": lost, "metrics": trends,
        "brokers_gained": gained, "brokers_lost": lost_brokers, "communities": communities, "sectors_met": met,
        "events": events,
    }


# ---------------------------------------------------------------------------------------------- rendering

SHOWN = 20  # items per section in Markdown and HTML (JSON has them all)


def to_json(report: dict) -> bytes:
    return (json.dumps(report, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _sections(report: dict):
    """``(title, [(text, [event IRIs])], total)`` for each section, in reading order (shared by Markdown and HTML)."""

    def label(item):
        return f"{item['label']} ({item['sector'] or 'no sector'})"

    def tie(t):
        return f"{t['source_label']} — {t['target_label']}"

    a, b = report["from"]["label"], report["to"]["label"]
    yield f"Joined: active in {b}, not in {a}", [(label(i) + (", first time" if i.get("first_time") else ""), i["events"]) for i in report["joined"]]
    yield f"Left: active in {a}, not in {b}", [(label(i), i["events"]) for i in report["left"]]
    yield f"Ties formed: in {b}, not in {a}", [(tie(t), t["events"]) for t in report["ties_formed"]]
    yield f"Ties lost: in {a}, not in {b}", [(tie(t), t["events"]) for t in report["ties_lost"]]
    for metric, trend in report["metrics"].items():
        for kind in ("rises", "falls"):
            yield f"Largest {kind} in {metric.replace('_', ' ')}", [
                (f"{i['label']}: {i['before']:g} → {i['after']:g} ({i['change']:+g})", i["events"]) for i in trend[kind]]
    yield "Brokers gained", [(f"{label(i)}: constraint {i['constraint']:g}, cross-sector {i['cross_sector']:g}",
                              i["events"]) for i in report["brokers_gained"]]  # fmt: skip
    yield "Brokers lost", [(f"{label(i)}: constraint {i['constraint']:g}, cross-sector {i['cross_sector']:g}"
                            + ("" if i["still_present"] else ", no longer present"), i["events"])
                           for i in report["brokers_lost"]]  # fmt: skip
    yield "Communities", [(f"{c['change']}: " + " + ".join("{" + ", ".join(n["label"] for n in g) + "}" for g in c["before"])
                           + (" → " if c["before"] and c["after"] else "")
                           + " + ".join("{" + ", ".join(n["label"] for n in g) + "}" for g in c["after"])
                           + (f" (Jaccard {', '.join(str(j) for j in c['jaccard'])})" if c["jaccard"] else ""), [])
                          for c in report["communities"] if c["change"] != "continued"]  # fmt: skip
    yield "Sectors that met for the first time", [(f"{' and '.join(m['sectors'])} (first on {m['first_day']})", m["events"])
                                                  for m in report["sectors_met"]]  # fmt: skip


def _numbers(report: dict) -> dict[str, int]:
    return {e: n for n, e in enumerate(report["events"], 1)}


def to_markdown(report: dict) -> str:
    a, b = report["from"], report["to"]
    number = _numbers(report)
    lines = [f"# What changed in {report['projection']}: {a['label']} → {b['label']}", "",
             f"{a['label']}: {a['nodes']} actors, {a['edges']} ties; {b['label']}: {b['nodes']} actors, {b['edges']} ties.",
             ""]  # fmt: skip
    quiet = []
    for title, items in _sections(report):
        if not items and title.startswith("Largest"):
            quiet.append(title[len("Largest "):])
            continue
        lines.append(f"## {title} ({len(items)})")
        lines.append("")
        for text, events in items[:SHOWN]:
            refs = " ".join(f"[{number[e]}]" for e in events)
            lines.append(f"- {text}" + (f" {refs}" if refs else ""))
        if len(items) > SHOWN:
            lines.append(f"- … and {len(items) - SHOWN} more (all of them in --format json)")
        if not items:
            lines.append("- none")
        lines.append("")
    if quiet:
        lines += [f"No actor present in both periods had: {'; '.join(quiet)}.", ""]
    lines += ["## Events and sentences", ""]
    for event, info in report["events"].items():
        lines.append(f"[{number[event]}] {info['label']} ({info['start']}–{info['end']}) <{event}>")
        for s in info["sentences"][:2]:
            where = f"{s['source']}" + (f", line {s['line']}" if s["line"] else "")
            lines.append(f"    “{s['quote']}” ({where})")
    if report["undated_events"]:
        lines += ["", f"{len(report['undated_events'])} event(s) have no date and are in no period: "
                  + ", ".join(e.rsplit("/", 1)[-1] for e in report["undated_events"][:20])
                  + (" …" if len(report["undated_events"]) > 20 else "")]  # fmt: skip
    lines += ["", "## Rules", ""] + [f"- {name}: {text}" for name, text in report["rules"].items()]
    return "\n".join(lines) + "\n"


def to_html(report: dict) -> str:
    e = html.escape
    a, b = report["from"], report["to"]
    number = _numbers(report)
    title = f"What changed in {report['projection']}: {a['label']} → {b['label']}"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
             "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
             "blockquote{margin:.2em 0 .6em 1.5em;color:#444}sup a{text-decoration:none}</style></head><body>",
             f"<h1>{e(title)}</h1>",
             f"<p>{e(a['label'])}: {a['nodes']} actors, {a['edges']} ties; {e(b['label'])}: {b['nodes']} actors, "
             f"{b['edges']} ties.</p>"]  # fmt: skip
    for heading, items in _sections(report):
        if not items and heading.startswith("Largest"):
            continue
        parts.append(f"<h2>{e(heading)} ({len(items)})</h2><ul>")
        for text, events in items[:SHOWN]:
            refs = "".join(f'<sup><a href="#event-{number[ev]}">[{number[ev]}]</a></sup>' for ev in events)
            parts.append(f"<li>{e(text)} {refs}</li>")
        if len(items) > SHOWN:
            parts.append(f"<li>… and {len(items) - SHOWN} more (all of them in the JSON report)</li>")
        if not items:
            parts.append("<li>none</li>")
        parts.append("</ul>")
    parts.append("<h2>Events and sentences</h2><ol>")
    for event, info in report["events"].items():
        parts.append(f'<li id="event-{number[event]}"><strong>{e(info["label"])}</strong> '
                     f"({e(info['start'])}–{e(info['end'])}) <code>{e(event)}</code>")  # fmt: skip
        for s in info["sentences"][:2]:
            where = s["source"] + (f", line {s['line']}" if s["line"] else "")
            parts.append(f"<blockquote>“{e(s['quote'])}” ({e(where)})</blockquote>")
        parts.append("</li>")
    parts.append("</ol><h2>Rules</h2><ul>")
    parts += [f"<li>{e(name)}: {e(text)}</li>" for name, text in report["rules"].items()]
    if report["undated_events"]:
        parts.append(f"<li>{len(report['undated_events'])} event(s) have no date and are in no period.</li>")
    parts.append("</ul></body></html>\n")
    return "\n".join(parts)


def render(fmt: str, report: dict) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"kg changes writes {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "json":
        return to_json(report)
    return (to_markdown(report) if fmt == "md" else to_html(report)).encode("utf-8")
