"""Loading N-Quads written by the build into a level store: from a file after the build, or in a thread of
its own while the build is still producing them.

Oxigraph's bulk loader releases the GIL, so a store loaded in the background takes the second core while
the build turns records into quads on the first: at 10,000 events the public store's load (most of the
store time) then costs almost nothing after the last report is converted.

A store filled by many bulk loads is compacted before it is used (``compact``): each load adds its own files
to RocksDB's first level, overlapping the others, and every lookup of a query then searches each of them.
The build closes the store before RocksDB's own background compaction has caught up, and readers open it
read-only, where it never runs.
"""

from __future__ import annotations

import itertools
import queue
import threading
from pathlib import Path

import pyoxigraph as ox

LOAD_CHUNK = 250_000  # quads per bulk load (the memory of a load is about that of its chunk)
# bytes per bulk load beside the build, which holds the records meanwhile: ~50,000 quads at a time load as
# fast and keep the loader's memory under ~100 MB, where 250,000 took ~350 MB (measured on 2 M quads)
BACKGROUND_CHUNK = 8_000_000


def load_bytes(store: ox.Store, data: bytes) -> None:
    """Add N-Quads ``data`` (written by kg with ``ox.serialize``) to ``store``. Lines without ``_:`` hold no
    blank node and go to Oxigraph's own parser (``lenient``), 15-20 % faster than Python quads; the few
    others are parsed here, since ``bulk_load`` renames blank nodes at random."""
    if b"_:" not in data:
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        return
    lines = data.splitlines(keepends=True)
    blank = [line for line in lines if b"_:" in line]
    plain = [line for line in lines if b"_:" not in line]
    store.bulk_extend(list(ox.parse(b"".join(blank), format=ox.RdfFormat.N_QUADS)))
    if plain:
        store.bulk_load(b"".join(plain), format=ox.RdfFormat.N_QUADS, lenient=True)


def load_file(store: ox.Store, path: Path) -> int:
    """Load an N-Quads file, ``LOAD_CHUNK`` lines per call: the loader's memory grows with what one call
    gives it (2.5 M quads at once took 1 GB more). Returns the number of calls."""
    calls = 0
    with open(path, "rb") as handle:
        while lines := list(itertools.islice(handle, LOAD_CHUNK)):
            load_bytes(store, b"".join(lines))
            calls += 1
    return calls


def compact(store: ox.Store, loads: int) -> None:
    """Compact ``store`` after ``loads`` bulk loads when there were more than one: at 10,000 events the
    public store's 300 loads left 113 overlapping files, and counting its 68,968 participations took 2.3 s
    instead of 0.8 s once compacted (8 s of one core, the GIL released). One load's files (the few
    internal quads over a copy of the compacted public store) cost a lookup little and are left as they are."""
    if loads > 1:
        store.optimize()


class BackgroundLoad:
    """One store loaded by a thread from the N-Quads handed to ``feed``, ``BACKGROUND_CHUNK`` bytes per call.

    At most two chunks wait for the thread (``feed`` blocks beyond that), so memory stays bounded when the
    build produces quads faster than Oxigraph loads them. ``finish`` waits for the store to be complete
    and closed, raising the thread's error if it had one; ``cancel`` stops it without finishing the load
    (a failed build: the store's folder is then removed)."""

    def __init__(self, path: Path):
        self.path = path
        self._pending: list[bytes] = []
        self._bytes = 0
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._skip = False  # set by cancel: the chunks still queued are dropped
        self._done = False
        self._thread = threading.Thread(target=self._run, name="kg-store-load", daemon=True)
        self._thread.start()

    def feed(self, data: bytes) -> None:
        """Add N-Quads (one quad a line, as ``ox.serialize`` writes them)."""
        start = 0
        while len(data) - start > BACKGROUND_CHUNK:  # a graph written at once (the derived facts): cut at a line end
            cut = data.rfind(b"\n", start, start + BACKGROUND_CHUNK) + 1 or data.find(b"\n", start) + 1 or len(data)
            self._pending.append(data[start:cut])
            self._hand_over()
            start = cut
        self._pending.append(data[start:] if start else data)
        self._bytes += len(data) - start
        if self._bytes >= BACKGROUND_CHUNK:
            self._hand_over()

    def finish(self) -> None:
        if not self._done:
            self._hand_over()
            self._stop()
        if self._error is not None:
            raise self._error

    def cancel(self) -> None:
        if not self._done:
            self._skip = True
            self._pending = []
            self._stop()

    def _hand_over(self) -> None:
        if self._pending:
            self._queue.put(b"".join(self._pending))
            self._pending, self._bytes = [], 0

    def _stop(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._done = True

    def _run(self) -> None:
        store = None
        try:
            store = ox.Store(str(self.path))
        except BaseException as error:  # every error is raised in the build's own thread, by finish
            self._error = error
        loads = 0
        while (chunk := self._queue.get()) is not None:  # taken to the end, so feed never blocks on a dead load
            if self._error is None and not self._skip:
                try:
                    load_bytes(store, chunk)
                    loads += 1
                except BaseException as error:
                    self._error = error
        if self._error is None and not self._skip:
            try:
                store.flush()
                compact(store, loads)
            except BaseException as error:
                self._error = error
        del store  # closed before the build opens the same folder (an error's frame then holds no store)
