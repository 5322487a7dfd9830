"""The event's own facts: name, type, dates, venue, city, country, organizers, partners, funders,
counts, duration, and each person's part in it (from the section heading or the verb of the sentence).
Every value comes with the sentence it was read from; values that are inferred carry a REVIEW note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import as_date, find_dates, relative_date
from .places import CITIES, COUNTRIES, country_of
from .text import Report, field_value

EVENT_TYPES = [  # (pattern, type) in order of preference
    (r"round[- ]?table", "roundtable"), (r"workshop", "workshop"), (r"conference|summit|symposium", "conference"),
    (r"webinar", "webinar"), (r"training|course", "training"), (r"dialogue|consultation", "dialogue"),
    (r"session|seminar|panel discussion", "session"), (r"meeting", "meeting"), (r"launch", "launch"),
]  # fmt: skip
HELD = re.compile(r"\b(held|hosted|organi[sz]ed|took place|convened|conducted|arranged|wound up|concluded|was holding|"
                  r"ran from|runs from)\b", re.I)
NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                           "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}  # fmt: skip
_NUM = r"(\d[\d,]*|" + "|".join(NUMBER_WORDS) + r")"
COUNTS = [
    (re.compile(rf"\b{_NUM}\s+(?:in[- ]person|on[- ]site|physical)\s+(?:participants|attendees)", re.I), "in_person"),
    (re.compile(rf"\b{_NUM}\s+(?:online|virtual|remote)\s+(?:participants|attendees)", re.I), "online"),
    (re.compile(rf"\b{_NUM}\s+experts\b", re.I), "experts"),
    (re.compile(rf"\b{_NUM}\s+countries\b", re.I), "countries"),
    (re.compile(rf"\b{_NUM}\s+(?:participants|attendees|people)\s+(?:attended|took part|participated|joined)", re.I), "total"),
]  # fmt: skip
DURATION = re.compile(rf"\b{_NUM}[- ](hour|day|week)s?\b", re.I)
SECTION_ROLES = [(r"introduct|opening|welcome|inaugura", "opening-speaker"), (r"keynote", "keynote-speaker"),
                 (r"round[- ]?table|panel", "roundtable-speaker"), (r"closing|concluding|vote of thanks", "closing-speaker"),
                 (r"unveil", "unveiler"), (r"moderat", "moderator"), (r"presentation", "presenter")]  # fmt: skip
SENTENCE_ROLES = [(r"\bmoderat", "moderator"), (r"\bfacilitat", "facilitator"), (r"\bpresentation\b|\bpresented\b", "presenter"),
                  (r"closing (?:address|remarks|speech|note)|concluding remarks|vote of thanks", "closing-speaker"),
                  (r"\bwelcome\b|opening remarks|introductory remarks|opened the|inaugura", "opening-speaker"),
                  (r"\bkeynote", "keynote-speaker"), (r"\bunveil", "unveiler"), (r"round[- ]?table", "roundtable-speaker"),
                  (r"\battended\b|in attendance", "attendee"), (r"\btook part\b|\bparticipated\b", "participant"),
                  (r"\b(said|spoke|addressed|highlighted|emphasi[sz]ed|stressed|noted|discussed|underscored|called|"
                   r"urged|told|pointed|argued|shared|described|championed|acknowledged|added|explained|stated)\b", "speaker")]  # fmt: skip
LIST_ROLES = [(r"\b[Oo]rgani[sz]ed by\b|\bfor (?:jointly )?organi[sz]ing\b|\bOrgani[sz]ers?\b(?: and [Pp]artners)?:|\bhosted by\b|\bheld by\b", "organizers"),
              (r"\b[Ff]und(?:ed|ing|s)\b|\bsponsor|\bfinanced\b|\bsupported by\b|\bwith the support of\b|\bbacking\b", "funders"),
              (r"\b(?:together|in collaboration|in partnership|in association|in cooperation|jointly) with\b|\bpartner", "partners")]  # fmt: skip
RELATED = re.compile(r"^(related (works|articles|posts|news|stories)|read more|see also|more news|view all)", re.I)


@dataclass
class Fact:
    value: object
    quote: str
    note: str | None = None


@dataclass
class EventFacts:
    name: Fact | None = None
    type: Fact | None = None
    start_date: Fact | None = None
    end_date: Fact | None = None
    duration: Fact | None = None
    venue: Fact | None = None
    city: Fact | None = None
    country: Fact | None = None
    counts: dict[str, Fact] = field(default_factory=dict)
    lists: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # organizers -> [(org text, quote)]
    published: str | None = None  # the report's own date (byline or a date line)
    main_lines: int = 0  # lines before a "Related works" block


def main_part(report: Report) -> int:
    """Index of the first line of a trailing "Related works"/"Read more" block (or len(lines))."""
    for i, line in enumerate(report.lines):
        if i > 3 and RELATED.match(line):
            return i
    return len(report.lines)


def read_event(report: Report) -> EventFacts:
    facts = EventFacts(main_lines=main_part(report))
    sentences = [s for s in report.sentences if s.line < facts.main_lines]
    byline = _byline(report, facts)
    year = int(byline.isoformat()[:4]) if byline else None
    fields = {f[0].casefold(): (f[1], line) for line in report.lines[: facts.main_lines] if (f := field_value(line))}
    # name: a "Title:" field, else the first heading (the headline)
    if "title" in fields:
        facts.name = Fact(fields["title"][0], fields["title"][1])
    else:
        headline = next((line for line in report.lines[: facts.main_lines] if len(line.split()) >= 3
                         and not (find_dates(line) and len(line.split()) <= 6)), None)  # not a date line
        if headline:
            facts.name = Fact(headline.rstrip("."), headline, "REVIEW: the headline, not necessarily the event's own name")
    # type: the first event word in a sentence that says it was held, else anywhere
    held = [s.text for s in sentences if HELD.search(s.text)] + [s.text for s in sentences]
    for text in held:
        found = [(m.start(), kind) for pattern, kind in EVENT_TYPES for m in re.finditer(pattern, text, re.I)]
        if found:
            facts.type = Fact(min(found)[1], text)
            break
    if facts.type is None:
        facts.type = Fact("other", facts.name.quote if facts.name else "", "REVIEW: no event type word found")
    _dates(sentences, fields, byline, year, facts)
    _place(sentences, fields, facts)
    for s in sentences:
        for pattern, key in COUNTS:
            m = pattern.search(s.text)
            if m and key not in facts.counts:
                facts.counts[key] = Fact(_number(m.group(1)), s.text)
        m = DURATION.search(s.text)
        if m and facts.duration is None and re.search(r"event|workshop|session|conference|training|meeting|roundtable|dialogue|course", s.text, re.I):
            unit = {"hour": "TH", "day": "D", "week": "W"}[m.group(2).casefold()]
            n = _number(m.group(1))
            facts.duration = Fact(f"PT{n}H" if unit == "TH" else f"P{n}{unit}", s.text)
    return facts


def _number(text: str) -> int:
    text = text.casefold().replace(",", "")
    return NUMBER_WORDS[text] if text in NUMBER_WORDS else int(text)


def _byline(report: Report, facts: EventFacts) -> date | None:
    """The report's own date: a line that is only a date, or a dateline ("KARACHI, 1st Mar, 2024: ...")."""
    for line in report.lines[: facts.main_lines or None]:
        dates = find_dates(line)
        if dates and (len(line) <= len(dates[0].text) + 4 or re.match(r"^[A-Z][A-Za-z .]{1,30}[,(]\s*$", line[: dates[0].span[0]])
                      or _date_first(line, dates[0])):
            facts.published = dates[0].start
            if len(dates[0].start) == 10:
                return as_date(dates[0].start)
    return None


def _date_first(line: str, d) -> bool:
    """A line that opens with a date and a colon, with no place before it ("14th June 2025: ...")."""
    return d.span[0] == 0 and line[d.span[1] : d.span[1] + 1] == ":"


def _dates(sentences, fields, byline, year, facts: EventFacts) -> None:
    if "date" in fields:
        found = find_dates(fields["date"][0], year)
        if found:
            facts.start_date = Fact(found[0].start, fields["date"][1])
            facts.end_date = Fact(found[0].end, fields["date"][1])
            return
    for s in sentences:
        if not HELD.search(s.text) and not re.search(r"\b(event|workshop|session|conference|on)\b", s.text, re.I):
            continue
        text = s.text
        dateline = re.match(r"^[A-Z][A-Za-z .]{1,30}[,(]\s*([^:]{4,25})[:)\-–—]", text)
        if dateline and find_dates(dateline.group(1)):
            text = text[dateline.end() :]
        first = find_dates(text)
        if first and _date_first(text, first[0]):  # "14th June 2025: ...": the report's date, not the event's
            text = text[first[0].span[1] + 1 :]
        found = [d for d in find_dates(text, year) if len(d.start) == 10]
        if found and HELD.search(text):
            d = found[0]
            note = "REVIEW: the text gives no year; the byline's year was used" if d.guessed_year else None
            facts.start_date, facts.end_date = Fact(d.start, s.text, note), Fact(d.end, s.text, note)
            return
        rel = relative_date(text, byline) if HELD.search(text) else None
        if rel:
            day, words = rel
            note = f"REVIEW: \"{words}\" counted back from the report's date {byline.isoformat()}"
            if words.casefold() == "yesterday" and re.search(r"wound up|concluded|ended|closed", text, re.I):
                facts.end_date = Fact(day, s.text, note)
            else:
                facts.start_date, facts.end_date = Fact(day, s.text, note), Fact(day, s.text, note)
            return


def _place(sentences, fields, facts: EventFacts) -> None:
    if "venue" in fields:
        venue, quote = fields["venue"]
        parts = [p.strip() for p in venue.split(",")]
        facts.venue = Fact(parts[0], quote)
        for p in parts:
            for w in [p, *p.split()]:
                if w in CITIES and not facts.city:
                    facts.city = Fact(w, quote)
                if w in COUNTRIES and not facts.country:
                    facts.country = Fact(w, quote)
    for s in sentences:
        if facts.venue is None:
            m = re.search(r"\b(?:held|took place|organi[sz]ed|hosted)\b[^.]*?\bat\s+((?:the\s+|a\s+)?[A-Za-z][\w'’ .\-]+?)(?:,|\.|\s+and\b|\s+on\b|$)", s.text)
            if m:
                facts.venue = Fact(m.group(1).strip(), s.text)
        if facts.city is None:
            dateline = re.match(r"^([A-Z][A-Za-z]+)\s*[,:\-–—(]", s.text)
            candidates = [dateline.group(1).title()] if dateline else []
            if HELD.search(s.text) or dateline:
                candidates += re.findall(r"\b(?:in|at)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)", s.text)
                candidates += [w for w in re.findall(r"[A-Z][a-z]+", s.text)]
            for c in candidates:
                if c in CITIES:
                    facts.city = Fact(c, s.text)
                    break
        if facts.city and facts.country is None and facts.city.quote == s.text:
            expected = country_of(facts.city.value)
            named = sorted(c for c in COUNTRIES if re.search(rf"\b{re.escape(c)}\b", s.text))
            if expected in named or (expected is None and len(named) == 1):
                facts.country = Fact(expected or named[0], s.text)
    if facts.city and facts.country is None and country_of(facts.city.value):
        facts.country = Fact(country_of(facts.city.value), facts.city.quote,
                             f"REVIEW: the country is that of the city {facts.city.value}; the text does not name it here")


def role_of(report: Report, sentence_index: int, name_start: int) -> tuple[str, str | None]:
    """The part a person mentioned in this sentence had: from the heading above it, else the sentence's
    verb; 'participant' (to review) when neither says."""
    s = report.sentences[sentence_index]
    heading = report.headings.get(s.line, "")
    if heading and heading != report.lines[s.line]:
        for pattern, role in SECTION_ROLES:
            if re.search(pattern, heading, re.I):
                return role, heading
    for pattern, role in SENTENCE_ROLES:
        if re.search(pattern, s.text, re.I):
            return role, None
    return "participant", "?"  # no cue: used only when nothing else says what part the person had
