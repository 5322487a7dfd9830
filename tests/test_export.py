"""Export in every format, parse it back with rdflib, and find the same triples."""

from __future__ import annotations

import pytest
import rdflib

from kg import export
from kg.generations import open_store

from .conftest import DATA, kg

RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_round_trip(seed_build, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    result = kg("export", "--format", fmt, "-o", out, "--data", DATA, "--build-dir", seed_build)
    assert result.exit_code == 0, result.output
    with open_store(DATA, seed_build) as store:
        quads = list(store.quads())
    if export.FORMATS[fmt][1]:
        parsed = rdflib.Dataset()
        parsed.parse(out, format=RDFLIB_FORMAT[fmt])
        assert len(list(parsed.quads((None, None, None, None)))) == len(quads)
    else:
        parsed = rdflib.Graph().parse(out, format=RDFLIB_FORMAT[fmt])
        assert len(parsed) == len({q.triple for q in quads})


def test_nt_holds_every_seed_person_once(seed_build):
    result = kg("export", "--format", "nt", "--data", DATA, "--build-dir", seed_build)
    graph = rdflib.Graph().parse(data=result.stdout, format="nt")
    names = [str(o) for s in graph.subjects(rdflib.RDF.type, rdflib.FOAF.Person)
             for o in graph.objects(s, rdflib.URIRef("https://schema.org/name"))]
    assert len(names) == len(set(names)) >= 23
    assert "John Collins" in names and "John Colling" not in names


def test_export_is_deterministic(seed_build):
    first = kg("export", "--format", "ttl", "--data", DATA, "--build-dir", seed_build).stdout_bytes
    second = kg("export", "--format", "ttl", "--data", DATA, "--build-dir", seed_build).stdout_bytes
    assert first == second and len(first) > 10_000
