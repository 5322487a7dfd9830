"""MkDocs hook: the command line reference, written from each command's own ``--help`` as the terminal
shows it (examples and line breaks included), so the page is what the installed ``kg`` says.

A page asks for it with the line ``<!-- cli-reference -->``.
"""

from __future__ import annotations

import click
from click.testing import CliRunner

MARKER = "<!-- cli-reference -->"
WIDTH = 100  # the width kg's group sets for its help (max_content_width)


def _help(group: click.Group, path: list[str]) -> str:
    result = CliRunner().invoke(group, [*path, "--help"], prog_name="kg", terminal_width=WIDTH,
                                catch_exceptions=False)  # fmt: skip
    if result.exit_code != 0:
        raise RuntimeError(f"`kg {' '.join(path)} --help` failed ({result.exit_code}): {result.output}")
    return result.output.rstrip("\n")


def _commands(command: click.Command, path: list[str]):
    """(path, command) for every command under ``command``, depth first, in name order."""
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _commands(command.commands[name], [*path, name])


def reference() -> str:
    from kg.cli import main

    sections = []
    for path, command in _commands(main, []):
        title = " ".join(["kg", *path])
        summary = command.get_short_help_str(limit=200)
        sections.append(f"## {title}\n\n{summary}\n\n```text\n$ {title} --help\n{_help(main, path)}\n```\n")
    return "\n".join(sections)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, reference())
