"""kg run: the main job of `make run` (the work is ``kg.run()``, kg/pipeline.py)."""

from __future__ import annotations

import click

from .. import pipeline
from . import main
from .core import echo_level
from .options import graph_options, out_dir_option, progress


@main.command()
@graph_options
@out_dir_option(help="Where to write the outputs (default: BUILD_DIR/outputs).")
def run(ctx, out_dir):
    """Build the graph from the records, write the metrics of every projection, the interactive
    visualization and a Turtle export, and print where they are.

    \b
    Example:
      kg run --data data/ --build-dir build/
      kg run --store oxigraph-memory -o /tmp/outputs
    """
    from ..metrics.files import import_igraph_without_plotting
    from ..viz import VizError

    import_igraph_without_plotting()  # this process measures the page's projection and never plots

    try:
        done = pipeline.run(ctx.data_dir, ctx.build_dir, ctx.base, ctx.level, ctx.store, out_dir, progress=progress,
                            on_build=lambda result: echo_level(result, ctx))  # fmt: skip
    except VizError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Level shown: {ctx.level} (use --level to include internal or restricted facts)")
    click.echo("Metrics (CSV for spreadsheets, GraphML/GEXF for Gephi, JSON):")
    for path in done.metric_files:
        click.echo(f"  {path}")
    click.echo(f"Visualization (open in a browser, works offline):\n  {done.page}")
    click.echo(f"Graph (Turtle, with provenance):\n  {done.graph_file}")
