"""kg as a package: the sdist and the wheel built from it carry everything kg needs, and the wheel,
installed into a fresh virtual environment outside the checkout, runs `kg init` and `kg run`.

The fresh environment gets the wheel alone (`pip install --no-deps`); its dependencies come from the
project's own environment through a .pth line, which adds that folder to sys.path without running
its .pth files, so the editable install of the checkout is not seen there. Every command runs from
a temporary folder, and the test checks that `kg` is imported from the fresh environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import generations

from .conftest import DATA, ROOT, kg

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
VERSION = PYPROJECT["project"]["version"]
WHEEL = f"kg-{VERSION}-py3-none-any.whl"
BNODE = re.compile(r"_:[A-Za-z0-9]+")


def run(args, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "PYTHON", "VIRTUAL_ENV"))}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """`python -m build`: the sdist, then the wheel built from the unpacked sdist."""
    out = tmp_path_factory.mktemp("dist")
    # run from the output folder: in the checkout, its build/ folder (kg's outputs) would shadow the build package
    run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=out)
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment holding the wheel and nothing of the checkout."""
    where = tmp_path_factory.mktemp("fresh")
    env_dir = where / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", env_dir], cwd=where)
    run([sys.executable, "-m", "pip", "--python", env_dir / "bin" / "python", "install", "--quiet", "--no-deps",
         "--no-index", dist / WHEEL], cwd=where)  # fmt: skip
    fresh_site = Path(run([env_dir / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          cwd=where).stdout.strip())  # fmt: skip
    (fresh_site / "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return env_dir


def test_wheel_holds_the_package_the_ontology_and_the_seed(dist):
    names = {n for n in zipfile.ZipFile(dist / WHEEL).namelist() if not n.startswith(f"kg-{VERSION}.dist-info/")}
    expected = {f"kg/{p.relative_to(ROOT / 'kg')}" for p in (ROOT / "kg").rglob("*") if p.is_file() and _shipped(p)}
    expected |= {f"kg/ontology/{p.name}" for p in (ROOT / "ontology").glob("*.ttl")} | {"kg/ontology/__init__.py"}
    expected |= {f"kg/seed/{p.relative_to(DATA)}" for p in DATA.rglob("*") if p.is_file() and _shipped(p)}
    assert sorted(expected - names) == [], "missing from the wheel: add it to pyproject.toml's packages or package-data"
    assert sorted(names - expected) == []
    assert {"kg/projections.yaml", "kg/ontology/shapes.ttl", "kg/ontology/themes.ttl", "kg/queries/events.rq",
            "kg/static/viz/page.html.j2", "kg/templates/starter/people.yaml", "kg/seed/people.yaml"} <= names  # fmt: skip
    sdist = f"kg-{VERSION}.tar.gz"
    assert (dist / sdist).is_file()  # the wheel above was built from it: the sdist carries the same files


def _shipped(path: Path) -> bool:
    return "__pycache__" not in path.parts and path.suffix != ".pyc" and not path.name.startswith(".")


def test_the_installed_wheel_is_what_runs(venv, tmp_path):
    probe = "import kg, kg.config; print(kg.__file__); print(kg.config.ontology_dir()); print(kg.__version__)"
    kg_file, ontology, installed_version = run([venv / "bin" / "python", "-c", probe], cwd=tmp_path).stdout.split()
    assert Path(kg_file).is_relative_to(venv) and Path(ontology) == Path(kg_file).parent / "ontology"
    assert {"kg.ttl", "shapes.ttl", "themes.ttl"} <= {p.name for p in Path(ontology).iterdir()}
    assert not Path(kg_file).is_relative_to(ROOT)
    assert installed_version == VERSION
    shown = run([venv / "bin" / "python", "-m", "kg", "--version"], cwd=tmp_path).stdout.strip()
    assert shown == f"kg {VERSION} (pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')})"


def test_kg_init_seed_then_kg_run_in_the_fresh_environment(venv, tmp_path, seed_build):
    run([venv / "bin" / "kg", "init", "lahore", "--example", "seed"], cwd=tmp_path)
    folder = tmp_path / "lahore"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "build/"
    assert (folder / "README.md").is_file() and not (folder / "data" / "__init__.py").exists()
    done = run([venv / "bin" / "kg", "run"], cwd=folder)
    outputs = folder / "build" / "outputs"
    for name in ("graph.ttl", "alliance.html", "metrics/stakeholders.csv", "metrics/people.graphml"):
        assert (outputs / name).stat().st_size > 0, name
    seed = generations.build(DATA, seed_build).summary.triples
    assert re.search(rf"triples\s+{seed:,}\b", done.stdout), done.stdout
    ours = kg("export", "--data", DATA, "--build-dir", seed_build, "--format", "ttl").stdout
    assert len(list(ox.parse(path=str(outputs / "graph.ttl"), format=ox.RdfFormat.TURTLE))) == \
        len(list(ox.parse(ours.encode(), format=ox.RdfFormat.TURTLE)))  # fmt: skip
    # every quad at every level, the ontology's included, is the checkout's (blank-node labels aside)
    installed = run([venv / "bin" / "kg", "export", "--level", "restricted", "--format", "nq"], cwd=folder).stdout
    checkout = kg("export", "--data", DATA, "--build-dir", seed_build, "--level", "restricted", "--format", "nq").stdout
    assert sorted(BNODE.sub("_:b", line) for line in installed.splitlines()) == \
        sorted(BNODE.sub("_:b", line) for line in checkout.splitlines())  # fmt: skip
    assert len(installed.splitlines()) > 3000


def test_kg_init_starter_then_kg_run_in_the_fresh_environment(venv, tmp_path):
    run([venv / "bin" / "kg", "init", "mine"], cwd=tmp_path)
    folder = tmp_path / "mine"
    assert "No problems found" in run([venv / "bin" / "kg", "validate"], cwd=folder).stdout
    run([venv / "bin" / "kg", "run"], cwd=folder)
    assert (folder / "build" / "outputs" / "alliance.html").is_file()
    events = run([venv / "bin" / "kg", "query", "--name", "events", "--format", "csv"], cwd=folder).stdout
    assert "Workshop on raising awareness of human trafficking" in events
