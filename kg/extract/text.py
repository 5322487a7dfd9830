"""A report's text made ready for extraction: read safely, repeated passages dropped, split into
lines (paragraphs) and sentences whose text occurs exactly in the source (white space folded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..records import SourceText

MAX_BYTES = 1024 * 1024  # a report is a few pages (the seed: 25 kB); a bigger file is not one report
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "no", "jr", "sr", "engr", "hon", "e.g", "i.e", "vs",
                 "etc", "gen", "col", "lt", "capt", "maj", "sgt", "rev", "u.s", "u.k", "u.n", "approx", "fig"}  # fmt: skip
_END = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(•A-Z0-9])")
_HEADING_FIELD = re.compile(r"^([A-Z][A-Za-z ]{1,40}):\s+(.+)$")


class ReportError(ValueError):
    """The file cannot be read as a report; the message says what to do."""


@dataclass
class Sentence:
    text: str  # folded: single spaces, typographic quotes made plain, exactly as in SourceText
    line: int  # index into Report.lines
    index: int  # position in Report.sentences


@dataclass
class Report:
    lines: list[str]  # the kept lines (folded), repeated passages removed
    line_numbers: list[int]  # 1-based line of each kept line in the file
    sentences: list[Sentence] = field(default_factory=list)
    repeated: int = 0  # lines skipped because they repeat earlier text
    headings: dict[int, str] = field(default_factory=dict)  # kept line index -> heading in force

    def sentences_of(self, line: int) -> list[Sentence]:
        return [s for s in self.sentences if s.line == line]


def read_report(path: Path) -> str:
    """The report's text, or a ReportError naming what is wrong (missing, empty, binary, too big).

    Examples:
        >>> read_report(Path("data/sources/01-sharp-act-workshop-karachi.txt"))[:4]
        'SHAR'
    """
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"{path}: no such file. Give the path of the report's text file.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReportError(f"{path} is {size / 1048576:.1f} MB, more than the {MAX_BYTES // 1048576} MB a report can be. "
                          "Split it into one file per report and extract each.")  # fmt: skip
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        raise ReportError(f"{path} is a binary file, not text. Save the report as plain UTF-8 text (.txt) first.")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReportError(f"{path}: line {line} is not UTF-8 text (byte 0x{raw[exc.start]:02x}). "
                          "Save the report as UTF-8 text first.") from None  # fmt: skip
    if not text.strip():
        raise ReportError(f"{path} is empty: there is nothing to extract. Paste the report's text into it first.")
    return text


def prepare(text: str) -> Report:
    """Fold, drop repeated passages and split into sentences.

    A line is dropped as a repeat when the same line came before and it is either long (a paragraph,
    not a short label like "Download") or part of a run of three or more repeated lines: that is how a
    report pasted twice looks, while a heading used twice is kept.
    """
    raw_lines = [(n, SourceText.fold(line)) for n, line in enumerate(text.splitlines(), start=1)]
    raw_lines = [(n, line) for n, line in raw_lines if line]
    seen: set[str] = set()
    repeat = []
    for _, line in raw_lines:
        key = line.casefold()
        repeat.append(key in seen)
        seen.add(key)
    drop = [False] * len(raw_lines)
    i = 0
    while i < len(raw_lines):
        if not repeat[i]:
            i += 1
            continue
        j = i
        while j < len(raw_lines) and repeat[j]:
            j += 1
        for k in range(i, j):
            drop[k] = (j - i) >= 3 or len(raw_lines[k][1]) >= 60
        i = j
    kept = [(n, line) for (n, line), d in zip(raw_lines, drop) if not d]
    report = Report([line for _, line in kept], [n for n, _ in kept], repeated=sum(drop))
    heading = ""
    for li, line in enumerate(report.lines):
        if is_heading(line):
            heading = line
        report.headings[li] = heading
        for part in split_sentences(line):
            report.sentences.append(Sentence(part, li, len(report.sentences)))
    return report


def is_heading(line: str) -> bool:
    """A short line without a closing full stop that is not a `Label: value` field."""
    words = line.split()
    return 0 < len(words) <= 9 and not line.endswith((".", ":", ",", ";")) and not _HEADING_FIELD.match(line) \
        and line[0].isupper() and not line.startswith("•")


def field_value(line: str) -> tuple[str, str] | None:
    """('Venue', 'Universal College Lahore, Pakistan') for a `Label: value` line, else None."""
    match = _HEADING_FIELD.match(line)
    return (match.group(1).strip(), match.group(2).strip()) if match and len(match.group(1).split()) <= 4 else None


def split_sentences(line: str) -> list[str]:
    """Split one folded line into sentences, not after abbreviations such as Mr. or Dr. or initials."""
    parts, start = [], 0
    for match in _END.finditer(line):
        before = line[start : match.start()].split()
        last = before[-1].casefold().rstrip(".") if before else ""
        if line[match.start()] == "." and (last in ABBREVIATIONS or re.fullmatch(r"[a-z]", last)):
            continue
        parts.append(line[start : match.start() + len(match.group(0).rstrip())].strip())
        start = match.end()
    parts.append(line[start:].strip())
    return [p for p in parts if p]
