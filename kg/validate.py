"""Checking a data folder: the records first (syntax, required fields, references, dates, quotes),
then the SHACL shapes of ontology/shapes.ttl on the graph built from them.

SHACL reports name graph nodes; each is mapped back to the record it came from, so the person
fixing it gets ``FILE:LINE: field: message`` like every other problem.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from . import to_rdf
from . import config
from .records import Problem, RecordsInvalid, load_records
from .vocab import SH


def validate(data_dir=None, base=None, shacl: bool = True) -> list[Problem]:
    """Every problem found in the records and, when they load, in the built graph."""
    return findings(data_dir, base, shacl)[0]


def findings(data_dir=None, base=None, shacl: bool = True) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings): the problems as ``validate`` finds them, and what is valid but worth a
    look (a report with no events)."""
    data_dir, base = config.data_dir(data_dir), config.base_iri(base)
    try:
        records = load_records(data_dir)
    except RecordsInvalid as exc:
        return exc.problems, exc.warnings
    if not shacl:
        return [], records.warnings
    origins: dict = {}
    quads = to_rdf.record_quads(records, base, origins)
    return shacl_problems(quads, origins, base), records.warnings


def shacl_problems(quads, origins: dict, base: str) -> list[Problem]:
    import pyshacl

    data = rdflib.Graph()
    payload = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
    if payload:
        data.parse(data=payload.decode("utf-8"), format="nt")
    ontology = rdflib.Graph()
    for name in ("kg.ttl", "themes.ttl"):
        ontology.parse(config.ontology_dir() / name, format="turtle")
    shapes = rdflib.Graph().parse(config.ontology_dir() / "shapes.ttl", format="turtle")
    data += ontology  # concepts (sectors, themes, parts) are part of what the shapes check against
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in report.objects(None, SH.result):  # top-level results only, not nested details
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "does not conform to the shapes"
        loc = origins.get(str(focus))
        file, line = (loc.file, loc.line) if loc else ("(graph)", 0)
        fieldname = _short_iri(path) if path is not None else _short_iri(focus, base)
        problems.append(Problem(file, line, fieldname, f"{message} [{_short_iri(focus, base)}]", "see ontology/shapes.ttl"))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.field, p.message))


def _short_iri(term, base: str = "") -> str:
    text = str(term)
    if base and text.startswith(base):
        return text[len(base) :]
    for sep in ("#", "/"):
        if sep in text:
            return text.rsplit(sep, 1)[1] or text
    return text


def describe(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} problem(s) found." if problems else "No problems found.")
    return "\n".join(lines)


__all__ = ["validate", "findings", "describe", "Path"]
