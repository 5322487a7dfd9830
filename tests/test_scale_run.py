"""`kg run`, the metrics and the page at scale (issue 14 item 5, issue 16 item 7): the faster paths give
the same answers as the ones they replace, on the seed and on synthetic data."""

from __future__ import annotations

import io
import random
from xml.etree.ElementTree import SubElement

import igraph
import networkx as nx
import pytest

from kg import generations, network, synth, viz
from kg import store as kg_store
from kg.metrics import centrality, formats
from kg.metrics.measure import graph_metrics, node_metrics
from kg.viz import data, rows


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """80 synthetic events, built: memberships, participations, sources and themes enough to join."""
    root = tmp_path_factory.mktemp("synthetic")
    synth.synthesize(80, root / "data", seed=3)
    generations.build(root / "data", root / "build")
    store = generations.open_store(root / "data", root / "build")
    yield store
    store.close()


def _sparql_reader(store):
    return lambda name, query: data._rows(store, query)


@pytest.mark.parametrize("name, query", [("memberships", data.MEMBERSHIPS), ("participations", data.PARTICIPATIONS),
                                         ("events", data.EVENTS), ("event_themes", data.EVENT_THEMES),
                                         ("participation_themes", data.PARTICIPATION_THEMES)])  # fmt: skip
def test_rows_joined_in_python_equal_the_sparql_rows(seed_store, synthetic, name, query):
    for store in (seed_store, synthetic):
        expected = data._rows(store, query)
        assert expected, f"{name}: nothing to compare"
        assert getattr(rows, name)(rows.Index(store)) == expected


def test_details_of_some_nodes_equal_those_of_the_whole_graph(synthetic):
    graph = network.project(synthetic, "stakeholders")
    whole = data.gather(synthetic, graph)
    nodes = sorted(graph)
    random.Random(5).shuffle(nodes)
    only = set(nodes[: len(nodes) // 4]) | {n for n in graph if graph.nodes[n]["type"] == "organization"}
    part = data.gather(synthetic, graph, only=only)
    assert set(part.nodes) == only
    assert all(part.nodes[n] == whole.nodes[n] for n in only)
    assert any(part.nodes[n]["facts"] for n in only) and any(part.nodes[n]["themes"] for n in only)
    vias = {v for _, _, d in graph.subgraph(only).edges(data=True) for v in d["via"]}
    assert all(part.edges.get(v) == whole.edges.get(v) for v in vias)
    assert (part.themes, part.events, part.event_years) == (whole.themes, whole.events, whole.event_years)


def test_a_budgeted_page_is_the_same_whether_it_reads_every_detail_or_only_the_drawn_ones(synthetic, tmp_path,
                                                                                          monkeypatch):  # fmt: skip
    graph = network.project(synthetic, "stakeholders")
    budget = graph.number_of_nodes() // 3
    fast = viz.render(synthetic, tmp_path / "fast.html", max_nodes=budget, metrics=None).read_bytes()
    asked = []
    real = data.gather

    def gather_everything(store, graph, only=None, **options):  # options: the index the projection read
        asked.append(only is not None)
        return real(store, graph, **options)

    monkeypatch.setattr(viz, "gather", gather_everything)
    slow = viz.render(synthetic, tmp_path / "slow.html", max_nodes=budget, metrics=None).read_bytes()
    assert asked == [True]  # above the budget, without a filter, the page asked for the drawn nodes only
    assert fast == slow
    assert f"draws the {budget:,} most central" in fast.decode()


def _networkx_graphml(graph, metrics, figures) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml_xml(formats.export_graph(graph, metrics, figures), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _networkx_gexf(graph, metrics, figures) -> bytes:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    meta.attrib.pop("lastmodifieddate", None)
    title = graph.graph.get("title", graph.graph.get("name", ""))
    SubElement(meta, "description").text = (f"{title}: {graph.graph.get('description', '')} Notes: "
                                            f"{' | '.join(figures.get('notes', []))}").strip()  # fmt: skip
    writer.add_graph(formats.export_graph(graph, metrics, figures))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _awkward_graph() -> nx.Graph:
    graph = nx.Graph(name="odd", title='Tom & "Jerry" <co>', description="line one\nline\ttwo\r")
    graph.add_node("a", label="Ünïcode & <b>bold</b>", type="person", sector="", aliases=[], date="")
    graph.add_node("b", label='quote " and \' apostrophe', type="organization", sector="ngo", aliases=[], date="")
    graph.add_node("c", label="=SUM(A1)", type="event", sector="", aliases=[], date="2024")
    graph.add_node("alone", label="  ", type="person", sector="", aliases=[], date="")
    graph.add_edge("a", "b", weight=2, kinds=["membership"], labels=["Head\nof <unit>"], via=["x&y", "z"])
    graph.add_edge("b", "c", weight=1, kinds=["participation"], labels=[], via=["e"])
    return graph


@pytest.mark.parametrize("projection", [None, "stakeholders", "themes"])
def test_graphml_and_gexf_are_byte_for_byte_networkx_s(seed_store, projection):
    graph = _awkward_graph() if projection is None else network.project(seed_store, projection)
    metrics = node_metrics(graph)
    figures = graph_metrics(graph, metrics)
    assert formats.to_graphml(graph, metrics, figures) == _networkx_graphml(graph, metrics, figures)
    assert formats.to_gexf(graph, metrics, figures) == _networkx_gexf(graph, metrics, figures)


def test_sampled_closeness_runs_exact_closeness_only_in_the_small_pieces(monkeypatch):
    big = nx.connected_watts_strogatz_graph(400, 4, 0.2, seed=1)
    graph = nx.disjoint_union_all([big, nx.path_graph(5), nx.star_graph(3), nx.empty_graph(4)])
    asked = []
    real = igraph.Graph.closeness

    def spy(self, vertices=None, **kwargs):
        asked.append(vertices)
        return real(self, vertices=vertices, **kwargs)

    monkeypatch.setattr(igraph.Graph, "closeness", spy)
    got = centrality.closeness(graph, k=50, engine="igraph")
    assert len(asked) == 1 and len(asked[0]) == graph.number_of_nodes() - 400  # none of the big piece's nodes
    expected = nx.closeness_centrality(centrality.with_distance(graph), distance="distance", wf_improved=True)
    assert max(abs(got[n] - expected[n]) for n in range(400, graph.number_of_nodes())) < 1e-9
    assert max(abs(got[n] - expected[n]) / expected[n] for n in range(400)) < 0.2  # estimated there


def test_kg_run_builds_each_projection_once(monkeypatch, tmp_path):
    from pathlib import Path

    import kg

    built = []
    real = network.project
    monkeypatch.setattr(network, "project", lambda store, name="stakeholders", select=None:
                        built.append(name) or real(store, name, select))  # fmt: skip
    done = kg.run(Path(__file__).resolve().parent.parent / "data", tmp_path / "build")
    assert sorted(built) == sorted(network.projections())
    assert done.page.exists() and len(done.metric_files) == 4 * len(formats.FORMATS)


def test_projections_measured_in_processes_equal_those_measured_in_this_one(synthetic, monkeypatch):
    from kg.metrics import files

    monkeypatch.setattr(kg_store, "PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setattr(files.os, "cpu_count", lambda: 2)
    here = dict(files.measure_each(synthetic, parallel=False))
    there = dict(files.measure_each(synthetic, parallel=True))
    assert list(here) == list(there) == list(network.projections())
    for name, (graph, metrics, figures) in here.items():
        other_graph, other_metrics, other_figures = there[name]
        assert nx.utils.graphs_equal(graph, other_graph) and list(graph) == list(other_graph)
        assert metrics == other_metrics and metrics.notes == other_metrics.notes and metrics.k == other_metrics.k
        assert figures == other_figures
        assert formats.to_json(graph, metrics, figures) == formats.to_json(other_graph, other_metrics, other_figures)


def test_the_page_projection_measured_here_while_the_others_are_measured_in_processes(synthetic, monkeypatch,
                                                                                     tmp_path):
    """kg run measures the page's projection in its own process (from the page's predicate index), the others in
    a pool beside it: the same graphs and figures as one at a time, and only the page's projection built here."""
    from kg.metrics import files

    here = dict(files.measure_each(synthetic, parallel=False))
    monkeypatch.setattr(kg_store, "PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setattr(files.os, "cpu_count", lambda: 2)
    built_here = []
    real = network.project
    monkeypatch.setattr(network, "project", lambda store, name="stakeholders", select=None:
                        built_here.append(name) or real(store, name, select))  # fmt: skip
    index = viz.predicate_index(synthetic)
    with files.Measuring(synthetic, here=("stakeholders",)) as measuring:
        assert measuring._pool is not None  # the others were handed to processes at once
        there = {"stakeholders": measuring.result("stakeholders", graph=viz.project(synthetic, "stakeholders", index))}
        there |= {name: measuring.result(name) for name in measuring.names if name != "stakeholders"}
    assert built_here == ["stakeholders"]
    for name, (graph, metrics, figures) in here.items():
        other_graph, other_metrics, other_figures = there[name]
        assert nx.utils.graphs_equal(graph, other_graph) and list(graph) == list(other_graph)
        assert dict(graph.nodes(data=True)) == dict(other_graph.nodes(data=True))
        assert metrics == other_metrics and metrics.notes == other_metrics.notes and figures == other_figures
    # kg run's way: the pool's processes write the others' files themselves, the same bytes as written here
    with files.Measuring(synthetic, here=("stakeholders",), out_dir=tmp_path / "there") as measuring:
        with pytest.raises(ValueError, match="written by another process"):
            measuring.result("people")
        paths = [path for name in measuring.names for path in measuring.written(name)]
    for name, measured in here.items():
        files.write_projection(tmp_path / "here", name, *measured)
    assert len(paths) == len(here) * len(formats.FORMATS)  # every projection's files, each once
    assert {p.name: p.read_bytes() for p in paths} == {p.name: p.read_bytes() for p in (tmp_path / "here").iterdir()}


def test_background_work_runs_at_a_lower_priority():
    """The export and the metrics the page does not wait for run niced, so they take the idle core, not the page's."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    if not hasattr(os, "nice"):
        pytest.skip("no os.nice on this system")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=kg_store.lower_priority) as pool:  # fmt: skip
        theirs = pool.submit(os.nice, 0).result()
    assert theirs >= min(os.nice(0) + kg_store.BACKGROUND_NICENESS, 19)


def test_sector_reach_is_the_same_in_every_process():
    """Python's string hashing changes the order of a set from one process to the next; an event's
    sector reach summed its shares in that order, so its last digit changed between runs of kg run."""
    import subprocess
    import sys

    script = """
import networkx as nx
from kg.metrics.sectors import sector_reach
g = nx.Graph()
sectors = ["academia", "civil-society", "donor", "government", "media", "think-tank"]
for i, sector in enumerate(sectors):
    g.add_node(f"org{i}", type="organization", sector=sector)
for e in range(30):
    g.add_node(f"event{e}", type="event")
    for p in range(7):
        person = f"p{e}-{p}"
        g.add_node(person, type="person")
        g.add_edge(person, f"event{e}")
        for k in range(1 + (e + p) % 3):
            g.add_edge(person, f"org{(e * 7 + p * 3 + k * 2) % len(sectors)}")
print(repr(sorted((n, r["score"]) for n, r in sector_reach(g).items())))
"""
    answers = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout for seed in range(6)}  # fmt: skip
    assert len(answers) == 1


def test_kg_run_writes_the_same_turtle_from_a_process_of_its_own(monkeypatch, tmp_path):
    """The Turtle export of `kg run` is written by a second process while the page is drawn (a large build,
    two cores): the same bytes as written here; and an error there is raised here, after the page."""
    from pathlib import Path

    import kg
    from kg import export

    data = Path(__file__).resolve().parent.parent / "data"
    here = kg.run(data, tmp_path / "build", out_dir=tmp_path / "here")
    monkeypatch.setattr(kg_store, "PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setattr(export.os, "cpu_count", lambda: 2)
    started = []
    real = export.start_writing
    monkeypatch.setattr(export, "start_writing", lambda *a: started.append(real(*a)) or started[-1])
    there = kg.run(data, tmp_path / "build", out_dir=tmp_path / "there")
    assert started and started[0] is not None  # it did run in the other process
    assert there.graph_file.read_bytes() == here.graph_file.read_bytes()
    (tmp_path / "failed" / "graph.ttl").mkdir(parents=True)  # the other process cannot write it
    with pytest.raises(IsADirectoryError):
        kg.run(data, tmp_path / "build", out_dir=tmp_path / "failed")
    assert (tmp_path / "failed" / "alliance.html").is_file()  # the page was drawn meanwhile
    assert not [p for p in (tmp_path / "failed").iterdir() if ".tmp-" in p.name]  # nothing half-written
