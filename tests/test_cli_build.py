"""kg build / validate on good and bad data: clear FILE:LINE messages, exit 1, last good build kept."""

from __future__ import annotations

from kg import generations

from .conftest import DATA, copy_data, kg, mini_data


def test_validate_passes_on_project_data():
    result = kg("validate", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output


def test_build_prints_summary_and_skips_when_unchanged(tmp_path):
    data = mini_data(tmp_path)
    first = kg("build", "--data", data, "--build-dir", tmp_path / "b")
    assert first.exit_code == 0, first.output
    assert "Graph built" in first.stdout and "people" in first.stdout
    second = kg("build", "--data", data, "--build-dir", tmp_path / "b")
    assert "Graph up to date" in second.stdout


def test_changed_record_triggers_rebuild(tmp_path):
    data = mini_data(tmp_path)
    build_dir = tmp_path / "b"
    first = generations.build(data, build_dir)
    (data / "people.yaml").write_text((data / "people.yaml").read_text().replace("Asha Khan", "Asha Q. Khan"))
    second = generations.build(data, build_dir)
    assert second.rebuilt and second.path != first.path


def _break_and_check(tmp_path, breakage, expected_prefix):
    data = copy_data(tmp_path)
    build_dir = tmp_path / "b"
    good = generations.build(data, build_dir)
    before = (build_dir / "store" / "CURRENT").read_text()
    breakage(data)
    for command in ("validate", "build"):
        result = kg(command, "--data", data, "--build-dir", build_dir)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert expected_prefix in result.stderr, result.stderr
    assert (build_dir / "store" / "CURRENT").read_text() == before
    with generations.OxigraphStore.open(good.path, generations.config.base_iri()) as store:
        assert len(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")) == 1
    return result


def test_broken_yaml(tmp_path):
    def breakage(data):
        path = data / "people.yaml"
        path.write_text(path.read_text() + "\n  - id: [oops\n")
    _break_and_check(tmp_path, breakage, "data/people.yaml:")


def test_missing_required_field(tmp_path):
    def breakage(data):
        path = data / "organizations.yaml"
        path.write_text(path.read_text().replace("    sector: think-tank\n", "\n", 1))
    _break_and_check(tmp_path, breakage, "sector: required field is missing")


def test_unknown_person(tmp_path):
    def breakage(data):
        path = data / "reports" / "toc-day-lahore-2024.yaml"
        path.write_text(path.read_text().replace("person: mark-shaw", "person: mark-shawe", 1))
    _break_and_check(tmp_path, breakage, "unknown id 'mark-shawe' (hint: did you mean 'mark-shaw'?)")


def test_duplicate_id(tmp_path):
    def breakage(data):
        path = data / "people.yaml"
        path.write_text(path.read_text() + "\n  - id: tariq-khosa\n    name: Tariq Khosa\n")
    _break_and_check(tmp_path, breakage, "duplicate id 'tariq-khosa'")


def test_non_utf8(tmp_path):
    def breakage(data):
        path = data / "people.yaml"
        path.write_bytes(path.read_bytes() + b"\n  - id: cafe\n    name: Caf\xe9\n")
    _break_and_check(tmp_path, breakage, "not UTF-8 text")


def test_build_streams_levels_and_keeps_graph_extras_whole(tmp_path):
    """The build spills quads to one file per level and starts each level's store from a copy of
    the one below: a blank node of a graph-extras file that spans two levels stays one node, the
    summary counts records and ontology only, and each level sees just its own graphs."""
    data, build_dir = mini_data(tmp_path), tmp_path / "b"
    base = "https://kg.example.org/id/"
    plain = generations.build(data, build_dir, base)
    extras = generations.extras_dir(build_dir)
    extras.mkdir(parents=True)
    (extras / "x.nq").write_text(
        generations.EXTRAS_HEADER + generations.records_fingerprint(data, base) + "\n"
        f'_:n <http://ex.org/p> "pub" <{base}graph/public/extra> .\n'
        f'_:n <http://ex.org/q> "int" <{base}graph/internal/extra> .\n'
    )
    result = generations.build(data, build_dir, base)
    assert result.rebuilt and result.summary == plain.summary
    both = "SELECT ?a ?b WHERE { GRAPH ?g { ?n <http://ex.org/p> ?a } GRAPH ?h { ?n <http://ex.org/q> ?b } }"
    internal = generations.open_store(data, build_dir, base, level="internal")
    assert [(str(a), str(b)) for a, b in internal.query(both)] == [("pub", "int")]
    public = generations.open_store(data, build_dir, base, level="public")
    assert list(public.query(both)) == []
    assert len(list(public.query("SELECT ?a WHERE { GRAPH ?g { ?n <http://ex.org/p> ?a } }"))) == 1
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert int(next(iter(internal.query(count)))[0]) == int(next(iter(public.query(count)))[0]) + 1
    assert not list((result.path).glob(".quads-*")), "the spill files are removed"
