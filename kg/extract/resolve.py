"""Linking what a report names to what the registries already hold: by name, alias or acronym
(kg.records.name_index), then by close spelling ("John Colling" is John Collins)."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..records import Records, name_index, name_key

PERSON_CUTOFF = 90  # rapidfuzz ratio on folded names; "john colling" ~ "john collins" is 91.7
ORG_CUTOFF = 92


@dataclass(frozen=True)
class Match:
    id: str
    written: str  # the name as the report writes it
    known_as: str  # the registry's name or alias it matched
    score: float  # 1.0 for an exact name, alias or acronym

    def note(self, kind: str) -> str:
        how = "same name" if self.score == 1.0 and name_key(self.written) == name_key(self.known_as) else f"'{self.known_as}'"
        text = f"matched existing {kind} {self.id} ({how}, score {self.score:.2f})"
        return text if self.score == 1.0 else "REVIEW: " + text


class Resolver:
    """Finds existing people and organizations for names; one per data folder."""

    def __init__(self, records: Records):
        self.records = records
        index = name_index(records)
        self.people_keys = {k: ids & set(records.people) for k, ids in index.items() if ids & set(records.people)}
        self.org_keys = {k: ids & set(records.organizations) for k, ids in index.items() if ids & set(records.organizations)}

    def person(self, names: list[str]) -> Match | None:
        """The registry person for the first of ``names`` (full name, then aliases) that matches."""
        return self._match(names, self.people_keys, PERSON_CUTOFF, same_length=True)

    def organization(self, names: list[str]) -> Match | None:
        return self._match(names, self.org_keys, ORG_CUTOFF, same_length=False)

    def _match(self, names, keys: dict[str, set[str]], cutoff: int, same_length: bool) -> Match | None:
        for written in names:
            ids = keys.get(name_key(written))
            if ids and len(ids) == 1:
                return Match(next(iter(ids)), written, written, 1.0)
        for written in names[:1]:
            key = name_key(written)
            choices = [k for k in keys if len(keys[k]) == 1 and (not same_length or len(k.split()) == len(key.split()))]
            best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best and len(key) >= 6:
                return Match(next(iter(keys[best[0]])), written, best[0], round(best[1] / 100, 2))
        return None
