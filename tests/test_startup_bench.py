"""scripts/bench.py's `kg query` process step: a typical and the hub organization, each against the target."""

from __future__ import annotations

import sys

from .conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402


def test_the_process_targets_name_the_typical_and_the_hub_case():
    row = lambda case, seconds: {"step": f"process {case}", "kind": "process", "case": case,  # noqa: E731
                                 "kg": {"seconds": seconds, "timed_out": False, "peak_mib": None, "error": None}}
    targets = {t["target"]: t for t in bench.check_targets({"events": 10000, "rows": [row("typical", 0.3),
                                                                                       row("hub", 0.4)]})}  # fmt: skip
    assert targets["`kg query` process, a selective query < 0.35 s"]["met"]
    hub = targets["`kg query` process, a hub organization < 0.35 s"]
    assert not hub["met"] and hub["value"] == 0.4 and hub["reason"]


def test_processes_are_timed_in_turn_after_an_untimed_run(seed_build):
    timed = bench.time_processes(DATA, seed_build, "people-of-organization",
                                 {"typical": {"org": "cfhr"}, "hub": {"org": "cgr"}}, runs=2)  # fmt: skip
    for label in ("typical", "hub"):
        assert len(timed[label]["seconds"]) == 2 and "error" not in timed[label], timed
        assert timed[label]["size"] > 0
    assert timed["typical"]["size"] == 3  # the three people of cfhr
