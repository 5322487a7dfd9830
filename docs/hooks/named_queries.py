"""MkDocs hook: writes the named-query table from kg's own catalogue, so the docs cannot drift from it.

A page asks for the table with the line ``<!-- named-queries -->``. The catalogue is read through the
command line (``kg queries --format json``), the same interface a user has, so the table is what
``kg queries`` says, whatever module holds the catalogue.
"""

from __future__ import annotations

import html
import json

MARKER = "<!-- named-queries -->"


def catalogue() -> list[dict]:
    """Every named query as ``kg queries --format json`` lists it."""
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["queries", "--format", "json"], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"`kg queries --format json` failed ({result.exit_code}): {result.output}")
    return json.loads(result.output)


def _cell(text: str) -> str:
    """Header text as one table cell: one line, no column separator, and markup only from its `code`
    spans (whose content Markdown escapes itself); everything else is escaped as text."""
    parts = " ".join(text.split()).split("`")
    for i, part in enumerate(parts):
        parts[i] = part if i % 2 else html.escape(part, quote=False)
    return "`".join(parts).replace("|", "\\|")


def _code(text: str) -> str:
    return f"<code>{html.escape(text, quote=False)}</code>".replace("|", "&#124;")


def table(queries: list[dict]) -> str:
    rows = ["| name | answers | parameters (default) | example |", "|---|---|---|---|"]
    for q in queries:
        answers = f"**{_cell(q['title'])}.** {_cell(q['description'])}" if q["title"] else _cell(q["description"])
        params = "<br>".join(f"{_code(p['name'])} ({_cell(p['default']) or 'unset: any'}): {_cell(p['meaning'])}"
                             for p in q["params"]) or "—"
        examples = "<br>".join(_code(e) for e in q["examples"]) or "—"
        rows.append(f"| {_code(q['name'])} | {answers} | {params} | {examples} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, table(catalogue()))
