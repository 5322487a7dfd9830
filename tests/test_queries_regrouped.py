"""sector-bridges and events were regrouped for speed (2026-12-03: an agent's sectors counted before its names
are added, MINUS for NOT EXISTS; an event's patterns hash-joined). Their answers must stay byte for byte what
the texts they replaced gave (tests/regrouped_before/): the rows, their order, and the order of the names
inside a row's lists, which follows the order the engine reads the facts in."""

from __future__ import annotations

import pytest

from kg import generations, sparql, synth

from .conftest import DATA, ROOT

BEFORE = ROOT / "tests" / "regrouped_before"
CASES = {"sector-bridges": [{}, {"min": "0"}, {"min": "2"}, {"min": "3"}], "events": [{}]}
LEVELS = ("public", "internal", "restricted")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("regrouped")
    synth.synthesize(300, root / "data", seed=3)
    return root / "data", root / "build"


def _bytes(store, text: str, name: str, params: dict, fmt: str) -> bytes:
    named = sparql.named_query(name)
    return sparql.run(store, text, sparql.bindings_for(named, params, store.base)).render(fmt, store.base)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("on", ["seed", "synthetic"])
def test_regrouped_queries_give_the_bytes_of_the_texts_they_replaced(on, name, level, synthetic, seed_build):
    data, build = (DATA, seed_build) if on == "seed" else synthetic
    before = (BEFORE / f"{name}.rq").read_text()
    with generations.open_store(data, build, level=level) as store:
        for params in CASES[name]:
            for fmt in ("csv", "json"):
                old = _bytes(store, before, name, params, fmt)
                assert _bytes(store, sparql.named_query(name).text, name, params, fmt) == old, (params, fmt)
        assert _bytes(store, before, name, {}, "csv").count(b"\n") > 10  # rows to compare, in an order
