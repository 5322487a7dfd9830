"""Reading a data folder: the registries, the reports and their source texts, every problem collected."""

from __future__ import annotations

from pathlib import Path

from .. import vocab
from ..yamlfile import Mapping, Sequence, YamlError, load, read_text
from .checks import (
    AFFILIATION_FIELDS,
    EVENT_FIELDS,
    FIGURE_FIELDS,
    ORG_FIELDS,
    PARTICIPANT_FIELDS,
    PERSON_FIELDS,
    RELATION_FIELDS,
    REPORT_FIELDS,
    SECTION_FIELDS,
    SOURCE_FIELDS,
    _Checker,
    _items,
    _short,
)
from .model import (
    DURATION,
    RESERVED_SOURCE_IDS,
    Affiliation,
    Event,
    Figure,
    Loc,
    Organization,
    Participant,
    Person,
    Problem,
    Quote,
    Records,
    RecordsInvalid,
    Relation,
    Report,
    Section,
    Source,
    SourceText,
)
from .references import _check_references, _suggest

# ---------------------------------------------------------------------------------------------------


class _NoCache:
    """Every file read and checked again (``kg.increments.RecordsCache`` reuses unchanged ones)."""

    def load(self, path: Path, name: str, problems: list, warnings: list, make):
        return make()

    def prefetch(self, data_dir: Path, files: list[tuple[Path, str]]) -> None:
        pass


def load_records(data_dir: Path, cache=None) -> Records:
    """Load and check a data folder. Raises RecordsInvalid with every problem found.

    ``cache`` (``kg.increments.RecordsCache``) gives back what an unchanged file was read into; the
    checks across files (every id a report names must exist) always run over the whole set."""
    data_dir = Path(data_dir)
    cache = cache or _NoCache()
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise RecordsInvalid([Problem(str(data_dir), 0, "data", "no such folder", "pass --data DIR pointing at a records folder")])
    warnings: list[Problem] = []
    before = len(problems)
    people = cache.load(data_dir / "people.yaml", _rel(data_dir, data_dir / "people.yaml"), problems, warnings,
                        lambda: _load_people(data_dir, problems))  # fmt: skip
    people_ok = not any(p.field == "file" for p in problems[before:])
    before = len(problems)
    path = data_dir / "organizations.yaml"
    organizations = cache.load(path, _rel(data_dir, path), problems, warnings, lambda: _load_organizations(data_dir, problems))
    orgs_ok = not any(p.field == "file" for p in problems[before:])
    report_files = sorted((data_dir / "reports").glob("*.yaml")) if (data_dir / "reports").is_dir() else []
    cache.prefetch(data_dir, [(path, _rel(data_dir, path)) for path in report_files])  # those it must read
    reports = [r for path in report_files
               if (r := cache.load(path, _rel(data_dir, path), problems, warnings,
                                   lambda path=path: _load_report(data_dir, path, problems, warnings))) is not None]  # fmt: skip
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


def read_report(data_dir: Path, path: Path) -> tuple[Report | None, list[Problem], list[Problem]]:
    """One report file read and checked on its own (``kg.records.workers`` runs this in other processes):
    the report (None when it cannot be used), the problems and the warnings found in it."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    return _load_report(data_dir, path, problems, warnings), problems, warnings


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
