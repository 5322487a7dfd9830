"""One result path: a store answers with a kg.answers.Answer straight from its engine, and it is
the answer the rdflib adapter (Store.query) gives, spelled the same way on every store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.answers import from_rdflib
from kg.store import OxigraphStore, RdflibStore

BASE = "https://kg.example.org/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
G = ox.NamedNode(BASE + "graph/public/test")
S = ox.NamedNode(BASE + "thing/a")
LITERALS = [
    ox.Literal("2020-01-01T00:00:00Z", datatype=ox.NamedNode(XSD + "dateTime")),  # rdflib: +00:00
    ox.Literal("1.0E0", datatype=ox.NamedNode(XSD + "double")),  # rdflib: 1.0
    ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")),  # rdflib: 1
    ox.Literal("plain"), ox.Literal("Wort", language="de"),
]
QUADS = [ox.Quad(S, ox.NamedNode(f"{BASE}p{i}"), o, G) for i, o in enumerate(LITERALS)]
QUADS.append(ox.Quad(S, ox.NamedNode(BASE + "knows"), ox.BlankNode("b1"), G))
SELECT = "SELECT ?p ?o ?missing WHERE { ?s ?p ?o } ORDER BY ?p"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def stores():
    return OxigraphStore.from_quads(QUADS, BASE), RdflibStore(QUADS, BASE)


def test_native_select_is_what_the_rdflib_adapter_gave(stores):
    oxigraph, _ = stores
    native = oxigraph.answer(SELECT)
    assert native == from_rdflib(oxigraph.query(SELECT))
    assert len(native.rows) == 6 and all(row[2] is None for row in native.rows)


def test_native_construct_needs_no_rdflib_graph_and_spells_like_before(stores):
    oxigraph, _ = stores
    native = oxigraph.answer(CONSTRUCT)
    before = from_rdflib(oxigraph.query(CONSTRUCT))
    assert native.kind == before.kind == "CONSTRUCT"
    assert sorted(map(str, native.triples)) == sorted(map(str, before.triples))
    assert native.render("ttl", BASE) == before.render("ttl", BASE)


def test_the_same_answer_on_every_store(stores):
    oxigraph, memory = stores
    literals = "SELECT ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) } ORDER BY ?p"  # blank node labels are the engine's own
    assert oxigraph.answer(literals).rows == memory.answer(literals).rows
    assert oxigraph.answer("ASK { ?s ?p 1 }") == memory.answer("ASK { ?s ?p 1 }")


def test_the_endpoint_spelling_keeps_the_store_lexical_form(stores):
    oxigraph, _ = stores
    values = {row[1]["value"] for row in oxigraph.answer(SELECT, normalize=False).rows}
    assert "2020-01-01T00:00:00Z" in values  # (Oxigraph itself writes numbers in canonical form)
    assert "2020-01-01T00:00:00+00:00" in {row[1]["value"] for row in oxigraph.answer(SELECT).rows}


def test_max_rows_cuts_and_says_so(stores):
    oxigraph, _ = stores
    cut = oxigraph.answer(SELECT, max_rows=2)
    assert len(cut.rows) == 2 and cut.truncated
    assert not oxigraph.answer(SELECT, max_rows=6).truncated


def test_a_dataset_above_the_level_is_empty(stores):
    oxigraph, _ = stores
    hidden = BASE + "graph/restricted/secret"
    answer = oxigraph.answer("SELECT * WHERE { ?s ?p ?o }", dataset=([hidden], []))
    assert answer.rows == []
    assert len(oxigraph.answer("SELECT * WHERE { ?s ?p ?o }", dataset=([G.value], [])).rows) == 6
