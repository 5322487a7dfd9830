"""A query that is not valid SPARQL is reported at the line and column of the text the person wrote
(not shifted by the PREFIX lines and the VALUES block kg adds), with that line quoted, a caret under the
place, and what was expected in words."""

from __future__ import annotations

import pytest

from kg import query_errors, sparql
from kg.serve.media import accepted
from kg.serve.worker import answer_query

from .conftest import DATA, kg


def _error(build, *args) -> str:
    result = kg("query", *args, "--data", DATA, "--build-dir", build)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result.output.split("Error: ", 1)[1]


def _caret_column(message: str) -> int:
    """1-based column of the caret on the message's last line (both quote lines are indented 4)."""
    return message.rstrip("\n").splitlines()[-1].index("^") - 4 + 1


def test_a_one_line_query_is_reported_on_line_one_with_a_caret(seed_build):
    # schema: is declared by a PREFIX line kg adds in front: the old report said "error at 2:37"
    message = _error(seed_build, "SELECT ?x WHERE { ?x schema:name ?o ")
    assert message.startswith("the query is not valid SPARQL: line 1, column 17:")
    assert "`{` is never closed" in message
    lines = message.rstrip("\n").splitlines()
    assert lines[1] == "    SELECT ?x WHERE { ?x schema:name ?o "
    assert _caret_column(message) == 17  # under the "{"


def test_selec_says_which_forms_were_expected(seed_build):
    message = _error(seed_build, "SELEC ?x WHERE { ?x ?p ?o }")
    assert "line 1, column 1: expected SELECT, CONSTRUCT, ASK or DESCRIBE, not `SELEC` (did you mean SELECT?)" in message
    assert "expected CONSTRUCT" not in message


def test_nothing_selected(seed_build):
    message = _error(seed_build, "SELECT WHERE { ?x ?p ?o }")
    assert "line 1, column 8: expected a variable or `*` after SELECT" in message
    assert _caret_column(message) == 8


def test_an_undefined_prefix_is_named_and_the_close_one_suggested(seed_build):
    message = _error(seed_build, "SELECT ?x WHERE { ?x schem:name ?o }")
    assert "line 1, column 22: the prefix `schem:` is not defined. Did you mean `schema:`?" in message
    assert "\\u{" not in message and "..=" not in message
    assert len(message.strip().splitlines()) == 3


def test_a_misspelt_keyword(seed_build):
    message = _error(seed_build, "SELECT ?x WHERE { ?x ?p ?o } LIMT 3")
    assert "line 1, column 30: `LIMT` is not a SPARQL keyword (did you mean LIMIT?)" in message


def test_positions_ignore_the_values_block_of_parameters(seed_build, tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?x WHERE {\n  ?x schema:name ?o .\n  ?x ?p ?o FILTER(?o = \"a\" ||)\n}\n", encoding="utf-8")
    message = _error(seed_build, "--file", path, "--param", "x=organization:cfhr")
    assert "line 3, column 12:" in message  # where FILTER starts
    assert message.rstrip("\n").splitlines()[1] == '      ?x ?p ?o FILTER(?o = "a" ||)'
    assert _caret_column(message) == 12


def test_a_bracket_that_closes_the_wrong_group(seed_build):
    message = _error(seed_build, "SELECT ?x WHERE {\n  ?x ?p ?o ) .\n}")
    assert "line 2, column 12: `)` cannot close the `{` opened at line 1, column 17" in message


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_the_python_api_and_every_store_give_the_same_message(seed_build, store):
    message = _error(seed_build, "--store", store, "SELEC ?x WHERE { ?x ?p ?o }")
    assert "expected SELECT, CONSTRUCT, ASK or DESCRIBE" in message


def test_run_raises_query_error_with_the_explanation(seed_store):
    with pytest.raises(sparql.QueryError, match=r"line 1, column 1: expected SELECT"):
        sparql.run(seed_store, "SELEC ?x WHERE { ?x ?p ?o }")


def test_the_endpoint_reports_positions_in_the_text_sent(seed_store):
    job = {"query": "SELECT ?x WHERE { ?x schem:name ?o }", "accept": accepted("text/csv"), "format": None,
           "store": "", "default_graphs": [], "named_graphs": []}  # fmt: skip
    status, _, body, _ = answer_query(seed_store, job, 100)
    assert status == 400
    assert "line 1, column 22: the prefix `schem:` is not defined. Did you mean `schema:`?" in body.decode()


def test_valid_queries_have_no_problem():
    for text in ("SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                 'SELECT ?x WHERE { ?x a schema:Person ; schema:name ?n FILTER(LANG(?n) = "" && 1e5 > 2) } ORDER BY DESC(?x)',
                 "PREFIX ex: <http://example.org/>\nASK { ex:a ex:b ?c . person:john-collins ?p ?o }"):  # fmt: skip
        assert query_errors.problem(text, "https://kg.example.org/id/") is None, text


def test_no_named_query_is_misjudged():
    for query in sparql.named_queries():
        assert query_errors.problem(query.text, "https://kg.example.org/id/") is None, query.name
