"""The metrics per period (``kg.metrics.periods.PeriodTable``) as CSV, JSON and dynamic GEXF 1.3.

CSV and JSON carry the tidy table, one row per node and period (``COLUMNS``); CSV cells are made
spreadsheet-safe (``kg.spreadsheet``). The GEXF is a dynamic graph for Gephi's timeline
(``timeformat="date"``, ``timerepresentation="interval"``): each node and edge has one spell per
period it is in, and every metric is a dynamic attribute with one value per period (start and end
days of the period, both included, as Gephi reads them). Periods that overlap (rolling windows
with a step shorter than the window) cannot be spells of one element, so they are refused for
GEXF with a message saying what to ask for instead.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import quoteattr

from ..spreadsheet import safe_cell
from .measure import INTEGER_METRICS, METRICS
from .periods import COLUMNS, PeriodTable

PERIOD_FORMATS = ("csv", "json", "gexf")
GEXF_NS = "http://gexf.net/1.3"


class OverlappingPeriods(ValueError):
    """Periods that overlap cannot be written as GEXF spells."""


def _cell(value) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else safe_cell(str(value))


def to_csv(table: PeriodTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in table.rows:
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def to_json(table: PeriodTable) -> bytes:
    document = {
        "projection": table.projection,
        "periods": [{"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
                     **{k: v for k, v in table.figures[p.label].items() if k not in ("projection", "notes")}}
                    for p in table.periods],  # fmt: skip
        "undated_events": table.undated_events,
        "undated_ties": [list(t) for t in table.undated_ties],
        "notes": table.notes(),
        "columns": list(COLUMNS),
        "rows": table.rows,
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _check_disjoint(table: PeriodTable) -> None:
    ordered = sorted(table.periods)
    for a, b in zip(ordered, ordered[1:]):
        if b.start <= a.end:
            raise OverlappingPeriods(f"periods {a.label} and {b.label} overlap, and a GEXF element cannot be in two "
                                     "overlapping spells: use --per, or --step equal to --window, for --format gexf")  # fmt: skip


def _attr_type(metric: str) -> str:
    return "integer" if metric in INTEGER_METRICS and metric != "weighted_degree" else "double"


def to_gexf(table: PeriodTable) -> bytes:
    """A dynamic GEXF 1.3 document (see the module's docstring)."""
    _check_disjoint(table)
    q = quoteattr
    by_node: dict[str, list[dict]] = {}
    for row in table.rows:
        by_node.setdefault(row["id"], []).append(row)
    edges: dict[tuple[str, str], list] = {}
    for period in table.periods:
        for a, b, data in table.graphs[period.label].edges(data=True):
            key = (min(str(a), str(b)), max(str(a), str(b)))
            edges.setdefault(key, []).append((period, data))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<gexf xmlns="{GEXF_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">',
           "  <meta>", "    <creator>kg</creator>",
           f"    <description>{_text(table.whole.graph.get('title', table.projection))}: metrics per period "
           f"({_text(', '.join(p.label for p in table.periods))})</description>", "  </meta>",
           '  <graph mode="dynamic" defaultedgetype="undirected" timeformat="date" timerepresentation="interval">',
           '    <attributes class="node" mode="static">',
           '      <attribute id="type" title="type" type="string"/>',
           '      <attribute id="sector" title="sector" type="string"/>',
           '      <attribute id="first_seen" title="first_seen" type="string"/>',
           '      <attribute id="last_seen" title="last_seen" type="string"/>',
           "    </attributes>",
           '    <attributes class="node" mode="dynamic">']  # fmt: skip
    out += [f'      <attribute id="{m}" title="{m}" type="{_attr_type(m)}"/>' for m in METRICS]
    out += ["    </attributes>", '    <attributes class="edge" mode="dynamic">',
            '      <attribute id="weight" title="weight" type="double"/>',
            '      <attribute id="events" title="events" type="string"/>', "    </attributes>",
            f'    <nodes count="{len(by_node)}">']  # fmt: skip
    for node in sorted(by_node):
        rows = by_node[node]
        first = rows[0]
        out.append(f"      <node id={q(node)} label={q(first['label'] or node)}>")
        out.append("        <attvalues>")
        for key in ("type", "sector", "first_seen", "last_seen"):
            out.append(f"          <attvalue for=\"{key}\" value={q(str(first[key] or ''))}/>")
        for row in rows:
            for metric in METRICS:
                if row[metric] is not None:
                    out.append(f'          <attvalue for="{metric}" value="{row[metric]!r}" '
                               f'start="{row["period_start"]}" end="{row["period_end"]}"/>')  # fmt: skip
        out.append("        </attvalues>")
        out.append("        <spells>")
        out += [f'          <spell start="{r["period_start"]}" end="{r["period_end"]}"/>' for r in rows]
        out.append("        </spells>")
        out.append("      </node>")
    out.append("    </nodes>")
    out.append(f'    <edges count="{len(edges)}">')
    for number, ((a, b), spells) in enumerate(sorted(edges.items())):
        out.append(f'      <edge id="{number}" source={q(a)} target={q(b)}>')
        out.append("        <attvalues>")
        for period, data in spells:
            out.append(f'          <attvalue for="weight" value="{float(data.get("weight", 1))!r}" '
                       f'start="{period.start.isoformat()}" end="{period.end.isoformat()}"/>')  # fmt: skip
            out.append(f'          <attvalue for="events" value={q("; ".join(data.get("via", [])))} '
                       f'start="{period.start.isoformat()}" end="{period.end.isoformat()}"/>')  # fmt: skip
        out.append("        </attvalues>")
        out.append("        <spells>")
        out += [f'          <spell start="{p.start.isoformat()}" end="{p.end.isoformat()}"/>' for p, _ in spells]
        out.append("        </spells>")
        out.append("      </edge>")
    out += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(out).encode("utf-8")


def _text(value: str) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(fmt: str, table: PeriodTable) -> bytes:
    """``fmt`` is one of ``PERIOD_FORMATS``."""
    if fmt not in PERIOD_FORMATS:
        raise ValueError(f"metrics per period are written as {', '.join(PERIOD_FORMATS)}, not {fmt!r}")
    return {"csv": to_csv, "json": to_json, "gexf": to_gexf}[fmt](table)
