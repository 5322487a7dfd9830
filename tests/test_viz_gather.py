"""The page's details read by simple patterns joined in Python give the very rows of the one-query form."""

from __future__ import annotations

import pytest

from kg.viz import data


@pytest.mark.parametrize("kind, query", [("membership", data.MEMBERSHIPS), ("participation", data.PARTICIPATIONS)])
def test_split_fact_queries_give_the_same_rows(seed_store, kind, query):
    rows = data._fact_rows(seed_store, kind)
    assert rows and rows == data._rows(seed_store, query)


def test_the_same_rows_on_synthetic_data(tmp_path):
    from kg import project

    from .conftest import kg

    assert kg("synth", "--events", "40", "--seed", "3", "--out", tmp_path / "data").exit_code == 0
    with project.open_store(tmp_path / "data", tmp_path / "build") as store:
        for kind, query in (("membership", data.MEMBERSHIPS), ("participation", data.PARTICIPATIONS)):
            rows = data._fact_rows(store, kind)
            assert rows and rows == data._rows(store, query)
