"""kg extract: a draft records folder from a report's text, or its score against a gold file."""

from __future__ import annotations

import re
import time
from pathlib import Path

import click

from ..records import load_records
from ..vocab import LEVELS
from . import main
from .options import out_dir_option


@main.command("extract")
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@out_dir_option("out", help="Folder to write the draft records to (must be new or empty).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="An existing records folder: link the people and organizations it already holds.")
@click.option("--level", type=click.Choice(LEVELS), default="public", show_default=True,
              help="With --data: use only the registry entries readable at this level (the draft is passed around).")
@click.option("--eval", "gold", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A gold file: print precision, recall and F1 instead of writing a draft.")
def extract_cmd(report, out, data_dir, level, gold):
    """Draft the records of one event report (people, titles, organizations, the event, its themes),
    every fact with the sentence it comes from, and every guess marked REVIEW.

    \b
    Examples:
      kg extract report.txt --out drafts/report --data data/
      kg extract report.txt --out drafts/internal --data data/ --level internal
      kg validate --data drafts/report
      kg extract --eval tests/gold/01-sharp-act-workshop-karachi.gold.yaml data/sources/01-sharp-act-workshop-karachi.txt
    """
    from ..extract import ReportError, extract, read_report

    started = time.perf_counter()
    try:
        text = read_report(report)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    x = extract(text)
    if gold:
        from ..extract.evaluate import evaluate, load_gold, table
        from ..yamlfile import YamlError

        try:
            scores = evaluate(x, load_gold(gold))
        except (YamlError, AttributeError, KeyError, TypeError) as exc:
            raise click.ClickException(f"{gold} is not a gold file ({exc}); see tests/gold/ for the format.") from None
        click.echo(table(scores))
        return
    if out is None:
        raise click.UsageError("give --out DIR for the draft (or --eval GOLD.yaml to score the extraction).")
    if out.exists() and any(out.iterdir()):
        raise click.ClickException(f"{out} is not empty. Give a new folder for the draft, so nothing is overwritten.")
    from ..extract.draft import build_draft, readable_at, write_draft

    records, left_out = (None, [])
    if data_dir:
        records, left_out = readable_at(load_records(data_dir), level)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", report.name).strip("-.") or "report.txt"
    decisions: list[str] = []
    documents = build_draft(x, name, records, decisions)
    write_draft(out, documents, text.encode("utf-8"), name)
    reviews = sum(str(d).count("REVIEW:") for d in documents.values())
    click.echo(f"Draft written to {out} in {time.perf_counter() - started:.2f} s: {len(x.people)} people, "
               f"{len(x.orgs.orgs)} organizations, {len(x.participations)} participations, "
               f"{reviews} guesses marked REVIEW.")  # fmt: skip
    if left_out:  # told to the person who holds the registry, never written into the draft
        click.echo(f"Left out of the draft: {len(left_out)} registry entr{'y' if len(left_out) == 1 else 'ies'} above the "
                   f"{level} level ({', '.join(left_out)}); nothing of theirs was linked or copied. Check the draft's "
                   f"new people against them before it joins {data_dir}, or draft with --level to link them.")  # fmt: skip
    if decisions:
        click.echo("Linking to the people in " + str(data_dir) + ":")
        for line in decisions:
            click.echo(f"  {line}")
    if not x.people:
        click.echo("No people were found in the report; the draft holds the event and its organizations only.")
    if x.report.repeated:
        click.echo(f"{x.report.repeated} repeated line(s) were skipped (the report appears to be pasted twice).")
    click.echo(f"Next: review the notes marked REVIEW, then `kg validate --data {out}`.")
