"""Themes raised in a text, matched against the labels of the project's SKOS scheme
(ontology/themes.ttl, via kg.themes.theme_labels): acronyms (TIP, SOM) case-sensitively, words not."""

from __future__ import annotations

import re
from functools import lru_cache

from ..themes import theme_labels

GROUPINGS = {"criminal-markets", "responses"}  # the two top concepts are too broad to tag anything with


@lru_cache(maxsize=1)
def _matchers() -> tuple[dict[str, str], list[re.Pattern]]:
    """One alternation for the acronyms (case-sensitive) and one for the words (any case), so a text is
    scanned twice whatever the number of labels; the label found maps back to its theme."""
    theme_of: dict[str, str] = {}
    acronyms, words = [], []
    for theme, labels in sorted(theme_labels().items()):
        if theme in GROUPINGS:
            continue
        for label in labels:
            acronym = label.isupper() and len(label) <= 6
            key = _fold(label) if not acronym else label
            theme_of.setdefault(key, theme)
            pattern = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", label))
            (acronyms if acronym else words).append(pattern)
    by_length = lambda ps: sorted(set(ps), key=len, reverse=True)  # noqa: E731 - longest label first
    return theme_of, [re.compile(rf"(?<![\w-])(?:{'|'.join(by_length(acronyms))})s?(?![\w-])"),
                      re.compile(rf"(?<![\w-])(?:{'|'.join(by_length(words))})s?(?![\w-])", re.I)]


def _fold(text: str) -> str:
    return " ".join(re.split(r"[\s\-]+", text.casefold()))


def theme_counts(text: str) -> dict[str, int]:
    """Theme id -> how often its labels occur in ``text``."""
    theme_of, (acronyms, words) = _matchers()
    counts: dict[str, int] = {}
    for m in acronyms.finditer(text):
        theme = theme_of.get(m.group(0)) or theme_of.get(m.group(0)[:-1])
        if theme:
            counts[theme] = counts.get(theme, 0) + 1
    for m in words.finditer(text):
        found = _fold(m.group(0))
        theme = theme_of.get(found) or theme_of.get(found[:-1])
        if theme:
            counts[theme] = counts.get(theme, 0) + 1
    return counts


def find_themes(text: str) -> list[str]:
    """Theme ids whose labels occur in ``text``, most mentioned first (ties by id).

    Examples:
        >>> find_themes("combat human trafficking and the smuggling of migrants (SOM)")
        ['migrant-smuggling', 'human-trafficking']
    """
    counts = theme_counts(text)
    return sorted(counts, key=lambda t: (-counts[t], t))
