"""The event-record format: loading a data folder, checking it, and the registries of people and
organizations with their aliases.

The format is documented in docs/record-format.md. Every problem is collected (not just the first)
as a ``Problem`` naming file, line and field, so one ``kg validate`` run shows everything to fix.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from . import vocab
from .yamlfile import Mapping, Sequence, YamlError, load, read_text

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


# ---------------------------------------------------------------------------------------------------
# Field checking. Each record kind is described by a dict: field -> (kind, required). The kinds are
# checked by _value(); unknown fields are reported with the nearest known name as a hint.

ID, TEXT, IDS, TEXTS, DATE_, INT, NUMBER, QUOTE, MAP, LIST = (
    "id", "text", "ids", "texts", "date", "int", "number", "quote", "map", "list",
)  # fmt: skip
NAME, NAMES, URL = "name", "names", "url"  # text shown as a name (no control character at all); an http(s) URL


def enum(*values: str) -> tuple[str, ...]:
    return ("enum", *values)


LEVEL = enum(*vocab.LEVELS)
PERSON_FIELDS = {"id": (ID, True), "name": (NAME, True), "honorific": (NAME, False), "aliases": (NAMES, False),
                 "sensitivity": (LEVEL, False), "note": (TEXT, False)}  # fmt: skip
ORG_FIELDS = {"id": (ID, True), "name": (NAME, True), "sector": (enum(*vocab.SECTORS), True),
              "acronyms": (NAMES, False), "aliases": (NAMES, False), "kind": (enum(*vocab.ORG_KINDS), False),
              "country": (NAME, False), "parent": (ID, False), "sensitivity": (LEVEL, False),
              "note": (TEXT, False)}  # fmt: skip
SOURCE_FIELDS = {"id": (ID, True), "title": (NAME, True), "file": (TEXT, True), "url": (URL, False),
                 "published": (DATE_, False), "type": (TEXT, False), "note": (TEXT, False),
                 "sensitivity": (LEVEL, False)}  # fmt: skip
EVENT_FIELDS = {"id": (ID, True), "name": (NAME, True), "type": (enum(*vocab.EVENT_TYPES), True),
                "start_date": (DATE_, False), "end_date": (DATE_, False), "duration": (TEXT, False),
                "venue": (NAME, False), "city": (NAME, False), "country": (NAME, False),
                "organizers": (IDS, False), "partners": (IDS, False), "funders": (IDS, False),
                "founded": (IDS, False), "part_of": (ID, False), "counts": (MAP, False), "themes": (IDS, False),
                "quotes": (MAP, False), "sections": (LIST, False), "participants": (LIST, False),
                "note": (TEXT, False), "sensitivity": (LEVEL, False)}  # fmt: skip
SECTION_FIELDS = {"id": (ID, True), "name": (NAME, True), "note": (TEXT, False)}
PARTICIPANT_FIELDS = {"person": (ID, False), "organization": (ID, False), "role": (enum(*vocab.PARTS), True),
                      "section": (ID, False), "title": (NAME, False), "themes": (IDS, False),
                      "quote": (QUOTE, True), "note": (TEXT, False), "sensitivity": (LEVEL, False)}  # fmt: skip
AFFILIATION_FIELDS = {"person": (ID, True), "organization": (ID, True), "title": (NAME, False),
                      "quote": (QUOTE, True), "note": (TEXT, False), "sensitivity": (LEVEL, False)}  # fmt: skip
RELATION_FIELDS = {"subject": (ID, True), "predicate": (enum(*vocab.RELATIONS), True), "object": (ID, True),
                   "date": (DATE_, False), "quote": (QUOTE, True), "note": (TEXT, False),
                   "sensitivity": (LEVEL, False)}  # fmt: skip
FIGURE_FIELDS = {"value": (NUMBER, True), "unit": (NAME, True), "quote": (QUOTE, True), "about": (ID, False),
                 "stated_by": (ID, False), "qualifier": (enum(*vocab.FIGURE_QUALIFIERS), False),
                 "date": (DATE_, False), "start_date": (DATE_, False), "end_date": (DATE_, False),
                 "note": (TEXT, False), "sensitivity": (LEVEL, False)}  # fmt: skip
REPORT_FIELDS = {"source": (MAP, True), "events": (LIST, False), "affiliations": (LIST, False),
                 "relations": (LIST, False), "figures": (LIST, False)}  # fmt: skip
MAX_TEXT = 10_000


class _Checker:
    """Collects problems for one file."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems

    def problem(self, line: int, fieldname: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file, line, fieldname, message, hint))

    def record(self, node, spec: dict, where: str) -> dict | None:
        """Check one mapping against its spec; returns the checked values (None for missing)."""
        if not isinstance(node, Mapping):
            line = getattr(node, "line", 0) or 1
            self.problem(line, where, f"expected a mapping of fields, found {_kind(node)}", "see docs/record-format.md")
            return None
        values = {}
        for key in node:
            if key not in spec:
                close = difflib.get_close_matches(key, list(spec), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(spec)
                self.problem(node.line_of(key), f"{where}.{key}", "unknown field", hint)
        for name, (kind, required) in spec.items():
            path = f"{where}.{name}"
            raw = node.get(name)
            if raw is None or raw == "" or raw == [] or raw == {}:
                if required:
                    self.problem(node.line, path, "required field is missing", f"add `{name}:`")
                values[name] = None
                continue
            values[name] = self._value(raw, kind, path, node.line_of(name))
        return values

    def _value(self, raw, kind, path: str, line: int):
        if isinstance(kind, tuple):  # enum
            if raw not in kind[1:]:
                close = difflib.get_close_matches(str(raw), kind[1:], n=1)
                hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(kind[1:])
                self.problem(line, path, f"'{_short(raw)}' is not an allowed value", hint)
                return None
            return raw
        if kind in (TEXT, QUOTE, NAME, URL):
            if isinstance(raw, (Mapping, Sequence)):
                self.problem(line, path, f"expected text, found {_kind(raw)}", "write a single value")
                return None
            text = str(raw).strip()
            if len(text) > MAX_TEXT:
                self.problem(line, path, f"text longer than {MAX_TEXT} characters", "shorten it")
                return None
            bad = _control_character(text, allowed="" if kind == NAME else "\t\n\r")
            if bad:
                self.problem(line, path, f"holds the control character {bad}", "retype the text without it (it usually "
                             "comes from a bad copy); a name, title, place or unit takes no tab or line break either")
                return None
            if kind == URL and not _is_web_url(text):
                self.problem(line, path, f"'{_short(text)}' is not an http(s) URL", "give the address the report is "
                             "published at, starting with https:// or http:// (or leave `url:` out)")
                return None
            return text
        if kind == ID:
            if not isinstance(raw, str) or not SLUG.match(raw):
                self.problem(line, path, f"'{_short(raw)}' is not a valid id", "use lowercase letters, digits and single hyphens, e.g. tariq-khosa")
                return None
            return raw
        if kind in (IDS, TEXTS, NAMES):
            items = raw if isinstance(raw, Sequence) else None
            if items is None:
                self.problem(line, path, f"expected a list, found {_kind(raw)}", "write [a, b] or one item per line starting with -")
                return None
            item_kind = {IDS: ID, TEXTS: TEXT, NAMES: NAME}[kind]
            out = []
            for i, item in enumerate(items):
                value = self._value(item, item_kind, f"{path}[{i}]", items.item_lines[i])
                if value is not None:
                    out.append(value)
            return out
        if kind == DATE_:
            value = parse_date(raw)
            if value is None:
                self.problem(line, path, f"'{_short(raw)}' is not a date", "write YYYY-MM-DD, YYYY-MM or YYYY")
            return value
        if kind in (INT, NUMBER):
            ok = isinstance(raw, int) and not isinstance(raw, bool)
            ok = ok or (kind == NUMBER and isinstance(raw, float) and raw == raw and abs(raw) != float("inf"))
            if not ok:
                self.problem(line, path, f"'{_short(raw)}' is not a number", "write digits only, e.g. 35")
                return None
            return raw
        if kind == MAP:
            if not isinstance(raw, Mapping):
                self.problem(line, path, f"expected a mapping, found {_kind(raw)}", "write key: value pairs")
                return None
            return raw
        if kind == LIST:
            if not isinstance(raw, Sequence):
                self.problem(line, path, f"expected a list, found {_kind(raw)}", "one item per line starting with -")
                return None
            return raw
        raise AssertionError(kind)


def _control_character(text: str, allowed: str = "") -> str | None:
    """The first control character (Unicode category Cc: NUL, C0, DEL, C1) not in ``allowed``, as U+XXXX."""
    for char in text:
        if char not in allowed and unicodedata.category(char) == "Cc":
            return f"U+{ord(char):04X}"
    return None


def _is_web_url(text: str) -> bool:
    """An absolute http(s) URL with a host and no white space (javascript:, data:, file: … are not)."""
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", text)


def _kind(value) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    return f"'{_short(value)}'"


def _short(value, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _items(check: _Checker, values: dict | None, key: str, spec: dict, where: str):
    """Yield (index, checked values, node) for each well-formed entry of a list field."""
    if not values or not values.get(key):
        return
    for i, node in enumerate(values[key]):
        checked = check.record(node, spec, f"{where}[{i}]")
        if checked is not None:
            yield i, checked, node


# ---------------------------------------------------------------------------------------------------


def load_records(data_dir: Path) -> Records:
    """Load and check a data folder. Raises RecordsInvalid with every problem found."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise RecordsInvalid([Problem(str(data_dir), 0, "data", "no such folder", "pass --data DIR pointing at a records folder")])
    before = len(problems)
    people = _load_people(data_dir, problems)
    people_ok = not any(p.field == "file" for p in problems[before:])
    before = len(problems)
    organizations = _load_organizations(data_dir, problems)
    orgs_ok = not any(p.field == "file" for p in problems[before:])
    report_files = sorted((data_dir / "reports").glob("*.yaml")) if (data_dir / "reports").is_dir() else []
    warnings: list[Problem] = []
    reports = [r for path in report_files if (r := _load_report(data_dir, path, problems, warnings)) is not None]
    records = Records(data_dir, people, organizations, reports)
    # A registry that could not be read would make every reference to it look unknown: skip those.
    _check_references(records, problems, people_ok, orgs_ok)
    records.warnings = sorted(warnings, key=lambda p: (p.file, p.line))
    if problems:
        raise RecordsInvalid(sorted(problems, key=lambda p: (p.file, p.line)), records.warnings)
    return records


def _rel(data_dir: Path, path: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent)) if data_dir.parent != Path("") else str(path)
    except ValueError:
        return str(path)


def _load_file(data_dir: Path, path: Path, problems: list[Problem]):
    name = _rel(data_dir, path)
    try:
        if not path.resolve().is_relative_to(data_dir.resolve()):  # a symlink to a file elsewhere
            problems.append(Problem(name, 0, "file", "is a link to a file outside the data folder", "copy the file into the data folder instead of linking it"))
            return None
        return load(path)
    except YamlError as exc:
        problems.append(Problem(name, exc.line, "file", exc.message, exc.hint))
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python 3.11)
        problems.append(Problem(name, 0, "file", f"cannot be read: {getattr(exc, 'strerror', None) or exc}", "check the file's permissions"))
    return None


def _registry(data_dir: Path, filename: str, key: str, problems: list[Problem]):
    path = data_dir / filename
    name = _rel(data_dir, path)
    if not path.exists():
        problems.append(Problem(name, 0, "file", "missing", f"create it with a top-level `{key}:` list"))
        return name, []
    doc = _load_file(data_dir, path, problems)
    if doc is None:
        return name, []
    if not isinstance(doc, Mapping) or not isinstance(doc.get(key), Sequence):
        line = doc.line if isinstance(doc, Mapping) else 1
        problems.append(Problem(name, line, key, f"expected a top-level `{key}:` list", "see docs/record-format.md"))
        return name, []
    return name, doc[key]


def _load_people(data_dir: Path, problems: list[Problem]) -> dict[str, Person]:
    name, nodes = _registry(data_dir, "people.yaml", "people", problems)
    check = _Checker(name, problems)
    people: dict[str, Person] = {}
    for i, node in enumerate(nodes):
        v = check.record(node, PERSON_FIELDS, f"people[{i}]")
        if not v or not v["id"] or not v["name"]:
            continue
        if v["id"] in people:
            check.problem(node.line, f"people[{i}].id", f"duplicate id '{v['id']}' (first at line {people[v['id']].loc.line})", "give each person one entry; put other spellings in aliases")
            continue
        people[v["id"]] = Person(v["id"], v["name"], Loc(name, node.line), v["honorific"], v["aliases"] or [],
                                 v["sensitivity"] or "public", v["note"])  # fmt: skip
    return people


def _load_organizations(data_dir: Path, problems: list[Problem]) -> dict[str, Organization]:
    name, nodes = _registry(data_dir, "organizations.yaml", "organizations", problems)
    check = _Checker(name, problems)
    orgs: dict[str, Organization] = {}
    for i, node in enumerate(nodes):
        v = check.record(node, ORG_FIELDS, f"organizations[{i}]")
        if not v or not v["id"] or not v["name"] or not v["sector"]:
            continue
        if v["id"] in orgs:
            check.problem(node.line, f"organizations[{i}].id", f"duplicate id '{v['id']}' (first at line {orgs[v['id']].loc.line})", "give each organization one entry; put other names in aliases")
            continue
        orgs[v["id"]] = Organization(v["id"], v["name"], v["sector"], Loc(name, node.line), v["acronyms"] or [],
                                     v["aliases"] or [], v["kind"] or "organization", v["country"], v["parent"],
                                     v["sensitivity"] or "public", v["note"])  # fmt: skip
    for org in orgs.values():
        if org.parent and org.parent not in orgs:
            problems.append(Problem(name, org.loc.line, f"{org.id}.parent", f"unknown organization '{org.parent}'", _suggest(org.parent, orgs)))
    _check_parent_cycles(orgs, nodes, check)
    return orgs


def _check_parent_cycles(orgs: dict[str, Organization], nodes, check: _Checker) -> None:
    """An organization may not be inside itself, directly or through its parents: people-of-organization
    and every walk up the hierarchy would go round. Each organization on a loop is named at its `parent:`."""
    entries = {}  # id -> (index, parent line), the first entry of each id
    for i, node in enumerate(nodes):
        ident = node.get("id") if isinstance(node, Mapping) else None
        if isinstance(ident, str) and ident in orgs and ident not in entries:
            entries[ident] = (i, node.line_of("parent"))
    on_loop: set[str] = set()
    for start in orgs:
        path, current = [], start
        while current in orgs and current not in path and current not in on_loop:
            path.append(current)
            current = orgs[current].parent
        if current in path:  # back at an organization of this walk: a new loop
            loop = path[path.index(current):]
            on_loop.update(loop)
            for org_id in loop:
                i, line = entries[org_id]
                route = " → ".join(loop[loop.index(org_id):] + loop[: loop.index(org_id)] + [org_id])
                check.problem(line, f"organizations[{i}].parent", f"circular parent: {route}",
                              "an organization cannot be inside itself: keep `parent:` only on the part, "
                              "naming the larger organization it belongs to")  # fmt: skip


def _source_text(data_dir: Path, source: Source, check: _Checker, line: int) -> SourceText | None:
    relative = Path(source.file)
    try:  # a NUL byte, a name too long or a symlink loop must be a message, not a traceback
        root = data_dir.resolve()
        target = (data_dir / relative).resolve()
        outside = relative.is_absolute() or not target.is_relative_to(root)
        exists = not outside and target.is_file()
    except (OSError, ValueError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        check.problem(line, "source.file", f"'{_short(source.file)}' cannot be used as a path: {reason}", "give a plain path relative to data/, e.g. sources/report.txt")
        return None
    if outside:
        check.problem(line, "source.file", f"'{_short(source.file)}' is outside the data folder", "keep report texts under data/sources/ and give a path relative to data/")
        return None
    if not exists:
        check.problem(line, "source.file", f"'{_short(source.file)}' does not exist", "copy the report's text under data/sources/")
        return None
    try:
        return SourceText(read_text(target))
    except YamlError as exc:
        check.problem(line, "source.file", f"{source.file}: {exc.message}", exc.hint)
    return None


def _quote(check: _Checker, text: str | None, node: Mapping, key: str, where: str, source: Source) -> Quote | None:
    if text is None:
        return None
    line = node.line_of(key)
    quote = Quote(text, Loc(check.file, line))
    if source.text is not None:
        quote.line_in_source = source.text.line_of(text)
        if not quote.line_in_source:
            check.problem(line, f"{where}.{key}", f"quote not found in {source.file}", "copy the sentence exactly from the source text")
    return quote


def _load_report(data_dir: Path, path: Path, problems: list[Problem], warnings: list[Problem]) -> Report | None:
    name = _rel(data_dir, path)
    doc = _load_file(data_dir, path, problems)
    if doc is None:
        return None
    check = _Checker(name, problems)
    top = check.record(doc, REPORT_FIELDS, "report")
    if not top or not top["source"]:
        return None
    s = check.record(top["source"], SOURCE_FIELDS, "source")
    if not s or not s["id"] or not s["title"] or not s["file"]:
        return None
    if s["id"] in RESERVED_SOURCE_IDS:
        check.problem(top["source"].line, "source.id", f"'{s['id']}' is reserved", "choose another id")
    source = Source(s["id"], s["title"], s["file"], Loc(name, top["source"].line), s["url"], s["published"], s["type"],
                    s["note"], s["sensitivity"] or "public")  # fmt: skip
    source.text = _source_text(data_dir, source, check, top["source"].line_of("file"))
    report = Report(source, name)
    if not top["events"]:
        warnings.append(Problem(name, doc.line_of("events"), "events", "this report records no event",
                                "add the event it reports under `events:` (see docs/record-format.md), "
                                "or leave the file out of data/reports/ until it is read"))  # fmt: skip

    for _, v, node in _items(check, top, "events", EVENT_FIELDS, "events"):
        if v["id"] and v["name"] and v["type"]:
            report.events.append(_event(check, v, node, source))
    for i, v, node in _items(check, top, "affiliations", AFFILIATION_FIELDS, "affiliations"):
        q = _quote(check, v["quote"], node, "quote", f"affiliations[{i}]", source)
        if v["person"] and v["organization"] and q:
            report.affiliations.append(Affiliation(v["person"], v["organization"], q, Loc(name, node.line), v["title"],
                                                   v["sensitivity"] or "public", v["note"]))  # fmt: skip
    for i, v, node in _items(check, top, "relations", RELATION_FIELDS, "relations"):
        q = _quote(check, v["quote"], node, "quote", f"relations[{i}]", source)
        if v["subject"] and v["predicate"] and v["object"] and q:
            report.relations.append(Relation(v["subject"], v["predicate"], v["object"], q, Loc(name, node.line), v["date"],
                                             v["sensitivity"] or "public", v["note"]))  # fmt: skip
    for i, v, node in _items(check, top, "figures", FIGURE_FIELDS, "figures"):
        q = _quote(check, v["quote"], node, "quote", f"figures[{i}]", source)
        if v["value"] is not None and v["unit"] and q and _figure_period(check, v, node, f"figures[{i}]"):
            report.figures.append(Figure(v["value"], v["unit"], q, Loc(name, node.line), v["about"], v["stated_by"],
                                         v["qualifier"], v["date"], v["sensitivity"] or "public", v["note"],
                                         v["start_date"], v["end_date"]))  # fmt: skip
    return report


def _figure_period(check: _Checker, v: dict, node: Mapping, where: str) -> bool:
    """A figure holds for one date or for one period (start_date to end_date), not both; a period
    does not end before it starts. False (with the problem reported) when the fields disagree."""
    start, end = v["start_date"], v["end_date"]
    if v["date"] and (start or end):
        check.problem(node.line_of("date"), f"{where}.date", "a figure has either a date or a period (start_date, end_date), not both",
                      "keep `date:` for one day, month or year, or `start_date:`/`end_date:` for a period the sentence gives")
        return False
    if start and end and end < start:
        check.problem(node.line_of("end_date"), f"{where}.end_date", "the period ends before it starts", "check start_date and end_date")
        return False
    return True


def _event(check: _Checker, v: dict, node: Mapping, source: Source) -> Event:
    line = node.line
    where = f"event {v['id']}"
    event = Event(v["id"], v["name"], v["type"], Loc(check.file, line))
    for key in ("start_date", "end_date", "venue", "city", "country", "part_of", "note"):
        setattr(event, key, v[key])
    for key in ("organizers", "partners", "funders", "founded", "themes"):
        setattr(event, key, v[key] or [])
    event.sensitivity = v["sensitivity"] or "public"
    if v["duration"]:
        if DURATION.match(v["duration"]):
            event.duration = v["duration"]
        else:
            check.problem(node.line_of("duration"), f"{where}.duration", f"'{v['duration']}' is not an ISO 8601 duration", "write e.g. PT2H for two hours, P3D for three days")
    if event.start_date and event.end_date and event.end_date < event.start_date:
        check.problem(node.line_of("end_date"), f"{where}.end_date", "ends before it starts", "check start_date and end_date")
    for key, value in (v["counts"] or {}).items():
        if key not in vocab.COUNT_FIELDS:
            check.problem(v["counts"].line_of(key), f"{where}.counts.{key}", "unknown count", "one of: " + ", ".join(vocab.COUNT_FIELDS))
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            check.problem(v["counts"].line_of(key), f"{where}.counts.{key}", f"'{_short(value)}' is not a whole number", "write digits only, e.g. 31")
        else:
            event.counts[key] = value
    quotable = set(EVENT_FIELDS) - {"id", "quotes", "sections", "participants", "note", "sensitivity"}
    for key, text in (v["quotes"] or {}).items():
        if key not in quotable:
            check.problem(v["quotes"].line_of(key), f"{where}.quotes.{key}", "not a field of the event", "quote one of: " + ", ".join(sorted(quotable)))
            continue
        if isinstance(text, (Mapping, Sequence)) or text is None:
            check.problem(v["quotes"].line_of(key), f"{where}.quotes.{key}", "expected the sentence as text", "write the sentence in quotes")
            continue
        if q := _quote(check, str(text), v["quotes"], key, f"{where}.quotes", source):
            event.quotes[key] = q
    if "name" not in event.quotes:
        check.problem(node.line, f"{where}.quotes.name", "no quote for the event's name", "add quotes: {name: \"<the sentence that names the event>\"}")
    for i, s, s_node in _items(check, v, "sections", SECTION_FIELDS, f"{where}.sections"):
        s_line = s_node.line
        if s["id"] and s["name"]:
            if any(x.id == s["id"] for x in event.sections):
                check.problem(s_line, f"{where}.sections[{i}].id", f"duplicate section '{s['id']}'", "give each section its own id")
            else:
                event.sections.append(Section(s["id"], s["name"], Loc(check.file, s_line), s["note"]))
    for i, p, p_node in _items(check, v, "participants", PARTICIPANT_FIELDS, f"{where}.participants"):
        p_line = p_node.line
        agents = [(k, p[k]) for k in ("person", "organization") if p[k]]
        if len(agents) != 1:
            check.problem(p_line, f"{where}.participants[{i}]", "needs exactly one of person or organization", "write `person: <id>` or `organization: <id>`")
            continue
        q = _quote(check, p["quote"], p_node, "quote", f"{where}.participants[{i}]", source)
        if p["role"] and q:
            kind, agent = agents[0]
            event.participants.append(Participant(agent, kind, p["role"], q, Loc(check.file, p_line), p["section"], p["title"],
                                                  p["themes"] or [], p["sensitivity"] or "public", p["note"]))  # fmt: skip
    return event


def _suggest(unknown: str, known) -> str:
    close = difflib.get_close_matches(unknown, list(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "add it to the registry first"


def _check_references(records: Records, problems: list[Problem], people_ok: bool = True, orgs_ok: bool = True) -> None:
    from .themes import theme_ids  # the SKOS scheme in ontology/ is the list of themes

    themes = theme_ids()
    people, orgs = records.people, records.organizations
    seen_sources: dict[str, str] = {}
    seen_events: dict[str, Loc] = {}
    for report in records.reports:
        check = _Checker(report.path, problems)
        if report.source.id in seen_sources:
            check.problem(report.source.loc.line, "source.id", f"duplicate source id '{report.source.id}' (also in {seen_sources[report.source.id]})", "give each report its own source id")
        seen_sources[report.source.id] = report.path
        for event in report.events:
            if event.id in seen_events:
                first = seen_events[event.id]
                check.problem(event.loc.line, f"event {event.id}.id", f"duplicate event id (first at {first.file}:{first.line})", "give each event one entry")
            seen_events[event.id] = event.loc
    events = records.events

    unreadable = [r for r, ok in ((people, people_ok), (orgs, orgs_ok)) if not ok]

    def ref(check: _Checker, line: int, where: str, value: str | None, *registries: dict) -> None:
        if any(r is u for r in registries for u in unreadable):
            return
        if value and not any(value in r for r in registries):
            merged = {k: 1 for r in registries for k in r}
            check.problem(line, where, f"unknown id '{value}'", _suggest(value, merged))

    for report in records.reports:
        check = _Checker(report.path, problems)
        for event in report.events:
            w = f"event {event.id}"
            for key in ("organizers", "partners", "funders", "founded"):
                for org in getattr(event, key):
                    ref(check, event.loc.line, f"{w}.{key}", org, orgs)
            ref(check, event.loc.line, f"{w}.part_of", event.part_of, events)
            for theme in event.themes:
                if theme not in themes:
                    check.problem(event.loc.line, f"{w}.themes", f"unknown theme '{theme}'", _suggest(theme, themes))
            sections = {s.id for s in event.sections}
            for p in event.participants:
                ref(check, p.loc.line, f"{w}.participants.{p.agent_kind}", p.agent, people if p.agent_kind == "person" else orgs)
                if p.section and p.section not in sections:
                    check.problem(p.loc.line, f"{w}.participants.section", f"unknown section '{p.section}'", _suggest(p.section, sections) if sections else "add it under the event's sections:")
                for theme in p.themes:
                    if theme not in themes:
                        check.problem(p.loc.line, f"{w}.participants.themes", f"unknown theme '{theme}'", _suggest(theme, themes))
        for a in report.affiliations:
            ref(check, a.loc.line, "affiliations.person", a.person, people)
            ref(check, a.loc.line, "affiliations.organization", a.organization, orgs)
        for r in report.relations:
            ref(check, r.loc.line, "relations.subject", r.subject, people, orgs)
            ref(check, r.loc.line, "relations.object", r.object, orgs, events)
        for f in report.figures:
            ref(check, f.loc.line, "figures.about", f.about, people, orgs, events)
            ref(check, f.loc.line, "figures.stated_by", f.stated_by, people)


HONORIFICS = ("mr", "mrs", "ms", "miss", "dr", "prof", "professor", "ambassador", "sir", "madam", "mr.", "ms.", "dr.")
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
