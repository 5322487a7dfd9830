"""GraphML and GEXF written without networkx's element tree (``kg.metrics.xmlout.graphml_bytes`` and
``gexf_bytes``) must be networkx's bytes: compared on the seed's projections and on graphs holding
what its writers treat apart (empty and blank texts, characters to escape, booleans, infinities,
a data key named ``key``, one title with two types, nodes and edges without data)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from networkx.readwrite.gexf import GEXFWriter

from kg import metrics, network
from kg.metrics import formats, xmlout


def networkx_gexf(graph: nx.Graph) -> bytes:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.add_graph(graph)
    return xmlout.pretty_bytes(writer.xml)


def direct_gexf(graph: nx.Graph) -> bytes | None:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    return xmlout.gexf_bytes(writer.xml, graph)


def tricky() -> nx.Graph:
    graph = nx.Graph(name="a & <b>", title=" ", count=3, share=0.5, flag=True, empty="")
    graph.add_node("n1", label='say "hi"\n\ttab', type="person", score=float("inf"), low=-math.inf, odd=math.nan)
    graph.add_node("n2", label="", key="kept", flag=False, score=2)  # score: an int where n1 had a float
    graph.add_node("n3")  # no data at all
    graph.add_node("n4", label="  ", sector="é😀 & more")
    graph.add_edge("n1", "n2", weight=2, kinds="a; b", via="")
    graph.add_edge("n2", "n3")  # no weight, no data
    graph.add_edge("n3", "n4", weight=0.25, labels="<x>", key=1)
    return graph


def test_tricky_graph_graphml():
    graph = tricky()
    direct = xmlout.graphml_bytes(graph)
    assert direct is not None and direct == formats.networkx_graphml(graph)


def test_tricky_graph_gexf():
    graph = tricky()
    direct = direct_gexf(graph)
    assert direct is not None and direct == networkx_gexf(graph)


def test_empty_graph():
    assert xmlout.graphml_bytes(nx.Graph()) == formats.networkx_graphml(nx.Graph())
    assert direct_gexf(nx.Graph()) == networkx_gexf(nx.Graph())


def test_what_the_direct_writers_leave_to_networkx():
    numpy_value = nx.Graph([("a", "b", {"weight": 1.0, "share": np.float64(1.5)})])
    for odd in (nx.Graph(id="g"), nx.DiGraph([("a", "b")]), numpy_value):
        assert xmlout.graphml_bytes(odd) is None
    for odd in (nx.DiGraph([("a", "b")]), numpy_value, nx.Graph([("a", "b", {"label": "tie"})])):
        assert direct_gexf(odd) is None
    viz = nx.Graph()
    viz.add_node("a", viz={"size": 1.0})
    assert direct_gexf(viz) is None


def test_seed_projections_give_networkx_bytes(seed_store):
    for name in network.projections():
        graph, node_metrics, figures = metrics.measure_projection(seed_store, name)
        exported = formats.export_graph(graph, node_metrics, figures)
        assert xmlout.graphml_bytes(exported) == formats.networkx_graphml(exported), name
        assert direct_gexf(exported) == networkx_gexf(exported), name


def test_render_each_gives_the_bytes_of_render(seed_store):
    graph, node_metrics, figures = metrics.measure_projection(seed_store, "stakeholders")
    each = dict(formats.render_each(formats.FORMATS, graph, node_metrics, figures))
    assert list(each) == list(formats.FORMATS)
    for fmt in formats.FORMATS:
        assert each[fmt] == formats.render(fmt, graph, node_metrics, figures), fmt


def test_sorted_edges_as_before():
    graph = nx.Graph([(10, 9), (9, 100), ("b", "a"), (2, "10"), (1, 1)])
    before = []
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: tuple(sorted((str(e[0]), str(e[1]))))):
        a, b = sorted((u, v), key=str)
        before.append((a, b, data))
    assert list(formats._sorted_edges(graph)) == before
