"""Whether every id a report names exists (people, organizations, events, themes)."""

from __future__ import annotations

import difflib

from .checks import _Checker
from .model import Loc, Problem, Records


def _suggest(unknown: str, known) -> str:
    close = difflib.get_close_matches(unknown, list(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "add it to the registry first"


def _check_references(records: Records, problems: list[Problem], people_ok: bool = True, orgs_ok: bool = True) -> None:
    from ..themes import theme_ids  # the SKOS scheme in ontology/ is the list of themes

    themes = theme_ids()
    people, orgs = records.people, records.organizations
    seen_sources: dict[str, str] = {}
    seen_events: dict[str, Loc] = {}
    for report in records.reports:
        check = _Checker(report.path, problems)
        if report.source.id in seen_sources:
            check.problem(report.source.loc.line, "source.id", f"duplicate source id '{report.source.id}' (also in {seen_sources[report.source.id]})", "give each report its own source id")
        seen_sources[report.source.id] = report.path
        for event in report.events:
            if event.id in seen_events:
                first = seen_events[event.id]
                check.problem(event.loc.line, f"event {event.id}.id", f"duplicate event id (first at {first.file}:{first.line})", "give each event one entry")
            seen_events[event.id] = event.loc
    events = records.events

    unreadable = [r for r, ok in ((people, people_ok), (orgs, orgs_ok)) if not ok]

    def ref(check: _Checker, line: int, where: str, value: str | None, *registries: dict) -> None:
        if any(r is u for r in registries for u in unreadable):
            return
        if value and not any(value in r for r in registries):
            merged = {k: 1 for r in registries for k in r}
            check.problem(line, where, f"unknown id '{value}'", _suggest(value, merged))

    for report in records.reports:
        check = _Checker(report.path, problems)
        for event in report.events:
            w = f"event {event.id}"
            for key in ("organizers", "partners", "funders", "founded"):
                for org in getattr(event, key):
                    ref(check, event.loc.line, f"{w}.{key}", org, orgs)
            ref(check, event.loc.line, f"{w}.part_of", event.part_of, events)
            for theme in event.themes:
                if theme not in themes:
                    check.problem(event.loc.line, f"{w}.themes", f"unknown theme '{theme}'", _suggest(theme, themes))
            sections = {s.id for s in event.sections}
            for p in event.participants:
                ref(check, p.loc.line, f"{w}.participants.{p.agent_kind}", p.agent, people if p.agent_kind == "person" else orgs)
                if p.section and p.section not in sections:
                    check.problem(p.loc.line, f"{w}.participants.section", f"unknown section '{p.section}'", _suggest(p.section, sections) if sections else "add it under the event's sections:")
                for theme in p.themes:
                    if theme not in themes:
                        check.problem(p.loc.line, f"{w}.participants.themes", f"unknown theme '{theme}'", _suggest(theme, themes))
        for a in report.affiliations:
            ref(check, a.loc.line, "affiliations.person", a.person, people)
            ref(check, a.loc.line, "affiliations.organization", a.organization, orgs)
        for r in report.relations:
            ref(check, r.loc.line, "relations.subject", r.subject, people, orgs)
            ref(check, r.loc.line, "relations.object", r.object, orgs, events)
        for f in report.figures:
            ref(check, f.loc.line, "figures.about", f.about, people, orgs, events)
            ref(check, f.loc.line, "figures.stated_by", f.stated_by, people)
