"""scripts/bench.py (`make bench`) at a tiny scale: it runs end to end, measures every named query on its
defaults and on a hub and a typical entity of each id parameter, and writes the targets table. Nothing
here is timed: the figures are `make bench`'s, not the tests'."""

from __future__ import annotations

import json
import subprocess
import sys

from kg import sparql

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402


def test_bench_runs_every_query_on_entities_that_exist(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--events", "12", "--engines", "kg",
                           "--limit", "60", "--run-limit", "300", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    (result,) = report["results"]
    assert result["events"] == 12 and result["engines"] == ["kg"]
    steps = {row["step"]: row for row in result["rows"]}
    for named in sparql.named_queries():
        assert f"query {named.name} [default]" in steps
        for p in named.params:
            if p.name in bench.CASE_KINDS:
                for which in ("hub", "typical"):
                    row = steps[f"query {named.name} [{which}]"]
                    assert row["params"][p.name] == result["cases"][p.name][which]
                    assert row["kg"]["error"] is None and row["same_size"], row
    hub = result["cases"]["org"]["hub"]
    assert steps["query people-of-organization [hub]"]["kg"]["size"] > 0, hub  # a hub has rows, unlike the defaults
    for kind in ("build", "rebuild", "edit-rebuild", "process", "run", "metrics", "viz"):
        assert any(row["kind"] == kind for row in result["rows"]), kind
    targets = {t["target"] for t in result["targets"]}
    assert {"build from nothing < 18 s", "no-change rebuild < 0.2 s", "rebuild after editing one report < 3 s",
            "`kg query` process, a selective query < 0.35 s", "peak memory of any step < 1.5 GiB (MiB)"} <= targets
    assert all(isinstance(t["met"], bool) and (t["met"] or t["reason"]) for t in result["targets"])
    assert "| events | target | measured | met | why not |" in done.stdout


def test_a_target_is_met_only_by_a_measured_figure_within_it():
    row = lambda kind, seconds, timed_out=False: {"step": kind, "kind": kind, "kg": {  # noqa: E731
        "seconds": seconds, "timed_out": timed_out, "peak_mib": 100.0, "error": None}}
    result = {"events": 10000, "rows": [row("build", 12.0), row("rebuild", 0.5), row("run", 120.0, timed_out=True),
                                        {**row("query", 0.2), "step": "query x [hub]",
                                         "virtuoso": {"seconds": 0.1, "timed_out": False}}]}  # fmt: skip
    targets = {t["target"]: t for t in bench.check_targets(result)}
    assert targets["build from nothing < 18 s"]["met"]
    assert not targets["no-change rebuild < 0.2 s"]["met"] and targets["no-change rebuild < 0.2 s"]["reason"]
    run = targets["`kg run` (build + metrics + page) < 120 s"]
    assert not run["met"] and run["lower_bound"]  # stopped at the limit: not met, a lower bound
    assert targets["query x [hub] < 1 s (embedded, median)"]["met"]
    ahead = targets["kg ahead of Virtuoso on every query (info)"]
    assert not ahead["met"] and "query x [hub]" in ahead["reason"]
