"""`kg query` starts quickly: it imports only what it uses (no networkx, pyvis, Starlette or requests; on
the built on-disk store no rdflib, records, YAML or importlib.metadata either, unless it must rebuild),
and a check that finds nothing changed reads no file of the data folder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg import buildcache, generations

from .conftest import DATA, ROOT, copy_data, kg

HEAVY = ("networkx", "pyvis", "starlette", "requests", "scipy", "igraph", "jinja2")

PROGRAM = """
import json, sys
from kg.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})), file=sys.stderr)
"""


def run_query(build_dir, *args):
    program = PROGRAM.format(heavy=set(HEAVY))
    done = subprocess.run([sys.executable, "-c", program, "query", "--data", str(DATA), "--build-dir", str(build_dir),
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_kg_query_imports_no_metrics_page_or_server_library(seed_build):
    out, loaded = run_query(seed_build, "--name", "people-of-organization", "--param", "org=fia", "--format", "csv")
    assert out.startswith("person") or out.count("\n") >= 1, out
    assert loaded == []


def test_the_listing_of_commands_is_unchanged():
    from kg.cli import COMMAND_MODULES, main

    assert sorted(main.commands) == sorted(COMMAND_MODULES)  # every command module registered what it lists
    for name, command in main.commands.items():
        assert command.name == name


def test_a_no_change_check_reads_no_data_file(seed_build, monkeypatch):
    generations.build(DATA, seed_build)  # remember the files' sizes and times once more
    read = []
    real = buildcache.sha256_file
    monkeypatch.setattr(buildcache, "sha256_file", lambda path: read.append(path) or real(path))
    result = generations.build(DATA, seed_build)
    assert not result.rebuilt
    assert read == []


def test_commands_other_than_query_still_load_what_they_need(seed_build, tmp_path):
    done = subprocess.run([sys.executable, "-m", "kg", "metrics", "--help"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0 and "--projection" in done.stdout


# What only a rebuild, the rdflib-based stores or the other commands need: `kg query` on the built on-disk
# store loads none of it (issue 14 item 4; see docs/builds.md, "`kg query` as a process").
NOT_ON_THE_FAST_PATH = ("rdflib", "kg.records", "kg.to_rdf", "kg.increments", "kg.derived", "kg.validate", "yaml",
                        "importlib.metadata", "pyparsing", *HEAVY)  # fmt: skip

EVERY_MODULE = """
import json, sys
from kg.cli import main
try:
    main(sys.argv[1:], prog_name="kg")  # as the command runs: errors printed, then SystemExit
except SystemExit as exc:
    print(json.dumps({"exit": exc.code}), file=sys.stderr)
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def run_kg(data, build_dir, *args) -> tuple[subprocess.CompletedProcess, set[str]]:
    done = subprocess.run([sys.executable, "-c", EVERY_MODULE, "query", "--data", str(data), "--build-dir",
                           str(build_dir), *args], capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    return done, loaded


def _unwanted(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if any(m == name or m.startswith(name + ".") for name in NOT_ON_THE_FAST_PATH))


@pytest.mark.parametrize("args, expected", [
    (("--name", "people-of-organization", "--param", "org=cfhr", "--format", "csv"), "Umar Khan,Executive Director"),
    (("--name", "provenance", "--param", "about=umar-khan", "--format", "json"), '"type": "literal"'),
    (("--name", "events-on-theme", "--format", "tsv"), "?event"),
    (("ASK { ?p a schema:Person }",), "true"),
    (("CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }", "--format", "ttl"),
     '"Umar Khan"'),
    (("CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }", "--format", "jsonld"),
     '"Umar Khan"'),
    (("CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }", "--format", "xml"),
     ">Umar Khan<"),
    (("SELECT ?d WHERE { ?e schema:startDate ?d } LIMIT 3", "--format", "xml"), "XMLSchema#date"),
    (("SELECT ?name WHERE { ?org schema:name ?name }", "--param", "org=cfhr", "--format", "md"), "Centre for Human Rights"),
])  # fmt: skip
def test_kg_query_on_the_built_store_loads_no_rdflib_records_or_yaml(seed_build, args, expected):
    done, loaded = run_kg(DATA, seed_build, *args)
    assert expected in done.stdout, (done.stdout[-2000:], done.stderr[-2000:])
    assert "reading records" not in done.stderr  # answered from the store as built
    assert _unwanted(loaded) == []
    assert {"kg.store", "kg.sparql", "pyoxigraph"} <= loaded  # (the check would pass on a process that did nothing)


def test_an_unknown_id_is_still_explained_without_rdflib(seed_build):
    done, loaded = run_kg(DATA, seed_build, "--name", "people-of-organization", "--param", "org=cfhrr")
    assert "Did you mean `cfhr`" in done.stderr
    assert _unwanted(loaded) == []


def test_a_query_when_the_records_changed_still_rebuilds_first(tmp_path):
    data = copy_data(tmp_path)
    build_dir = tmp_path / "build"
    before = generations.build(data, build_dir).path
    people = data / "people.yaml"  # a comment: a new fingerprint, the same facts (so the build is quiet)
    people.write_text(people.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    done, loaded = run_kg(data, build_dir, "--name", "people-of-organization", "--param", "org=cfhr", "--format", "csv")
    assert generations.current_generation(build_dir) != before  # rebuilt, loading what a build needs then
    assert "Umar Khan,Executive Director" in done.stdout
    assert {"kg.records", "kg.to_rdf", "yaml"} <= loaded
    again, loaded = run_kg(data, build_dir, "--name", "people-of-organization", "--param", "org=cfhr", "--format", "csv")
    assert again.stdout == done.stdout and "reading records" not in again.stderr
    assert _unwanted(loaded) == []


def test_the_memory_store_still_loads_rdflib_when_asked_for(seed_build):
    done, loaded = run_kg(DATA, seed_build, "--store", "memory", "--name", "people-of-organization", "--param",
                          "org=cfhr", "--format", "csv")  # fmt: skip
    assert "Umar Khan,Executive Director" in done.stdout
    assert "rdflib" in loaded


def test_a_named_querys_name_given_as_its_text_is_a_usage_error(seed_build):
    result = kg("query", "--data", DATA, "--build-dir", seed_build, "people-of-organization")
    assert result.exit_code == 2
    assert "did you mean --name people-of-organization?" in result.output
    assert "WHERE" not in result.output  # not the old "cannot bind parameters: … no WHERE { … } group"
    ok = kg("query", "--data", DATA, "--build-dir", seed_build, "--name", "people-of-organization")
    assert ok.exit_code == 0
    other = kg("query", "--data", DATA, "--build-dir", seed_build, "no-such-query-name")  # not a query's name
    assert other.exit_code == 1 and "did you mean" not in other.output
