"""kg changes: what changed in a projection between two periods."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import network
from . import main
from .options import graph_options


@main.command()
@graph_options
@click.option("--from", "before", required=True, help="The earlier period: 2023, 2024-Q1, 2024-03 or 2022-09..2023-12.")
@click.option("--to", "after", required=True, help="The later period, written the same way.")
@click.option("--projection", default="organizations", show_default=True,
              help="stakeholders, organizations, people or themes.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html"]), default="md", show_default=True,
              help="Markdown for the terminal, JSON for scripts, HTML for a browser (every value escaped).")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="How many of the largest rises and falls of each metric to list.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default standard output).")
def changes(ctx, before, after, projection, fmt, top, output):
    """Say what changed between two periods: actors who joined and left, ties formed and lost, the
    largest rises and falls of each metric, brokers gained and lost, communities formed, split,
    merged or dissolved, and sectors that met for the first time; each item with the events and
    source sentences behind it.

    \b
    Examples:
      kg changes --from 2023 --to 2024
      kg changes --from 2024 --to 2025 --projection people --format json -o changes.json
      kg changes --from 2022-09..2023-12 --to 2024 --format html -o changes.html
    """
    from .. import changes as library
    from ..periods import PeriodError

    declared = list(network.projections())
    if projection not in declared:
        raise click.ClickException(f"unknown projection {projection!r}: use one of {', '.join(declared)}.")
    try:
        with ctx.open_graph() as store:
            report = library.compare(store, before, after, projection, top=top)
    except PeriodError as exc:
        raise click.ClickException(f"{exc}.") from None
    data = library.render(fmt, report)
    if output:
        from ..export import write_atomic

        write_atomic(output, data)
        click.echo(f"… wrote {len(data):,} bytes of {fmt} to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
