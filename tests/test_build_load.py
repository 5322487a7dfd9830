"""The build's faster paths give what the plain ones gave: the level stores loaded from the spill files and in
the background (``kg.storeload``) and the cache entries written in the background (``kg.buildcache``)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import buildcache, storeload

NQUADS = b"""<http://e/a> <http://e/p> "text with _: inside" <http://e/g> .
<http://e/a> <http://e/p> _:kg1 <http://e/g> .
_:kg1 <http://e/q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://e/g> .
<http://e/b> <http://e/p> "line\\nbreak"@en <http://e/g2> .
<http://e/c> <http://e/p> <http://e/d> <http://e/g2> .
"""


def test_load_file_equals_parsed_quads_and_keeps_blank_node_labels(tmp_path, monkeypatch):
    path = tmp_path / "quads.nq"
    path.write_bytes(NQUADS * 3)
    monkeypatch.setattr(storeload, "LOAD_CHUNK", 2)  # several calls, blank lines in some chunks only
    store = ox.Store(str(tmp_path / "store"))
    storeload.load_file(store, path)
    expected = set(ox.parse(NQUADS, format=ox.RdfFormat.N_QUADS))
    assert set(store) == expected
    assert {q.object.value for q in store if isinstance(q.object, ox.BlankNode)} == {"kg1"}


def test_background_load_equals_parsed_quads_and_is_closed_when_finished(tmp_path, monkeypatch):
    monkeypatch.setattr(storeload, "BACKGROUND_CHUNK", 2000)  # a few chunks, waiting in the queue
    load = storeload.BackgroundLoad(tmp_path / "store")
    for line in (NQUADS * 4).splitlines(keepends=True):  # one quad per feed, as small reports come
        load.feed(line)
    load.feed(NQUADS * 40)  # and a large piece at once (12 kB), cut at line ends
    load.finish()
    store = ox.Store(str(tmp_path / "store"))  # opens: the thread's handle is closed
    assert set(store) == set(ox.parse(NQUADS, format=ox.RdfFormat.N_QUADS))
    assert {q.object.value for q in store if isinstance(q.object, ox.BlankNode)} == {"kg1"}


def test_background_load_error_is_raised_by_finish_and_feed_never_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(storeload, "BACKGROUND_CHUNK", 1)
    load = storeload.BackgroundLoad(tmp_path / "store")
    load.feed(b"<http://e/a> <http://e/p> not-a-term <http://e/g> .\n")
    for _ in range(20):  # far more chunks than the queue holds, after the load failed
        load.feed(NQUADS)
    with pytest.raises(SyntaxError):
        load.finish()


def test_cancelled_background_load_stops_and_releases_the_store(tmp_path):
    load = storeload.BackgroundLoad(tmp_path / "store")
    load.feed(NQUADS)
    load.cancel()
    load.cancel()  # twice, as a failed build's cleanup may
    ox.Store(str(tmp_path / "store"))  # the folder is free to open (or to remove)


def test_saved_entries_can_be_read_at_once_and_survive_prune(tmp_path):
    entries = buildcache.Entries(tmp_path, "quads", "v1")
    for i in range(200):  # more than the writer's queue holds
        entries.save(f"key{i}", {"n": i})
    assert entries.load("key7") == {"n": 7}  # waits for the write pending
    entries.prune({f"key{i}" for i in range(200)})
    buildcache.wait_for_writes()
    assert sorted(p.name for p in entries.folder.iterdir()) == sorted(f"key{i}.pickle" for i in range(200))
    assert all(entries.load(f"key{i}") == {"n": i} for i in range(200))
    assert buildcache.Entries(tmp_path, "quads", "v2").load("key3") is None  # other code: not used


def test_an_unwritable_cache_is_only_slower(tmp_path):
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    entries = buildcache.Entries(tmp_path, "records", "v1")
    entries.save("key", [1, 2])  # no error, now or later
    buildcache.wait_for_writes()
    assert entries.load("key") is None
    entries.save("other", 3)
    buildcache.wait_for_writes()


def test_a_store_of_many_loads_is_compacted(tmp_path, monkeypatch):
    # 30 feeds or more loads: RocksDB holds files of each load, overlapping each other, that every lookup searches (21-26
    # files measured here without compacting); compacted, about one per index
    monkeypatch.setattr(storeload, "BACKGROUND_CHUNK", 2000)
    compacted = []
    real = storeload.compact
    monkeypatch.setattr(storeload, "compact", lambda store, loads: compacted.append(loads) or real(store, loads))
    load = storeload.BackgroundLoad(tmp_path / "many")
    lines = [f"<http://e/s{i}> <http://e/p{i % 7}> <http://e/o{i}> <http://e/g{i % 11}> .\n".encode() for i in range(3000)]
    for start in range(0, len(lines), 100):
        load.feed(b"".join(lines[start : start + 100]))
    load.finish()
    assert len(compacted) == 1 and compacted[0] >= 30  # (a feed of more than a chunk is cut in pieces)
    # compacted: 9-10 files alone, 14 once in the parallel suite (RocksDB's own background compactions, which
    # start at two files of the first level, race with it); not compacted: 26-32
    assert len(list((tmp_path / "many").glob("*.sst"))) <= 16
    assert len(ox.Store(str(tmp_path / "many"))) == 3000
