"""`kg validate` accepts facts whose quote is withheld at a level (issue 12, finding 13).

The README's own example, John Collins marked restricted, used to give five "must come from at
least one quote" problems and exit 1: the public graph links those facts to a kg:WithheldEvidence
(no text, no line), which the shapes took for a missing quote.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

from kg import config
from kg.validate import shacl_problems
from kg.vocab import KG, RDF

from .conftest import copy_data, kg, mini_data
from .test_sensitivity import PERSON, mark


def test_the_readmes_restricted_person_validates(tmp_path):
    data = copy_data(tmp_path)
    mark(data, "people", PERSON, "restricted")
    result = kg("validate", "--data", data)
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output


def test_the_public_export_with_withheld_quotes_conforms_to_the_shapes(tmp_path):
    """The public graph alone, as anyone downloading it would check it, conforms too."""
    import pyshacl

    data = copy_data(tmp_path)
    mark(data, "people", PERSON, "restricted")
    nt = kg("export", "--format", "nt", "--data", data, "--build-dir", tmp_path / "build")
    assert nt.exit_code == 0, nt.output
    assert "WithheldEvidence" in nt.stdout  # the case under test is really there
    graph = rdflib.Graph().parse(data=nt.stdout, format="nt")
    for name in ("kg.ttl", "themes.ttl"):
        graph.parse(config.ontology_dir() / name, format="turtle")
    shapes = rdflib.Graph().parse(config.ontology_dir() / "shapes.ttl", format="turtle")
    conforms, report, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert conforms, text


def test_a_fact_without_any_quote_is_still_refused(tmp_path):
    """Accepting withheld evidence did not open the door to facts with no quote at all."""
    data = mini_data(tmp_path)
    quads = [q for q in _record_quads(data) if not (q.predicate.value.endswith("wasDerivedFrom")
                                                   and "participation" in str(q.subject))]  # fmt: skip
    problems = shacl_problems(quads, {}, config.base_iri(None))
    assert any("must come from at least one quote" in p.message for p in problems)


def test_withheld_evidence_must_keep_its_source_and_drop_its_line(tmp_path):
    """The shape of the placeholder: one source, one text, and no line (a line would tell where)."""
    data = mini_data(tmp_path)
    quads = _record_quads(data)
    evidence = next(q.subject for q in quads if q.object == ox.NamedNode(str(KG.Evidence)))
    withheld = ox.NamedNode(evidence.value + "-withheld")
    graph = quads[0].graph_name
    extra = [ox.Quad(withheld, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.WithheldEvidence)), graph),
             ox.Quad(withheld, ox.NamedNode(str(KG.line)), ox.Literal(3), graph)]  # fmt: skip
    problems = shacl_problems(quads + extra, {}, config.base_iri(None))
    fields = {p.field for p in problems if withheld.value.rsplit("/", 1)[1] in p.message}
    assert {"wasQuotedFrom", "quote", "line"} <= fields, problems


def _record_quads(data):
    from kg import to_rdf
    from kg.records import load_records

    return to_rdf.record_quads(load_records(data), config.base_iri(None), {})

