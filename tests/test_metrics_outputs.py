"""Metrics files (CSV, JSON, GraphML, GEXF), `kg metrics`, and metrics written back into the graph."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

from kg import metrics, network, generations
from kg.metrics.formats import COLUMNS, LIST_SEPARATOR
from kg.metrics.measure import INTEGER_METRICS, METRICS

from .conftest import DATA, kg


@pytest.fixture(scope="module")
def written(seed_store, tmp_path_factory):
    first = tmp_path_factory.mktemp("metrics-1")
    second = tmp_path_factory.mktemp("metrics-2")
    return metrics.write_all(seed_store, first), metrics.write_all(seed_store, second)


def test_every_projection_and_format_is_written(written):
    paths, _ = written
    names = {p.name for p in paths}
    assert names == {f"{n}.{f}" for n in network.projections() for f in ("csv", "json", "graphml", "gexf")}


def test_two_runs_are_byte_identical(written):
    first, second = written
    for a, b in zip(first, second):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name


def _csv(path) -> dict:
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0])[:4] == ["id", "label", "type", "sector"]
    return {row["id"]: row for row in rows}


def _same(attribute_value, csv_cell: str, metric: str):
    if csv_cell == "":
        return attribute_value is None
    if metric in INTEGER_METRICS:
        return int(attribute_value) == int(csv_cell)
    return float(attribute_value) == float(csv_cell)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_parse_back_like_the_csv(written, seed_store, fmt):
    paths, _ = written
    for name in network.projections():
        table = _csv(next(p for p in paths if p.name == f"{name}.csv"))
        path = next(p for p in paths if p.name == f"{name}.{fmt}")
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        source = network.project(seed_store, name)
        assert set(g.nodes) == set(table) == set(source.nodes)
        assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in source.edges}
        for node, row in table.items():
            attrs = g.nodes[node]
            for key in ("label", "type"):
                assert attrs[key] == row[key]
            assert attrs.get("sector", "") == row["sector"]
            for metric in METRICS:
                assert _same(attrs.get(metric), row[metric], metric), (name, node, metric)
        for u, v, data in source.edges(data=True):
            back = g.edges[u, v]
            assert float(back["weight"]) == data["weight"]
            assert back["via"] == LIST_SEPARATOR.join(data["via"])


def test_json_rows_match_the_csv(written):
    paths, _ = written
    document = json.loads(next(p for p in paths if p.name == "organizations.json").read_text())
    table = _csv(next(p for p in paths if p.name == "organizations.csv"))
    assert document["columns"] == list(COLUMNS)
    assert document["graph"]["nodes"] == len(table) == len(document["nodes"])
    for row in document["nodes"]:
        assert list(row)[:4] == ["id", "label", "type", "sector"]
        for metric in METRICS:
            assert _same(row[metric], table[row["id"]][metric], metric)
    assert all(edge["via"] and edge["weight"] == len(edge["via"]) for edge in document["edges"])
    assert b"lastmodifieddate" not in next(p for p in paths if p.name == "organizations.gexf").read_bytes()


def test_cli_top_table_and_csv(seed_build):
    result = kg("metrics", "--data", DATA, "--build-dir", seed_build, "--projection", "organizations", "--top", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and "Centre for Human Rights" in lines[1]
    assert "50 nodes, 168 edges" in result.stderr  # nine events since issue 17 (31 nodes, 136 edges with four)
    result = kg("metrics", "--data", DATA, "--build-dir", seed_build, "--projection", "people", "--k", "5")
    assert result.stdout.startswith("id,label,type,sector,")
    assert "estimated from 5 of 60 sampled source nodes" in result.stderr  # 33 people before issue 17


def test_cli_refuses_an_unknown_projection(seed_build):
    result = kg("metrics", "--data", DATA, "--build-dir", seed_build, "--projection", "nope")
    assert result.exit_code == 1 and "unknown projection 'nope'" in result.stderr


def test_into_graph_then_rank_in_sparql(tmp_path):
    build = tmp_path / "build"
    result = kg("metrics", "--data", DATA, "--build-dir", build, "--projection", "organizations", "--into-graph")
    assert result.exit_code == 0, result.output
    extras = build / "graph-extras" / "metrics-organizations.nq"
    first_line = extras.read_text().splitlines()[0]
    assert first_line == generations.EXTRAS_HEADER + generations.records_fingerprint(DATA)
    before = extras.read_bytes()
    again = kg("metrics", "--data", DATA, "--build-dir", build, "--projection", "organizations", "--into-graph")
    assert "unchanged" in again.stderr and extras.read_bytes() == before
    query = (network.__file__.rsplit("/", 1)[0] + "/queries/top-by-centrality.rq")
    text = open(query).read()
    with generations.open_store(DATA, build) as store:
        rows = list(store.query(text, {"metric": "weighted_degree", "projection": "organizations"}))
        graphs = store.graphs()
    assert any(g.endswith("/graph/public/metrics") for g in graphs)
    assert str(rows[0].node).endswith("/org/cfhr") and int(rows[0].value) == 17
    assert len(rows) == 25 and "networkx" in str(rows[0].parameters)
