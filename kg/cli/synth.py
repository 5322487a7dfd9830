"""kg synth: synthetic records for benchmarks and scale tests."""

from __future__ import annotations

from pathlib import Path

import click

from .. import synth as synth_mod
from . import main
from .options import out_dir_option, progress


@main.command()
@click.option("--events", type=click.IntRange(min=1), required=True, help="How many events to make up.")
@out_dir_option(type=click.Path(path_type=Path), required=True,
                help="The records folder to create (must not exist or be empty).")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same files.")
def synth(events, out_dir, seed):
    """Write a valid records folder of synthetic events shaped like the real data (a few people at
    many events, one or two memberships each, several themes per event, years of dates).

    \b
    Example:
      kg synth --events 1000 --out build/synth-1000 --seed 1
    """
    try:
        counts = synth_mod.synthesize(events, out_dir, seed, progress=progress)
    except FileExistsError as exc:
        raise click.ClickException(f"{exc}: choose a new folder or remove it first.") from None
    click.echo(f"Wrote {out_dir}: " + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
