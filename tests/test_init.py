"""`kg init`: a new project folder that validates and builds at once, written whole or not at all."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kg as kg_package
from kg import config, init, generations, validate

from .conftest import DATA, ROOT, kg


def test_starter_has_empty_registries_and_one_made_up_report_that_builds(tmp_path):
    result = kg("init", tmp_path / "mine")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "mine"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore", "README.md", "data/organizations.yaml", "data/people.yaml",
        "data/reports/example-workshop.yaml", "data/sources/example-workshop.txt"]  # fmt: skip
    assert "build/" in (folder / ".gitignore").read_text().splitlines()
    assert validate(folder / "data") == []
    summary = generations.build(folder / "data", tmp_path / "build").summary
    assert (summary.people, summary.organizations, summary.events) == (0, 0, 1)
    assert "invented" in (folder / "data" / "sources" / "example-workshop.txt").read_text()


def test_seed_is_the_checkouts_data_folder_file_for_file(tmp_path):
    assert kg("init", tmp_path / "lahore", "--example", "seed").exit_code == 0
    copied = tmp_path / "lahore" / "data"
    records = {p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    records.discard(DATA.joinpath("__init__.py").relative_to(DATA))  # what makes data/ the package kg.seed
    assert {p.relative_to(copied) for p in copied.rglob("*") if p.is_file()} == records
    assert all((copied / p).read_bytes() == (DATA / p).read_bytes() for p in records)
    assert config.package_folder("kg.seed") == DATA  # the editable install: one copy, the checkout's


def test_an_empty_folder_is_accepted(tmp_path):
    (tmp_path / "empty").mkdir()
    assert kg("init", tmp_path / "empty").exit_code == 0
    assert (tmp_path / "empty" / "data" / "people.yaml").is_file()


@pytest.mark.parametrize("existing", ["folder with a file", "a file"])
def test_refuses_a_folder_that_holds_files_and_leaves_it_alone(tmp_path, existing):
    target = tmp_path / "here"
    if existing == "a file":
        target.write_text("mine")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    before = sorted(tmp_path.rglob("*"))
    result = kg("init", target)
    assert result.exit_code == 1
    assert "already exists and is not an empty folder: choose a new folder name" in result.output
    assert "Traceback" not in result.output
    assert sorted(tmp_path.rglob("*")) == before


def test_missing_parent_is_a_clear_error(tmp_path):
    result = kg("init", tmp_path / "no" / "such" / "place")
    assert result.exit_code == 1 and "does not exist: create it first" in result.output


def test_a_failure_halfway_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(init.shutil, "copyfile", broken)
    with pytest.raises(OSError):
        init.init_project(tmp_path / "mine")
    assert list(tmp_path.iterdir()) == []


def test_help_has_an_example():
    assert "kg init my-records && cd my-records && kg run" in kg("init", "--help").output
    assert "kg init DIR" in kg("--help").output


def test_python_dash_m_kg_prints_the_single_sourced_version(tmp_path):
    from importlib.metadata import version

    shown = subprocess.run([sys.executable, "-m", "kg", "--version"], cwd=tmp_path, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"kg {kg_package.__version__} (pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')})"
    assert f'version = "{kg_package.__version__}"' in (ROOT / "pyproject.toml").read_text()


def test_the_ontology_is_package_data_not_a_checkout_path(monkeypatch):
    monkeypatch.delenv("KG_ONTOLOGY", raising=False)
    assert config.ontology_dir() == config.package_folder("kg.ontology")
    assert {"kg.ttl", "shapes.ttl", "themes.ttl"} <= {p.name for p in config.ontology_dir().iterdir()}
    monkeypatch.setenv("KG_ONTOLOGY", "/elsewhere")
    assert str(config.ontology_dir()) == "/elsewhere"


def test_the_current_folder_when_empty_stays_the_same_folder(tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    inode = here.stat().st_ino
    monkeypatch.chdir(here)
    result = kg("init", ".")
    assert result.exit_code == 0, result.output
    assert here.stat().st_ino == inode and "cd " not in result.output
    assert sorted(p.name for p in here.iterdir()) == [".gitignore", "README.md", "data"]


def test_a_failure_halfway_into_an_empty_folder_leaves_it_empty(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setattr(init.shutil, "copyfile", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        init.init_project(tmp_path / "empty")
    assert list((tmp_path / "empty").iterdir()) == []
