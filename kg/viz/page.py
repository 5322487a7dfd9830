"""One self-contained HTML page: pyvis's network data and its bundled vis-network, our search,
filters, legend and side panel, all inlined.

Why not pyvis's own ``from_nx`` and HTML template: ``from_nx`` checks every new node and edge against
a list (43 s for 5,000 nodes, against 0.23 s when the lists are handed over), and its template loads
Bootstrap (and in its default mode vis-network too) from CDNs, so offline the page is blank. Here
pyvis's ``Network`` holds the node and edge lists and the vis.js options, and the page inlines the
vis-network build that ships inside the pyvis package.

Safety: names and quotes reach the page only (1) as JSON inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` written as ``\\u`` escapes, so no text can close the script element, and
(2) through the DOM's ``textContent`` or vis-network's tooltips, which vis-network 9.1 sets with
``innerText`` (plain text). The few names in the HTML itself (the page title) go through Jinja's
autoescape.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from pathlib import Path

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from ..metric_names import SIZE_BY
from ..metrics.sectors import sector_reach
from .bridges import bridges
from .data import Details
from .layout import positions

KINDS = ("person", "organization", "event", "theme")
UNSECTORED = ("event", "theme")  # kinds that have no sector: the sector filter leaves them alone
SHAPES = {"person": "dot", "organization": "square", "event": "diamond", "theme": "hexagon"}
KIND_COLORS = {"person": "#3b6fb6", "organization": "#2e8b57", "event": "#e08a00", "theme": "#7fb800"}
SECTOR_COLORS = {
    "civil-society": "#2e8b57",
    "think-tank": "#17a2a2",
    "academia": "#8e5bb5",
    "government": "#3b6fb6",
    "law-enforcement": "#1f3f7a",
    "parliament": "#5fa8e0",
    "international-organization": "#e0662b",
    "donor": "#c23b3b",
    "media": "#d4549a",
    "private-sector": "#8a6a4a",
}
NO_SECTOR = "#9a9a9a"
COMMUNITY_COLORS = ("#3b6fb6", "#e0662b", "#2e8b57", "#c23b3b", "#8e5bb5", "#8a6a4a", "#d4549a", "#17a2a2",
                    "#b5a300", "#1f3f7a", "#5fa8e0", "#6b8e23")  # fmt: skip
COLOR_BY = ("type", "sector", "community")
MIN_SIZE, MAX_SIZE = 8, 42  # node radius in pixels at zoom 1
LABEL_MIN, LABEL_MAX = 14, 30  # label font size in pixels at zoom 1
CHAR_WIDTH = 0.56  # average width of a character, as a fraction of the font size
FACTS_PER_NODE = 120  # facts in a node's panel; a hub's thousands would make a large page slow to open
LABELLED_LAYOUT_UP_TO = 400  # nodes: above this, labels do not take part in overlap removal
LABEL_CHARS = 28  # longer names are shortened on the canvas (``short_label``); tooltip and panel keep them whole
# A stated short form that is an acronym: "UNODC", "GI-TOC", "CGR&D" (capitals, digits, & . -; no spaces).
ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z0-9][A-Za-z0-9&.\-]{1,11}$")
# The metrics the page can size nodes by, and the cross-sector reach it computes itself.
SIZE_METRICS = SIZE_BY

STATIC = "static/viz"


def _asset(name: str) -> str:
    return resources.files("kg").joinpath(STATIC, name).read_text(encoding="utf-8")


def _vis_network_dir() -> Path:
    """The vis-network build bundled inside the installed pyvis package (newest version there)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib"
    version = lambda p: [int(x) for x in p.parent.name[4:].split(".")]  # noqa: E731
    versions = sorted(lib.glob("vis-*/vis-network.min.js"), key=version)
    if not versions:
        raise FileNotFoundError(f"no vis-network build inside pyvis at {lib}; "
                                "reinstall pyvis (pip install --force-reinstall pyvis)")
    return versions[-1].parent


def script_json(value) -> str:
    """JSON that is safe inside a <script> element: no character of it can end the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char in ("&", "<", ">", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _number(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) else 0.0


def short_label(name: str, aliases=(), limit: int = LABEL_CHARS) -> str:
    """The name drawn on the canvas: whole when it fits in ``limit`` characters; else a stated
    acronym (in a trailing parenthesis, or among the aliases); else as many whole words as fit,
    then "…". A word is never cut (a single word longer than the limit stays whole).

    Examples
    --------
    >>> short_label("United Nations Office on Drugs and Crime (UNODC)")
    'UNODC'
    >>> short_label("Global Initiative against Transnational Organized Crime", ["GI-TOC"])
    'GI-TOC'
    >>> short_label("Dialogue on the Rule of Law and Organized Crime in South Asia")
    'Dialogue on the Rule of Law…'
    """
    name = " ".join(str(name).split())
    if len(name) <= limit:
        return name
    stated = re.search(r"\(([^()]+)\)\s*$", name)
    for candidate in ([stated.group(1).strip()] if stated else []) + [str(a).strip() for a in aliases]:
        if ACRONYM.match(candidate):
            return candidate
    words = name.split(" ")
    out = words[0]
    for word in words[1:]:
        if len(out) + 1 + len(word) > limit - 1:
            break
        out += " " + word
    return out.rstrip(",;:–—-") + "…"


def _sector_name(sector: str) -> str:
    return sector.replace("-", " ").capitalize() if sector else "No sector stated"


def node_color(attrs: dict, color_by: str, community) -> str:
    if color_by == "type":
        return KIND_COLORS.get(attrs.get("type", ""), NO_SECTOR)
    if color_by == "community":
        return NO_SECTOR if community is None else COMMUNITY_COLORS[int(community) % len(COMMUNITY_COLORS)]
    if attrs.get("type") in UNSECTORED:
        return KIND_COLORS[attrs["type"]]
    return SECTOR_COLORS.get(attrs.get("sector", ""), NO_SECTOR)


def _legend(graph: nx.Graph, color_by: str, metrics: dict) -> list[dict]:
    present = sorted({d.get("type", "") for _, d in graph.nodes(data=True)}, key=lambda k: (KINDS + (k,)).index(k))
    if color_by == "type":
        return [{"label": k.capitalize(), "color": KIND_COLORS.get(k, NO_SECTOR)} for k in present]
    if color_by == "community":
        found = sorted({m.get("community") for m in metrics.values() if m.get("community") is not None}, key=int)
        shown = [{"label": f"Community {int(c) + 1}", "color": COMMUNITY_COLORS[int(c) % len(COMMUNITY_COLORS)]}
                 for c in found[: len(COMMUNITY_COLORS)]]  # fmt: skip
        if len(found) > len(COMMUNITY_COLORS):
            shown.append({"label": f"… {len(found)} communities; colours repeat", "color": "#ffffff"})
        return shown
    sectors = sorted({d.get("sector", "") for _, d in graph.nodes(data=True) if d.get("type") not in UNSECTORED})
    items = [{"label": _sector_name(s), "color": SECTOR_COLORS.get(s, NO_SECTOR)} for s in sectors if s]
    if "" in sectors:
        items.append({"label": _sector_name(""), "color": NO_SECTOR})
    items += [{"label": k.capitalize(), "color": KIND_COLORS[k]} for k in UNSECTORED if k in present]
    return items


def _edge_text(data: dict, details: Details) -> tuple[str, list[str]]:
    """The edge's tooltip (plain text) and the events it passes through."""
    lines, events = [], []
    vias = list(data.get("via", ()))
    for via in vias[:4]:
        fact = details.edges.get(via)
        if not fact:
            continue
        line = fact["text"] + (f" — {fact['event']}" if fact.get("event") else "")
        if fact.get("quote"):
            line += f"\n“{fact['quote']}”" + (f"\n  ({fact['source']})" if fact.get("source") else "")
        lines.append(line)
    for via in vias:
        if via in details.events:
            events.append(via)
    if not lines:
        lines.append(", ".join(data.get("labels") or data.get("kinds") or ["linked"]))
    if len(vias) > 4:
        lines.append(f"… and {len(vias) - 4} more")
    return "\n\n".join(lines), events


def _boxes(graph: nx.Graph, sizes: dict) -> dict:
    """Half width and half height, in pixels at zoom 1, of each node with its label under it, as vis.js
    will draw them (its default scaling: linear between the smallest and the largest value). On a
    large graph labels of small nodes are hidden when zoomed out, so only the node itself counts."""
    low, high = (min(sizes.values()), max(sizes.values())) if sizes else (0.0, 0.0)
    with_labels = graph.number_of_nodes() <= LABELLED_LAYOUT_UP_TO
    out = {}
    for node, value in sizes.items():
        t = 0.5 if high == low else (value - low) / (high - low)
        radius = MIN_SIZE + t * (MAX_SIZE - MIN_SIZE)
        font = LABEL_MIN + t * (LABEL_MAX - LABEL_MIN)
        if with_labels:
            text = short_label(graph.nodes[node].get("label") or str(node), graph.nodes[node].get("aliases", ()))
            out[node] = (max(radius, CHAR_WIDTH * font * len(text) / 2) + 4, radius + font / 2 + 4)
        else:
            out[node] = (radius + 3, radius + 3)
    return out


def build_network(graph: nx.Graph, metrics: dict, details: Details, size_by: str, color_by: str,
                  pos: dict | None = None, reach: dict | None = None) -> Network:  # fmt: skip
    """A pyvis Network holding the page's nodes, edges and vis.js options.

    Nodes and edges are handed to pyvis as lists (``Network.nodes``/``Network.edges``) rather than
    through ``add_node``/``from_nx``, whose per-item membership checks make 2,000 nodes take seconds.
    Each node carries every metric and its colour under each scheme, so the page can change size
    and colour without a rebuild. The page draws the names itself (``text``), not vis.js.
    """
    if color_by not in COLOR_BY:
        raise ValueError(f"unknown colour scheme {color_by!r}; one of {', '.join(COLOR_BY)}")
    reach = reach if reach is not None else sector_reach(graph)
    values = {n: _number(_metric(metrics, reach, n, size_by)) for n in graph.nodes}
    # vis.js maps `value` linearly to the node's width; the square root makes the area follow the metric.
    sizes = {n: math.sqrt(v) if v > 0 else 0.0 for n, v in values.items()}
    if pos is None:
        pos = positions(graph, boxes=_boxes(graph, sizes))
    net = Network(height="100%", width="100%", cdn_resources="in_line")
    nodes = []
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        m = metrics.get(node, {})
        info = details.nodes.get(node, {})
        label = attrs.get("label") or node
        kind = attrs.get("type", "")
        second = _sector_name(attrs.get("sector", "")) if kind not in UNSECTORED else attrs.get("date", "")
        lines = [label, " · ".join(v for v in (kind.capitalize(), second) if v)]
        if attrs.get("aliases"):
            lines.append("Also: " + "; ".join(attrs["aliases"]))
        x, y = pos[node]
        colors = {scheme: node_color(attrs, scheme, m.get("community")) for scheme in COLOR_BY}
        nodes.append({
            "id": node,
            "text": short_label(label, attrs.get("aliases", ())),
            "title": "\n".join(lines),
            "shape": SHAPES.get(kind, "dot"),
            "color": colors[color_by],
            "colors": colors,
            "value": sizes[node],
            "m": {k: _metric(metrics, reach, node, k) for k in SIZE_METRICS},
            "x": x,
            "y": y,
            "name": label,
            "kind": kind,
            "sector": attrs.get("sector", ""),
            "aliases": list(attrs.get("aliases", [])),
            "community": m.get("community"),
            "themes": info.get("themes", []),
            "events": info.get("events", []),
            "years": info.get("years", []),
        })  # fmt: skip
    edges = []
    for i, (a, b) in enumerate(sorted(tuple(sorted(e)) for e in graph.edges)):
        data = graph.edges[a, b]
        title, events = _edge_text(data, details)
        years = sorted({details.event_years[e] for e in _edge_events(data, details) if e in details.event_years})
        edges.append({"id": f"e{i}", "from": a, "to": b, "title": title, "years": years,
                      "value": _number(data.get("weight", 1)) or 1, "kinds": list(data.get("kinds", [])),
                      "label_text": ", ".join(data.get("labels", []))})  # fmt: skip
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = vis_options(len(nodes))
    return net


def _edge_events(data: dict, details: Details) -> set[str]:
    """The events behind an edge: its ``via`` events themselves, or the events of its participations."""
    out = set()
    for via in data.get("via", ()):
        if via in details.event_years:
            out.add(via)
        elif details.edges.get(via, {}).get("event_id"):
            out.add(details.edges[via]["event_id"])
    return out


def _metric(metrics: dict, reach: dict, node, name: str):
    if name == "sector_reach":
        return (reach.get(node) or {}).get("score")
    return metrics.get(node, {}).get(name)


def vis_options(n_nodes: int) -> dict:
    """vis.js options: no physics (positions are precomputed), size by value. Nodes carry no vis.js
    label: the page draws the names itself at a fixed size on screen, without overlaps (alliance.js)."""
    big = n_nodes > 500
    threshold = 5 if n_nodes <= 200 else 9
    return {
        "physics": {"enabled": False},
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": MIN_SIZE, "max": MAX_SIZE,
                        "label": {"enabled": True, "min": LABEL_MIN, "max": LABEL_MAX, "drawThreshold": threshold,
                                  "maxVisible": LABEL_MAX}},
        },  # fmt: skip
        "edges": {
            "color": {"color": "#b8bec8", "highlight": "#444444", "hover": "#666666", "opacity": 0.8},
            "smooth": False,
            "scaling": {"min": 1, "max": 6},
            "selectionWidth": 2,
        },
        "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},  # fmt: skip
        "layout": {"improvedLayout": False},
    }


def filter_choices(graph: nx.Graph, details: Details) -> dict:
    themes = sorted({t for n in graph.nodes for t in details.nodes.get(n, {}).get("themes", [])})
    events = sorted({e for n in graph.nodes for e in details.nodes.get(n, {}).get("events", [])})
    years = sorted({y for n in graph.nodes for y in details.nodes.get(n, {}).get("years", [])})
    kinds = [k for k in KINDS if any(d.get("type") == k for _, d in graph.nodes(data=True))]
    sectors = sorted({d.get("sector", "") for _, d in graph.nodes(data=True) if d.get("type") not in UNSECTORED})
    return {
        "kinds": [{"id": k, "label": k.capitalize(), "shape": SHAPES[k]} for k in kinds],
        "sectors": [{"id": s, "label": _sector_name(s)} for s in sectors],
        "themes": sorted(({"id": t, "label": details.themes.get(t, t.rsplit("/", 1)[-1])} for t in themes),
                         key=lambda t: t["label"].lower()),  # fmt: skip
        "events": sorted(({"id": e, "label": details.events.get(e, e), "year": details.event_years.get(e)}
                          for e in events),
                         key=lambda e: (-(e["year"] or 0), e["label"].lower())),  # fmt: skip
        "years": years,
    }


def render_html(graph: nx.Graph, metrics: dict, details: Details, *, size_by: str = "betweenness",
                color_by: str = "sector", title: str = "The alliance", subtitle: str = "",
                pos: dict | None = None, notice: str = "", story: dict | None = None,
                export: bool = False) -> str:  # fmt: skip
    """The whole page as one string of HTML, with every script and stylesheet inlined.

    Parameters
    ----------
    graph : networkx.Graph
        A projection (node attrs label/type/sector/aliases/date; edge attrs weight/kinds/labels/via).
    metrics : dict
        node -> {metric name -> value} (``kg.metrics.node_metrics``).
    details : Details
        From ``kg.viz.data.gather`` (or made by hand for synthetic graphs).
    size_by, color_by : str
        The metric that sizes nodes; type, sector or community for colours.
    title, subtitle : str
        Shown at the top of the page (escaped).
    pos : dict, optional
        Precomputed node positions (``kg.viz.layout.positions``).
    notice : str
        A sentence shown above the network (what a node budget left out, and how to see it).
    story : dict, optional
        A checked story (``kg.viz.story.load``): its steps' titles, captions and views.

    Returns
    -------
    str
        The HTML text; it references nothing outside itself.
    """
    reach = sector_reach(graph)
    net = build_network(graph, metrics, details, size_by, color_by, pos, reach)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    panel = {}
    for n in graph.nodes:
        facts = details.nodes.get(n, {}).get("facts", [])
        panel[n] = {"facts": facts[:FACTS_PER_NODE], "more": max(0, len(facts) - FACTS_PER_NODE),
                    "metrics": {k: v for k, v in sorted(metrics.get(n, {}).items()) if isinstance(v, (int, float))}}  # fmt: skip
    shown_events = {e for n in graph.nodes for e in details.nodes.get(n, {}).get("events", ())}
    meta = {
        "title": title,
        "subtitle": subtitle,
        "sizeBy": size_by,
        "colorBy": color_by,
        "legend": _legend(graph, color_by, metrics),
        "legends": {scheme: _legend(graph, scheme, metrics) for scheme in COLOR_BY},
        "sizeMetrics": list(SIZE_METRICS),
        "colorSchemes": list(COLOR_BY),
        "bridges": bridges(graph, metrics, reach),
        "notice": notice,
        "story": story,
        "filters": filter_choices(graph, details),
        "themeLabels": details.themes,
        "eventLabels": {e: label for e, label in details.events.items() if e in shown_events},
    }
    vis_dir = _vis_network_dir()
    env = Environment(loader=FileSystemLoader(str(resources.files("kg").joinpath(STATIC))),
                      autoescape=select_autoescape(["html", "j2"]))  # fmt: skip
    template = env.get_template("page.html.j2")
    return template.render(
        title=title,
        vis_css=(vis_dir / "vis-network.css").read_text(encoding="utf-8"),
        vis_js=(vis_dir / "vis-network.min.js").read_text(encoding="utf-8"),
        page_css=_asset("alliance.css"),
        page_js=_asset("alliance.js"),
        data_json=script_json({"nodes": nodes, "edges": edges, "options": json.loads(options)}),
        meta_json=script_json(meta),
        panel_json=script_json(panel),
    )
