"""Network projections: from the RDF graph (by SPARQL) to networkx graphs.

Which RDF pattern becomes a node and which an edge is declared in ``projections.yaml``; this module
is the one generic piece of code that builds every projection from those declarations.

Examples
--------
>>> from kg import open_store, network
>>> with open_store() as store:                      # doctest: +SKIP
...     g = network.project(store, "organizations")
...     g.nodes["https://kg.example.org/id/org/cgr"]["label"]
'Centre for Governance Research'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import networkx as nx
import yaml

from . import predicates
from .store import Store
from .vocab import SECTOR, sparql_prefixes

DECLARATIONS = Path(__file__).with_name("projections.yaml")


@dataclass(frozen=True)
class EdgeKind:
    name: str
    mode: str  # "direct" or "shared"
    pattern: str


@dataclass(frozen=True)
class Projection:
    name: str
    title: str
    description: str
    nodes: tuple[str, ...]
    edges: tuple[EdgeKind, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def _declarations() -> dict:
    return yaml.safe_load(DECLARATIONS.read_text())


def node_types() -> dict[str, str]:
    return {name: spec["pattern"] for name, spec in _declarations()["node_types"].items()}


def projections() -> dict[str, Projection]:
    out = {}
    for name, spec in _declarations()["projections"].items():
        edges = []
        for edge_name, edge in spec["edges"].items():
            (mode,) = [m for m in ("direct", "shared") if m in edge]
            edges.append(EdgeKind(edge_name, mode, edge[mode]))
        out[name] = Projection(name, spec["title"], spec["description"].strip(), tuple(spec["nodes"]), tuple(edges))
    return out


def _select(store: Store, where: str, variables: str) -> list[dict[str, str]]:
    query = f"{sparql_prefixes()}SELECT DISTINCT {variables} WHERE {{ {where} }}"
    raw = getattr(store, "raw_query", None)
    if raw is not None:
        # pyoxigraph's own terms, read by value: the same strings as the answer path below (the
        # patterns bind IRIs and plain or date literals, spelled alike), without converting each cell
        # to a SPARQL JSON term first, which took most of the time of a projection at 10,000 events
        solutions = raw(query)
        names = [v.value for v in solutions.variables]
        return [{n: (None if term is None else term.value) for n, term in zip(names, row)} for row in solutions]
    answer = store.answer(query)  # kg.answers: the result path of kg query and kg serve too
    return [{n: (None if cell is None else cell["value"]) for n, cell in zip(answer.variables, row)} for row in answer.rows]


def selector(store: Store):
    """The default ``select`` of ``project``: on the embedded store, the declared patterns joined in Python
    from a predicate index of its own (``kg.predicates``), any other pattern by its SPARQL; on any other
    store, the SPARQL."""
    sparql = lambda where, variables: _select(store, where, variables)  # noqa: E731
    return predicates.select(predicates.Index(store), sparql) if predicates.embedded(store) else sparql


def _short_sector(value: str | None) -> str:
    if not value:
        return ""
    return value[len(str(SECTOR)) :] if value.startswith(str(SECTOR)) else value


def project(store: Store, name: str = "stakeholders", select=None) -> nx.Graph:
    """Build one declared projection from the store.

    Parameters
    ----------
    store : kg.store.Store
        An open graph (``kg.open_store()``).
    name : str
        A projection declared in projections.yaml: stakeholders, organizations, people, themes.
    select : callable, optional
        ``select(pattern, variables)``: the rows of a declared pattern, as ``SELECT DISTINCT`` gives
        them. Default: on the embedded store, the declared patterns joined in Python from a predicate
        index of its own (``kg.predicates``: the same rows, in less than half the time at 10,000
        events), any other pattern and any other store by that SPARQL. ``kg.viz`` passes the page's
        index, so that the page's details read the same predicates once.

    Returns
    -------
    networkx.Graph
        Nodes keyed by IRI with ``label``, ``type``, ``sector``, ``aliases`` (and ``date`` for
        events); edges with ``weight`` (distinct facts or events behind the edge), ``kinds``,
        ``labels`` and ``via`` (the IRIs of those facts or events, sorted).
    """
    declared = projections()
    if name not in declared:
        raise KeyError(f"unknown projection {name!r}; declared: {', '.join(declared)}")
    spec = declared[name]
    select = select or selector(store)
    types = node_types()
    nodes: dict[str, dict] = {}
    for node_type in spec.nodes:
        for row in sorted(select(types[node_type], "*"), key=lambda r: tuple(str(v) for v in r.values())):
            iri = row["node"]
            attrs = nodes.setdefault(iri, {"label": row["label"], "type": node_type, "sector": "", "aliases": set(), "date": ""})
            attrs["label"] = min(attrs["label"], row["label"])
            sector = _short_sector(row.get("sector"))
            if sector and (not attrs["sector"] or sector < attrs["sector"]):
                attrs["sector"] = sector
            if row.get("alias"):
                attrs["aliases"].add(row["alias"])
            if row.get("date") and (not attrs["date"] or row["date"] < attrs["date"]):
                attrs["date"] = row["date"]

    edges: dict[tuple[str, str], dict] = {}

    def link(a: str, b: str, kind: str, via: str, label: str | None) -> None:
        if a == b or a not in nodes or b not in nodes:
            return
        key = (a, b) if a < b else (b, a)
        data = edges.setdefault(key, {"kinds": set(), "labels": set(), "via": set()})
        data["kinds"].add(kind)
        data["via"].add(via)
        if label:
            data["labels"].add(label)

    for kind in spec.edges:
        if kind.mode == "direct":
            for row in select(kind.pattern, "?source ?target ?via ?label"):
                link(row["source"], row["target"], kind.name, row["via"], row.get("label"))
        else:
            members: dict[str, set[str]] = {}
            for row in select(kind.pattern, "?node ?via"):
                if row["node"] in nodes:
                    members.setdefault(row["via"], set()).add(row["node"])
            for via, group in members.items():
                for a, b in combinations(sorted(group), 2):
                    link(a, b, kind.name, via, None)

    graph = nx.Graph(name=name, title=spec.title, description=spec.description)
    for iri in sorted(nodes):
        attrs = nodes[iri]
        graph.add_node(iri, label=attrs["label"], type=attrs["type"], sector=attrs["sector"],
                       aliases=sorted(attrs["aliases"]), date=attrs["date"])  # fmt: skip
    for (a, b) in sorted(edges):
        data = edges[(a, b)]
        graph.add_edge(a, b, weight=len(data["via"]), kinds=sorted(data["kinds"]), labels=sorted(data["labels"]),
                       via=sorted(data["via"]))  # fmt: skip
    return graph
