"""kg run: the main job of `make run`."""

from __future__ import annotations

from pathlib import Path

import click

from .. import export as export_mod
from .. import project
from . import main
from .core import echo_level
from .options import graph_options


@main.command()
@graph_options
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the outputs (default: BUILD_DIR/outputs).")
def run(ctx, out_dir):
    """Build the graph from the records, write the metrics of every projection, the interactive
    visualization and a Turtle export, and print where they are.

    \b
    Example:
      kg run --data data/ --build-dir build/
    """
    from .. import metrics, viz  # heavy imports, only for this command

    say = lambda message: click.echo(f"… {message}", err=True)  # noqa: E731
    result = project.build(ctx.data_dir, ctx.build_dir, ctx.base, progress=say, level=ctx.level)
    echo_level(result, ctx)
    out_dir = out_dir or Path(ctx.build_dir) / "outputs"
    with ctx.open_graph() as store:
        say("computing metrics of every projection")
        metric_files = metrics.write_all(store, out_dir / "metrics")
        say("drawing the alliance")
        try:
            page = viz.render(store, out_dir / "alliance.html")
        except viz.VizError as exc:
            raise click.ClickException(str(exc)) from None
        graph_file = out_dir / "graph.ttl"
        export_mod.export(store, "ttl", graph_file)
    click.echo(f"Level shown: {ctx.level} (use --level to include internal or restricted facts)")
    click.echo("Metrics (CSV for spreadsheets, GraphML/GEXF for Gephi, JSON):")
    for path in metric_files:
        click.echo(f"  {path}")
    click.echo(f"Visualization (open in a browser, works offline):\n  {page}")
    click.echo(f"Graph (Turtle, with provenance):\n  {graph_file}")
