"""kg synth: valid records of the real data's shape, the same bytes for the same seed."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from kg import generations
from kg.records import load_records

from .conftest import kg


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        result = kg("synth", "--events", 40, "--out", tmp_path / name, "--seed", seed)
        assert result.exit_code == 0, result.output
    a, b, c = (_digest(tmp_path / n) for n in "abc")
    assert a == b
    assert len(a) == 2 + 2 * 10  # registries, then a report and its source text per 4 events
    assert a != c


def test_output_validates_with_shacl(tmp_path):
    assert kg("synth", "--events", 12, "--out", tmp_path / "d", "--seed", 1).exit_code == 0
    result = kg("validate", "--data", tmp_path / "d")
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output


def test_larger_output_validates_and_has_the_real_shape(tmp_path):
    data = tmp_path / "d"
    result = kg("synth", "--events", 300, "--out", data, "--seed", 2)
    assert result.exit_code == 0, result.output
    assert "300 events" in result.stdout
    check = kg("validate", "--no-shacl", "--data", data)
    assert check.exit_code == 0, check.output
    records = load_records(data)
    events = list(records.events.values())
    assert len(events) == 300
    # heavy-tailed participation: the busiest person is at many events, most people at few
    per_person = Counter(p.agent for e in events for p in e.participants if p.agent_kind == "person")
    busiest = per_person.most_common(1)[0][1]
    assert busiest >= 20 and sorted(per_person.values())[len(per_person) // 2] <= 3
    # one or two memberships per person, several themes per event, years of dates
    memberships = Counter(a.person for r in records.reports for a in r.affiliations)
    assert set(memberships.values()) <= {1, 2} and 2 in memberships.values()
    assert min(len(e.themes) for e in events) >= 2
    assert len({e.start_date[:4] for e in events}) >= 8
    assert len({o.sector for o in records.organizations.values()}) >= 5


def test_refuses_a_folder_that_holds_something(tmp_path):
    target = tmp_path / "d"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    result = kg("synth", "--events", 5, "--out", target)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not an empty folder" in result.output
    assert (target / "keep.txt").read_text() == "mine"


def test_changed_synthetic_report_rebuilds_and_unchanged_does_not(tmp_path):
    data = tmp_path / "d"
    assert kg("synth", "--events", 8, "--out", data, "--seed", 3).exit_code == 0
    first = generations.build(data, tmp_path / "b")
    again = generations.build(data, tmp_path / "b")
    assert first.rebuilt and not again.rebuilt and again.path == first.path
    report = data / "reports" / "report-000002.yaml"
    report.write_text(report.read_text().replace("title: Synthetic report 2", "title: Synthetic report two"))
    changed = generations.build(data, tmp_path / "b")
    assert changed.rebuilt and changed.path != first.path
