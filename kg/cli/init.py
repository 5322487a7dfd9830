"""kg init."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..init import EXAMPLES, InitError, init_project
from . import main


@main.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--example", type=click.Choice(list(EXAMPLES)), default="starter", show_default=True,
              help="What data/ starts with: " + "; ".join(f"{k}: {v}" for k, v in EXAMPLES.items()) + ".")  # fmt: skip
def init_cmd(directory, example):
    """Start a project in DIRECTORY (new or empty): data/ with an example, a .gitignore for build/
    and a README of next steps.

    \b
    Example:
      kg init my-records && cd my-records && kg run
      kg init lahore --example seed
    """
    try:
        init_project(directory, example)
    except InitError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Started a kg project in {directory} ({example} example). Next:")
    if directory.absolute() != Path.cwd():
        click.echo(f"  cd {shlex.quote(str(directory))}")
    click.echo("  kg validate     check the records in data/")
    click.echo("  kg run          build the graph, write the metrics and the page into build/outputs/")
    click.echo("  README.md says how to add your own records.")
