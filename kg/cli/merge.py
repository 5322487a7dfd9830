"""kg merge: a reviewed draft folder into the records, in one checked, atomic step."""

from __future__ import annotations

from pathlib import Path

import click

from . import main


@main.command("merge")
@click.argument("draft", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--into", "into", type=click.Path(file_okay=False, exists=True, path_type=Path), default="data",
              show_default=True, envvar="KG_DATA", help="The records folder to merge into.")
@click.option("--dry-run", is_flag=True, help="Print the changes as a diff and write nothing.")
@click.option("--accept-review", is_flag=True, help="Merge even though REVIEW: notes remain (they are kept as they are).")
def merge_cmd(draft, into, dry_run, accept_review):
    """Merge a reviewed draft (from `kg extract --out DRAFT --data data/`) into the records: new people and
    organizations appended to the registries, new aliases added to existing entries, the report and its
    source copied. Comments and order of the registries are kept; everything is validated first, and
    nothing is written if anything is wrong.

    \b
    Examples:
      kg extract report.txt --out drafts/report --data data/
      kg merge drafts/report --dry-run
      kg merge drafts/report --into data/
    """
    from ..merge import MergeError, apply_merge, plan_merge

    try:
        plan = plan_merge(draft, into, accept_review=accept_review)
    except MergeError as exc:
        for place in exc.places:
            click.echo(place, err=True)
        raise click.ClickException(f"{exc} Nothing was changed.") from None
    if dry_run:
        click.echo(plan.diff(), nl=False)
        click.echo(f"Dry run: {len(plan.added)} change(s) to {into}; nothing was written.")
        return
    apply_merge(plan)
    for line in plan.added:
        click.echo(f"  {line}")
    events = ", ".join(plan.events) or "none"
    click.echo(f"Merged {draft} into {into}: {len(plan.files)} file(s) written; new event(s): {events}.")
    click.echo("Next: `kg run` to build the graph with the new event.")
