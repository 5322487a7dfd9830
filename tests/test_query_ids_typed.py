"""Suggestions for a mistyped id come from the typed entities of its kind (a few thousand rows at scale),
not from a scan of every term of every quad; on the seed that gives the same ids at every level, less the
concept schemes of the theme and sector vocabularies (`scheme`, which is no theme)."""

from __future__ import annotations

import pytest

from kg import generations
from kg.sparql import params

from .conftest import DATA


@pytest.mark.parametrize("level", ["public", "internal", "restricted"])
def test_typed_ids_are_the_ids_every_triple_names(seed_build, level):
    with generations.open_store(DATA, seed_build, level=level) as store:
        for kind, classes in params._KIND_CLASSES.items():
            namespace = store.base + kind[5:] if kind.startswith("base:") else kind
            every = params.readable_ids(store, namespace)
            typed = params.readable_ids(store, namespace, classes)
            assert typed, kind
            assert set(every) - set(typed) <= {"scheme"}, kind
            assert set(typed) <= set(every), kind


def test_every_id_kind_has_its_class():
    assert set(params._KIND_CLASSES) == set(params.KIND_WORDS)
