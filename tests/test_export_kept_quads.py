"""The Turtle and N-Triples export of a generation built from nothing is made from the N-Quads its stores
were loaded from (``kg.generations.kept_quads``), not by decoding every term from the store again: the
same bytes at every level as the general path (a ``Triple`` per quad, ``tests/test_export_order.py``).
A generation that does not keep them whole (its stores updated from the live ones, a file removed or
cut short) is read from the store."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest

from kg import export, generations, synth
from kg.levels import LEVELS
from kg.store import OxigraphStore

from .test_export_order import BASE, General, in_memory, tricky_quads
from .test_incremental import edit_title


def build(data, build_dir):
    return generations.build(data, build_dir, level="restricted")


@pytest.fixture(scope="module")
def synth_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("synth") / "data"
    synth.synthesize(30, data, seed=3)
    reports = sorted((data / "reports").glob("*.yaml"))
    for report, level in ((reports[1], "internal"), (reports[2], "restricted")):  # a store for every level
        text = report.read_text(encoding="utf-8")
        report.write_text(text.replace("  type: report\n", f"  type: report\n  sensitivity: {level}\n", 1), encoding="utf-8")
    return data


def store_read_only(monkeypatch):
    """The export may not read the store's triples (it must take the kept N-Quads)."""

    def refuse(store, path):
        raise AssertionError("the store was read")

    monkeypatch.setattr(export, "_lines_from_store", refuse)


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_every_level_gives_the_same_bytes_from_the_kept_quads(synth_data, tmp_path, monkeypatch, fmt):
    generation = build(synth_data, tmp_path / "build").path
    expected = {}
    for level in LEVELS:
        store = OxigraphStore.open(generation, BASE, level)
        expected[level] = export.serialize(General(store), fmt)
        assert len(generations.kept_quads(generation, level)) == 1 + LEVELS.index(level)
    store_read_only(monkeypatch)
    for level in LEVELS:
        store = OxigraphStore.open(generation, BASE, level)
        assert export.serialize(store, fmt) == expected[level], level
    assert len(set(expected.values())) == 3  # each level holds more than the one below


def test_an_updated_generation_is_read_from_the_store(synth_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(synth_data, data)
    build(data, tmp_path / "build")
    edit_title(sorted((data / "reports").glob("*.yaml"))[4], "A title edited by the test")
    updated = build(data, tmp_path / "build").path  # the live stores updated graph by graph
    assert generations.kept_quads(updated, "public") is None
    fresh = build(data, tmp_path / "fresh").path
    assert generations.kept_quads(fresh, "public") is not None
    for level in LEVELS:
        from_store = export.serialize(OxigraphStore.open(updated, BASE, level), "ttl")
        assert from_store == export.serialize(OxigraphStore.open(fresh, BASE, level), "ttl")
        assert b"A title edited by the test" in from_store


def test_a_kept_file_cut_short_or_removed_is_not_used(synth_data, tmp_path):
    generation = build(synth_data, tmp_path / "build").path
    expected = export.serialize(OxigraphStore.open(generation, BASE, "internal"), "nt")
    kept = generation / generations.KEPT_QUADS / "1.nq"
    data = kept.read_bytes()
    kept.write_bytes(data[: len(data) // 2])
    assert generations.kept_quads(generation, "internal") is None
    assert generations.kept_quads(generation, "public") is not None  # its own file is whole
    assert export.serialize(OxigraphStore.open(generation, BASE, "internal"), "nt") == expected
    shutil.rmtree(generation / generations.KEPT_QUADS)
    assert generations.kept_quads(generation, "public") is None
    assert export.serialize(OxigraphStore.open(generation, BASE, "internal"), "nt") == expected


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_tricky_terms_give_the_same_bytes_from_kept_quads(tmp_path, monkeypatch, fmt):
    # a build writes every quad in a named graph; a graph may be a blank node, a literal may hold " <g> ."
    quads = [q for q in tricky_quads() if not isinstance(q.graph_name, ox.DefaultGraph)]
    a, p = ox.NamedNode(BASE + "a"), ox.NamedNode(BASE + "p")
    quads += [ox.Quad(a, p, ox.Literal("x <https://kg.example.org/id/graph/1> ."), ox.BlankNode("g1")),
              ox.Quad(ox.BlankNode("k1"), p, ox.Literal("in a blank graph"), ox.BlankNode("g2"))]  # fmt: skip
    # literals the store keeps by value and gives back in canonical form ("0.0"^^xsd:double as "0"), as
    # `kg metrics --into-graph` writes them; one that is not a valid value is kept as it is
    xsd = "http://www.w3.org/2001/XMLSchema#"
    for i, (text, kind) in enumerate([("0.0", "double"), ("1.0", "double"), ("01", "integer"), ("1", "boolean"),
                                      ("1.50", "decimal"), ("2024-01-01T00:00:00+00:00", "dateTime"),
                                      ("abc", "integer"), ("0", "double")]):  # fmt: skip
        literal = ox.Literal(text, datatype=ox.NamedNode(xsd + kind))
        quads += [ox.Quad(a, ox.NamedNode(f"{BASE}value{i}"), literal, ox.NamedNode(BASE + "graph/1")),
                  ox.Quad(ox.BlankNode("k1"), p, literal, ox.NamedNode(BASE + "graph/2"))]  # fmt: skip
    generation = tmp_path / "gen"
    (generation / generations.KEPT_QUADS).mkdir(parents=True)
    kept = generation / generations.KEPT_QUADS / "0.nq"
    kept.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    (generation / "summary.json").write_text(json.dumps({"quads": {"0": ["0.nq", kept.stat().st_size]}}))
    store = in_memory(quads)
    expected = export.serialize(General(store), fmt)
    store.generation = generation
    store_read_only(monkeypatch)
    assert export.serialize(store, fmt) == expected
    assert b"x <https://kg.example.org/id/graph/1> ." in expected and b"in a blank graph" in expected
    assert b'"0.0"' not in expected and b'"abc"' in expected  # the store's forms, the file's were different
