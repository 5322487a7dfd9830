"""Report text -> draft event records (``kg extract``).

The pipeline, one module a step: text (read, de-duplicate, split) -> mentions (person patterns) ->
people (one per individual) -> orgs (acronyms, names) -> event (dates, place, lists, roles) ->
themes -> resolve (against existing registries) -> draft (a records folder) / evaluate (against gold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .event import LIST_ROLES, EventFacts, read_event, role_of
from .mentions import find_mentions
from .orgs import DEFINITION, ORG_HEADS, WELL_KNOWN, Org, OrgTable, has_head, is_acronym, long_form, org_names, sub_units
from ..records import name_key
from .people import Person, group_people
from .text import Report, ReportError, prepare, read_report
from .themes import find_themes, theme_counts

GENERIC_ROLES = {"speaker", "participant", "attendee"}


@dataclass
class Affiliation:
    person: Person
    org: Org
    title: str | None
    quote: str


@dataclass
class Participation:
    person: Person
    role: str
    quote: str
    section: str | None
    title: str | None
    themes: list[str]
    note: str | None = None


@dataclass
class Extraction:
    report: Report
    event: EventFacts
    people: list[Person]
    orgs: OrgTable
    affiliations: list[Affiliation] = field(default_factory=list)
    participations: list[Participation] = field(default_factory=list)
    lists: dict[str, list[tuple[Org, str]]] = field(default_factory=dict)  # organizers -> [(org, quote)]
    themes: list[str] = field(default_factory=list)
    themes_quote: str | None = None

    def org_of(self, person: Person) -> Org | None:
        return next((a.org for a in self.affiliations if a.person is person), None)

    def title_of(self, person: Person) -> str | None:
        m = person.first_titled
        return m.title if m else None


def extract(text: str) -> Extraction:
    """Everything the text says about its event, its people and organizations.

    Parameters:
        text: the report's text as received (it may hold the report twice).

    Returns:
        An Extraction: people, organizations, affiliations, the event's facts and participations,
        each fact with its sentence.

    Examples:
        >>> x = extract("Workshop on trafficking\\n\\nMs. Asha Khan (Director, Example Org) opened the workshop.")
        >>> [(p.name, x.title_of(p), x.org_of(p).name) for p in x.people]
        [('Asha Khan', 'Director', 'Example Org')]
    """
    report = prepare(text)
    facts = read_event(report)
    orgs = OrgTable()
    main = [s for s in report.sentences if s.line < facts.main_lines]
    for s in report.sentences:  # acronyms defined in parentheses, first: later mentions use them
        for m in DEFINITION.finditer(s.text):
            name = long_form(s.text[: m.start()], m.group("acr"))
            if name and has_head(name):
                orgs.add(name, m.group("acr"), s.text, "acronym defined in parentheses")
    mentions = [m for s in report.sentences for m in find_mentions(s.text, s.index)]
    people = group_people(mentions)
    x = Extraction(report, facts, people, orgs)
    for person in people:
        m = person.first_titled
        if m and m.org:
            org = _affiliation_org(m.org, orgs, report.sentences[: m.sentence + 1])
            if org is not None:
                x.affiliations.append(Affiliation(person, org, m.title, report.sentences[m.sentence].text))
    venue = facts.venue.value if facts.venue else ""
    person_names = "\n".join(p.name.casefold() for p in people)
    for s in main:
        units = sub_units(s.text)  # "the Department of Sociology of X University", "IOM's ... Unit"
        for name, _ in _names_apart_from_units(s.text, units):
            if name not in venue and name.casefold() not in person_names:
                orgs.add(name, quote=s.text, how="an organization's name in the text")
        for unit, parent in units:
            if unit.casefold() not in person_names:
                orgs.add(unit, quote=s.text, how="a unit of another organization").parent = orgs.add(parent, quote=s.text).key
    x.lists = _org_lists(main, orgs)
    _participations(x)
    # the event's themes: those the report returns to (twice or more), or names in its opening sentences
    counts = theme_counts(" ".join(s.text for s in main))
    opening = set(find_themes(" ".join(s.text for s in main[:4])))
    x.themes = [t for t in sorted(counts, key=lambda t: (-counts[t], t)) if counts[t] >= 2 or t in opening]
    x.themes_quote = next((s.text for s in main if find_themes(s.text)), None)
    return x


def _affiliation_org(written: str, orgs: OrgTable, sentences) -> Org | None:
    """The organization a person's title names: "Financial Monitoring Unit (FMU)", a unit of another
    ("IOM's Immigration and Protection Unit"), or "the Commission" standing for one named before it."""
    quote = sentences[-1].text
    org_text = re.sub(r"^the\s+", "", written.strip())
    if org_text.casefold() in ORG_HEADS:  # "the Commission's Director": the organization named before, if only one fits
        return _named_before(org_text, orgs, sentences)
    possessive = re.match(r"^(.+?)['’]s\s+(.+)$", org_text)
    if possessive and (is_acronym(possessive.group(1)) or has_head(possessive.group(1))) and has_head(possessive.group(2)):
        parent = orgs.add(possessive.group(1), possessive.group(1) if is_acronym(possessive.group(1)) else None, quote,
                          "named as the organization of a person's unit")  # fmt: skip
        unit = orgs.add(possessive.group(2), None, quote, "a unit of another organization, named in a person's title")
        unit.parent = parent.key
        return unit
    defined = re.match(r"^(.+?)\s*\(([A-Z][\w\-]*)\)$", org_text)  # "Financial Monitoring Unit (FMU)"
    name, acronym = (defined.group(1), defined.group(2)) if defined else (org_text, org_text if is_acronym(org_text) else None)
    return orgs.add(name, acronym, quote, "named as a person's organization")


def _named_before(head: str, orgs: OrgTable, sentences) -> Org | None:
    """The one organization, named in the sentences so far, whose name ends in ``head`` or whose acronym's
    last letter is the head's initial (EACC ... "the Commission"); None when none or several fit."""
    text = " ".join(s.text for s in sentences)
    fits = []
    for org in orgs.orgs:
        if not any(n in text for n in org.names()):
            continue
        words = org.name.split()
        if words[-1].casefold() == head.casefold() or any(a[-1:] == head[0].upper() for a in org.acronyms if a.isupper()):
            fits.append(org)
    return fits[0] if len(fits) == 1 else None


def _names_apart_from_units(text: str, units) -> list[tuple[str, int]]:
    """org_names without the names that join a unit and its organization ("Department of Sociology of X
    University"): the two are added one by one."""
    joined = [(name_key(u) + " of ", name_key(f"{p} {u}")) for u, p in units]
    return [(n, at) for n, at in org_names(text) if not any(name_key(n).startswith(a) or name_key(n) == b for a, b in joined)]


def _orgs_in(text: str, orgs: OrgTable) -> list[Org]:
    """Organizations named in a piece of text, in order: known names and acronyms, new names, and
    acronyms used alone ("the UNODC")."""
    found: dict[str, tuple[int, Org]] = {}
    for name, at in _names_apart_from_units(text, sub_units(text)):
        org = orgs.add(name, quote="", how="named in a list of organizers, partners or funders")
        found.setdefault(org.key, (at, org))
    for org in list(orgs.orgs):
        for n in org.names():
            if n not in text:
                continue
            m = re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)
            if m:
                found.setdefault(org.key, (m.start(), org))
    for m in re.finditer(r"(?<![\w-])[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", text):
        token = m.group(0)
        if is_acronym(token) and not any(token in o.names() for _, o in found.values()):
            org = orgs.find(token) or (orgs.add(WELL_KNOWN[token], token, how="named by acronym only")
                                       if token in WELL_KNOWN else orgs.add(token, token, how="named by acronym only"))
            found.setdefault(org.key, (m.start(), org))
    return [o for _, o in sorted(found.values(), key=lambda t: t[0])]


def _org_lists(sentences, orgs: OrgTable) -> dict[str, list[tuple[Org, str]]]:
    lists: dict[str, list[tuple[Org, str]]] = {}

    def put(key, found, quote):
        bucket = lists.setdefault(key, [])
        for org in found:
            if all(org is not o for o, _ in bucket):
                bucket.append((org, quote))

    for s in sentences:
        for pattern, key in LIST_ROLES:
            for m in re.finditer(pattern, s.text):
                before, after = s.text[: m.start()], s.text[m.end() :]
                if re.search(r"for (?:jointly )?organi", m.group(0)):  # "thanked A, B and C for jointly organizing"
                    thanked = re.split(r"\bthank(?:ed|s to)?\b|\bgrateful to\b", before)
                    span = thanked[-1] if len(thanked) > 1 else before
                else:
                    span = re.split(r",\s+(?:and\s+)?[A-Z][\w\-]*\s+(?:conveyed|said|held|has|had|was|is)\b|;|,\s+(?:held|and the workshop)|\.\s", after)[0]
                    span = re.split(r",\s+(?=held\b|hold\b|organi[sz]ed\b)|\s+conveyed\b", span)[0]
                    span = re.split(r"\b(?:is|are|was|were|will|would|that|which|who|he|she|they|it)\b", span)[0]
                    if key == "partners":
                        span = span.split(",")[0]
                put(key, _orgs_in(span, orgs), s.text)
        held = re.search(r"\b(?:has|have|had)?\s*(?:held|hosted|organi[sz]ed|convened|conducted)\s+(?:a|an|the)\b", s.text)
        if held:  # "SHARP-Pakistan has held a consultative workshop": the subject organized it
            subject = re.split(r",\s*(?:working|together|in collaboration|in partnership|jointly)", s.text[: held.start()])[0]
            subject = re.sub(r"^[A-Z][A-Za-z .]{1,30}[,(]\s*[^:]{4,25}:\s*|^[A-Z]+\s*[:\-–—]\s*", "", subject)
            put("organizers", _orgs_in(subject, orgs), s.text)
    partners = {o.key for o, _ in lists.get("partners", [])}
    if "organizers" in lists:
        lists["organizers"] = [(o, q) for o, q in lists["organizers"] if o.key not in partners]
    return lists


def _participations(x: Extraction) -> None:
    report, main_lines = x.report, x.event.main_lines
    person_sentences = {m.sentence: p for p in x.people for m in p.mentions}
    for person in x.people:
        roles: dict[str, Participation] = {}
        for m in sorted(person.mentions, key=lambda m: m.sentence):
            s = report.sentences[m.sentence]
            if s.line >= main_lines:
                continue
            role, heading = role_of(report, m.sentence, m.start)
            if heading == "?":
                if roles or (m.short and len(person.name.split()) > 1):  # a surname alone, outside the report
                    continue
                heading = None
            if role in roles:
                continue
            # themes: this sentence and the following ones of the paragraph until another person is named
            texts = [s.text]
            for i in range(m.sentence + 1, len(report.sentences)):
                nxt = report.sentences[i]
                if nxt.line != s.line or person_sentences.get(nxt.index, person) is not person:
                    break
                texts.append(nxt.text)
            note = "REVIEW: no word in the text says what part this person had" if role == "participant" and m.how != "list of people" else None
            roles[role] = Participation(person, role, s.text, heading, m.written, find_themes(" ".join(texts)), note)
        specific = [r for r in roles if r not in GENERIC_ROLES]
        said = [r for r, part in roles.items() if part.note is None]
        for role, part in roles.items():
            if part.note and said:
                continue  # "no word says what part": another sentence does
            if not specific or role not in GENERIC_ROLES:
                x.participations.append(part)
        if not roles:
            person.notes.append("REVIEW: named only outside the event's own report (e.g. under related items); "
                                "not recorded as a participant")  # fmt: skip


__all__ = ["extract", "Extraction", "ReportError", "read_report"]
