"""Answers kept per build generation (kg.sparql.kept): read back only for the same generation, level,
text and options; checked before use; written atomically; bounded; the same bytes as a fresh answer."""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path

import pytest
import requests

from kg import generations, sparql
from kg.serve.worker import answer_query
from kg.sparql import kept

from .conftest import copy_data, kg

PUBLIC_ONLY_NAME = "ASK { ?p <https://schema.org/name> 'Umar Khan' }"
NAMES = "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }"


@pytest.fixture
def keep_all(monkeypatch):
    """Keep every answer, however quick (the default keeps those over 0.5 s)."""
    monkeypatch.setenv("KG_KEEP_ANSWERS", "1")
    monkeypatch.setenv("KG_KEEP_ANSWERS_OVER", "0")
    monkeypatch.delenv("KG_KEEP_ANSWERS_MAX_BYTES", raising=False)


@pytest.fixture
def graded(tmp_path):
    """The seed with one person marked internal: public and internal answers differ."""
    data = copy_data(tmp_path)
    people = data / "people.yaml"
    people.write_text(people.read_text().replace("name: Umar Khan\n", "name: Umar Khan\n    sensitivity: internal\n"))
    build_dir = tmp_path / "build"
    generations.build(data, build_dir)
    return data, build_dir


def entries(build_dir: Path, level: str | None = None) -> list[Path]:
    live = generations.current_generation(build_dir)
    return sorted((live / kept.FOLDER).glob(f"{level or '*'}/*.pickle"))


def ask(data, build_dir, level, text=PUBLIC_ONLY_NAME):
    with generations.open_store(data, build_dir, level=level) as store:
        return sparql.run(store, text).boolean


def test_kept_then_read_back_without_the_engine(graded, keep_all, monkeypatch):
    data, build_dir = graded
    with generations.open_store(data, build_dir) as store:
        first = sparql.run(store, NAMES)
    assert len(entries(build_dir, "public")) == 1
    with generations.open_store(data, build_dir) as store:
        monkeypatch.setattr(store, "answer", lambda *a, **k: pytest.fail("computed again"))
        again = sparql.run(store, NAMES)
    assert (again.variables, again.rows) == (first.variables, first.rows) and first.rows


def test_never_across_levels(graded, keep_all):
    """Asked at internal first, the same text at public gets the public answer, even when the public
    entry's file is replaced by the internal one (a valid checksum, another level inside)."""
    data, build_dir = graded
    assert ask(data, build_dir, "internal") is True
    assert ask(data, build_dir, "public") is False
    public, internal = entries(build_dir, "public"), entries(build_dir, "internal")
    assert len(public) == len(internal) == 1 and public[0].name != internal[0].name
    public[0].write_bytes(internal[0].read_bytes())
    assert ask(data, build_dir, "public") is False
    assert ask(data, build_dir, "internal") is True


def test_never_across_levels_through_kg_serve(graded, keep_all):
    from .test_serve import Server

    data, build_dir = graded
    headers = {"Accept": "application/sparql-results+json"}
    answers = {}
    for level in ("internal", "public", "internal"):  # internal kept first, then asked at public
        srv = Server(data, build_dir, "--level", level)
        try:
            got = [requests.get(srv.sparql, params={"query": PUBLIC_ONLY_NAME}, headers=headers, timeout=60)
                   for _ in range(2)]  # the second reads the kept answer
        finally:
            srv.stop()
        assert all(r.status_code == 200 for r in got), [r.text for r in got]
        answers.setdefault(level, set()).update(r.json()["boolean"] for r in got)
    assert answers == {"internal": {True}, "public": {False}}
    assert len(entries(build_dir, "internal")) == len(entries(build_dir, "public")) == 1


def test_never_across_generations(graded, keep_all):
    data, build_dir = graded
    with generations.open_store(data, build_dir) as store:
        before = sparql.run(store, NAMES).rows
    people = data / "people.yaml"
    people.write_text(people.read_text().replace("name: Sevim Saadat", "name: Sevim Q. Saadat"))
    generations.build(data, build_dir)
    with generations.open_store(data, build_dir) as store:
        after = sparql.run(store, NAMES).rows
    names = lambda rows: {r[0]["value"] for r in rows}  # noqa: E731
    assert "Sevim Saadat" in names(before) and "Sevim Q. Saadat" in names(after) - names(before)


def test_damaged_or_foreign_entries_are_computed_again(graded, keep_all):
    data, build_dir = graded
    assert ask(data, build_dir, "public") is False
    (entry,) = entries(build_dir, "public")
    good = entry.read_bytes()
    damaged = bytearray(good)
    damaged[-3] ^= 0xFF
    entry.write_bytes(bytes(damaged))
    assert ask(data, build_dir, "public") is False
    assert entry.read_bytes() == good  # computed again and kept again
    class Boom:  # a valid checksum around a pickle that names a callable: refused, never called
        def __reduce__(self):
            return (pytest.fail, ("unpickled a foreign object",))

    payload = pickle.dumps(Boom())
    entry.write_bytes(hashlib.blake2b(payload, digest_size=32).digest() + payload)
    assert ask(data, build_dir, "public") is False
    entry.write_bytes(good[:40])  # truncated
    assert ask(data, build_dir, "public") is False


def test_read_only_build_folder_is_skipped(graded, keep_all):
    data, build_dir = graded
    live = generations.current_generation(build_dir)
    (live / kept.FOLDER).write_text("not a folder")  # nothing can be written under it (even as root)
    assert ask(data, build_dir, "public") is False
    assert ask(data, build_dir, "internal") is True


def test_off_reads_and_writes_nothing(graded, keep_all, monkeypatch):
    data, build_dir = graded
    assert ask(data, build_dir, "public") is False
    (entry,) = entries(build_dir, "public")
    monkeypatch.setenv("KG_KEEP_ANSWERS", "0")
    entry.unlink()
    with generations.open_store(data, build_dir) as store:
        assert sparql.run(store, NAMES).rows
    assert entries(build_dir) == []


def test_quick_answers_are_not_kept_by_default(graded, monkeypatch):
    monkeypatch.delenv("KG_KEEP_ANSWERS_OVER", raising=False)
    monkeypatch.delenv("KG_KEEP_ANSWERS", raising=False)
    data, build_dir = graded
    assert ask(data, build_dir, "public") is False
    assert entries(build_dir) == []


def test_bounded_least_recently_used_out(graded, keep_all, monkeypatch):
    data, build_dir = graded
    with generations.open_store(data, build_dir) as store:
        sparql.run(store, NAMES)
        size = entries(build_dir)[0].stat().st_size
        monkeypatch.setenv("KG_KEEP_ANSWERS_MAX_BYTES", str(int(size * 2.5)))
        for n in range(1, 6):  # the same answer under other texts: entries of one size
            sparql.run(store, f"{NAMES} # {n}")
        kept_now = entries(build_dir)
        assert len(kept_now) == 2 and sum(p.stat().st_size for p in kept_now) <= size * 2.5
        monkeypatch.setenv("KG_KEEP_ANSWERS_MAX_BYTES", "10")  # larger than the cap: not kept at all
        sparql.run(store, f"{NAMES} # 7")
    assert len(entries(build_dir)) == len(kept_now)


def test_serve_keeps_no_answer_cut_at_the_row_limit(graded, keep_all):
    data, build_dir = graded
    job = {"query": NAMES, "accept": "text/csv", "format": None, "default_graphs": [], "named_graphs": []}
    with generations.open_store(data, build_dir) as store:
        status, _, cut, headers = answer_query(store, job, max_rows=2)
        assert status == 200 and headers.get("X-KG-Truncated") == "true"
        assert entries(build_dir) == []
        whole = [answer_query(store, job, max_rows=10_000) for _ in range(2)]
    assert whole[0] == whole[1] and len(whole[0][2].splitlines()) > len(cut.splitlines())
    assert len(entries(build_dir)) == 1


def test_two_askers_at_once(graded, keep_all):
    data, build_dir = graded
    got = []
    with generations.open_store(data, build_dir) as store:
        threads = [threading.Thread(target=lambda: got.append(sparql.run(store, NAMES).rows)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(got) == 6 and all(rows == got[0] for rows in got)
    assert len(entries(build_dir)) == 1
    assert not list((generations.current_generation(build_dir) / kept.FOLDER).glob("*/.*"))  # no temporary left


@pytest.mark.parametrize("fmt", sparql.SELECT_FORMATS)
def test_kg_query_prints_the_same_bytes(graded, keep_all, fmt, monkeypatch):
    data, build_dir = graded
    args = ["query", "--data", data, "--build-dir", build_dir, "--name", "people-of-organization",
            "--param", "org=cfhr", "--format", fmt]  # fmt: skip
    outputs = []
    for setting in ("0", "1", "1"):  # computed, then kept, then read back
        monkeypatch.setenv("KG_KEEP_ANSWERS", setting)
        out = kg(*args)
        assert out.exit_code == 0, out.output
        outputs.append(out.stdout_bytes)
    assert outputs[0] == outputs[1] == outputs[2] and outputs[0]
    assert len(entries(build_dir, "public")) == 1
