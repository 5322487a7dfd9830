"""Metrics CSVs are safe to open in a spreadsheet (issue 12, finding 15): a name that begins like a
formula is written as text, while numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io

from kg.spreadsheet import safe_cell

from .conftest import kg, mini_data

EVIL = '=HYPERLINK("http://evil.invalid/","click")'


def test_a_formula_in_a_name_is_neutralised(tmp_path):
    data = mini_data(tmp_path, orgs=f"""\
        organizations:
          - id: example-org
            name: '{EVIL}'
            sector: civil-society
        """)
    out = tmp_path / "orgs.csv"
    result = kg("metrics", "--data", data, "--build-dir", tmp_path / "build", "--projection", "stakeholders",
                "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    cells = [cell for row in rows for cell in row.values() if cell]
    assert not [c for c in cells if c.startswith(("=", "+", "@")) or (c.startswith("-") and not _number(c))]
    assert any(c == "'" + EVIL for c in cells)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_numbers_stay_numbers():
    assert safe_cell("-0.25") == "-0.25"
    assert safe_cell("+3") == "+3"
    assert safe_cell("0.5") == "0.5"
    for formula in ("=1+1", "+SUM(A1)", "-cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(formula) == "'" + formula


def test_kg_query_csv_and_the_endpoint_csv_are_neutralised(tmp_path):
    """`kg query --format csv` and the endpoint's text/csv answers share `kg.sparql.to_csv`."""
    from kg import sparql

    data = mini_data(tmp_path, orgs=f"""\
        organizations:
          - id: example-org
            name: '{EVIL}'
            sector: civil-society
        """)
    result = kg("query", "--data", data, "--build-dir", tmp_path / "build", "--format", "csv",
                "SELECT ?name ?n WHERE { ?o a org:Organization ; schema:name ?name . BIND(-2 AS ?n) }")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1:] == [["'" + EVIL, "-2"]]
    served = sparql.format_select(["name"], [[{"type": "literal", "value": "@SUM(A1)"}]], "csv", "https://kg.example.org/")
    assert served.splitlines()[1] == "'@SUM(A1)"
