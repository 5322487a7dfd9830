"""kg build / validate on good and bad data: clear FILE:LINE messages, exit 1, last good build kept."""

from __future__ import annotations

from kg import project

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
    first = project.build(data, build_dir)
    (data / "people.yaml").write_text((data / "people.yaml").read_text().replace("Asha Khan", "Asha Q. Khan"))
    second = project.build(data, build_dir)
    assert second.rebuilt and second.path != first.path


def _break_and_check(tmp_path, breakage, expected_prefix):
    data = copy_data(tmp_path)
    build_dir = tmp_path / "b"
    good = project.build(data, build_dir)
    before = (build_dir / "store" / "CURRENT").read_text()
    breakage(data)
    for command in ("validate", "build"):
        result = kg(command, "--data", data, "--build-dir", build_dir)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert expected_prefix in result.stderr, result.stderr
    assert (build_dir / "store" / "CURRENT").read_text() == before
    with project.OxigraphStore.open(good.path, project.config.base_iri()) as store:
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
