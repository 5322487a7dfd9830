"""`kg query`'s path without rdflib gives the same bytes as the rdflib path, in every format.

The fast path: parameters as pyoxigraph terms (``sparql.parameter_values``), answers straight from
pyoxigraph with literals spelled as rdflib spells them (``kg.terms``). The reference: parameters as rdflib
terms (``sparql.bindings_for``) and the answer through an rdflib ``Result`` (``Store.query`` then
``kg.answers.from_rdflib``), which is how every answer was made before."""

from __future__ import annotations

import pytest

from kg import generations, sparql
from kg.store import OxigraphStore, Store

from .conftest import DATA

FORMATS = {"SELECT": sparql.SELECT_FORMATS, "ASK": sparql.SELECT_FORMATS, "CONSTRUCT": sparql.GRAPH_FORMATS}

# literals of every kind: language tags, datatypes rdflib rewrites or keeps, newlines, quotes, odd forms
LITERALS = r'''
    "plain" "with \"quotes\" and a\nnewline\r\tand tab" 'single \'quoted\'' """long
text"""@en "Text"@en-GB "x"^^xsd:string "7"^^xsd:integer "007"^^xsd:integer "+5"^^xsd:integer "-0"^^xsd:integer
    "1.0E0"^^xsd:double "1e400"^^xsd:double "INF"^^xsd:double "NaN"^^xsd:float "2.50"^^xsd:decimal ".5"^^xsd:decimal
    "-0.0"^^xsd:decimal "1"^^xsd:boolean "true"^^xsd:boolean "2022-07-03"^^xsd:date "2022-07-03Z"^^xsd:date
    "2024-02-30"^^xsd:date "2024-01-05T10:00:00Z"^^xsd:dateTime "2024-01-05T10:00:00.5"^^xsd:dateTime
    "PT2H"^^xsd:duration "P1Y2M"^^xsd:duration "2023"^^xsd:gYear "2025-01"^^xsd:gYearMonth "12:00:00"^^xsd:time
    "abc"^^xsd:integer "z"^^<http://example.org/dt#string> "y"^^<http://example.org/custom>
    "a  b\tc"^^xsd:normalizedString "  a   b "^^xsd:token "ff"^^xsd:hexBinary "aGk="^^xsd:base64Binary
    "https://example.org/a b"^^xsd:anyURI "en"^^xsd:language "<b>x</b>"^^rdf:XMLLiteral 42 3.14 1.5e3 true
'''
QUERIES = {
    "named": ("people-of-organization", {"org": "cfhr"}),
    "named, default parameters": ("provenance", {}),
    "named, an id of any kind": ("provenance", {"about": "umar-khan"}),
    "literals": (f"SELECT ?x WHERE {{ VALUES ?x {{ {LITERALS} }} }}", {}),
    "blank nodes and literals of the graph": ("SELECT ?b ?p ?o WHERE { ?b ?p ?o FILTER(isBlank(?b)) }", {}),
    "every literal of the graph": ("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }", {}),
    "a parameter of an ad-hoc query": ("SELECT ?name WHERE { ?org schema:name ?name }", {"org": "cfhr"}),
    "a number and a text bound": ("SELECT ?n ?t WHERE { BIND(?n + 1 AS ?m) }", {"n": "41", "t": 'a "quoted"\nline'}),
    "an unbound column": ("SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 UNDEF) (UNDEF \"x\"@fr) } }", {}),
    "ordered by the query": ("SELECT ?o WHERE { ?s schema:name ?o } ORDER BY DESC(?o) LIMIT 7", {}),
    "no rows": ("SELECT ?x WHERE { ?x a <https://example.org/Nothing> }", {}),
    "ask, true": ("ASK { ?s a schema:Person }", {}),
    "ask, false": ("ASK { ?s a <https://example.org/Nothing> }", {}),
    "construct with literals": (f"CONSTRUCT {{ <https://example.org/s> <https://example.org/p> ?x }} "
                                f"WHERE {{ VALUES ?x {{ {LITERALS} }} }}", {}),  # fmt: skip
    "construct from blank nodes": ("CONSTRUCT { ?b ?p ?o } WHERE { ?b ?p ?o FILTER(isBlank(?b)) }", {}),
    "construct, a named query's shape": ("CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }", {}),
    "construct, nothing": ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(false) }", {}),
    "describe": ("DESCRIBE ?o WHERE { ?o schema:name ?n } LIMIT 2", {}),
}


class ThroughRdflib(OxigraphStore):
    """The same store, answering through an rdflib ``Result`` (``Store.answer``: from_rdflib(query(...)))."""

    answer = Store.answer


@pytest.fixture(scope="module")
def stores(seed_build):
    fast = generations.open_store(DATA, seed_build)
    reference = ThroughRdflib.open(fast.generation, fast.base, fast.level)
    yield fast, reference
    fast.close()
    reference.close()


def _text(case: str) -> tuple[str, sparql.NamedQuery | None, dict]:
    text, params = QUERIES[case]
    named = sparql.named_query(text) if sparql.SLUG.match(text) else None
    return (named.text if named else text), named, params


@pytest.mark.parametrize("case", sorted(QUERIES))
def test_every_format_gives_the_same_bytes_as_the_rdflib_path(stores, case):
    fast, reference = stores
    text, named, params = _text(case)
    mine = sparql.run(fast, text, sparql.parameter_values(named, params, fast.base, store=fast))
    theirs = sparql.run(reference, text, sparql.bindings_for(named, params, reference.base, store=reference))
    assert mine.kind == theirs.kind
    if mine.kind == "SELECT" and case != "no rows":
        assert mine.rows, case  # something to compare
    for fmt in FORMATS[mine.kind]:
        assert mine.render(fmt, fast.base, 30) == theirs.render(fmt, reference.base, 30), (case, fmt)


def test_the_literals_case_holds_what_it_says(stores):
    """The literals above really reach the output (a query that bound nothing would compare nothing)."""
    fast, _ = stores
    rows = sparql.run(fast, _text("literals")[0]).rows
    spelled = {(c["value"], c.get("datatype", c.get("xml:lang"))) for (c,) in rows}
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert ("1.0", xsd + "double") in spelled  # rdflib's spelling of "1.0E0", not the store's
    assert ("7", xsd + "integer") in spelled  # "007" as rdflib writes it
    assert ("2024-01-05T10:00:00+00:00", xsd + "dateTime") in spelled  # asked of rdflib itself
    assert ('with "quotes" and a\nnewline\r\tand tab', None) in spelled
    assert ("long\ntext", "en") in spelled and ("z", None) in spelled  # ^^<…#string>: plain, as rdflib reads it


def test_parameters_are_the_same_terms_in_both_libraries(seed_store):
    base = seed_store.base
    from kg.rdflib_terms import to_rdflib

    for name, value in [("org", "cgr"), ("person", "<https://x.org/p>"), ("x", "https://x.org/p"),
                        ("theme", "human-trafficking"), ("x", "sector:government"), ("min", "2"), ("min", "-007"),
                        ("name", "Sevim Saadat"), ("org", "Centre for Human Rights"), ("t", ' "} ; DROP ALL ; { '),
                        ("about", "umar-khan"), ("about", "cfhr"), ("about", "nobody-at-all")]:  # fmt: skip
        exists = lambda iri: sparql.params._known(seed_store, iri)  # noqa: E731
        assert to_rdflib(sparql.param_value(name, value, base, exists)) == sparql.param_term(name, value, base, exists)
