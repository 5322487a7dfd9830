"""`kg metrics --per/--window/--period`: the metrics per period (kept apart from kg/cli/metrics.py,
which measures all time at once)."""

from __future__ import annotations

import sys

import click

from .. import periods


def period_options(func):
    """--per, --window, --step and --period (repeatable)."""
    func = click.option("--period", "period", multiple=True,
                        help="Explicit period (repeatable): 2023, 2024-Q2, 2024-03, or a range 2022-09..2024-12.")(func)
    func = click.option("--step", help="With --window: how far each window moves on (1y, 6m, 1q; default the window).")(func)
    func = click.option("--window", help="Rolling windows of this length (2y, 6m, 1q) instead of calendar periods.")(func)
    func = click.option("--per", type=click.Choice(periods.PER),
                        help="Measure each calendar year, quarter or month (events with no date are reported).")(func)
    return func  # fmt: skip


def asked(per, window, step, period) -> bool:
    return bool(per or window or step or period)


def run(ctx, store, projection, fmt, output, k, engine, into_graph, per, window, step, period, say):
    """Measure per period; write the tidy table (csv, json) or the dynamic GEXF to ``output`` or stdout."""
    from ..export import write_atomic
    from ..metrics import period_formats
    from ..metrics.periods import by_period

    fmt = fmt or "csv"
    if fmt not in period_formats.PERIOD_FORMATS:
        raise click.ClickException(f"metrics per period are written as {', '.join(period_formats.PERIOD_FORMATS)}, "
                                   f"not {fmt}: use --format csv, json or gexf.")  # fmt: skip
    if projection == "all":
        raise click.ClickException("with --per/--window/--period, name one --projection (organizations, people, ...).")
    choice = {"per": per, "window": window, "step": step, "period": period}
    try:
        table = by_period(store, projection, k=k, engine=engine, **choice)
        data = period_formats.render(fmt, table)
        written = None
        if into_graph:
            from ..metrics.period_rdf import into_graph_by_period

            written = into_graph_by_period(store, [projection], k=k, engine=engine, **choice)
    except (periods.PeriodError, period_formats.OverlappingPeriods) as exc:
        raise click.ClickException(str(exc)) from None
    for note in table.notes():
        say(note)
    say(f"{projection}: {len(table.periods)} period(s), {len(table.rows):,} rows (node × period)")
    for path, changed in written or []:
        say(f"{'wrote' if changed else 'unchanged'} {path}")
    if output:
        write_atomic(output, data)
        say(f"wrote {len(data):,} bytes of {fmt} to {output}")
    elif not into_graph:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return bool(written)
