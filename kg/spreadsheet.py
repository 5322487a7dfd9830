"""CSV cells that are safe to open in a spreadsheet (OWASP's advice on CSV injection).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)`` runs when clicked). Such a cell gets a
leading ``'``, which the spreadsheet shows as text. A cell that is a number stays a number, so
``-0.25`` is written as it is.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(text: str) -> str:
    """The cell's text, neutralised when a spreadsheet would read it as a formula.

    Examples
    --------
    >>> safe_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("-0.25")
    '-0.25'
    """
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text
