"""Merging a reviewed draft (``kg extract --out DRAFT``) into a records folder (``kg merge``).

New people and organizations are appended to the registries, new aliases and acronyms are added to the
entries they already have, and the report file and its source are copied. The registries are edited with
a round-trip YAML library (ruamel.yaml), so their comments, order and layout stay as they are; new entries
are appended as text after the last one. Everything is checked before anything is written: no REVIEW
note left (unless accepted), no id used for two different things (with a suggested id), no person or
organization already on record under another id, and the merged folder as a whole passes
kg.records.load_records. Files are then written one by one, each atomically, in an order where every
intermediate state is a valid folder (sources, registries, and the report last).
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq

from .export import write_atomic
from .records import Problem, RecordsInvalid, load_records, name_key
from .yamlfile import YamlError, load

REGISTRIES = {"people.yaml": "people", "organizations.yaml": "organizations"}
MERGED_KEYS = {"people": ("aliases",), "organizations": ("aliases", "acronyms")}  # what an existing entry may gain


class MergeError(Exception):
    """A draft that cannot be merged as it is; the message says what to do."""

    def __init__(self, message: str, places: list[str] | None = None):
        super().__init__(message)
        self.places = places or []  # FILE:LINE: text, one per finding


@dataclass
class MergePlan:
    into: Path
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to ``into`` -> new content
    old: dict[str, bytes | None] = field(default_factory=dict)  # the content it replaces (None: a new file)
    added: list[str] = field(default_factory=list)  # one line per added person, organization, alias, file
    events: list[str] = field(default_factory=list)

    def diff(self) -> str:
        """The changes as a unified diff (new source files are named, not printed)."""
        out = []
        for rel, new in self.files.items():
            old = self.old.get(rel)
            if rel.startswith("sources/"):
                out.append(f"new file {rel} ({len(new)} bytes)\n" if old is None else "")
                continue
            a = (old or b"").decode("utf-8").splitlines(keepends=True)
            b = new.decode("utf-8").splitlines(keepends=True)
            out.extend(difflib.unified_diff(a, b, "/dev/null" if old is None else f"a/{rel}", f"b/{rel}"))
        return "".join(out)


def _yaml(dash: int = 2) -> YAML:
    """Round-trip mode (comments, order and quotes kept), lists indented as the file indents them:
    ``dash`` spaces before each item's "-" (2 in data/, 0 in a file written by PyYAML)."""
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=dash + 2, offset=dash)
    return y


def _dash(text: str) -> int:
    found = re.search(r"(?m)^( *)- ", text)
    return len(found.group(1)) if found else 2


def review_notes(draft: Path) -> list[str]:
    """Every line of the draft's YAML files that still holds a REVIEW: note, as FILE:LINE: text."""
    found = []
    for path in sorted(Path(draft).rglob("*.yaml")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "REVIEW:" in line and not line.lstrip().startswith("#"):
                found.append(f"{path}:{n}: {line.strip()[:160]}")
    return found


def plan_merge(draft: Path, into: Path, accept_review: bool = False) -> MergePlan:
    """Check a draft against a records folder and work out every file the merge writes.

    Raises MergeError when REVIEW notes remain (unless ``accept_review``), when an id clashes or a person
    or organization is already on record under another id; RecordsInvalid (with the draft's or the merged
    folder's problems) when the result would not validate. Nothing is written."""
    draft, into = Path(draft), Path(into)
    notes = review_notes(draft)
    if notes and not accept_review:
        raise MergeError(f"{len(notes)} REVIEW note(s) remain in {draft}. Check each against the report's text, "
                         "edit or remove the note, then merge again (or pass --accept-review to keep them as they are).",
                         notes)  # fmt: skip
    load_records(draft)  # the draft must validate on its own
    records = load_records(into)
    plan = MergePlan(into)
    ids = {**{i: "person" for i in records.people}, **{i: "organization" for i in records.organizations}}
    _copy_reports(plan, draft, into, records)
    label = ", ".join(plan.events) or draft.name
    for filename, key in REGISTRIES.items():
        _merge_registry(plan, draft, into, filename, key, ids, label)
    _validate(plan, into)
    return plan


def apply_merge(plan: MergePlan) -> None:
    """Write a checked plan: sources first, registries next, the report last, each file atomically."""
    def rank(rel: str) -> int:
        return 0 if rel.startswith("sources/") else 2 if rel.startswith("reports/") else 1

    for rel in sorted(plan.files, key=rank):
        write_atomic(plan.into / rel, plan.files[rel])


def _entries(path: Path, key: str) -> list[dict]:
    try:
        doc = load(path)
    except YamlError as exc:
        raise MergeError(f"{path}:{exc.line}: {exc.message}") from None
    return list((doc or {}).get(key) or [])


def _merge_registry(plan: MergePlan, draft: Path, into: Path, filename: str, key: str, ids: dict[str, str],
                    label: str) -> None:
    kind = key[:-1] if key == "organizations" else "person"
    text = (into / filename).read_text(encoding="utf-8")
    y = _yaml(_dash(text))
    doc = y.load(text)
    existing = {str(e["id"]): e for e in doc[key]}
    names = {}  # folded name or alias -> id, for "already on record under another id"
    for e in doc[key]:
        for n in [e.get("name"), *(e.get("aliases") or []), *(e.get("acronyms") or [])]:
            if n:
                names.setdefault(name_key(str(n)), str(e["id"]))
    changed, new_entries, problems = False, [], []
    draft_entries = _entries(draft / filename, key)
    for entry in draft_entries:
        eid, line = str(entry["id"]), getattr(entry, "line", 0)
        where = f"{draft / filename}:{line}"
        if eid in existing:
            known = existing[eid]
            if name_key(str(entry["name"])) != name_key(str(known["name"])) and \
                    name_key(str(entry["name"])) not in {name_key(str(a)) for a in known.get("aliases") or []}:
                problems.append(f"{where}: id '{eid}' is {known['name']} in {into / filename}, not {entry['name']}; "
                                f"give this {kind} another id (e.g. '{_suggest(eid, ids)}') everywhere in the draft")
                continue
            for field_name in MERGED_KEYS[key]:
                have = {name_key(str(v)) for v in [known.get("name"), *(known.get(field_name) or [])]}
                extra = [v for v in entry.get(field_name) or [] if name_key(str(v)) not in have]
                if field_name == "aliases" and name_key(str(entry["name"])) not in have | {name_key(str(known["name"]))}:
                    extra.insert(0, entry["name"])
                if extra:
                    seq = known.get(field_name)
                    if seq is None:  # a new key goes after the name (as the registries write it), so the
                        seq = CommentedSeq()  # blank line and comments after the entry's last key stay there
                        seq.fa.set_flow_style()
                        keys = list(known.keys())
                        known.insert(max(keys.index(k) for k in ("name", "honorific", "acronyms") if k in keys) + 1,
                                     field_name, seq)
                    for v in extra:
                        seq.append(v)
                    changed = True
                    plan.added.append(f"{field_name} of {eid}: {', '.join(map(str, extra))}")
            continue
        if eid in ids:
            problems.append(f"{where}: id '{eid}' is already used by an {ids[eid]} on record; "
                            f"give it another id (e.g. '{_suggest(eid, ids)}') everywhere in the draft")
            continue
        same = next((names[k] for k in [name_key(str(n)) for n in [entry.get("name"), *(entry.get("acronyms") or [])] if n]
                     if k in names), None)  # fmt: skip
        if same:
            problems.append(f"{where}: '{entry['name']}' is already on record as {same}; use the id {same} in the draft "
                            f"(or, if it is another {kind}, say how they differ in the name or a note and merge again)")
            continue
        ids[eid] = kind
        new_entries.append(entry)
        plan.added.append(f"new {kind} {eid}: {entry['name']}")
    if problems:
        raise MergeError(f"{len(problems)} id(s) in {draft} cannot be merged as they are.", problems)
    if changed:
        out = io.StringIO()
        y.dump(doc, out)
        text = out.getvalue()
    if new_entries:
        text = text.rstrip("\n") + "\n\n" + _entries_text(new_entries, label, _dash(text)) + "\n"
    if changed or new_entries:
        plan.old[filename] = (into / filename).read_bytes()
        plan.files[filename] = text.encode("utf-8")


def _entries_text(entries: list[dict], label: str, dash: int) -> str:
    y = _yaml(dash)
    blocks = [" " * dash + f"# --- {label} (added by `kg merge`) ---"]
    for entry in entries:
        out = io.StringIO()
        y.dump([_plain(entry)], out)
        blocks.append(out.getvalue().rstrip("\n"))  # "  - id: ...", as the registry indents its list
    return "\n".join(blocks[:1]) + "\n" + "\n\n".join(blocks[1:])


def _plain(value):
    """The draft's loaded values as plain dicts, lists and scalars (short lists in flow style, as the
    registries write them)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        seq = CommentedSeq(_plain(v) for v in value)
        if all(isinstance(v, str) and len(v) < 60 for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _suggest(base: str, ids) -> str:
    n = 2
    while f"{base}-{n}" in ids:
        n += 1
    return f"{base}-{n}"


def _copy_reports(plan: MergePlan, draft: Path, into: Path, records) -> None:
    problems = []
    events = {ev.id for r in records.reports for ev in r.events}
    sources = {r.source.id for r in records.reports}
    used = {r.source.file: r.path for r in records.reports}  # sources/<file> -> the report on record
    for path in sorted((draft / "reports").glob("*.yaml")):
        rel = f"reports/{path.name}"
        doc = load(path)
        source = doc.get("source") or {}
        if (into / rel).exists():
            problems.append(f"{path}:1: {into / rel} already exists; rename the draft's report file (e.g. "
                            f"'{path.stem}-2.yaml')")  # fmt: skip
        if source.get("id") in sources:
            problems.append(f"{path}:{getattr(doc.get('source'), 'line', 1)}: source id '{source['id']}' is already used "
                            f"in {into / 'reports'}; give it another (e.g. '{_suggest(source['id'], sources)}')")
        for event in doc.get("events") or []:
            if event.get("id") in events:
                problems.append(f"{path}:{getattr(event, 'line', 1)}: event id '{event['id']}' is already on record; "
                                f"give it another (e.g. '{_suggest(event['id'], events)}')")
            else:
                plan.events.append(str(event.get("id")))
        plan.old[rel] = None
        plan.files[rel] = path.read_bytes()
        plan.added.append(f"new report {rel}")
    for path in sorted((draft / "sources").glob("*")) if (draft / "sources").is_dir() else []:
        rel = f"sources/{path.name}"
        data = path.read_bytes()
        if (into / rel).exists():
            if (into / rel).read_bytes() != data:
                problems.append(f"{path}:0: {into / rel} exists with other content; rename the draft's source file "
                                "and its `file:` in the report")  # fmt: skip
            elif rel in used:  # the same report again, under another id: it would be a second copy of its event
                problems.append(f"{path}:0: {into / rel} is already the source of {used[rel]}; this report is on record")
            continue
        plan.old[rel] = None
        plan.files[rel] = data
        plan.added.append(f"new source {rel}")
    if problems:
        raise MergeError(f"{len(problems)} file(s) or id(s) of {draft} clash with {into}.", problems)


def _validate(plan: MergePlan, into: Path) -> None:
    """load_records on a copy of the merged folder; its problems are reported against ``into``."""
    with tempfile.TemporaryDirectory(prefix="kg-merge-") as tmp:
        copy = Path(tmp) / into.name
        shutil.copytree(into, copy, ignore=shutil.ignore_patterns(".*"))
        for rel, data in plan.files.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_bytes(data)
        try:
            load_records(copy)
        except RecordsInvalid as exc:
            raise RecordsInvalid([Problem(p.file.replace(str(copy), str(into)), p.line, p.field, p.message, p.hint)
                                  for p in exc.problems]) from None  # fmt: skip


__all__ = ["MergeError", "MergePlan", "apply_merge", "plan_merge", "review_notes"]
