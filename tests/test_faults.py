"""No half-written state: builds killed with SIGKILL, two builds at once, outputs killed mid-write.

A real ``kg build`` runs in a subprocess on a synthetic folder (``kg synth``) big enough to take a few
seconds, and is killed at several points: early (reading records), mid-way, and during the bulk load
into the store. Each time the last good graph must still open and answer, and the next build must
succeed. Two builds started together must both finish (the second waits, and says so) and leave a
valid store. An ``kg export -o`` killed at any moment leaves at the target either the old file or
the whole new one, never a truncated file.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import config, generations

from .conftest import require

KG = [sys.executable, "-m", "kg.cli"] if importlib.util.find_spec("kg.cli.__main__") else [
    str(Path(sys.executable).with_name("kg"))]  # fmt: skip
EVENTS = 400  # a build of a few seconds on this machine: long enough to be killed at known points
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class Run:
    """A `kg` subprocess whose stderr lines are collected (with the time each arrived)."""

    def __init__(self, *args, env=None):
        self.started = time.monotonic()
        self.proc = subprocess.Popen([*KG, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, **(env or {})})  # fmt: skip
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self.proc.stderr:
            self.lines.append((time.monotonic() - self.started, raw.decode("utf-8", "replace")))

    def wait_for(self, text: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for _, line in self.lines):
                return True
            if self.proc.poll() is not None:
                self._reader.join(5)
                return any(text in line for _, line in self.lines)
            time.sleep(0.01)
        return False

    def kill(self) -> bool:
        """SIGKILL; True when the process was still running (so the kill really cut it short)."""
        alive = self.proc.poll() is None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        return alive

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        out = self.proc.stdout.read()  # not communicate(): the reader thread owns stderr
        self.proc.wait(timeout)
        self._reader.join(5)
        return self.proc.returncode, out.decode("utf-8", "replace"), "".join(line for _, line in self.lines)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    require(importlib.util.find_spec("kg.synth") is not None, "kg synth (kg/synth.py)")
    from kg.synth import synthesize

    root = tmp_path_factory.mktemp("faults")
    data = root / "data"
    synthesize(EVENTS, data, seed=3)
    return data


@pytest.fixture(scope="module")
def built(synthetic):
    """The synthetic folder's build folder, built once."""
    build_dir = synthetic.parent / "build"
    generations.build(synthetic, build_dir)
    return build_dir


def live_count(build_dir: Path) -> tuple[str, int]:
    """The live generation's name and its number of triples, read the way every command reads it."""
    generation = generations.current_generation(build_dir)
    assert generation is not None, "no readable generation"
    with generations.OxigraphStore.open(generation, config.base_iri(), level="restricted") as store:
        return generation.name, int(next(iter(store.query(COUNT)))[0])


def change_records(data: Path, n: int) -> None:
    """Touch the records so the next build has work to do (a comment changes the fingerprint)."""
    with open(data / "people.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"# edit {n}\n")


def test_build_killed_at_any_point_keeps_last_good_graph(synthetic, built, tmp_path):
    data, build_dir = tmp_path / "data", tmp_path / "build"
    shutil.copytree(synthetic, data)
    shutil.copytree(built, build_dir)
    synthetic = data
    good = live_count(build_dir)
    assert good[1] > 10_000

    # (when to kill, what to wait for first): early, mid-way, during the bulk load, right after it
    points = [(0.2, None), (0.5, None), (0.3, "loading"), (0.0, "loading")]
    cut_short = 0
    for n, (delay, marker) in enumerate(points):
        change_records(synthetic, n)
        # --force: a comment changes no level's content, so a plain build would say nothing while it works
        run = Run("build", "--force", "--data", synthetic, "--build-dir", build_dir)
        if marker:
            assert run.wait_for(marker), run.lines
        time.sleep(delay)
        cut_short += run.kill()
        assert live_count(build_dir) == good, f"kill #{n} changed or broke the live graph"
    assert cut_short >= 3, "the builds finished before they could be killed: make the folder bigger"

    code, out, err = Run("build", "--data", synthetic, "--build-dir", build_dir).finish()
    assert code == 0, err
    name, triples = live_count(build_dir)
    assert name != good[0] and triples == good[1]  # a comment changes nothing in the graph
    leftovers = [p.name for p in (build_dir / "store").iterdir() if ".tmp-" in p.name]
    assert leftovers == [], "a finished build cleans up what killed builds left"


def test_two_builds_at_once(synthetic, tmp_path):
    build_dir = tmp_path / "build"
    runs = [Run("build", "--data", synthetic, "--build-dir", build_dir) for _ in range(2)]
    results = [run.finish() for run in runs]
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    waited = [err for _, _, err in results if "another build is running" in err]
    assert len(waited) == 1, [err for _, _, err in results]
    outputs = sorted(out.split(" in ")[0] for _, out, _ in results)
    assert outputs == ["Graph built", "Graph up to date"], outputs  # the second reused the first's work
    name, triples = live_count(build_dir)
    assert triples > 10_000
    gens = [p.name for p in (build_dir / "store").iterdir() if p.name.startswith(("gen-", ".gen-"))]
    assert gens == [name]


def test_export_killed_mid_write_never_leaves_a_truncated_file(synthetic, built, tmp_path):
    build_dir = built
    target = tmp_path / "graph.nt"
    target.write_text("old\n")
    started = time.monotonic()
    code, _, err = Run("export", "--format", "nt", "--data", synthetic, "--build-dir", build_dir,
                       "-o", tmp_path / "whole.nt").finish()  # fmt: skip
    assert code == 0, err
    seconds = time.monotonic() - started
    whole = (tmp_path / "whole.nt").read_bytes()
    seen = set()
    for delay in (seconds * f for f in (0.3, 0.6, 0.85, 0.95, 1.0)):
        run = Run("export", "--format", "nt", "--data", synthetic, "--build-dir", build_dir, "-o", target)
        time.sleep(delay)
        run.kill()
        content = target.read_bytes()
        assert content in (b"old\n", whole), f"killed after {delay} s: {len(content)} bytes at the target"
        seen.add("old" if content == b"old\n" else "new")
        if content == whole:
            target.write_text("old\n")
    assert "old" in seen  # at least one kill really landed before the rename
    assert len(list(ox.parse(whole, format=ox.RdfFormat.N_TRIPLES))) > 10_000
