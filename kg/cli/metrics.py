"""kg metrics: centrality, brokerage, communities and cross-sector ties of a projection."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import network
from ..metric_names import RANKABLE as RANK_BY  # noqa: E402 - the names, defined once
from . import main, metrics_periods
from .metrics_periods import period_options
from .options import graph_options


def _table(rows: list[dict], by: str, top: int) -> str:
    low_first = by == "constraint"  # low constraint = broker
    ranked = sorted((r for r in rows if r[by] is not None), key=lambda r: ((r[by] if low_first else -r[by]), r["id"]))
    shown = ["weighted_degree", "betweenness", "eigenvector", "constraint", "community"]
    columns = [by] + [c for c in shown if c != by]
    lines = [f"{'#':>3}  {'label':<40} {'sector':<18} " + " ".join(f"{c[:13]:>13}" for c in columns)]
    for rank, row in enumerate(ranked[:top], 1):
        cells = " ".join(f"{'' if row[c] is None else format(row[c], 'g'):>13}" for c in columns)
        lines.append(f"{rank:>3}  {row['label'][:40]:<40} {(row['sector'] or '-')[:18]:<18} {cells}")
    return "\n".join(lines)


@main.command()
@graph_options
@click.option("--projection", default="stakeholders", show_default=True,
              help="stakeholders, organizations, people, themes, or all.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "graphml", "gexf"]),
              help="Output format (default csv; with --projection all and no --format, all four).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (a folder with --projection all; default standard output, or "
                   "BUILD_DIR/outputs/metrics for all).")
@click.option("--top", type=click.IntRange(min=1), help="Print the N highest-ranked nodes as a table.")
@click.option("--by", type=click.Choice(RANK_BY), default="weighted_degree", show_default=True,
              help="Metric that ranks --top (constraint ranks lowest first: the brokers).")
@click.option("--k", type=click.IntRange(min=0),
              help="Betweenness from K sampled sources (0 = exact). Default: exact up to 1,000 nodes.")
@click.option("--engine", type=click.Choice(["auto", "networkx", "igraph"]), default="auto", show_default=True,
              help="networkx keeps every algorithm in networkx (for its backends); same values.")
@click.option("--into-graph", is_flag=True, help="Also store the figures as RDF in the graph (see `top-by-centrality`).")
@period_options
def metrics(ctx, projection, fmt, output, top, by, k, engine, into_graph, per, window, step, period):
    """Measure a network projection: weighted degree, betweenness, closeness, eigenvector, PageRank,
    Louvain community, Burt's constraint and effective size, cross-sector score; and the network's
    nodes, edges, density, components and modularity.

    \b
    Examples:
      kg metrics --projection organizations --top 10
      kg metrics --projection organizations --format gexf -o organizations.gexf
      kg metrics --projection all -o build/metrics
      kg metrics --projection organizations --into-graph
      kg metrics --projection organizations --per year -o organizations-by-year.csv
      kg metrics --projection organizations --per year --format gexf -o organizations-dynamic.gexf
      kg metrics --projection organizations --window 2y --step 1y --format json
    """
    from .. import metrics as m  # heavy imports, only for this command

    declared = list(network.projections())
    if projection != "all" and projection not in declared:
        raise click.ClickException(f"unknown projection {projection!r}: use one of {', '.join(declared)} or all.")
    names = declared if projection == "all" else [projection]
    say = lambda message: click.echo(f"… {message}", err=True)  # noqa: E731
    if metrics_periods.asked(per, window, step, period):
        if top:
            raise click.ClickException("--top ranks all time; with --per/--window/--period write the table (csv, json).")
        if ctx.store != "oxigraph" and into_graph:
            raise click.ClickException("--into-graph writes into the on-disk store: run it with --store oxigraph.")
        with ctx.open_graph() as store:
            wrote = metrics_periods.run(ctx, store, projection, fmt, output, k, engine, into_graph, per, window, step,
                                        period, say)  # fmt: skip
        if wrote:
            m.load_into_graph(ctx.data_dir, ctx.build_dir, ctx.base, ctx.level, progress=say)
        return
    with ctx.open_graph() as store:
        if into_graph:
            if ctx.store != "oxigraph":
                raise click.ClickException("--into-graph writes into the on-disk store: run it with --store oxigraph.")
            for path, changed in m.into_graph(store, names, ctx.data_dir, ctx.build_dir, ctx.base, k=k, engine=engine):
                say(f"{'wrote' if changed else 'unchanged'} {path}")
        if projection == "all":
            out_dir = output or Path(ctx.build_dir) / "outputs" / "metrics"
            formats = [fmt] if fmt else list(m.FORMATS)
            for path in m.write_all(store, out_dir, k=k, formats=formats, engine=engine):
                click.echo(str(path))
            results = []
        else:
            results = [m.measure_projection(store, projection, k=k, engine=engine)]
    if into_graph:
        view = m.load_into_graph(ctx.data_dir, ctx.build_dir, ctx.base, ctx.level, progress=say)
        say(f"graph {'rebuilt with' if view.changed else 'already holds'} the metrics: {view.name} at the {ctx.level} level")
    for graph, node_metrics, figures in results:
        for note in figures["notes"][1:]:
            say(note)
        say(f"{figures['projection']}: {figures['nodes']:,} nodes, {figures['edges']:,} edges, density "
            f"{figures['density']}, {figures['components']} components, {figures['communities']} communities, "
            f"modularity {figures['modularity']}")  # fmt: skip
        if top:
            click.echo(_table(m.rows(graph, node_metrics), by, top))
        if output:
            from ..export import write_atomic

            data = m.render(fmt or "csv", graph, node_metrics, figures)
            write_atomic(output, data)
            say(f"wrote {len(data):,} bytes of {fmt or 'csv'} to {output}")
        elif not top and not into_graph:
            sys.stdout.buffer.write(m.render(fmt or "csv", graph, node_metrics, figures))
            sys.stdout.flush()
