"""The table format says how many values it cut and how to see them whole (--width N, 0 = never, or --format csv)."""

from __future__ import annotations

import re

import pytest

from kg import sparql

from .conftest import DATA, kg

LONG = {"type": "literal", "value": "x" * 70}
SHORT = {"type": "literal", "value": "short"}


def test_a_cut_is_counted_and_explained():
    text = sparql.to_table(["a", "b"], [[LONG, SHORT], [LONG, LONG]], "https://kg.example.org/id/")
    assert text.splitlines()[-1] == ("(2 rows; 3 values cut at 60 characters, marked …: "
                                     "see them whole with --width 0 or --format csv)")  # fmt: skip
    assert "x" * 60 not in text and "x" * 59 + "…" in text


def test_nothing_cut_nothing_said():
    assert sparql.to_table(["a"], [[SHORT]], "https://kg.example.org/id/").splitlines()[-1] == "(1 row)"
    whole = sparql.to_table(["a"], [[LONG]], "https://kg.example.org/id/", width=0)
    assert "x" * 70 in whole and whole.splitlines()[-1] == "(1 row)"


def _expected_cuts(store, width: int) -> int:
    query = sparql.named_query("provenance")
    answer = sparql.run(store, query.text, sparql.bindings_for(query, {"about": "john-collins"}, store.base, store=store))
    return sum(len(sparql.short(c, store.base).replace("\n", " ")) > width for row in answer.rows for c in row)


@pytest.mark.parametrize("width", [60, 100])
def test_kg_query_reports_the_cut_values(seed_build, seed_store, width):
    args = ["--width", str(width)] if width != 60 else []
    result = kg("query", "--name", "provenance", "--param", "about=john-collins", *args, "--data", DATA, "--build-dir", seed_build)
    assert result.exit_code == 0, result.output
    expected = _expected_cuts(seed_store, width)
    assert expected > 0  # the quotes of data/ are longer than 100 characters
    footer = result.stdout.splitlines()[-1]
    assert re.fullmatch(rf"\(\d+ rows; {expected} values cut at {width} characters, marked …: "
                        r"see them whole with --width 0 or --format csv\)", footer), footer  # fmt: skip


def test_width_zero_shows_every_value_whole(seed_build, seed_store):
    result = kg("query", "--name", "provenance", "--param", "about=john-collins", "--width", "0",
                "--data", DATA, "--build-dir", seed_build)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "cut at" not in result.stdout and "…" not in result.stdout
    assert "The event concluded with the unveiling of the Civil Society" in result.stdout
    assert "--width" in kg("query", "--help").output
