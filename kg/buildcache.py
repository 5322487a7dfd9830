"""What a build remembers between runs, under ``<build>/cache/``: a cache, never a source of truth.

* ``files.json``: the size, modification time and sha256 of every input file (after a checksum line), so deciding whether
  anything changed is a ``stat`` of each file; only a file whose size or time differs is read and
  hashed again. A file changed within the last ``RACY_SECONDS`` of the last look is hashed anyway
  (its next change could keep the same size and time stamp).
* ``entries/<kind>/<key>.pickle``: what one input file became (its parsed and checked records, its
  quads), keyed by a digest of everything it was made from (its bytes, kg's build code, …).

Every entry is checked when read: a cache file that cannot be read, whose checksum (BLAKE2b of its
bytes, checked before unpickling) or whose key or code version does not match, is ignored and made again (``load`` returns None). Writes go to a temporary file renamed
into place, so a build killed half-way leaves no half-written entry.

Entries are checksummed and written by one background thread (``_Writer``): hashing and writing release
the GIL, so a build from nothing (7,500 entries, 500 MB at 10,000 events) pickles while the other core
writes. ``load`` and ``prune`` wait for the writes pending; ``wait_for_writes`` waits for them all.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import queue
import threading
import time
from pathlib import Path

RACY_SECONDS = 2.0
_FORMAT = 1  # bump when the layout of an entry changes


def cache_dir(build_dir) -> Path:
    return Path(build_dir) / "cache"


def sha256_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class FileDigests:
    """sha256 of files by path, read again only when a file's size or modification time changed."""

    def __init__(self, build_dir):
        self.path = cache_dir(build_dir) / "files.json"
        self._known: dict[str, list] = {}
        self._seen_at = 0.0
        try:
            check, _, text = self.path.read_text().partition("\n")
            saved = json.loads(text)
            if saved.get("format") == _FORMAT and check == hashlib.sha256(text.encode()).hexdigest():
                self._known, self._seen_at = saved["files"], float(saved["seen_at"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no cache or a broken one: hash everything
        self._now: dict[str, list] = {}
        self._trusted_before = int((self._seen_at - RACY_SECONDS) * 1e9)  # modified earlier: size and time suffice
        self.hashed = 0  # how many files were read this time (for tests and the bench)

    def digest(self, path, stat: os.stat_result | None = None) -> str:
        """``path``'s sha256 (``stat``: its ``os.stat``, when the caller has it)."""
        key = os.path.abspath(path)  # the same file whatever the working folder
        return self._digest(key, stat or os.stat(key))

    def _digest(self, key: str, stat: os.stat_result) -> str:
        size, mtime = stat.st_size, stat.st_mtime_ns
        known = self._known.get(key)
        if known and known[0] == size and known[1] == mtime and mtime < self._trusted_before and isinstance(known[2], str):
            self._now[key] = known
            return known[2]
        digest = sha256_file(key)
        self.hashed += 1
        self._now[key] = [size, mtime, digest]
        return digest

    def digest_entry(self, entry: os.DirEntry) -> str:
        """As ``digest``, for an entry of ``os.scandir`` under an absolute folder."""
        return self._digest(entry.path, entry.stat())

    def known(self, path: Path) -> str | None:
        """The digest of a file looked at by ``digest`` in this run, else None."""
        entry = self._now.get(os.path.abspath(path))
        return entry[2] if entry else None

    def save(self) -> None:
        """Remember this look (only when something was hashed or a file went away: a no-change
        check writes nothing)."""
        if not self.hashed and set(self._now) == set(self._known):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"format": _FORMAT, "seen_at": time.time(), "files": self._now})
        _write_atomic(self.path, (hashlib.sha256(text.encode()).hexdigest() + "\n" + text).encode())  # checked when read


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a cache that cannot be written is only slower next time
        tmp.unlink(missing_ok=True)


class _Writer:
    """Entry files checksummed and written in a background thread, in the order they were given; at most
    ``MAX_PENDING`` wait (the memory of the queue stays small)."""

    MAX_PENDING = 64

    def __init__(self):
        self._queue: queue.Queue = queue.Queue(self.MAX_PENDING)
        self._pending: dict[Path, int] = {}  # path -> writes of it not done yet
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def write(self, path: Path, payload: bytes) -> None:
        with self._lock:
            self._pending[path] = self._pending.get(path, 0) + 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="kg-cache-writer", daemon=True)
                self._thread.start()
        self._queue.put((path, payload))

    def _run(self) -> None:
        while True:
            path, payload = self._queue.get()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _write_atomic(path, hashlib.blake2b(payload, digest_size=32).digest() + payload)
            except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower next time
                pass
            finally:
                with self._lock:
                    self._pending[path] -= 1
                    if not self._pending[path]:
                        del self._pending[path]
                self._queue.task_done()

    def pending(self, path: Path) -> bool:
        with self._lock:
            return path in self._pending

    def wait(self) -> None:
        self._queue.join()


_WRITER = _Writer()


def wait_for_writes() -> None:
    """Every entry given to ``Entries.save`` so far is on disk (or failed to be written)."""
    _WRITER.wait()


class Entries:
    """Pickled results keyed by a digest of their inputs, one file each, under ``kind``."""

    def __init__(self, build_dir, kind: str, version: str):
        self.folder = cache_dir(build_dir) / "entries" / kind
        self.version = version  # kg's build code: an entry made by other code is never used

    def _path(self, key: str) -> Path:
        return self.folder / f"{key[:40]}.pickle"

    def load(self, key: str):
        if _WRITER.pending(self._path(key)):
            _WRITER.wait()
        try:
            data = self._path(key).read_bytes()
            check, payload = data[:32], data[32:]
            if hashlib.blake2b(payload, digest_size=32).digest() != check:
                return None  # damaged: never unpickled
            saved = pickle.loads(payload)  # noqa: S301 - our own cache, under the build folder, checked above
            if isinstance(saved, tuple) and len(saved) == 4 and saved[:3] == (_FORMAT, self.version, key):
                return saved[3]
        except Exception:  # noqa: BLE001 - a missing, truncated or foreign entry: make it again
            pass
        return None

    def save(self, key: str, value) -> None:
        payload = pickle.dumps((_FORMAT, self.version, key, value), protocol=pickle.HIGHEST_PROTOCOL)
        _WRITER.write(self._path(key), payload)  # checksummed and written in the background

    def prune(self, keep: set[str]) -> None:
        """Remove entries not in ``keep`` (those of files that changed or went away)."""
        _WRITER.wait()  # a file still being written is not removed as a leftover
        names = {f"{key[:40]}.pickle" for key in keep}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in names:
                    path.unlink(missing_ok=True)
