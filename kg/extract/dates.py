"""Dates as reports write them: "November 15, 2024", "15th Nov", "1st Mar, 2024", "January 15-17, 2025",
"15-17 January 2025", "2024-11-15", "Nov 2024", and relative ones ("on Friday", "yesterday") that need
the report's own date (its byline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta, weekday as rd_weekday

MONTHS = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for m in names}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_M = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_D = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_D2 = r"(?:\s*(?:-|–|to|and)\s*(?P<day2>\d{1,2})(?:st|nd|rd|th)?)?"
_Y = r"(?:,?\s+(?P<year>(?:19|20)\d{2}))"
PATTERNS = [
    re.compile(rf"\b{_M}\s+{_D}{_D2}(?!\d){_Y}?\b", re.I),  # November 15, 2024 / January 15-17, 2025 / Nov 15
    re.compile(rf"\b{_D}{_D2}(?:\s+of)?\s+{_M}{_Y}?\b", re.I),  # 15th Nov / 1st Mar, 2024 / 15-17 January 2025
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),  # 2024-11-15
    re.compile(rf"\b{_M}{_Y}\b", re.I),  # Nov 2024 (month only)
]
RELATIVE = re.compile(r"\b(?:on\s+(?:last\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                      r"|(?P<yesterday>yesterday)|(?P<today>today))\b", re.I)  # fmt: skip


@dataclass(frozen=True)
class DateMention:
    start: str  # YYYY-MM-DD or YYYY-MM
    end: str
    text: str  # as written
    span: tuple[int, int]
    guessed_year: bool = False  # the text gave no year; it was taken from the report's date


def find_dates(text: str, default_year: int | None = None) -> list[DateMention]:
    """Every absolute date in ``text``, in order.

    Parameters:
        text: a sentence or line.
        default_year: the year to use when the text gives day and month only (the byline's year).

    Returns:
        DateMention items; a range gives start and end.

    Examples:
        >>> [d.start for d in find_dates("held on November 15, 2024, at Lahore")]
        ['2024-11-15']
        >>> [(d.start, d.end) for d in find_dates("on January 15-17, 2025")]
        [('2025-01-15', '2025-01-17')]
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            mention = _mention(m, default_year)
            if mention:
                found.append(mention)
                taken.append(m.span())
    return sorted(found, key=lambda d: d.span)


def _mention(m: re.Match, default_year: int | None) -> DateMention | None:
    groups = m.groupdict()
    guessed = False
    year = groups.get("year")
    if year is None:
        if default_year is None:
            return None
        year, guessed = default_year, True
    year = int(year)
    month = int(groups["mnum"]) if groups.get("mnum") else MONTHS.get(groups["month"].casefold().rstrip("."))
    if not month:
        return None
    if not groups.get("day"):
        return DateMention(f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}", m.group(0), m.span(), guessed)
    try:
        first = date(year, month, int(groups["day"]))
        last = date(year, month, int(groups["day2"])) if groups.get("day2") else first
    except ValueError:
        return None
    if last < first:
        return None
    return DateMention(first.isoformat(), last.isoformat(), m.group(0), m.span(), guessed)


def relative_date(text: str, byline: date | None) -> tuple[str, str] | None:
    """('2024-03-01', 'on Friday') for a weekday or "yesterday"/"today" in ``text``, counted back from
    the byline date: a weekday is the last such day on or before it. None without a byline.

    Examples:
        >>> relative_date("held a session in the city on Friday.", date(2024, 3, 1))
        ('2024-03-01', 'on Friday')
    """
    if byline is None:
        return None
    m = RELATIVE.search(text)
    if not m:
        return None
    if m.group("weekday"):
        target = WEEKDAYS.index(m.group("weekday").casefold())
        day = byline + relativedelta(weekday=rd_weekday(target)(-1))
    elif m.group("yesterday"):
        day = byline - timedelta(days=1)
    else:
        day = byline
    return day.isoformat(), m.group(0)


def as_date(value: str) -> date | None:
    """A date for YYYY-MM-DD text (None for a month or year only)."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None
