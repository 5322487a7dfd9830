"""Names for matching: one folding (``name_key``), the honorifics it ignores, and the index of the
names and aliases of people and organizations (``NameMatcher``, ``name_index``, ``resolve``)."""

from __future__ import annotations

import re
import unicodedata

from .model import Records

# The one vocabulary of what may stand before a name, shared by the records, extraction and evaluation.
# Courtesy titles: a name comparison ignores them ("Dr. Zoë Lee" is "Zoë Lee").
HONORIFICS = ("mr", "mrs", "ms", "miss", "dr", "prof", "professor", "ambassador", "sir", "madam")
# Designations extraction also reads as titles before a name ("Justice Ali Baqar", "Hon. Jane Roe", "FCPA
# John Doe"), but a name comparison keeps: "Justice", "Senator" and "Dame" are also given names, and a
# record keeps a name as its source writes it.
DESIGNATIONS = ("engr", "hon", "mx", "mister", "justice", "senator", "dame", "barrister")
CREDENTIALS = ("CPA", "FCPA", "CA", "FCA", "FCCA", "ACCA", "CPS", "FCPS", "CFE", "Adv.", "Rev.", "Rev", "Amb.")
# Lineage prefixes: part of the name as written ("Syed Kaleem Imam"), yet often left out by another
# source, so evaluation compares names without them.
NAME_PREFIXES = ("syed", "syeda", "sayed", "sayyid", "sayyed")
# a hyphen (or soft hyphen) at the end of a line may join the two halves of one word ("Quim-\nby")
_LINE_END_HYPHEN = re.compile(r"[-\u00ad\u2010\u2011]\s*[\n\r\u2028\u2029\v\f]\s*")


def _fold(text: str) -> str:
    """Text as the name matcher sees it: Unicode compatibility-normalized and case-folded (NFKC,
    casefold), accents dropped (so "Zoe" in a URL matches "Zoë"), invisible format characters (soft
    hyphen, zero-width space and joiners, BOM) removed, and every dash, punctuation mark, underscore
    and line break turned into one space."""
    if text.isascii():  # most text: nothing to normalize, and no accents or invisible characters
        return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Cf"))
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text)).split())


def name_key(name: str) -> str:
    """A name folded for matching (see ``_fold``), leading honorifics ignored: "Dr. Zoë Quimby‑Lee",
    "ZOE\u0308 QUIMBY LEE" and "zoe quimby-lee" have the same key. The one folding every name
    comparison uses."""
    words = _fold(name).split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def name_variants(name: str, person: bool = False) -> set[str]:
    """The keys a name is known by: its own, and for a person also surname first ("Quimby-Lee,
    Zelda" for "Zelda Quimby-Lee"; every rotation of the words, so "Mary Ann Lee" gives "Lee Mary
    Ann" and "Ann Lee Mary")."""
    keys = {name_key(name)}
    words = name.split()
    if person:
        while len(words) > 1 and _fold(words[0]) in HONORIFICS:
            words = words[1:]
        keys |= {name_key(" ".join(words[k:] + words[:k])) for k in range(1, len(words))}
    return {k for k in keys if k}


def text_keys(text: str) -> list[str]:
    """A running text (a quote, a title, a URL) folded like names. A soft hyphen, or a hyphen that
    ends a line, may stand for a hyphen or join one word ("Quim-\nby"): every reading is returned,
    so a name matches whichever was meant."""
    if "\u00ad" not in text and not _LINE_END_HYPHEN.search(text):
        return [name_key(text)]
    keys = []
    for soft in (" ", ""):
        for line_end in (" ", ""):
            key = name_key(_LINE_END_HYPHEN.sub(line_end, text).replace("\u00ad", soft))
            if key not in keys:
                keys.append(key)
    return keys


class NameMatcher:
    """Finds which of a set of names a text uses, as whole words, after ``_fold``: the one place
    where names are looked for in text (quotes and free text in the build, extraction's lookups)."""

    def __init__(self, names):
        """``names``: (name, value, is_person) triples; ``find`` returns the values of those used."""
        self.keys: dict[str, set] = {}
        for name, value, person in names:
            for key in name_variants(name, person):
                self.keys.setdefault(key, set()).add(value)
        self._by_first: dict[str, list[str]] = {}
        for key in self.keys:
            self._by_first.setdefault(key.split()[0], []).append(key)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def find(self, text: str) -> set:
        found: set = set()
        for folded in text_keys(text):
            padded = f" {folded} "
            for word in set(folded.split()):
                for key in self._by_first.get(word, ()):
                    if f" {key} " in padded:
                        found |= self.keys[key]
        return found


def name_index(records: Records) -> dict[str, set[str]]:
    """Folded name, alias or acronym (a person's also surname first) -> ids of the people and
    organizations known by it."""
    index: dict[str, set[str]] = {}
    for p in records.people.values():
        for name in (p.name, *p.aliases):
            for key in name_variants(name, person=True):
                index.setdefault(key, set()).add(p.id)
    for o in records.organizations.values():
        for name in (o.name, *o.acronyms, *o.aliases):
            for key in name_variants(name):
                index.setdefault(key, set()).add(o.id)
    return index


def resolve(records: Records, name: str) -> set[str]:
    """Ids of the people and organizations that a name, alias or acronym refers to (often one)."""
    return name_index(records).get(name_key(name), set())
