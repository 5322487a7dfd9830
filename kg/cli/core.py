"""kg build, kg validate, kg export."""

from __future__ import annotations

from pathlib import Path

import click

from .. import export as export_mod
from .. import generations
from ..validate import describe, findings
from . import main
from .options import graph_options, output_option, progress, write_output


@main.command()
@graph_options
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
def build(ctx, force):
    """Build the graph from the records (only when they changed) and print its summary.

    \b
    Example:
      kg build --data data/
    """
    if ctx.store.startswith(("http://", "https://")):  # a SPARQL server: upload what changed
        with ctx.open_graph() as store:
            click.echo(f"Graph on {ctx.store} is up to date ({len(store.graphs())} named graphs readable at {ctx.level}).")
        return
    if ctx.store != "oxigraph":
        raise click.ClickException(f"`kg build` writes the on-disk store or a SPARQL server; --store {ctx.store} "
                                   "is built in memory by each command that uses it.")  # fmt: skip
    result = generations.build(ctx.data_dir, ctx.build_dir, ctx.base, force=force, level=ctx.level,
                           progress=progress)  # fmt: skip
    for warning in result.warnings:  # found when the records are read, so on a rebuild
        click.echo(f"warning: {warning}", err=True)
    echo_level(result, ctx)


def echo_level(result, ctx) -> None:
    """What a build did, as seen at the command's level: nothing here depends on records above it."""
    view = result.at(ctx.level)
    click.echo(f"Graph {'built' if view.changed else 'up to date'} in {result.seconds:.2f} s: "
               f"{Path(ctx.build_dir) / 'store'}, {view.name} at the {ctx.level} level")  # fmt: skip
    click.echo(f"  what the {ctx.level} level reads (--level to see more):")
    for line in view.summary.lines():
        click.echo(f"  {line}")


@main.command("validate")
@graph_options
@click.option("--no-shacl", is_flag=True, help="Check the records only, not the SHACL shapes (faster on big data).")
def validate_cmd(ctx, no_shacl):
    """Check the records and the graph built from them; list every problem as FILE:LINE: field: message.

    Exits with status 1 when there is any problem.

    \b
    Example:
      kg validate --data data/
    """
    problems, warnings = findings(ctx.data_dir, ctx.base, shacl=not no_shacl)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(describe(problems), err=bool(problems))
    if problems:
        raise SystemExit(1)


@main.command("export")
@graph_options
@click.option("--format", "fmt", type=click.Choice(sorted(export_mod.FORMATS)), default="ttl", show_default=True,
              help="RDF format; nq, trig and jsonld keep the named graph (source) of every fact.")
@output_option()
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write instead a static, offline site to this folder: one page per person, organization, "
                   "event and source, with every fact's sentence and source, and an index with a search box.")
def export_cmd(ctx, fmt, output, html_dir):
    """Export the whole graph, provenance included (or, with --html, its pages as a static site).

    \b
    Examples:
      kg export --format ttl -o graph.ttl
      kg export --format nq | gzip > graph.nq.gz
      kg export --html site/            # then open site/index.html
      kg export --html site/ --level internal
    """
    if html_dir is not None:
        from ..static_site import SiteError, write_site

        if output is not None:
            raise click.UsageError("give either --html DIR (a site) or -o FILE (an RDF file), not both")
        with ctx.open_graph() as store:
            try:
                pages = write_site(store, html_dir)
            except SiteError as exc:
                raise click.ClickException(str(exc)) from None
            except OSError as exc:
                raise click.ClickException(f"cannot write the site to {html_dir}: {exc.strerror or exc}") from None
        click.echo(f"Wrote {pages:,} pages ({ctx.level} level) to {html_dir}; open {html_dir / 'index.html'}", err=True)
        return
    with ctx.open_graph() as store:
        data = export_mod.serialize(store, fmt)
    write_output(data, output)
    if output:
        click.echo(f"Wrote {len(data):,} bytes of {fmt} to {output}", err=True)
