"""The extractor's yardstick: precision, recall and F1 against a hand-made gold file.

Gold files (tests/gold/*.gold.yaml) list ``people`` (name, title, organization, organization_acronym)
and ``organizations`` (name, acronyms). Matching rules:

- people: names equal after folding case, punctuation and leading honorifics (Mr., Dr., Ambassador ...
  and the prefix Syed), one-to-one;
- titles: (person, title) pairs, titles compared after normalization (case, punctuation, "&" = "and",
  a trailing "of/at <organization>" or the organization's name or acronym removed);
- organizations: a predicted organization matches a gold one when any of their names or acronyms
  are equal after folding, one-to-one;
- affiliations: (person, title, organization) triples for people with an organization; person as above,
  the organization matched by name or acronym, and the titles compared after removing, at either end,
  any name or acronym of the two matched organizations ("Inspector General Police Punjab" of the Punjab
  Police = "Inspector General" of the Police Punjab).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records.names import DESIGNATIONS, HONORIFICS, NAME_PREFIXES, name_key
from ..yamlfile import load
from . import Extraction

# a person is compared by the records' name key, without the titles extraction reads before a name or a
# lineage prefix one source writes and another leaves out ("Syed")
IGNORED_BEFORE_NAME = {*HONORIFICS, *DESIGNATIONS, *NAME_PREFIXES}


@dataclass
class Score:
    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def person_key(name: str) -> str:
    words = name_key(name).split()
    while len(words) > 1 and words[0] in IGNORED_BEFORE_NAME:
        words = words[1:]
    return " ".join(words)


def org_keys(names) -> set[str]:
    return {" ".join(re.sub(r"[^\w\s]", " ", n.casefold()).split()) for n in names if n}


def title_key(title: str | None, org_names=()) -> str:
    if not title:
        return ""
    text = " " + " ".join(re.sub(r"[^\w\s&]", " ", title.casefold().replace("&", " and ")).split()) + " "
    names = sorted(org_keys(org_names), key=len, reverse=True)
    for _ in range(3):  # "European Union (EU) Ambassador": the name, then the acronym
        for name in names:
            text = re.sub(rf"\s(?:of|at)\s{re.escape(name)}\s$| {re.escape(name)} $", " ", text)
            text = re.sub(rf"^ {re.escape(name)} (?=\S)", " ", text)
    return " ".join(text.split())


def load_gold(path) -> dict:
    doc = load(path)
    return {"people": list(doc.get("people") or []), "organizations": list(doc.get("organizations") or [])}


def _one_to_one(predicted: list, gold: list, same) -> int:
    used, tp = set(), 0
    for p in predicted:
        for i, g in enumerate(gold):
            if i not in used and same(p, g):
                used.add(i)
                tp += 1
                break
    return tp


def evaluate(x: Extraction, gold: dict) -> dict[str, Score]:
    """Scores for people, titles, organizations and affiliations (see the module's rules)."""
    g_people = gold["people"]
    g_orgs = [org_keys([o.get("name"), *(o.get("acronyms") or [])]) for o in gold["organizations"]]

    def gold_org(person) -> set[str]:
        names = [person.get("organization"), person.get("organization_acronym")]
        keys = org_keys(names)
        for k in g_orgs:  # widen with the gold organization's other names
            if keys & k:
                keys |= k
        return keys

    p_people = [person_key(p.name) for p in x.people]
    people = Score(_one_to_one(p_people, [person_key(g["name"]) for g in g_people], str.__eq__), len(p_people), len(g_people))

    p_orgs = [org_keys(o.names()) for o in x.orgs.orgs]
    orgs = Score(_one_to_one(p_orgs, g_orgs, lambda a, b: bool(a & b)), len(p_orgs), len(g_orgs))

    p_titles = []
    p_affs = []
    for p in x.people:
        org = x.org_of(p)
        names = org.names() if org else []
        title = x.title_of(p)
        if title:
            p_titles.append((person_key(p.name), title_key(title, names)))
        if org:
            p_affs.append((person_key(p.name), title, org_keys(names)))
    g_titles, g_affs = [], []
    for g in g_people:
        keys = gold_org(g)
        names = [g.get("organization"), g.get("organization_acronym")]
        if g.get("title"):
            g_titles.append((person_key(g["name"]), title_key(g["title"], names)))
        if keys:
            g_affs.append((person_key(g["name"]), g.get("title"), keys))
    titles = Score(_one_to_one(p_titles, g_titles, lambda a, b: a == b), len(p_titles), len(g_titles))

    def same_aff(a, b):  # the titles without the organization's names, any spelling of either side's
        both = a[2] | b[2]
        return a[0] == b[0] and bool(a[2] & b[2]) and title_key(a[1], both) == title_key(b[1], both)

    affs = Score(_one_to_one(p_affs, g_affs, same_aff), len(p_affs), len(g_affs))
    return {"people": people, "titles": titles, "organizations": orgs, "affiliations": affs}


def table(scores: dict[str, Score]) -> str:
    lines = [f"{'':14} {'precision':>9} {'recall':>7} {'F1':>6}   (matched / predicted / gold)"]
    for name, s in scores.items():
        lines.append(f"{name:14} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f}   ({s.tp} / {s.predicted} / {s.gold})")
    return "\n".join(lines)
