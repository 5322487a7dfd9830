"""The theme concept scheme (ontology/themes.ttl), read once per process."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from . import config, vocab

SKOS = "http://www.w3.org/2004/02/skos/core#"


@lru_cache(maxsize=1)
def _graph() -> tuple:
    path = config.ontology_dir() / "themes.ttl"
    return tuple(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


@lru_cache(maxsize=1)
def theme_ids() -> frozenset[str]:
    """Ids of every concept in the theme scheme (the part of its IRI after theme/)."""
    scheme = ox.NamedNode(str(vocab.THEME) + "scheme")
    in_scheme = ox.NamedNode(SKOS + "inScheme")
    top = ox.NamedNode(SKOS + "topConceptOf")  # the two groupings, not themes one raises
    groupings = {t.subject.value for t in _graph() if t.predicate == top and t.object == scheme}
    return frozenset(
        t.subject.value.removeprefix(str(vocab.THEME))
        for t in _graph()
        if t.predicate == in_scheme and t.object == scheme and t.subject.value.startswith(str(vocab.THEME))
        and t.subject.value not in groupings
    )


@lru_cache(maxsize=1)
def theme_labels() -> dict[str, list[str]]:
    """Theme id -> its preferred label first, then its alternative labels (English)."""
    pref, alt = ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(SKOS + "altLabel")
    labels: dict[str, list[str]] = {}
    for t in _graph():
        if t.predicate in (pref, alt) and t.subject.value.startswith(str(vocab.THEME)):
            tid = t.subject.value.removeprefix(str(vocab.THEME))
            bucket = labels.setdefault(tid, [])
            bucket.insert(0, t.object.value) if t.predicate == pref else bucket.append(t.object.value)
    return labels
