"""Sensitivity levels, in one place: their order, the level of a named graph, and which graphs a
reader at a level may see. The build (``kg.to_rdf``), the stores, the remote upload and the build
generations all ask here, so a level means the same thing everywhere.

Every fact sits in a named graph ``{base}graph/{level}/…``; a reader at a level reads the graphs at
or below it, and a graph we did not write counts as ``restricted`` (never shown by accident).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

LEVELS = ("public", "internal", "restricted")  # lowest first
LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}
HIGHEST = LEVELS[-1]


def max_level(*levels: str) -> str:
    return max(levels, key=LEVEL_RANK.__getitem__)


@functools.lru_cache(maxsize=65536)  # a build asks about the same few graphs for every quote
def graph_level(graph_iri: str, base: str) -> str | None:
    """The sensitivity level of one of our named graphs, or None for a graph we did not write."""
    prefix = base + "graph/"
    if not graph_iri.startswith(prefix):
        return None
    level = graph_iri[len(prefix) :].split("/", 1)[0]
    return level if level in LEVEL_RANK else None


def graph_rank(graph_iri: str, base: str) -> int:
    """The rank of a named graph's level; a graph we did not write ranks as ``restricted``."""
    return LEVEL_RANK[graph_level(graph_iri, base) or HIGHEST]


def label_rank(label: str) -> int:
    """The rank of the level a ``level:digest`` label names (``restricted`` when it names none)."""
    return LEVEL_RANK.get(label.split(":", 1)[0], LEVEL_RANK[HIGHEST])


def allowed_graphs(graph_names: Iterable[str], base: str, level: str) -> list[str]:
    """Our graphs at or below ``level``, sorted (the same order every time)."""
    rank = LEVEL_RANK[level]
    out = []
    for name in graph_names:
        g_level = graph_level(name, base)
        if g_level is not None and LEVEL_RANK[g_level] <= rank:
            out.append(name)
    return sorted(out)


def check_level(level: str) -> str:
    if level not in LEVEL_RANK:
        raise ValueError(f"unknown level {level!r}; one of {', '.join(LEVELS)}")
    return level
