"""The SHACL shapes run on the built graph, and their reports point back at the records."""

from __future__ import annotations

import pyoxigraph as ox

from kg import config, to_rdf
from kg.records import load_records
from kg.validate import shacl_problems

SCHEMA_NAME = "https://schema.org/name"


def test_shapes_accept_the_mini_graph(mini):
    origins: dict = {}
    quads = to_rdf.record_quads(load_records(mini), config.base_iri(), origins)
    assert shacl_problems(quads, origins, config.base_iri()) == []


def test_shapes_report_a_person_without_a_name_at_its_record(mini):
    origins: dict = {}
    base = config.base_iri()
    quads = to_rdf.record_quads(load_records(mini), base, origins)
    person = base + "person/asha-khan"
    broken = [q for q in quads if not (q.subject.value == person and q.predicate.value == SCHEMA_NAME)]
    problems = shacl_problems(broken, origins, base)
    assert problems, "a person with no schema:name must violate the shapes"
    assert any(p.file == "data/people.yaml" and p.line == 2 and "name" in p.message.lower() for p in problems), problems


def test_shapes_report_a_bad_date_datatype(mini):
    origins: dict = {}
    base = config.base_iri()
    quads = to_rdf.record_quads(load_records(mini), base, origins)
    event = base + "event/mini-workshop"
    broken = [
        ox.Quad(q.subject, q.predicate, ox.Literal("1 March 2024"), q.graph_name)
        if q.subject.value == event and q.predicate.value == "https://schema.org/startDate" else q
        for q in quads
    ]
    problems = shacl_problems(broken, origins, base)
    assert any(p.file == "data/reports/mini.yaml" and "startDate" in p.field for p in problems), problems
