"""`kg query` starts quickly: it imports only what it uses (no networkx, pyvis, Starlette or requests),
and a check that finds nothing changed reads no file of the data folder."""

from __future__ import annotations

import json
import subprocess
import sys

from kg import buildcache, generations

from .conftest import DATA, ROOT

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
