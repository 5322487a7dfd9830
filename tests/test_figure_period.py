"""Figures carry the period their sentence gives and a qualifier only when the sentence states one
(issue 18, item 6): "6.7 million in 2012 and 2013" holds for 2012 to 2013, and "10 million people now
affected" has no qualifier (it used to default to "exactly", which no sentence says)."""

from __future__ import annotations

import textwrap

import pytest

from kg.records import RecordsInvalid, load_records

from .conftest import kg, mini_data

FIGURES = "PREFIX kg: <https://kg.example.org/ontology#> PREFIX schema: <https://schema.org/> " \
          "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX dcterms: <http://purl.org/dc/terms/> " \
          "SELECT ?v ?q ?start ?end ?date (DATATYPE(?start) AS ?type) WHERE { ?f a kg:Figure ; rdf:value ?v . " \
          "OPTIONAL { ?f kg:qualifier ?q } OPTIONAL { ?f schema:startDate ?start } OPTIONAL { ?f schema:endDate ?end } " \
          "OPTIONAL { ?f dcterms:date ?date } }"  # fmt: skip


def _figures(store) -> dict[str, tuple]:
    return {str(r[0]): tuple(None if c is None else str(c) for c in r[1:]) for r in store.query(FIGURES)}


def test_the_seed_figures_carry_the_period_and_qualifier_their_sentence_states(seed_store):
    figures = _figures(seed_store)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    # "with 10 million people now affected, up from 6.7 million in 2012 and 2013."
    assert figures["6700000"] == (None, "2012", "2013", None, xsd + "gYear")
    assert figures["10000000"] == (None, None, None, "2024-11-15", None)  # "now": no qualifier stated
    # "a declaration signed by over 200 NGOs"; "withover 5,000 cases in 2023"
    assert figures["200"][0] == "over" and figures["5000"][:1] == ("over",)
    # "The alliance now includes 35 civil society organizations and 65 international experts."
    assert figures["35"][0] is None and figures["65"][0] is None


REPORT = """\
source: {id: mini, title: Mini report, file: sources/mini.txt}
events:
  - id: mini-workshop
    name: Workshop on human trafficking
    type: workshop
    quotes: {name: The workshop on human trafficking was held in Karachi on 1 March 2024.}
figures:
  - value: 40
    unit: cases
    quote: The workshop on human trafficking was held in Karachi on 1 March 2024.
"""


def _load(tmp_path, extra: str):
    data = mini_data(tmp_path, report=REPORT + textwrap.indent(textwrap.dedent(extra), "    "))
    return load_records(data)


def test_a_period_is_read_and_a_missing_qualifier_stays_missing(tmp_path):
    records = _load(tmp_path, "start_date: 2012\nend_date: 2013-06\n")
    figure = records.reports[0].figures[0]
    assert (figure.start_date, figure.end_date, figure.date, figure.qualifier) == ("2012", "2013-06", None, None)


@pytest.mark.parametrize(("extra", "field", "words"), [
    ("date: 2012\nstart_date: 2012\n", "figures[0].date", "either a date or a period"),
    ("start_date: 2014\nend_date: 2013\n", "figures[0].end_date", "ends before it starts"),
    ("start_date: 2012-13\n", "figures[0].start_date", "is not a date"),
])  # fmt: skip
def test_a_bad_period_is_an_error_naming_file_line_and_field(tmp_path, extra, field, words):
    with pytest.raises(RecordsInvalid) as caught:
        _load(tmp_path, extra)
    problem = next(p for p in caught.value.problems if p.field.endswith(field))
    assert problem.file.endswith("reports/mini.yaml") and problem.line > 1 and words in problem.message


def test_a_period_reaches_the_graph_and_passes_shacl(tmp_path):
    data = mini_data(tmp_path, report=REPORT + "    start_date: 2012\n    end_date: 2013\n")
    result = kg("validate", "--data", data, "--build-dir", tmp_path / "b")
    assert result.exit_code == 0, result.output
    result = kg("query", FIGURES, "--format", "csv", "--data", data, "--build-dir", tmp_path / "b")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].split(",")[:5] == ["40", "", "2012", "2013", ""]


def test_provenance_gives_each_figure_its_qualifier_and_period(seed_store):
    from .test_query_named import ask

    details = {r["detail"] for r in ask(seed_store, "provenance", about="syed-zulfaqar-hussain") if r["kind"] == "figure"}
    # "with 10 million people now affected, up from 6.7 million in 2012 and 2013."
    assert details == {"6700000 people affected by narcotics consumption (2012–2013)",
                       "10000000 people affected by narcotics consumption (2024-11-15)"}  # fmt: skip
    # "a declaration signed by over 200 NGOs in October" (no year, so no date)
    alliance = {r["detail"] for r in ask(seed_store, "provenance", about="alliance-of-ngos-on-crime-prevention")
                if r["kind"] == "figure"}  # fmt: skip
    assert alliance == {"over 200 NGOs that signed the Alliance's declaration on trafficking and other crimes"}
