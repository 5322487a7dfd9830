"""The alliance, seen: one self-contained, offline, searchable and filterable HTML network.

``render`` is the entry point: projection (``kg.network``) → metrics (``kg.metrics``, or those
``kg run`` already wrote) → details by SPARQL (``kg.viz.data``) → node budget → positions
(``kg.viz.layout``) → page (``kg.viz.page``, with its bridges ``kg.viz.bridges`` and an optional story
``kg.viz.story``), written atomically. ``kg.viz.image`` renders the page's picture with Chromium.

Examples
--------
>>> from kg import open_store, viz
>>> with open_store() as store:                                         # doctest: +SKIP
...     viz.render(store, Path("build/outputs/alliance.html"))
PosixPath('build/outputs/alliance.html')
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from .. import network as network_mod
from ..export import write_atomic
from ..store import Store
from .data import Details, gather
from .page import COLOR_BY, render_html

__all__ = ["render", "predicate_index", "project", "select", "budget", "load_metrics", "VizError", "COLOR_BY",
           "METRICS", "MAX_NODES"]

# Metrics that can size nodes (kg.metrics.node_metrics computes them all; `community` only colours).
from ..metric_names import SIZE_BY as METRICS  # noqa: E402,F401 - the names, defined once


class VizError(ValueError):
    """Bad input to the visualization (unknown projection, theme, event, metric...): the message says what to do."""


def node_metrics(graph: nx.Graph, k: int | None = None) -> dict:
    """``kg.metrics.node_metrics`` with the project's fixed seed (imported here, when needed)."""
    from ..metrics import node_metrics as compute

    return compute(graph, k=k, seed=42)


def _match(wanted: str, choices: dict[str, str], what: str, option: str) -> str:
    """An IRI from ``choices`` (IRI -> label) named by IRI, last path segment (id) or label."""
    key = wanted.strip().lower()
    for iri, label in sorted(choices.items()):
        if key in (iri.lower(), iri.rstrip("/").rsplit("/", 1)[-1].lower(), str(label).lower()):
            return iri
    known = ", ".join(sorted(iri.rsplit("/", 1)[-1] for iri in choices)) or "none"
    raise VizError(f"no {what} {wanted!r} in this graph; use {option} with one of: {known}")


def select(graph: nx.Graph, details: Details, theme: str | None = None, event: str | None = None,
           since: int | None = None) -> nx.Graph:  # fmt: skip
    """The part of ``graph`` whose nodes carry ``theme``, take part in ``event`` and have an event in
    or after ``since`` (all given conditions at once; the same rules as the page's own filters).

    Parameters
    ----------
    graph : networkx.Graph
        A projection.
    details : Details
        Its details (``kg.viz.data.gather``): every node's themes, events and years.
    theme, event : str, optional
        An id (``human-trafficking``), an IRI or a label.
    since : int, optional
        A year.

    Returns
    -------
    networkx.Graph
        The induced subgraph (a copy).

    Raises
    ------
    VizError
        When the theme or event is unknown, or nothing is left.
    """
    keep = set(graph.nodes)
    carried = {key: {v for n in keep for v in details.nodes.get(n, {}).get(key, ())} for key in ("themes", "events")}
    if theme:
        iri = _match(theme, {t: details.themes.get(t, t) for t in carried["themes"]}, "theme", "--theme")
        keep = {n for n in keep if iri in details.nodes.get(n, {}).get("themes", ())}
    if event:
        iri = _match(event, {e: details.events.get(e, e) for e in carried["events"]}, "event", "--event")
        keep = {n for n in keep if iri in details.nodes.get(n, {}).get("events", ())}
    if since is not None:
        keep = {n for n in keep if any(y >= since for y in details.nodes.get(n, {}).get("years", ()))}
    if not keep:
        asked = ", ".join(f"{k} {v}" for k, v in (("--theme", theme), ("--event", event), ("--since", since)) if v)
        years = ", ".join(str(y) for y in sorted(set(details.event_years.values()))) or "none"
        raise VizError(f"no node is left after {asked}; loosen the filter (event years in the graph: {years})")
    return graph.subgraph(sorted(keep)).copy()


MAX_NODES = 2000  # the page's node budget: above it, the most central nodes are drawn and the rest counted


def load_metrics(path: Path, graph: nx.Graph) -> dict | None:
    """The node metrics ``kg metrics`` / ``kg run`` already wrote for this projection (its JSON file),
    or None when the file is missing, unreadable or was computed on another graph (other nodes or ties),
    so the page never computes closeness, betweenness... a second time for nothing."""
    import json

    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        rows = {row["id"]: row for row in document["nodes"]}
        ties = {tuple(sorted((e["source"], e["target"]))): e.get("weight", 1) for e in document["edges"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if set(rows) != {str(n) for n in graph} or ties != {tuple(sorted((str(a), str(b)))): d.get("weight", 1)
                                                         for a, b, d in graph.edges(data=True)}:  # fmt: skip
        return None
    from ..metrics.measure import METRICS as COMPUTED

    return {node: {k: rows[str(node)].get(k) for k in COMPUTED} for node in graph}


def budget(graph: nx.Graph, metrics: dict, max_nodes: int, size_by: str) -> tuple[nx.Graph, str]:
    """The ``max_nodes`` most central nodes of ``graph`` (by ``size_by``, then PageRank, then degree)
    and a sentence saying what was left out and how to see it ("" when nothing was)."""
    n = graph.number_of_nodes()
    if max_nodes <= 0 or n <= max_nodes:
        return graph, ""
    value = lambda node, k: metrics.get(node, {}).get(k) or 0  # noqa: E731
    order = sorted(graph, key=lambda v: (-value(v, size_by), -value(v, "pagerank"), -graph.degree(v), str(v)))
    kept = _induced(graph, set(order[:max_nodes]))
    hidden = n - max_nodes
    notice = (f"This page draws the {max_nodes:,} most central of {n:,} nodes (by {size_by.replace('_', ' ')}); "
              f"{hidden:,} are hidden. To see them, narrow the graph with kg viz --theme, --event or --since, "
              f"or raise the budget with --max-nodes {n} (a larger page is slower to open).")  # fmt: skip
    return kept, notice


def _induced(graph: nx.Graph, keep: set) -> nx.Graph:
    """The subgraph on ``keep`` (a copy), its nodes and ties in ``graph``'s order. networkx's
    ``subgraph`` iterates the set ``keep`` when it holds under half the nodes, an order that changes
    with Python's string hashing, and communities follow node order: two runs drew different pages."""
    out = graph.__class__()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in keep)
    out.add_edges_from((u, v, dict(d)) for u, nbrs in graph.adj.items() if u in keep
                       for v, d in nbrs.items() if v in keep)  # fmt: skip
    return out


def render(store: Store, output: Path, projection: str = "stakeholders", size_by: str = "betweenness",
           color_by: str = "sector", theme: str | None = None, event: str | None = None,
           since: int | None = None, metrics: dict | str | None = "auto", max_nodes: int = MAX_NODES,
           story: Path | None = None, projected: nx.Graph | None = None, index=None) -> Path:  # fmt: skip
    """Write the interactive network of one projection as a single offline HTML file.

    Parameters
    ----------
    store : kg.store.Store
        An open graph.
    output : pathlib.Path
        The HTML file to write (written to a temporary file, then renamed).
    projection : str
        A projection declared in ``kg/projections.yaml`` (default: stakeholders).
    size_by : str
        The metric that sizes nodes, one of ``METRICS`` (the page can change it).
    color_by : str
        ``type``, ``sector`` or ``community`` (the page can change it).
    theme, event, since : optional
        Draw only the nodes with this theme, this event, or an event in or after this year.
        Metrics are computed on the whole projection first, so sizes mean the same with or without
        a filter.
    metrics : dict, "auto" or None
        Node metrics already computed. "auto" (default): reuse ``metrics/<projection>.json`` next
        to ``output`` (as ``kg run`` and ``kg metrics -o`` write it) when it was computed on this very
        graph; otherwise (or with None) compute them.
    max_nodes : int
        The node budget: above it only the most central nodes are drawn, with a notice (0: no budget).
    story : pathlib.Path, optional
        A story file (``kg.viz.story``): steps the page walks through.
    projected : networkx.Graph, optional
        The projection already built from ``store`` (``kg run`` shares the one its metrics used).
    index : optional
        The predicate index ``predicate_index(store)`` that built ``projected`` (``project``), read on for the
        details instead of reading those predicates again; emptied when the details are gathered.

    Returns
    -------
    pathlib.Path
        ``output``.

    Examples
    --------
    >>> render(store, Path("alliance.html"), color_by="community", theme="human-trafficking")  # doctest: +SKIP
    PosixPath('alliance.html')
    """
    if size_by not in METRICS:
        raise VizError(f"unknown metric {size_by!r} for --size-by; use one of: {', '.join(METRICS)}")
    if color_by not in COLOR_BY:
        raise VizError(f"unknown colour scheme {color_by!r} for --color-by; use one of: {', '.join(COLOR_BY)}")
    index = index if index is not None else predicate_index(store)
    try:
        graph = projected if projected is not None else project(store, projection, index)
    except KeyError:
        declared = ", ".join(network_mod.projections())
        raise VizError(f"unknown projection {projection!r}; use --projection with one of: {declared}") from None
    if graph.number_of_nodes() == 0:
        raise VizError(f"the {projection} projection has no nodes at level {store.level!r}; "
                       "add records to data/ (or use --level internal) and run again")  # fmt: skip
    output = Path(output)
    if metrics == "auto":
        metrics = load_metrics(output.parent / "metrics" / f"{projection}.json", graph)
    if not (theme or event or since is not None) and 0 < max_nodes < graph.number_of_nodes():
        # Nothing to filter and too many nodes: choose the nodes drawn first, then read only their details.
        # (the projection itself, not a copy: the budget only reads it; a copy took seconds at 10,000 events)
        shown, notice, metrics = _budgeted(graph, metrics, max_nodes, size_by, projection, output)
        details = gather(store, graph, only=shown.nodes, index=index)
    else:
        details = gather(store, graph, index=index)
        shown = select(graph, details, theme, event, since)
        shown, notice, metrics = _budgeted(shown, metrics, max_nodes, size_by, projection, output, whole=graph)
    if index is not None:
        index.clear()  # every predicate read, held until here: free it before the page is written
    told = None
    if story is not None:
        from .story import load as load_story

        told = load_story(Path(story), shown, details)
    asked = "; ".join(f"{k}: {v}" for k, v in (("theme", theme), ("event", event), ("since", since)) if v)
    subtitle = (f"{graph.graph.get('title', projection)} — {shown.number_of_nodes():,} nodes, "
                f"{shown.number_of_edges():,} links" + (f" ({asked})" if asked else "")
                + f". Level: {store.level}.")  # fmt: skip
    html = render_html(shown, metrics, details, size_by=size_by, color_by=color_by, title="The alliance",
                       subtitle=subtitle, notice=notice, story=told)  # fmt: skip
    write_atomic(output, html.encode("utf-8"))
    return output


def predicate_index(store: Store):
    """One predicate index of the embedded store (``kg.predicates.Index``) for the projection and the details
    alike, so each predicate is read once; None for other stores (they answer the SPARQL)."""
    from .data import embedded

    if not embedded(store):
        return None
    from .rows import Index

    return Index(store)


def project(store: Store, projection: str, index) -> nx.Graph:
    """``kg.network.project`` (the same graph), its declared patterns answered from ``index``
    (``predicate_index(store)``; None: by SPARQL) where it can.

    Examples
    --------
    >>> shared = predicate_index(store)                                    # doctest: +SKIP
    >>> graph = project(store, "stakeholders", shared)                      # doctest: +SKIP
    >>> render(store, Path("alliance.html"), projected=graph, index=shared)  # doctest: +SKIP
    """
    if index is None:
        return network_mod.project(store, projection)
    from .rows import select

    return network_mod.project(store, projection,
                               select=select(index, lambda where, variables: network_mod._select(store, where, variables)))


def _budgeted(shown: nx.Graph, metrics, max_nodes: int, size_by: str, projection: str, output: Path,
              whole: nx.Graph | None = None) -> tuple[nx.Graph, str, dict]:  # fmt: skip
    """The nodes drawn (``budget``), their notice, and the metrics that size them (computed when none
    were given: on the nodes drawn when the budget cuts, else on ``whole``, the whole projection)."""
    whole = shown if whole is None else whole
    if isinstance(metrics, dict):
        shown, notice = budget(shown, metrics, max_nodes, size_by)
    elif 0 < max_nodes < shown.number_of_nodes():
        # Too many nodes and no metrics computed yet: rank the whole graph by PageRank (cheap), then
        # measure only the nodes drawn, rather than closeness and betweenness of every node.
        from ..metrics import centrality

        ranks = {node: {"pagerank": value} for node, value in centrality.pagerank(shown).items()}
        shown, notice = budget(shown, ranks, max_nodes, "pagerank")
        metrics = node_metrics(shown)
        reuse = output.parent / "metrics" / f"{projection}.json"
        notice += (" Sizes and bridges are measured on the nodes drawn; to use the whole graph's metrics, "
                   f"write them first (kg metrics --projection {projection} --format json -o {reuse}, "
                   "or kg run) and the page reuses them.")  # fmt: skip
    else:
        metrics = node_metrics(whole)
        shown, notice = budget(shown, metrics, max_nodes, size_by)
    return shown, notice, metrics
