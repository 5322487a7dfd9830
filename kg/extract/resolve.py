"""Linking what a report names to what the registries already hold: by name, alias or acronym
(kg.records.name_index), then by close spelling ("John Colling" is John Collins).

A person is never merged silently by spelling alone: "Tariq Pervez" of the FIA is not "Tariq Parvez" of
NIOC. A close spelling links only with a second signal (the same organization or the same title in the
records, or another name of the mention that is an alias on record); otherwise the draft keeps a new
person with a REVIEW question naming the candidates. Every decision is returned as a sentence."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    signal: str | None = None  # for a close spelling: what else says it is the same one

    def note(self, kind: str) -> str:
        how = "same name" if self.score == 1.0 and name_key(self.written) == name_key(self.known_as) else f"'{self.known_as}'"
        text = f"matched existing {kind} {self.id} ({how}, score {self.score:.2f})"
        if self.signal:
            text += f"; second signal: {self.signal}"
        return text if self.score == 1.0 else "REVIEW: " + text


@dataclass
class PersonLink:
    """The decision for one person of the draft: a Match, or none with the candidates not taken."""

    match: Match | None
    candidates: list[tuple[str, str, float]] = field(default_factory=list)  # (id, known as, score) not linked
    decision: str = ""

    def question(self) -> str | None:
        if self.match or not self.candidates:
            return None
        listed = "; ".join(f"{pid} ('{known}', score {score:.2f})" for pid, known, score in self.candidates)
        return (f"REVIEW: close to existing {listed}, not linked: {self.decision}. If this is the same person, "
                "use that id instead of this one everywhere in the draft.")  # fmt: skip


class Resolver:
    """Finds existing people and organizations for names; one per data folder."""

    def __init__(self, records: Records):
        self.records = records
        index = name_index(records)
        self.people_keys = {k: ids & set(records.people) for k, ids in index.items() if ids & set(records.people)}
        self.org_keys = {k: ids & set(records.organizations) for k, ids in index.items() if ids & set(records.organizations)}
        self.orgs_of: dict[str, set[str]] = {}  # person id -> organizations the records tie them to
        self.titles_of: dict[str, set[str]] = {}  # person id -> titles (folded) they appear under
        for report in records.reports:
            for a in report.affiliations:
                self.orgs_of.setdefault(a.person, set()).add(a.organization)
                if a.title:
                    self.titles_of.setdefault(a.person, set()).add(name_key(a.title))
            for event in report.events:
                for part in event.participants:
                    if part.title:
                        self.titles_of.setdefault(part.agent, set()).add(name_key(part.title))

    def person(self, names: list[str]) -> Match | None:
        """The registry person for the first of ``names`` (full name, then aliases) that matches."""
        return self._match(names, self.people_keys, PERSON_CUTOFF, same_length=True)

    def link_person(self, names: list[str], org_ids: set[str], title: str | None) -> PersonLink:
        """Decide whether a person of the report is one already on record.

        An exact name or alias links. A close spelling links only with a second signal: one of
        ``org_ids`` (the person's organizations, as resolved for the draft) among the candidate's in the
        records, the same ``title``, or another of ``names`` on record as the candidate's alias."""
        for written in names:
            ids = self.people_keys.get(name_key(written))
            if ids and len(ids) == 1:
                return PersonLink(Match(next(iter(ids)), written, written, 1.0), decision="same name or alias on record")
            if ids:
                return PersonLink(None, [(i, written, 1.0) for i in sorted(ids)],
                                  f"{len(ids)} people on record share the name '{written}'")  # fmt: skip
        key = name_key(names[0])
        if len(key) < 6:
            return PersonLink(None, decision="no one on record with this name")
        choices = [k for k in self.people_keys if len(self.people_keys[k]) == 1 and len(k.split()) == len(key.split())]
        close = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=PERSON_CUTOFF, limit=3)
        if not close:
            return PersonLink(None, decision="no one on record with this name")
        candidates = [(next(iter(self.people_keys[k])), k, round(score / 100, 2)) for k, score, _ in close]
        if len({c[0] for c in candidates}) == 1:
            pid, known, score = candidates[0]
            signal = self._signal(pid, names, org_ids, title)
            if signal:
                return PersonLink(Match(pid, names[0], known, score, signal), decision=f"close spelling and {signal}")
            return PersonLink(None, candidates, "the spelling differs and nothing else (organization, title, alias) "
                                                "on record says it is the same person")  # fmt: skip
        return PersonLink(None, candidates, "several people on record have a close spelling")

    def _signal(self, pid: str, names: list[str], org_ids: set[str], title: str | None) -> str | None:
        same_org = org_ids & self.orgs_of.get(pid, set())
        if same_org:
            return f"same organization ({', '.join(sorted(same_org))})"
        if title and name_key(title) in self.titles_of.get(pid, set()):
            return f"same title ('{title}')"
        known = {name_key(a) for a in self.records.people[pid].aliases}
        alias = next((n for n in names[1:] if name_key(n) in known), None)
        if alias:
            return f"'{alias}' is an alias on record"
        return None

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
