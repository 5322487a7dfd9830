"""Metrics per period as files: the tidy CSV/JSON, the dynamic GEXF 1.3, `kg metrics --per`, and
`--into-graph` with the period, asked back in SPARQL."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import networkx as nx
import pytest

from kg import generations
from kg.metrics import period_formats
from kg.metrics.measure import METRICS
from kg.metrics.periods import COLUMNS, by_period, measure_periods
from kg.periods import Timeline, parse_period

from .conftest import DATA, kg

O = "https://kg.example.org/id/org/"
NS = "{http://gexf.net/1.3}"


@pytest.fixture(scope="module")
def table(seed_store):
    return by_period(seed_store, "organizations", per="year")


def test_csv_is_the_tidy_table(table):
    rows = list(csv.DictReader(io.StringIO(period_formats.to_csv(table).decode())))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(table.rows) == sum(g.number_of_nodes() for g in table.graphs.values())
    cfhr_2024 = next(r for r in rows if r["id"] == O + "cfhr" and r["period"] == "2024")
    assert (cfhr_2024["period_start"], cfhr_2024["period_end"]) == ("2024-01-01", "2024-12-31")
    assert int(cfhr_2024["degree"]) == 15 and cfhr_2024["first_seen"] == "2023"


def test_json_carries_rows_periods_and_what_is_in_no_period(table):
    document = json.loads(period_formats.to_json(table))
    assert document["columns"] == list(COLUMNS) and len(document["rows"]) == len(table.rows)
    assert [p["label"] for p in document["periods"]] == [str(y) for y in range(2014, 2026)]
    y2024 = next(p for p in document["periods"] if p["label"] == "2024")
    assert (y2024["nodes"], y2024["edges"]) == (20, 126)
    assert len(document["undated_events"]) == 7 and document["notes"]


def _hostile_table():
    g = nx.Graph(name="toy", title="Toy")
    g.add_node("x", label='=HYPERLINK("http://evil")', type="organization", sector="@cmd")
    g.add_node("y", label="<b>&amp;</b>", type="organization", sector="-s")
    g.add_edge("x", "y", weight=1, via=["e"])
    return measure_periods(g, Timeline({"e": (date(2024, 5, 1), date(2024, 5, 1))}, [], {}), [parse_period("2024")])


def test_csv_cells_are_spreadsheet_safe():
    rows = list(csv.reader(io.StringIO(period_formats.to_csv(_hostile_table()).decode())))
    cells = [c for row in rows[1:] for c in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells and "'@cmd" in cells and "'-s" in cells
    assert not any(c.startswith(("=", "@", "+")) for c in cells)


# ---------------------------------------------------------------------------------------- GEXF 1.3

# The parts of the GEXF 1.3 schema (gexf.net/1.3: gexf.rnc, dynamics.rnc) this file uses, as rules.
GRAPH_MODES = {"static", "dynamic", "slice"}
TIME_FORMATS = {"integer", "double", "date", "dateTime"}
TIME_REPRESENTATIONS = {"interval", "timestamp"}
ATTRIBUTE_TYPES = {"integer", "long", "double", "float", "boolean", "string", "liststring", "anyURI"}
EDGE_TYPES = {"directed", "undirected", "mutual"}


def check_gexf_13(root: ET.Element) -> None:
    """Raise AssertionError where the document breaks the GEXF 1.3 schema (elements, their order,
    attributes and their values) in the parts a dynamic graph uses."""
    assert root.tag == NS + "gexf" and root.get("version") == "1.3"
    children = [c.tag for c in root]
    assert children in ([NS + "meta", NS + "graph"], [NS + "graph"]), children
    graph = root.find(NS + "graph")
    assert graph.get("mode") in GRAPH_MODES and graph.get("defaultedgetype") in EDGE_TYPES
    assert graph.get("timeformat") in TIME_FORMATS and graph.get("timerepresentation") in TIME_REPRESENTATIONS
    order = [c.tag for c in graph]
    assert order == sorted(order, key=[NS + "attributes", NS + "nodes", NS + "edges"].index), order
    assert order.count(NS + "nodes") == 1 and order.count(NS + "edges") == 1
    declared = {"node": {}, "edge": {}}
    for attributes in graph.findall(NS + "attributes"):
        assert attributes.get("class") in declared and attributes.get("mode") in {"static", "dynamic"}
        for attribute in attributes:
            assert attribute.tag == NS + "attribute" and attribute.get("title")
            assert attribute.get("type") in ATTRIBUTE_TYPES
            declared[attributes.get("class")][attribute.get("id")] = (attribute.get("type"), attributes.get("mode"))
    fmt = graph.get("timeformat")

    def time(value):
        assert fmt == "date", fmt
        return date.fromisoformat(value)  # xs:date

    def check_element(element, kind):
        allowed = {"node": {NS + "attvalues", NS + "spells"}, "edge": {NS + "attvalues", NS + "spells"}}[kind]
        tags = [c.tag for c in element]
        assert set(tags) <= allowed and tags == sorted(tags, key=[NS + "attvalues", NS + "spells"].index), tags
        for attvalue in element.iterfind(f"{NS}attvalues/{NS}attvalue"):
            key = attvalue.get("for")
            assert key in declared[kind], key
            assert attvalue.get("value") is not None
            kind_of, mode = declared[kind][key]
            if kind_of == "integer":
                int(attvalue.get("value"))
            elif kind_of == "double":
                float(attvalue.get("value"))
            if mode == "dynamic":
                assert time(attvalue.get("start")) <= time(attvalue.get("end"))
            else:
                assert attvalue.get("start") is None and attvalue.get("end") is None
        spells = element.findall(f"{NS}spells/{NS}spell")
        assert spells, f"{kind} {element.get('id')} has no spell"
        intervals = sorted((time(s.get("start")), time(s.get("end"))) for s in spells)
        for (s1, e1), (s2, _) in zip(intervals, intervals[1:]):
            assert e1 < s2, "spells of one element overlap"

    nodes = graph.find(NS + "nodes")
    ids = set()
    for node in nodes:
        assert node.tag == NS + "node" and node.get("id") not in ids
        ids.add(node.get("id"))
        check_element(node, "node")
    assert int(nodes.get("count")) == len(ids)
    edges = graph.find(NS + "edges")
    for edge in edges:
        assert edge.tag == NS + "edge" and edge.get("source") in ids and edge.get("target") in ids
        check_element(edge, "edge")
    assert int(edges.get("count")) == len(edges)


def test_dynamic_gexf_follows_the_13_schema(table):
    root = ET.fromstring(period_formats.to_gexf(table))
    check_gexf_13(root)
    graph = root.find(NS + "graph")
    dynamic = {a.get("id") for x in graph.findall(NS + "attributes") if x.get("mode") == "dynamic"
               and x.get("class") == "node" for a in x}  # fmt: skip
    assert dynamic == set(METRICS)


def test_the_schema_check_catches_broken_documents(table):
    text = period_formats.to_gexf(table).decode()
    for broken in (text.replace('version="1.3"', 'version="1.2"'), text.replace('timeformat="date"', 'timeformat="year"'),
                   text.replace('<spell start="2024-01-01"', '<spell start="2024-13-01"', 1),
                   text.replace('for="degree"', 'for="undeclared"', 1)):  # fmt: skip
        with pytest.raises((AssertionError, ValueError)):
            check_gexf_13(ET.fromstring(broken))


def test_the_gexf_says_what_each_period_held(table):
    root = ET.fromstring(period_formats.to_gexf(table))
    nodes = {n.get("id"): n for n in root.iter(NS + "node")}
    cfhr = nodes[O + "cfhr"]
    assert [(s.get("start"), s.get("end")) for s in cfhr.iter(NS + "spell")] == [
        ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31")]
    degree = {v.get("start")[:4]: int(v.get("value")) for v in cfhr.iter(NS + "attvalue") if v.get("for") == "degree"}
    assert degree == {p: table.at(p)[O + "cfhr"]["degree"] for p in ("2023", "2024", "2025")}
    edges = list(root.iter(NS + "edge"))
    assert len(edges) == len({frozenset(e) for g in table.graphs.values() for e in g.edges})
    back = nx.read_gexf(io.BytesIO(period_formats.to_gexf(table)))  # networkx reads it as Gephi would
    assert set(back.nodes) == {r["id"] for r in table.rows}


def test_hostile_labels_stay_inside_their_attribute():
    root = ET.fromstring(period_formats.to_gexf(_hostile_table()))
    check_gexf_13(root)
    assert {n.get("label") for n in root.iter(NS + "node")} == {'=HYPERLINK("http://evil")', "<b>&amp;</b>"}


def test_overlapping_windows_are_refused_for_gexf(seed_store):
    rolling = by_period(seed_store, "organizations", per=None, window="2y", step="1y")
    with pytest.raises(period_formats.OverlappingPeriods, match="overlap"):
        period_formats.to_gexf(rolling)
    json.loads(period_formats.to_json(rolling))  # the tidy table is fine


# ---------------------------------------------------------------------------------------- the command


def test_kg_metrics_per_year(seed_build, tmp_path):
    out = tmp_path / "by-year.csv"
    result = kg("metrics", "--data", DATA, "--build-dir", seed_build, "--projection", "organizations", "--per", "year",
                "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "7 event(s) have no date" in result.stderr
    rows = list(csv.DictReader(out.open()))
    assert {r["period"] for r in rows} == {"2014", "2022", "2023", "2024", "2025"}
    gexf = kg("metrics", "--data", DATA, "--build-dir", seed_build, "--projection", "organizations", "--per", "quarter",
              "--format", "gexf")  # fmt: skip
    check_gexf_13(ET.fromstring(gexf.stdout_bytes))


@pytest.mark.parametrize("args, message", [
    (["--per", "year", "--window", "2y"], "either --per"),
    (["--period", "2024..2023"], "ends before it starts"),
    (["--window", "2y", "--step", "1y", "--format", "gexf"], "overlap"),
    (["--per", "year", "--format", "graphml"], "csv, json, gexf"),
    (["--per", "year", "--top", "5"], "--top ranks all time"),
])  # fmt: skip
def test_kg_metrics_per_refuses_bad_choices(seed_build, args, message):
    result = kg("metrics", "--data", DATA, "--build-dir", seed_build, "--projection", "organizations", *args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert "Traceback" not in result.output


def test_into_graph_per_year_then_ask_in_sparql(tmp_path):
    build = tmp_path / "build"
    result = kg("metrics", "--data", DATA, "--build-dir", build, "--projection", "organizations", "--per", "year",
                "--into-graph")  # fmt: skip
    assert result.exit_code == 0, result.output
    extras = build / "graph-extras" / "metrics-organizations-periods.nq"
    before = extras.read_bytes()
    again = kg("metrics", "--data", DATA, "--build-dir", build, "--projection", "organizations", "--per", "year",
               "--into-graph")  # fmt: skip
    assert "unchanged" in again.stderr and extras.read_bytes() == before
    ask = """SELECT ?period ?degree ?b WHERE { ?m a kg:Measurement ; kg:node ?node ; kg:projection "organizations" ;
                kg:period ?period ; kg:periodStart ?start ; kg:degree ?degree ; kg:betweenness ?b .
                FILTER(?start >= "2024-01-01"^^xsd:date) } ORDER BY ?period"""
    with generations.open_store(DATA, build) as store:
        from kg.vocab import sparql_prefixes

        rows = [(str(r[0]), int(str(r[1])), float(str(r[2])))
                for r in store.query(sparql_prefixes() + ask.replace("?node", f"<{O}cfhr>"))]  # fmt: skip
        expected = by_period(store, "organizations", per="year")
    assert rows == [(p, expected.at(p)[O + "cfhr"]["degree"], expected.at(p)[O + "cfhr"]["betweenness"])
                    for p in ("2024", "2025")]  # fmt: skip
    assert rows[0][1] == 15  # CFHR's 15 partners at the TOC day
