"""Field checking: each record kind is a dict of field -> (kind, required), checked by ``_Checker``."""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import urlsplit

from .. import vocab
from ..yamlfile import Mapping, Sequence
from .model import SLUG, Problem, parse_date

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
