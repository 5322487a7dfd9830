"""The Turtle and N-Triples export of an Oxigraph store (its lines written and sorted by pyoxigraph,
``kg.export._write_sorted_lines``) gives the same bytes as the general path (a ``Triple`` per quad, sorted by
``kg.export._key``), on the seed and on terms chosen to sort differently as text than as terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import export
from kg.generations import open_store
from kg.store import OxigraphStore, Store

from .conftest import DATA

BASE = "https://kg.example.org/id/"


class General(Store):
    """The same quads behind the plain ``Store`` interface: ``serialize`` takes its general path."""

    def __init__(self, store: OxigraphStore):
        super().__init__(store.base, store.level)
        self.inner = store.inner

    def quads(self):
        return self.inner.quads_for_pattern(None, None, None, None)


def tricky_quads() -> list[ox.Quad]:
    a, b, ab = (ox.NamedNode(BASE + name) for name in ("a", "b", "a/b"))
    p, q = ox.NamedNode(BASE + "p"), ox.NamedNode(BASE + "p2")
    g1, g2 = ox.NamedNode(BASE + "graph/1"), ox.NamedNode(BASE + "graph/2")
    derived = ox.NamedNode(BASE + "graph/public/derived")  # read by a thread of its own (kg.export)
    blank1, blank12 = ox.BlankNode("k1"), ox.BlankNode("k12")
    objects = [a, ab, blank1, blank12, ox.Literal("x"), ox.Literal("x", language="en"), ox.Literal("x y"),
               ox.Literal("x\ty\n\"z\"\\"), ox.Literal("é😀 _:k1"), ox.Literal("1", datatype=ox.NamedNode(
                   "http://www.w3.org/2001/XMLSchema#integer")), ox.Literal("x", language="en-GB"), ox.Literal("")]  # fmt: skip
    quads = [ox.Quad(s, pred, o, graph) for s in (a, ab, b, blank1, blank12) for pred in (p, q) for o in objects
             for graph in (g1, g2, derived)]  # every triple in three graphs: written once
    return quads + [ox.Quad(b, p, ox.Literal("only in the default graph"), ox.DefaultGraph()),
                    ox.Quad(b, p, ox.Literal("only in a derived graph"), derived)]


def in_memory(quads) -> OxigraphStore:
    inner = ox.Store()
    inner.extend(quads)
    return OxigraphStore(inner, BASE)


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_tricky_terms_give_the_same_bytes(fmt, tmp_path):
    store = in_memory(tricky_quads())
    fast = export.serialize(store, fmt)
    assert export._write_sorted_lines(store, tmp_path / "lines.nt")  # the fast path was taken
    assert fast == export.serialize(General(store), fmt)
    assert b"only in the default graph" in fast and b"only in a derived graph" in fast
    assert fast.count("é😀".encode()) == 5 * 2


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_the_seed_gives_the_same_bytes(seed_build, fmt):
    with open_store(DATA, seed_build) as store:
        assert isinstance(store, OxigraphStore)
        assert export.serialize(store, fmt) == export.serialize(General(store), fmt)


def test_a_literal_with_angle_brackets_takes_the_general_path(tmp_path):
    quads = tricky_quads() + [ox.Quad(ox.NamedNode(BASE + "c"), ox.NamedNode(BASE + "p"), ox.Literal("<<a>>"))]
    store = in_memory(quads)
    assert not export._write_sorted_lines(store, tmp_path / "lines.nt")
    assert export.serialize(store, "ttl") == export.serialize(General(store), "ttl")


def test_an_empty_store():
    store = in_memory([])
    assert export.serialize(store, "ttl") == export.serialize(General(store), "ttl")
    assert export.serialize(store, "nt") == b""
