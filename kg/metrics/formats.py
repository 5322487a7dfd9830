"""The metrics of a projection as CSV (spreadsheets), JSON (pandas, scripts), GraphML and GEXF (Gephi).

Every format carries the same rows: ``id`` (the node's IRI), ``label``, ``type``, ``sector``, then
each metric (``kg.metrics.measure.METRICS``) and ``betweenness_k`` (the number of sampled sources,
empty when exact). Rows are sorted by id; numbers are rounded to 6 significant digits; an
undefined value is an empty CSV cell, JSON ``null``, and a missing attribute in GraphML/GEXF. In
GraphML and GEXF, edges keep their ``weight`` and the lists ``kinds``, ``labels`` and ``via`` (the
events and facts behind the tie) joined with "; ". GEXF's date stamp is left out, so the same
graph always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from xml.etree.ElementTree import SubElement

import networkx as nx

from ..spreadsheet import safe_cell
from .measure import METRICS
from .xmlout import gexf_bytes, graphml_bytes, pretty_bytes

FORMATS = ("csv", "json", "graphml", "gexf")
NODE_FIELDS = ("id", "label", "type", "sector")
COLUMNS = NODE_FIELDS + METRICS + ("betweenness_k",)
LIST_SEPARATOR = "; "


def rows(graph: nx.Graph, metrics) -> list[dict]:
    """One dict per node, keys in ``COLUMNS`` order, sorted by id."""
    out = []
    for node in sorted(graph, key=str):
        data = graph.nodes[node]
        row = {"id": str(node), "label": data.get("label", ""), "type": data.get("type", ""),
               "sector": data.get("sector", "")}  # fmt: skip
        row.update(metrics[node])
        row["betweenness_k"] = getattr(metrics, "k", None)
        out.append(row)
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else safe_cell(str(value))


def to_csv(graph: nx.Graph, metrics, figures: dict | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(graph, metrics):
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def to_json(graph: nx.Graph, metrics, figures: dict) -> bytes:
    edges = [{"source": str(u), "target": str(v), "weight": d.get("weight", 1), "kinds": list(d.get("kinds", [])),
              "labels": list(d.get("labels", [])), "via": list(d.get("via", []))}
             for u, v, d in _sorted_edges(graph)]  # fmt: skip
    document = {
        "projection": graph.graph.get("name", ""),
        "title": graph.graph.get("title", ""),
        "description": graph.graph.get("description", ""),
        "graph": figures,
        "columns": list(COLUMNS),
        "nodes": rows(graph, metrics),
        "edges": edges,
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _sorted_edges(graph: nx.Graph):
    """Edges ``(a, b, data)`` by their two ends' ids, the smaller first (``a``), in sorted order."""
    for u, v, data in sorted(graph.edges(data=True), key=_ends):
        yield (u, v, data) if str(u) <= str(v) else (v, u, data)


def _ends(edge) -> tuple[str, str]:
    a, b = str(edge[0]), str(edge[1])
    return (a, b) if a <= b else (b, a)


def _flat(value):
    if isinstance(value, (list, tuple, set)):
        return LIST_SEPARATOR.join(str(v) for v in (sorted(value) if isinstance(value, set) else value))
    return value


def export_graph(graph: nx.Graph, metrics, figures: dict) -> nx.Graph:
    """A copy of the projection ready for GraphML/GEXF: node attributes label, type, sector and
    every defined metric; edge weight and joined lists; graph-level figures as graph attributes."""
    out = nx.Graph()
    for key in ("name", "title", "description"):
        if graph.graph.get(key):
            out.graph[key] = str(graph.graph[key])
    for key, value in figures.items():
        if value is None or key == "projection":
            continue
        out.graph[key] = _flat(value) if key != "notes" else " | ".join(value)
    for row in rows(graph, metrics):
        attrs = {key: value for key, value in row.items() if key not in ("id", "betweenness_k") and value is not None}
        out.add_node(row["id"], **attrs)
    for u, v, data in _sorted_edges(graph):
        out.add_edge(str(u), str(v), weight=data.get("weight", 1),
                     **{key: _flat(data.get(key, [])) for key in ("kinds", "labels", "via")})  # fmt: skip
    return out


def to_graphml(graph: nx.Graph, metrics, figures: dict, exported: nx.Graph | None = None) -> bytes:
    exported = export_graph(graph, metrics, figures) if exported is None else exported
    direct = graphml_bytes(exported)  # networkx's bytes without its tree (kg.metrics.xmlout)
    return direct if direct is not None else networkx_graphml(exported)


def networkx_graphml(exported: nx.Graph) -> bytes:
    from networkx.readwrite.graphml import GraphMLWriter

    # networkx builds the tree (keys, types); kg.metrics.xmlout writes it, the same bytes faster
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(exported)
    return pretty_bytes(writer.xml)


def to_gexf(graph: nx.Graph, metrics, figures: dict, exported: nx.Graph | None = None) -> bytes:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    meta.attrib.pop("lastmodifieddate", None)  # a date stamp would make every run differ
    title = graph.graph.get("title", graph.graph.get("name", ""))
    notes = " | ".join(figures.get("notes", []))
    SubElement(meta, "description").text = f"{title}: {graph.graph.get('description', '')} Notes: {notes}".strip()
    exported = export_graph(graph, metrics, figures) if exported is None else exported
    direct = gexf_bytes(writer.xml, exported)  # networkx's bytes without its tree of the graph (kg.metrics.xmlout)
    if direct is not None:
        return direct
    writer.add_graph(exported)
    return pretty_bytes(writer.xml)


WRITERS = {"csv": to_csv, "json": to_json, "graphml": to_graphml, "gexf": to_gexf}


def render(fmt: str, graph: nx.Graph, metrics, figures: dict) -> bytes:
    """The bytes of one format (``csv``, ``json``, ``graphml`` or ``gexf``)."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return WRITERS[fmt](graph, metrics, figures)


def render_each(fmts, graph: nx.Graph, metrics, figures: dict):
    """``(format, bytes)`` of each of ``fmts``: the bytes of ``render``, with the copy GraphML and GEXF
    are written from (``export_graph``) made once for both."""
    exported = None
    for fmt in fmts:
        if fmt in ("graphml", "gexf"):
            exported = export_graph(graph, metrics, figures) if exported is None else exported
            yield fmt, WRITERS[fmt](graph, metrics, figures, exported=exported)
        else:
            yield fmt, render(fmt, graph, metrics, figures)
