"""The records as Python objects: people, organizations, sources, events and what reports state,
each with where it was written (``Loc``), and ``Problem``, a finding that names file, line and field."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
RESERVED_SOURCE_IDS = {"registry", "ontology", "metrics"}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.field}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class RecordsInvalid(Exception):
    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        super().__init__(f"{len(problems)} problem(s) in the records")
        self.problems = problems
        self.warnings = warnings or []


@dataclass
class Loc:
    file: str
    line: int


@dataclass
class Person:
    id: str
    name: str
    loc: Loc
    honorific: str | None = None
    aliases: list[str] = field(default_factory=list)
    sensitivity: str = "public"
    note: str | None = None


@dataclass
class Organization:
    id: str
    name: str
    sector: str
    loc: Loc
    acronyms: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    kind: str = "organization"
    country: str | None = None
    parent: str | None = None
    sensitivity: str = "public"
    note: str | None = None


@dataclass
class Source:
    id: str
    title: str
    file: str
    loc: Loc
    url: str | None = None
    published: str | None = None
    type: str | None = None
    note: str | None = None
    sensitivity: str = "public"
    text: "SourceText | None" = None


@dataclass
class Quote:
    text: str
    loc: Loc
    line_in_source: int = 0


@dataclass
class Section:
    id: str
    name: str
    loc: Loc
    note: str | None = None


@dataclass
class Participant:
    agent: str
    agent_kind: str  # "person" | "organization"
    role: str
    quote: Quote
    loc: Loc
    section: str | None = None
    title: str | None = None
    themes: list[str] = field(default_factory=list)
    sensitivity: str = "public"
    note: str | None = None


@dataclass
class Event:
    id: str
    name: str
    type: str
    loc: Loc
    start_date: str | None = None
    end_date: str | None = None
    duration: str | None = None
    venue: str | None = None
    city: str | None = None
    country: str | None = None
    organizers: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    funders: list[str] = field(default_factory=list)
    founded: list[str] = field(default_factory=list)
    part_of: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    themes: list[str] = field(default_factory=list)
    quotes: dict[str, Quote] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    note: str | None = None
    sensitivity: str = "public"


@dataclass
class Affiliation:
    person: str
    organization: str
    quote: Quote
    loc: Loc
    title: str | None = None
    sensitivity: str = "public"
    note: str | None = None


@dataclass
class Relation:
    subject: str
    predicate: str
    object: str
    quote: Quote
    loc: Loc
    date: str | None = None
    sensitivity: str = "public"
    note: str | None = None


@dataclass
class Figure:
    value: int | float
    unit: str
    quote: Quote
    loc: Loc
    about: str | None = None
    stated_by: str | None = None
    qualifier: str | None = None  # only when the sentence states one ("over 200"): no default
    date: str | None = None  # the day, month or year the figure holds for ...
    sensitivity: str = "public"
    note: str | None = None
    start_date: str | None = None  # ... or the period it holds for ("in 2012 and 2013": 2012 to 2013)
    end_date: str | None = None


@dataclass
class Report:
    source: Source
    path: str
    events: list[Event] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Records:
    data_dir: Path
    people: dict[str, Person]
    organizations: dict[str, Organization]
    reports: list[Report]
    warnings: list[Problem] = field(default_factory=list)  # worth a look, but the records are valid

    @property
    def events(self) -> dict[str, Event]:
        return {e.id: e for r in self.reports for e in r.events}


class SourceText:
    """A report's text with white space folded, for finding quotes and the line they start on."""

    FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})

    def __init__(self, text: str):
        self.offsets: list[int] = []  # where each line with words starts in the folded text
        self.lines: list[int] = []
        parts: list[str] = []
        position = 0
        for line_no, line in enumerate(text.translate(self.FOLD).splitlines(), start=1):
            folded = " ".join(line.split())
            if folded:
                self.offsets.append(position)
                self.lines.append(line_no)
                parts.append(folded)
                position += len(folded) + 1
        self.folded = " ".join(parts)

    @classmethod
    def fold(cls, text: str) -> str:
        return " ".join(text.translate(cls.FOLD).split())

    def line_of(self, quote: str) -> int:
        """First line of the source where the quote occurs, or 0 when it does not occur."""
        needle = self.fold(quote)
        at = self.folded.find(needle) if needle else -1
        if at < 0:
            return 0
        return self.lines[max(0, bisect.bisect_right(self.offsets, at) - 1)]


def parse_date(value) -> str | None:
    """Canonical YYYY, YYYY-MM or YYYY-MM-DD text, or None when the value is not a real date."""
    text = str(value).strip()
    match = DATE.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return text
