"""kg query / kg queries: output formats read back by real parsers, safe parameters, ordering, errors."""

from __future__ import annotations

import csv
import io
import json
import textwrap

import pytest
import rdflib
from rdflib.query import Result

from kg import sparql

from .conftest import DATA, kg

PEOPLE = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name }"


def run(seed_build, *args):
    return kg("query", "--data", DATA, "--build-dir", seed_build, *args)


def test_csv_is_read_back_by_the_csv_module(seed_build):
    out = run(seed_build, "--name", "people-of-organization", "--param", "org=cfhr", "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    titles = {r["name"]: r["title"] for r in rows}
    assert titles["Sevim Saadat"] == "Director Policy & Advocacy"
    assert titles["Umar Khan"] == "Executive Director"
    assert rows[0].keys() == {"person", "name", "title", "unit", "unitName"}


def test_json_is_standard_sparql_results_json(seed_build):
    out = run(seed_build, "--name", "people-of-organization", "--param", "org=cfhr", "--format", "json")
    data = json.loads(out.stdout)
    assert data["head"]["vars"] == ["person", "name", "title", "unit", "unitName"]
    sevim = next(b for b in data["results"]["bindings"] if b["name"]["value"] == "Sevim Saadat")
    assert sevim["person"] == {"type": "uri", "value": "https://kg.example.org/id/person/sevim-saadat"}
    parsed = Result.parse(io.BytesIO(out.stdout_bytes), format="json")  # rdflib's SPARQL JSON parser
    assert {str(r["name"]) for r in parsed} >= {"Sevim Saadat", "Umar Khan", "Seher Aftab"}


def test_tsv_and_xml_are_read_back_by_rdflib(seed_build):
    expected = run(seed_build, PEOPLE, "--format", "json")
    names = sorted(b["name"]["value"] for b in json.loads(expected.stdout)["results"]["bindings"])
    for fmt in ("tsv", "xml"):
        out = run(seed_build, PEOPLE, "--format", fmt)
        assert out.exit_code == 0, out.output
        parsed = Result.parse(io.BytesIO(out.stdout_bytes), format=fmt)
        assert sorted(str(r["name"]) for r in parsed) == names, fmt


def test_markdown_and_table(seed_build):
    md = run(seed_build, "--name", "people-of-organization", "--param", "org=cfhr", "--format", "md").stdout
    lines = md.strip().splitlines()
    assert lines[0] == "| person | name | title | unit | unitName |" and lines[1].startswith("|---|")
    assert any("| Sevim Saadat | Director Policy & Advocacy |" in line for line in lines)
    table = run(seed_build, "--name", "people-of-organization", "--param", "org=cfhr").stdout
    assert "person/sevim-saadat" in table and table.rstrip().endswith("rows)")


def test_construct_gives_turtle_ntriples_and_jsonld(seed_build):
    query = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    graphs = {}
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        args = (query,) if fmt == "ttl" else (query, "--format", fmt)  # Turtle is the default
        out = run(seed_build, *args)
        assert out.exit_code == 0, out.output
        graphs[fmt] = rdflib.Graph().parse(data=out.stdout, format=parser)
    sevim = rdflib.URIRef("https://kg.example.org/id/person/sevim-saadat")
    assert graphs["ttl"].value(sevim, rdflib.URIRef("https://schema.org/name")) == rdflib.Literal("Sevim Saadat")
    assert len(graphs["ttl"]) == len(graphs["nt"]) == len(graphs["jsonld"]) >= 30
    assert run(seed_build, query, "--format", "csv").exit_code == 1  # rows format for a graph: clear error


def test_ask_prints_and_sets_exit_status(seed_build):
    yes = run(seed_build, "ASK { ?p schema:name 'Sevim Saadat' }")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    no = run(seed_build, "ASK { ?p schema:name 'Nobody At All' }")
    assert (no.exit_code, no.stdout) == (1, "false\n")
    assert json.loads(run(seed_build, "ASK { ?s ?p ?o }", "--format", "json").stdout) == {"head": {}, "boolean": True}


def test_parameter_with_sparql_syntax_is_a_plain_literal(seed_build):
    evil = '"} ; DROP ALL ; {'
    out = run(seed_build, "SELECT ?x WHERE { BIND(?v AS ?x) }", "--param", f"v={evil}", "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["results"]["bindings"] == [{"x": {"type": "literal", "value": evil}}]
    named = run(seed_build, "--name", "people-of-organization", "--param", f"org={evil}", "--format", "json")
    assert named.exit_code == 1 and "no organization with this id" in named.output  # names nothing: an error
    still = run(seed_build, "--name", "people-of-organization", "--param", "org=cfhr", "--format", "csv")
    assert "Sevim Saadat" in still.stdout  # nothing was dropped


def test_param_values_are_typed():
    base = "https://kg.example.org/id/"
    assert sparql.param_term("org", "cgr", base) == rdflib.URIRef(base + "org/cgr")
    assert sparql.param_term("person", "<https://x.org/p>", base) == rdflib.URIRef("https://x.org/p")
    assert sparql.param_term("anything", "https://x.org/p", base) == rdflib.URIRef("https://x.org/p")
    assert sparql.param_term("theme", "human-trafficking", base) == rdflib.URIRef("https://kg.example.org/theme/human-trafficking")
    assert sparql.param_term("x", "sector:government", base) == rdflib.URIRef("https://kg.example.org/sector/government")
    assert sparql.param_term("min", "2", base) == rdflib.Literal(2)
    assert sparql.param_term("name", "Sevim Saadat", base) == rdflib.Literal("Sevim Saadat")
    assert sparql.param_term("org", "Centre for Human Rights", base) == rdflib.Literal("Centre for Human Rights")


def test_rows_are_sorted_when_the_query_has_no_order_by(seed_build):
    first = run(seed_build, PEOPLE, "--format", "csv").stdout
    names = first.splitlines()[1:]
    assert names == sorted(names) and len(names) >= 30
    assert first == run(seed_build, PEOPLE, "--format", "csv").stdout
    ordered = run(seed_build, PEOPLE + " ORDER BY DESC(?name)", "--format", "csv").stdout.splitlines()[1:]
    assert ordered == sorted(names, reverse=True)  # ORDER BY is kept


def test_query_from_file_and_stdin(seed_build, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(PEOPLE + " ORDER BY ?name LIMIT 1")
    assert run(seed_build, "--file", path, "--format", "csv").stdout.splitlines() == ["name", "Abdi Mohamud"]  # the first name in alphabetical order (data/ grew in issue 17)


def test_bad_input_gets_a_clear_message(seed_build, tmp_path):
    cases = [
        (("--name", "no-such-query"), "no named query 'no-such-query'"),
        (("--name", "events", "--param", "org=cgr"), "has no parameter org"),
        (("--name", "events", "--param", "oops"), "NAME=VALUE"),
        (("SELECT ?x WHERE { ?x ",), "not valid SPARQL"),
        (("INSERT DATA { <urn:a> <urn:b> <urn:c> }",), "only reads the graph"),
        (("--file", tmp_path / "missing.rq"), "no such query file"),
        ((), "exactly one of"),
    ]
    for args, message in cases:
        out = run(seed_build, *args)
        assert out.exit_code != 0, args
        assert message in out.output, (args, out.output)
        assert "Traceback" not in out.output and "unexpected error" not in out.output


def test_output_file_is_written(seed_build, tmp_path):
    target = tmp_path / "out" / "people.csv"
    out = run(seed_build, PEOPLE, "--format", "csv", "-o", target)
    assert out.exit_code == 0 and target.read_text().startswith("name")


def test_header_parsing(tmp_path):
    path = tmp_path / "x.rq"
    path.write_text(textwrap.dedent("""\
        # title: X
        # description: Y
        # param: org = cgr — the organization
        # param: theme = — optional theme
        # example: kg query --name x
        SELECT * WHERE { ?s ?p ?o }
        # title: not a header any more
        """))
    q = sparql.parse_named(path)
    assert (q.title, q.description, q.examples) == ("X", "Y", ["kg query --name x"])
    assert [(p.name, p.default, p.meaning) for p in q.params] == [("org", "cgr", "the organization"), ("theme", "", "optional theme")]
    bound = sparql.bindings_for(q, {}, "https://b/")
    assert bound == {"org": rdflib.URIRef("https://b/org/cgr")}  # the empty default stays unbound


def test_queries_lists_every_named_query():
    out = kg("queries", "--format", "json")
    listed = json.loads(out.stdout)
    names = {q["name"] for q in listed}
    on_disk = {p.stem for p in sparql.QUERIES_DIR.glob("*.rq")}
    assert names == on_disk and len(names) >= 12
    for q in listed:
        assert q["title"] and q["description"] and q["examples"], q["name"]
    text = kg("queries").stdout
    assert "--param org=cfhr" in text and "people-of-organization" in text


def test_inspect_refuses_updates_load_and_service_by_parsing():
    refused = [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "load <http://example.org/x.ttl>",
        "DROP ALL",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",  # codepoint escape
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { service silent <http://x/> { ?s ?q ?r } } }",
    ]
    for query in refused:
        try:
            sparql.inspect(query)
        except sparql.Refused as exc:
            assert "refused" in str(exc)
        else:
            raise AssertionError(f"not refused: {query}")
    allowed = [
        'SELECT ?x WHERE { BIND("SERVICE, LOAD and DROP ALL" AS ?x) }',
        "SELECT ?service ?load WHERE { ?service <http://x/load> ?load }  # SERVICE in a comment",
        "PREFIX drop: <http://x/> SELECT * WHERE { ?s drop:all ?o . ?s <http://x/SERVICE> ?z }",
    ]
    for query in allowed:
        assert sparql.inspect(query) is False
    assert sparql.inspect("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s") is True
    assert sparql.inspect("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3 } }") is False
    assert sparql.inspect('SELECT * WHERE { ?s ?p "}" } ORDER BY ?s') is True


def test_kg_query_refuses_service(seed_build):
    out = run(seed_build, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert out.exit_code == 1 and "SERVICE" in out.output and "refused" in out.output


def test_project_prefixes_need_no_declaration():
    query = sparql.with_prefixes("SELECT * WHERE { ?p kg:agent/schema:name ?n ; ^org:member ?m . FILTER(?n != 'foaf:x') }")
    declared = [line.split()[1] for line in query.splitlines() if line.startswith("PREFIX")]
    assert sorted(declared) == ["kg:", "org:", "schema:"]
    own = "PREFIX schema: <http://schema.org/>\nSELECT * WHERE { ?p schema:name ?n }"
    assert sparql.with_prefixes(own) == own  # a query's own declaration wins


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own, once per quad
def test_the_rdflib_engine_gives_the_same_rows(seed_build):
    """--store memory (rdflib's engine) and the default Oxigraph store agree, unbound values included."""
    for name in ("people-of-organization", "events-on-theme", "partners-of-organization", "provenance"):
        rows = {}
        for store in ("oxigraph", "memory"):
            out = run(seed_build, "--name", name, "--store", store, "--format", "json")
            assert out.exit_code == 0, out.output
            rows[store] = json.loads(out.stdout)["results"]["bindings"]
        assert rows["oxigraph"] == rows["memory"] and rows["oxigraph"], name
