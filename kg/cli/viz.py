"""kg viz: the alliance as one offline, interactive HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from . import main
from .options import graph_options

# The same choices as kg.viz.COLOR_BY and kg.viz.METRICS (kept here so `kg --help` needs no networkx/pyvis import).
COLOR_BY = ("type", "sector", "community")
from ..metric_names import SIZE_BY as METRICS  # noqa: E402 - the names, defined once


@main.command("viz")
@graph_options
@click.option("--projection", default="stakeholders", show_default=True,
              help="A projection from kg/projections.yaml: stakeholders, organizations, people, themes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (default: BUILD_DIR/outputs/alliance.html).")
@click.option("--size-by", type=click.Choice(METRICS), default="betweenness", show_default=True,
              help="The centrality that sizes the nodes.")
@click.option("--color-by", type=click.Choice(COLOR_BY), default="sector", show_default=True,
              help="Colour nodes by kind, by sector or by detected community.")
@click.option("--theme", help="Draw only nodes linked to this theme (id, e.g. human-trafficking, or label).")
@click.option("--event", help="Draw only this event and those who took part in it (event id or name).")
@click.option("--since", type=click.IntRange(1900, 2100), metavar="YEAR",
              help="Draw only nodes with an event in or after YEAR.")
@click.option("--max-nodes", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Node budget: above it the page draws the most central nodes and says what it hides (0: all).")
@click.option("--story", type=click.Path(dir_okay=False, path_type=Path),
              help="A story YAML file (steps with title, caption, view) to walk through with Next/Back.")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path),
              help="Also render the picture (title, network, legend) to this PNG with headless Chromium.")
@click.option("--width", type=click.IntRange(800, 8000), default=2400, show_default=True,
              help="Width in pixels of the --png picture.")
def viz_cmd(ctx, projection, output, size_by, color_by, theme, event, since, max_nodes, story, png, width):
    """Draw a projection as one self-contained HTML page: search by name or alias, filter by kind,
    sector, theme, event and year, click a node for its titles, events and sources. It needs no
    network: open it in any browser, offline.

    \b
    Examples:
      kg viz -o alliance.html
      kg viz --color-by community --size-by pagerank --theme human-trafficking --since 2024
      kg viz --story docs/story-seed.yaml -o story.html
      kg viz --png alliance.png --width 2400
    """
    from .. import viz  # networkx layouts and pyvis: only for this command

    output = output or Path(ctx.build_dir) / "outputs" / "alliance.html"
    from ..viz.image import ImageError, find_chromium
    from ..viz.image import png as render_png
    from ..viz.story import StoryError

    if png and find_chromium() is None:  # say it before the work, not after
        raise click.ClickException(_no_chromium())
    with ctx.open_graph() as store:
        try:
            path = viz.render(store, output, projection=projection, size_by=size_by, color_by=color_by,
                              theme=theme, event=event, since=since, max_nodes=max_nodes, story=story)  # fmt: skip
        except (viz.VizError, StoryError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB); open it in a browser, it works offline.")
    if png:
        try:
            picture = render_png(path, png, width=width)
        except ImageError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Wrote {picture} ({width} pixels wide).")


def _no_chromium() -> str:
    from ..viz.image import HOW_TO_GET

    return f"--png needs Chromium, which is not installed here: {HOW_TO_GET}"
