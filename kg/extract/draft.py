"""Writing an extraction as a records folder (docs/record-format.md) that `kg build` and `kg validate`
accept as it is: people.yaml, organizations.yaml, reports/<id>.yaml and sources/<the report>.
Every guess carries a note starting with "REVIEW:"."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import yaml

from ..export import write_atomic
from ..records import Records
from ..vocab import LEVELS
from . import Extraction
from .orgs import guess_sector
from .resolve import Resolver

HEADER = ("# Draft written by `kg extract` from {source}. Review it before it joins data/: every entry\n"
          "# whose note starts with REVIEW: is a guess; what the text does not say is left out.\n")  # fmt: skip


def slug(text: str, words: int = 8) -> str:
    """A record id: lowercase words joined by hyphens ('Tariq Khosa' -> 'tariq-khosa')."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.casefold())[:words]
    return "-".join(parts) or "x"


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def readable_at(records: Records, level: str) -> tuple[Records, list[str]]:
    """The registries as someone at ``level`` may see them, and the ids left out.

    A draft is passed around, so it is made from this view alone: a person or organization recorded
    above the level is neither linked nor copied, and no id, name or alias of theirs reaches the
    draft, not even as a taken id. A readable organization whose parent is above the level keeps no
    ``parent``.
    """
    rank = LEVELS.index(level)
    people = {k: p for k, p in records.people.items() if LEVELS.index(p.sensitivity) <= rank}
    orgs = {k: o for k, o in records.organizations.items() if LEVELS.index(o.sensitivity) <= rank}
    orgs = {k: o if o.parent in (None, *orgs) else replace(o, parent=None) for k, o in orgs.items()}
    left_out = sorted(set(records.people) - set(people)) + sorted(set(records.organizations) - set(orgs))
    return replace(records, people=people, organizations=orgs), left_out


def build_draft(x: Extraction, source_name: str, records: Records | None = None,
                decisions: list[str] | None = None) -> dict[str, dict]:
    """The draft's documents, ready to write as YAML.

    Parameters:
        x: the extraction of one report.
        source_name: the file name the report gets under sources/ (and its source id, slugged).
        records: existing records; people and organizations found there are linked and copied.
        decisions: when a list, one sentence per person is appended: linked to whom and why, or new and why.

    Returns:
        {'people.yaml': {...}, 'organizations.yaml': {...}, 'reports/<id>.yaml': {...}}

    Examples:
        >>> from kg.extract import extract
        >>> docs = build_draft(extract("Ms. Asha Khan (Director, CFHR) spoke at the talk."), "talk.txt")
        >>> docs["people.yaml"]["people"][0]["id"], sorted(docs)[-1]
        ('asha-khan', 'reports/talk.yaml')
    """
    resolver = Resolver(records) if records else None
    taken: set[str] = set(records.people) | set(records.organizations) if records else set()
    org_ids, orgs_out, copied = {}, [], set()
    for o in x.orgs.orgs:
        match = resolver.organization(o.names()) if resolver else None
        if match:
            org_ids[o.key] = match.id
            for entry in _existing_org(records, match, copied):
                orgs_out.append(entry)
            continue
        oid = _unique(slug(o.acronyms[0] if o.acronyms else o.name, 6), taken)
        org_ids[o.key] = oid
        entry = {"id": oid, "name": o.name}
        if o.acronyms:
            entry["acronyms"] = o.acronyms
        if o.aliases:
            entry["aliases"] = o.aliases
        entry["sector"] = guess_sector(o)
        notes = [f"REVIEW: sector guessed from the name ({entry['sector']})."]
        if o.how:
            notes.append(f"Found as {o.how}.")
        if o.name in o.acronyms:
            notes.append("REVIEW: only the acronym appears in the text; write the full name.")
        entry["note"] = " ".join(notes)
        orgs_out.append(entry)
    new_orgs = {e["id"]: e for e in orgs_out if "REVIEW: sector guessed" in e.get("note", "")}
    for o in x.orgs.orgs:  # a unit of another organization ("IOM's ... Unit"): its parent, for review
        entry = new_orgs.get(org_ids[o.key])
        if entry is not None and o.parent and org_ids.get(o.parent) not in (None, entry["id"]):
            entry["parent"] = org_ids[o.parent]
            entry["note"] += " REVIEW: read as a unit of its parent from the way the text names it."
    person_ids, people_out, matched_people = {}, [], []
    for p in x.people:
        link = None
        if resolver:
            org = x.org_of(p)
            link = resolver.link_person([p.name, *p.aliases], {org_ids[org.key]} if org else set(), x.title_of(p))
            if decisions is not None:
                decisions.append(f"{p.name}: " + (f"linked to {link.match.id} ({link.decision})" if link.match
                                                  else f"new person ({link.decision})"))  # fmt: skip
        match = link.match if link else None
        if match:
            person_ids[id(p)] = match.id
            matched_people.append((p, match))
            continue
        pid = _unique(slug(p.name), taken)
        person_ids[id(p)] = pid
        entry = {"id": pid, "name": p.name}
        if p.honorific:
            entry["honorific"] = p.honorific
        if p.aliases:
            entry["aliases"] = sorted(set(p.aliases))
        notes = [*p.notes, *([link.question()] if link and link.question() else [])]
        if notes:
            entry["note"] = "; ".join(notes)
        people_out.append(entry)
    for p, match in matched_people:
        people_out.append(_existing_person(records, match, p))
    source_id = slug(Path(source_name).stem, 10)
    if source_id in ("registry", "ontology", "metrics"):
        source_id += "-report"
    report = {"source": _source(x, source_id, source_name), "events": [_event(x, source_id, person_ids, org_ids)]}
    affiliations = []
    for a in x.affiliations:
        entry = {"person": person_ids[id(a.person)], "organization": org_ids[a.org.key]}
        if a.title:
            entry["title"] = a.title
        entry["quote"] = a.quote
        affiliations.append(entry)
    if affiliations:
        report["affiliations"] = affiliations
    return {"people.yaml": {"people": people_out}, "organizations.yaml": {"organizations": orgs_out},
            f"reports/{source_id}.yaml": report}  # fmt: skip


def _existing_person(records: Records, match, p) -> dict:
    known = records.people[match.id]
    entry = {"id": known.id, "name": known.name}
    if known.honorific:
        entry["honorific"] = known.honorific
    aliases = set(known.aliases) | ({a for a in [p.name, *p.aliases] if a != known.name and a not in known.aliases})
    if aliases:
        entry["aliases"] = sorted(aliases)
    if known.sensitivity != "public":
        entry["sensitivity"] = known.sensitivity
    entry["note"] = " ".join([match.note("person"), *p.notes, *([known.note] if known.note else [])])
    return entry


def _existing_org(records: Records, match, copied: set[str]) -> list[dict]:
    out, org_id, note = [], match.id, match.note("organization")
    while org_id and org_id not in copied:  # the parent too, so the draft stands on its own
        known = records.organizations[org_id]
        copied.add(org_id)
        entry = {"id": known.id, "name": known.name}
        for key in ("acronyms", "aliases"):
            if getattr(known, key):
                entry[key] = list(getattr(known, key))
        entry["sector"] = known.sector
        if known.kind != "organization":
            entry["kind"] = known.kind
        if known.country:
            entry["country"] = known.country
        if known.parent:
            entry["parent"] = known.parent
        entry["note"] = note + (f" {known.note}" if known.note else "")
        out.append(entry)
        org_id, note = known.parent, "Copied from the registry as the parent of a matched organization."
    return out


def _source(x: Extraction, source_id: str, source_name: str) -> dict:
    title = x.event.name.value if x.event.name else Path(source_name).stem
    out = {"id": source_id, "title": title, "file": f"sources/{source_name}"}
    if x.event.published:
        out["published"] = x.event.published
    notes = []
    if x.report.repeated:
        notes.append(f"{x.report.repeated} line(s) of the file repeat earlier text (the report pasted twice?); each fact is extracted once.")
    if notes:
        out["note"] = " ".join(notes)
    return out


def _event(x: Extraction, source_id: str, person_ids: dict, org_ids: dict) -> dict:
    f = x.event
    name = f.name.value if f.name else source_id
    year = (f.start_date.value if f.start_date else f.published or "")[:4]
    event = {"id": slug(name, 7) + (f"-{year}" if year and not slug(name, 7).endswith(year) else ""), "name": name,
             "type": f.type.value}  # fmt: skip
    quotes, notes = {}, []
    if f.name:
        quotes["name"] = f.name.quote
    if f.name and f.name.note:
        notes.append(f"name: {f.name.note}")
    for key in ("type", "start_date", "end_date", "duration", "venue", "city", "country"):
        fact = getattr(f, key)
        if fact is None or fact.value is None:
            continue
        if key != "type":
            event[key] = fact.value
        if fact.quote:
            quotes[key] = fact.quote
        if fact.note:
            notes.append(f"{key}: {fact.note}")
    for key in ("organizers", "partners", "funders"):
        items = x.lists.get(key, [])
        if items:
            event[key] = list(dict.fromkeys(org_ids[o.key] for o, _ in items))
            quotes[key] = items[0][1]
    if f.counts:
        event["counts"] = {k: v.value for k, v in sorted(f.counts.items())}
        quotes["counts"] = next(iter(f.counts.values())).quote
    if x.themes:
        event["themes"] = x.themes
        notes.append("themes: REVIEW: matched by the labels of ontology/themes.ttl anywhere in the report; keep the ones it is about")
    event["quotes"] = quotes
    if notes:
        event["note"] = "; ".join(notes)
    sections = {}
    participants = []
    for part in x.participations:
        entry = {"person": person_ids[id(part.person)], "role": part.role}
        if part.section:
            if part.section not in sections:  # two headings may fold to the same id
                sections[part.section] = _unique(slug(part.section, 6), set(sections.values()))
            sid = sections[part.section]
            entry["section"] = sid
        if part.title:
            entry["title"] = part.title
        if part.themes:
            entry["themes"] = part.themes
        entry["quote"] = part.quote
        if part.note:
            entry["note"] = part.note
        participants.append(entry)
    if sections:
        event["sections"] = [{"id": sid, "name": name} for name, sid in sections.items()]
        event["participants"] = participants
    elif participants:
        event["participants"] = participants
    return event


def write_draft(out: Path, documents: dict[str, dict], source_text: bytes, source_name: str) -> list[Path]:
    """Write the documents and a copy of the report under ``out``; each file atomically."""
    written = []
    for relative, doc in documents.items():
        path = Path(out) / relative
        text = HEADER.format(source=source_name) + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100_000)
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    target = Path(out) / "sources" / source_name
    write_atomic(target, source_text)
    written.append(target)
    return written


__all__ = ["build_draft", "write_draft", "slug"]
