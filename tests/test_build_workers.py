"""A build from nothing reads the report files in worker processes (``kg.records.workers``) and loads the public
store while it converts them (``kg.storeload.BackgroundLoad``): the same stores, names, problems and warnings as
reading and loading one after the other."""

from __future__ import annotations

import shutil
import threading

import pytest

from kg import generations, storeload
from kg.records import RecordsInvalid, workers

from .conftest import DATA
from .test_incremental import dump


@pytest.fixture
def counted(monkeypatch):
    """Worker processes used for any number of files, on any machine; returns how many files they read."""
    monkeypatch.setattr(workers, "MIN_FILES", 1)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    read = []
    real = workers.read_reports

    def spy(data_dir, paths):
        out = real(data_dir, paths)
        read.append(0 if out is None else len(out))
        return out

    monkeypatch.setattr(workers, "read_reports", spy)
    return read


def build_plain(data, build_dir, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(workers, "MIN_FILES", 10**9)
        patch.setattr(storeload, "BACKGROUND_CHUNK", 10**9)  # one chunk, handed over at the end
        return generations.build(data, build_dir, force=True)


def test_workers_and_background_load_give_the_same_stores(tmp_path, monkeypatch, counted):
    monkeypatch.setattr(storeload, "BACKGROUND_CHUNK", 100_000)  # ~10 chunks (each load call costs ~0.1 s)
    generations.build(DATA, tmp_path / "parallel")
    assert counted == [len(list((DATA / "reports").glob("*.yaml")))]  # every report read by a worker
    build_plain(DATA, tmp_path / "plain", monkeypatch)
    assert dump(tmp_path / "parallel") == dump(tmp_path / "plain")


def test_workers_report_the_same_problems(tmp_path, monkeypatch, counted):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    report = data / "reports" / "toc-day-lahore-2024.yaml"
    text = report.read_text(encoding="utf-8").replace('quote: "Mr. Mark Shaw', 'quote: "Mr. Marc Shaw', 1)
    report.write_text(text, encoding="utf-8")  # a quote its source does not hold
    (data / "reports" / "broken.yaml").write_text("report: [unclosed\n", encoding="utf-8")
    with pytest.raises(RecordsInvalid) as parallel:
        generations.build(data, tmp_path / "parallel")
    assert counted and counted[0] > 0
    with pytest.raises(RecordsInvalid) as plain:
        build_plain(data, tmp_path / "plain", monkeypatch)
    assert parallel.value.problems == plain.value.problems and len(plain.value.problems) >= 2
    assert parallel.value.warnings == plain.value.warnings


def test_a_failed_conversion_stops_the_background_load_and_leaves_nothing(tmp_path, monkeypatch):
    from kg import increments

    def broken(*args, **kwargs):
        raise RuntimeError("conversion failed")

    monkeypatch.setattr(increments, "derive_facts", broken)  # after the quads went to the background load
    with pytest.raises(RuntimeError, match="conversion failed"):
        generations.build(DATA, tmp_path / "build")
    store = tmp_path / "build" / "store"
    assert generations.current_generation(tmp_path / "build") is None
    assert not [p for p in store.iterdir() if ".tmp-" in p.name]
    assert not [t for t in threading.enumerate() if t.name == "kg-store-load"]


def test_workers_read_only_the_files_without_a_usable_entry(tmp_path, monkeypatch, counted):
    from kg import increments

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    reports = sorted((data / "reports").glob("*.yaml"))
    generations.build(data, tmp_path / "build")
    report = data / "reports" / "toc-day-lahore-2024.yaml"
    report.write_text(report.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    generations.build(data, tmp_path / "build")
    monkeypatch.setattr(increments, "code_digest", lambda: "another version of kg")  # every entry foreign
    generations.build(data, tmp_path / "build", force=True)
    assert counted == [len(reports), 1, len(reports)]
