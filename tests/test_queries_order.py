"""kg.sparql.order: a named query whose ORDER BY places every row (``# order: total``) is sorted in Python on
the embedded store, and gives the bytes the engine's ORDER BY gives; anything it cannot order exactly, or
rows with equal keys, go to the engine's ORDER BY."""

from __future__ import annotations

import pytest

from kg import generations, sparql
from kg.sparql import order

from .conftest import DATA

LEVELS = ("public", "internal", "restricted")
TOTAL = [q for q in sparql.named_queries() if order.TOTAL.search(q.text)]


def _engine_text(text: str) -> str:
    """The same query without its ``# order: total`` line: the engine sorts it."""
    return order.TOTAL.sub("#", text)


def test_the_whole_graph_aggregations_say_their_order_is_total():
    assert {q.name for q in TOTAL} >= {"sectors-at-events", "themes-by-organization", "sector-bridges",
                                        "actor-appearances", "people-active-years", "repeat-speakers"}
    assert all(order.split(q.text) is not None for q in TOTAL)


@pytest.mark.parametrize("level", LEVELS)
def test_sorted_in_python_as_the_engine_sorts(seed_build, level, monkeypatch):
    sorted_here = []
    real_sort = order.sort

    def counting(*args):
        rows = real_sort(*args)
        sorted_here.append(rows is not None)
        return rows

    monkeypatch.setattr(order, "sort", counting)
    with generations.open_store(DATA, seed_build, level=level) as store:
        for named in TOTAL:
            least = {"min": "1"} if any(p.name == "min" for p in named.params) else {}  # rows on the seed
            bindings = sparql.bindings_for(named, least, store.base)
            mine = sparql.run(store, named.text, bindings).render("csv", store.base)
            engine = sparql.run(store, _engine_text(named.text), bindings).render("csv", store.base)
            assert mine == engine, named.name
            assert mine.count(b"\n") > 2, named.name
    assert sorted_here == [True] * len(TOTAL)  # each sorted here, once; the engine's text never comes here


def test_split_takes_only_a_total_order_of_plain_variables():
    body = "# order: total\nSELECT ?a ?b WHERE { ?a ?p ?b }\n"
    assert order.split(body + "ORDER BY DESC(?b) ?a") == (body, [("b", True), ("a", False)])
    assert order.split("SELECT ?a ?b WHERE { ?a ?p ?b }\nORDER BY ?a") is None  # not said to be total
    assert order.split(body + "ORDER BY ?a LIMIT 5") is None
    assert order.split(body + "ORDER BY STR(?a)") is None
    assert order.split(body + "# ORDER BY ?a") is None


def _cell(value=None, kind="literal", **extra):
    return None if value is None else {"type": kind, "value": value, **extra}


def test_sort_orders_as_sparql_and_refuses_ties_and_other_literals():
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    rows = [[_cell("a")], [_cell("Z")], [_cell("é")], [None], [_cell("x", "uri")], [_cell("b0", "bnode")]]
    got = order.sort(["n"], rows, [("n", False)])
    assert [r[0] and r[0]["value"] for r in got] == [None, "b0", "x", "Z", "a", "é"]  # code points: Z < a < é
    numbers = [[_cell(v, datatype=integer), _cell(n)] for v, n in (("9", "p"), ("10", "q"), ("9", "o"))]
    got = order.sort(["c", "n"], numbers, [("c", True), ("n", False)])
    assert [(r[0]["value"], r[1]["value"]) for r in got] == [("10", "q"), ("9", "o"), ("9", "p")]
    assert order.sort(["c"], numbers, [("c", True)]) is None  # two 9s: the engine's order among them is its own
    mixed = [[_cell("1", datatype=integer)], [_cell("1")]]
    assert order.sort(["c"], mixed, [("c", False)]) is None
    decimals = [[_cell("1.5", datatype="http://www.w3.org/2001/XMLSchema#decimal")], [_cell("2")]]
    assert order.sort(["c"], decimals, [("c", False)]) is None
    assert order.sort(["c"], [[_cell("x")]], [("missing", False)]) is None


def test_rows_with_equal_keys_come_as_the_engine_orders_them(seed_store):
    text = ("# order: total\nSELECT ?type ?event WHERE { ?event a schema:Event ; kg:eventType ?type }\n"
            "ORDER BY ?type")  # many events of one type: not total after all
    mine = sparql.run(seed_store, text).render("csv", seed_store.base)
    engine = sparql.run(seed_store, _engine_text(text)).render("csv", seed_store.base)
    assert mine == engine and mine.count(b"\n") > 5


def test_sort_agrees_with_oxigraph_on_strings_numbers_and_terms():
    import pyoxigraph as ox

    from kg.answers import from_oxigraph

    values = ('"a"', '"Z"', '"é"', '"ab"', '"a b"', '"Ω"', '"😀"', '"10"', '<http://x/b>', '<http://x/a>', "UNDEF")
    text = f"SELECT ?n ?i WHERE {{ VALUES (?n ?i) {{ {' '.join(f'({v} {k})' for k, v in enumerate(values))} }} }}"
    for keys in ([("n", False), ("i", False)], [("n", True), ("i", True)], [("i", True)]):
        clause = " ".join(f"DESC(?{k})" if d else f"?{k}" for k, d in keys)
        engine = from_oxigraph(ox.Store().query(text + " ORDER BY " + clause))
        bare = from_oxigraph(ox.Store().query(text))
        assert order.sort(bare.variables, bare.rows, keys) == engine.rows, clause



def test_sort_agrees_with_oxigraph_on_repeated_values_in_both_directions():
    # the values of each key are placed once and the rows sorted on those places: many rows share a value
    import random

    import pyoxigraph as ox

    from kg.answers import from_oxigraph

    rng = random.Random(7)
    names = ['"a"', '"B"', '"é"', '"a b"', "UNDEF", "<http://x/a>"]
    rows = {(rng.choice(names), rng.randrange(40), rng.choice(['"x"', '"y"'])) for _ in range(300)}
    text = "SELECT ?n ?i ?t WHERE { VALUES (?n ?i ?t) { %s } }" % " ".join(f"({n} {i} {t})" for n, i, t in rows)
    for keys in ([("n", True), ("i", False), ("t", True)], [("t", False), ("n", False), ("i", True)]):
        clause = " ".join(f"DESC(?{k})" if d else f"?{k}" for k, d in keys)
        engine = from_oxigraph(ox.Store().query(text + " ORDER BY " + clause))
        bare = from_oxigraph(ox.Store().query(text))
        assert order.sort(bare.variables, bare.rows, keys) == engine.rows, clause
    bare = from_oxigraph(ox.Store().query(text))
    assert order.sort(bare.variables, bare.rows, [("n", False), ("i", False)]) is None  # ties: the engine's

# The two queries as they were before they read kg:participatedIn and sorted people of one name by IRI: the
# participation nodes' kg:agent and kg:event, looked up one at a time
_BY_PARTICIPATION = {
    "people-active-years": """
SELECT ?person ?name (COUNT(DISTINCT ?year) AS ?years) (MIN(?year) AS ?firstYear) (MAX(?year) AS ?lastYear)
       (COUNT(DISTINCT ?event) AS ?events)
WHERE {
  ?participation a kg:Participation ; kg:agent ?person ; kg:event ?event .
  ?person a schema:Person ; rdfs:label ?name .
  ?event schema:startDate ?start .
  BIND(SUBSTR(STR(?start), 1, 4) AS ?year)
}
GROUP BY ?person ?name""",
    "actor-appearances": """
SELECT ?actor ?name ?kind ?first ?last ?datedEvents (COUNT(DISTINCT ?undated) AS ?undatedEvents)
WHERE {
  {
    SELECT ?actor (MIN(STR(?start)) AS ?first) (MAX(STR(?start)) AS ?last) (COUNT(DISTINCT ?event) AS ?datedEvents)
    WHERE { ?participation a kg:Participation ; kg:agent ?actor ; kg:event ?event . ?event schema:startDate ?start }
    GROUP BY ?actor
  }
  ?actor rdfs:label ?name .
  { ?actor a org:Organization . BIND("organization" AS ?kind) } UNION { ?actor a schema:Person . BIND("person" AS ?kind) }
  OPTIONAL {
    ?other a kg:Participation ; kg:agent ?actor ; kg:event ?undated .
    FILTER NOT EXISTS { ?undated schema:startDate ?anyDate }
  }
}
GROUP BY ?actor ?name ?kind ?first ?last ?datedEvents""",
}


@pytest.mark.parametrize("name, keys", [("people-active-years", ("years", "events", "name")),
                                        ("actor-appearances", ("first", "name"))])
def test_people_of_one_name_come_by_iri_with_the_rows_of_the_participations(tmp_path, name, keys):
    from kg import synth

    synth.synthesize(300, tmp_path / "data", seed=2)  # people of one name, with the same counts and dates
    with generations.open_store(tmp_path / "data", tmp_path / "build") as store:
        named = sparql.named_query(name)
        answer = sparql.run(store, named.text, sparql.bindings_for(named, {}, store.base))
        before = sparql.run(store, named.text[: named.text.index("SELECT")] + _BY_PARTICIPATION[name])
    rows = [tuple(c and c["value"] for c in row) for row in answer.rows]
    assert sorted(rows) == sorted(tuple(c and c["value"] for c in row) for row in before.rows)
    at = [answer.variables.index(k) for k in keys]
    tied = [(a, b) for a, b in zip(rows, rows[1:]) if [a[i] for i in at] == [b[i] for i in at]]
    assert tied  # (one pair of actor-appearances at this size, dozens of people-active-years)
    assert all(a[0] < b[0] for a, b in tied)  # by IRI among them
