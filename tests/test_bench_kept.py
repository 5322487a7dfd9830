"""scripts/bench.py's named-query step: a cold and a warm figure per case, each against the 1 s target."""

from __future__ import annotations

import sys

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402


def test_cold_and_warm_are_judged_apart():
    cell = lambda seconds: {"seconds": seconds, "timed_out": False, "peak_mib": 90.0, "error": None, "size": 3}  # noqa: E731
    row = {"step": "query slow [default]", "kind": "query", "kg": cell(4.0), "kg_warm": cell(0.05)}
    targets = {t["target"]: t for t in bench.check_targets({"events": 10000, "rows": [row]})}
    cold = targets["query slow [default] < 1 s cold (embedded, first ask: no kept answer)"]
    warm = targets["query slow [default] < 1 s warm (embedded, median of the next 5: kept answer)"]
    assert (cold["met"], cold["value"], warm["met"], warm["value"]) == (False, 4.0, True, 0.05) and cold["reason"]
    table = bench.query_table([{"events": 10000, "rows": [row]}])
    assert "| 10,000 | slow [default] | 3 | 4.000 | 0.050 | NO | yes |" in table


def test_the_query_step_asks_cold_then_five_warm(monkeypatch):
    from kg import sparql

    monkeypatch.setenv("KG_KEEP_ANSWERS", "1")
    tasks, rows = [], []

    class FakeWorker:
        def run(self, task):
            tasks.append(task)
            return {"seconds": [3.0] if task.get("fresh") else [0.01] * task.get("repeat", 1), "size": 2}

    def record(step, kind, answers, **extra):
        row = {"step": step, "kind": kind, **extra, "kg": {"seconds": answers["kg"]["seconds"][0]}}
        rows.append(row)
        return row

    bench._query_steps(record, sparql, {"kg": FakeWorker()}, {})
    assert len(rows) == len(sparql.named_queries())  # no cases: the defaults only
    assert all(t.get("fresh") for t in tasks[::2]) and all(t.get("repeat") == 5 for t in tasks[1::2])
    assert all(r["kg"]["cold_seconds"] == 3.0 and r["kg_warm"]["seconds"] == 0.01 for r in rows)
