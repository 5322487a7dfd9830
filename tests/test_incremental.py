"""Incremental builds: a build after a change gives exactly the stores a build from nothing gives,
reuses what did not change, never trusts a damaged cache, and leaves the live generation alone when
the records are wrong."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import generations, increments, synth
from kg.buildcache import FileDigests, cache_dir
from kg.records import RecordsInvalid

from .conftest import DATA, copy_data, kg


def dump(build_dir: Path) -> dict:
    """Every quad of every level store of the live generation, sorted, and what each level shows."""
    live = generations.current_generation(build_dir)
    meta = json.loads((live / "summary.json").read_text())
    out = {}
    for level, folder in meta["levels"].items():
        store = ox.Store.read_only(str(live / folder))
        out[level] = sorted(str(q) for q in store)
        del store
    info = {level: (v["name"], v["records_digest"], v["summary"]) for level, v in meta["level_info"].items()}
    return {"quads": out, "levels": info}


def build(data: Path, build_dir: Path) -> tuple[generations.BuildResult, list[str]]:
    told: list[str] = []
    result = generations.build(data, build_dir, progress=told.append, level="restricted")  # told everything
    return result, told


def assert_same_as_from_nothing(data: Path, build_dir: Path, tmp_path: Path) -> None:
    fresh = tmp_path / f"fresh-{time.monotonic_ns()}"
    build(data, fresh)
    assert dump(build_dir) == dump(fresh)


def updated(told: list[str]) -> bool:
    """The build updated the live stores (and did not load them again)."""
    return any(m.startswith("updating the public store") for m in told) and not any("loading" in m for m in told)


@pytest.fixture
def seed(tmp_path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    build_dir = tmp_path / "build"
    build(data, build_dir)
    return data, build_dir


@pytest.fixture(scope="module")
def synth_30(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("synth") / "data"
    synth.synthesize(30, data, seed=3)
    return data


def edit_title(path: Path, new: str = "A title edited by the test") -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  title:"))
    lines[at] = f"  title: {new}\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_editing_one_report_updates_the_stores_and_equals_a_build_from_nothing(seed, tmp_path):
    data, build_dir = seed
    edit_title(data / "reports" / "toc-day-lahore-2024.yaml")
    result, told = build(data, build_dir)
    assert result.rebuilt and updated(told), told
    assert_same_as_from_nothing(data, build_dir, tmp_path)
    answer = kg("query", "--data", data, "--build-dir", build_dir, "--format", "csv",
                "SELECT ?t WHERE { ?s dcterms:title ?t FILTER(CONTAINS(?t, 'edited by the test')) }")  # fmt: skip
    assert answer.exit_code == 0 and "A title edited by the test" in answer.stdout


def test_removing_and_adding_a_report(seed, tmp_path):
    data, build_dir = seed
    report = data / "reports" / "seefen-first-meeting-durres-2014.yaml"
    kept = tmp_path / "kept.yaml"
    shutil.move(report, kept)
    result, told = build(data, build_dir)
    assert result.rebuilt and updated(told), told
    assert_same_as_from_nothing(data, build_dir, tmp_path)
    shutil.move(kept, report)
    result, told = build(data, build_dir)
    assert result.rebuilt and updated(told), told
    assert_same_as_from_nothing(data, build_dir, tmp_path)


def test_editing_people_reads_only_that_file_again(seed, tmp_path, monkeypatch):
    data, build_dir = seed
    people = data / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("    honorific: Mr.\n", "    honorific: Dr.\n", 1),
                      encoding="utf-8")  # fmt: skip
    from kg import increments

    reused = []
    real = increments.RecordsCache.load

    def spy(self, path, *args):
        value = real(self, path, *args)
        reused.append((Path(path).name, self.reused))
        return value

    monkeypatch.setattr(increments.RecordsCache, "load", spy)
    result, _ = build(data, build_dir)
    assert result.rebuilt
    assert reused[0] == ("people.yaml", 0)  # read again
    assert reused[-1][1] == len(reused) - 1  # every other file came from the cache
    assert_same_as_from_nothing(data, build_dir, tmp_path)


def test_touching_a_file_without_changing_it_does_not_rebuild(seed):
    data, build_dir = seed
    live = generations.current_generation(build_dir)
    report = data / "reports" / "toc-day-lahore-2024.yaml"
    later = time.time() + 5
    os.utime(report, (later, later))
    result, _ = build(data, build_dir)
    assert not result.rebuilt and generations.current_generation(build_dir) == live
    digests = FileDigests(build_dir)
    for path in sorted((data / "reports").glob("*.yaml")):
        digests.digest(path)
    assert digests.hashed == 1  # the touched file only (its new time was remembered)


def test_a_change_of_the_same_size_and_time_right_after_a_build_is_seen(tmp_path):
    """A file written just before a build may change again within the same clock tick, keeping its size
    and time stamp: such a file is hashed again by the next build (as git does)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    report = data / "reports" / "toc-day-lahore-2024.yaml"
    soon = time.time() + 60
    os.utime(report, (soon, soon))  # not older than the build's look by RACY_SECONDS (whatever the machine's load)
    build_dir = tmp_path / "build"
    build(data, build_dir)
    stat = report.stat()
    text = report.read_text(encoding="utf-8")
    edited = text.replace("  title: ", "  title: X", 1)[: len(text)]  # same length
    assert len(edited.encode()) == len(text.encode()) and edited != text
    report.write_text(edited, encoding="utf-8")
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time stamp
    result, _ = build(data, build_dir)
    assert result.rebuilt
    assert_same_as_from_nothing(data, build_dir, tmp_path)


def test_a_damaged_cache_is_ignored_and_made_again(seed, tmp_path):
    data, build_dir = seed
    entries = sorted((cache_dir(build_dir) / "entries").rglob("*.pickle"))
    assert entries
    for i, path in enumerate(entries):
        raw = path.read_bytes()
        if i % 3 == 0:
            path.write_bytes(raw[:-7] + b"garbage")  # checksum no longer matches
        elif i % 3 == 1:
            path.write_bytes(b"")
        else:
            path.write_bytes(raw[:32] + raw[33:])
    (cache_dir(build_dir) / "files.json").write_text("{not json")
    edit_title(data / "reports" / "sharp-act-workshop-karachi-2024.yaml")
    result, _ = build(data, build_dir)
    assert result.rebuilt
    assert_same_as_from_nothing(data, build_dir, tmp_path)
    result, told = build(data, build_dir)
    assert not result.rebuilt


def test_damaged_derived_facts_or_file_digests_are_not_used(seed, tmp_path):
    data, build_dir = seed
    live = generations.current_generation(build_dir)
    facts = live / "index.pickle"  # the counts by which an edit finds the derived facts that change
    raw = facts.read_bytes()
    facts.write_bytes(raw[:-9] + bytes([raw[-9] ^ 1]) + raw[-8:])  # one byte off: wrong counts if trusted
    digests = cache_dir(build_dir) / "files.json"
    check, _, text = digests.read_text().partition("\n")
    saved = json.loads(text)
    for entry in saved["files"].values():
        entry[2] = "0" * 64  # valid JSON, wrong digests: every file would look changed or unchanged wrongly
    digests.write_text(check + "\n" + json.dumps(saved))
    edit_title(data / "reports" / "toc-day-lahore-2024.yaml")
    result, told = build(data, build_dir)
    assert result.rebuilt
    assert any("derived facts" in m and "damaged" in m for m in told), told
    assert_same_as_from_nothing(data, build_dir, tmp_path)


def test_a_failed_build_leaves_the_previous_generation_current(seed):
    data, build_dir = seed
    live = generations.current_generation(build_dir)
    before = dump(build_dir)
    report = data / "reports" / "toc-day-lahore-2024.yaml"
    text = report.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines.insert(5, "  : [unclosed\n")
    report.write_text("".join(lines), encoding="utf-8")
    result = kg("build", "--data", data, "--build-dir", build_dir)
    assert result.exit_code == 1
    assert "reports/toc-day-lahore-2024.yaml:6: file: YAML syntax" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert generations.current_generation(build_dir) == live and dump(build_dir) == before
    assert not [p for p in (build_dir / "store").iterdir() if ".tmp-" in p.name]


def test_checks_across_files_run_over_cached_records(seed):
    """A report read from the cache still names only people who exist: removing a person it names
    from people.yaml is an error that names the report, its line and field."""
    data, build_dir = seed
    people = data / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("  - id: mark-shaw\n    name: Mark Shaw\n    honorific: Mr.\n    aliases: [Shaw]\n", ""),
                      encoding="utf-8")  # fmt: skip
    with pytest.raises(RecordsInvalid) as raised:
        generations.build(data, build_dir)
    unknown = [p for p in raised.value.problems if "unknown id 'mark-shaw'" in p.message]
    assert unknown and all(p.file.endswith(".yaml") and "reports/" in p.file and p.line > 0 for p in unknown)


def test_synthetic_edits_across_levels(synth_30, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(synth_30, data)
    reports = sorted((data / "reports").glob("*.yaml"))
    internal = reports[1]  # one source recorded at the internal level: two level stores to update
    internal.write_text(internal.read_text(encoding="utf-8").replace("  type: report\n", "  type: report\n  sensitivity: internal\n", 1),
                        encoding="utf-8")  # fmt: skip
    build_dir = tmp_path / "build"
    build(data, build_dir)
    levels = dump(build_dir)["quads"]
    assert len(levels["internal"]) > len(levels["public"])
    for report in (reports[3], internal):
        edit_title(report, f"Edited synthetic title of {report.stem}")
        result, told = build(data, build_dir)
        assert result.rebuilt and updated(told), told
        assert any(m.startswith("updating the internal store") for m in told) or report != internal
        assert_same_as_from_nothing(data, build_dir, tmp_path)
    reports[5].unlink()
    result, told = build(data, build_dir)
    assert result.rebuilt
    assert_same_as_from_nothing(data, build_dir, tmp_path)


def test_metrics_written_back_go_stale_after_an_edit(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    build_dir = tmp_path / "build"
    done = kg("metrics", "--data", data, "--build-dir", build_dir, "--projection", "organizations", "--into-graph")
    assert done.exit_code == 0, done.output
    live = dump(build_dir)["quads"]["public"]
    assert any("/graph/public/metrics>" in q for q in live)
    edit_title(data / "reports" / "toc-day-lahore-2024.yaml")
    result, told = build(data, build_dir)
    assert result.rebuilt and updated(told), told
    assert "leaving out metrics-organizations.nq: computed from other records (run the command that wrote it again)" in told
    assert not any("/graph/public/metrics>" in q for q in dump(build_dir)["quads"]["public"])
    fresh = tmp_path / "fresh"
    shutil.copytree(build_dir / "graph-extras", fresh / "graph-extras")
    build(data, fresh)
    assert dump(build_dir) == dump(fresh)


def test_a_build_from_nothing_tells_its_progress_as_it_goes(tmp_path, monkeypatch):
    """Progress was held until the end of the conversion (to stay silent when the shown level does not change):
    a build with no shown level before changes it for certain, so it says what it does when it does it."""
    data = copy_data(tmp_path / "data")
    told: list[str] = []
    heard_before_converting: list[str] = []
    real = increments.convert
    monkeypatch.setattr(increments, "convert", lambda *a, **kw: heard_before_converting.extend(told) or real(*a, **kw))
    generations.build(data, tmp_path / "build", progress=told.append)
    assert heard_before_converting == [f"reading records in {data}", "turning records into RDF"]
    assert told[:2] == heard_before_converting and sum(m.startswith("reading records") for m in told) == 1
