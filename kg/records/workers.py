"""Reading many report files at once in worker processes, one per core: parsing YAML and checking a
report depends on that file alone (and its source text), so a build from nothing reads them side by side.
The checks across files still run afterwards over the whole set, in the build's own process."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .. import buildcache
from .loader import read_report

MIN_FILES = 200  # fewer are read sooner than two processes start (~0.3 s each)
MAX_WORKERS = 4  # each holds its share of the records until they are handed back


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def read_reports(data_dir: Path, paths: list[Path]) -> list[tuple] | None:
    """``read_report`` of each path, in the order given, from worker processes; None when they are not
    worth starting (few files, one core) or could not run, and the caller reads the files itself."""
    workers = min(cores(), MAX_WORKERS)
    if len(paths) < MIN_FILES or workers < 2 or sys.platform != "linux":
        return None
    chunk = max(1, len(paths) // (workers * 8))  # small enough to keep both busy to the end
    # fork, not spawn: a spawned worker imports the caller's __main__ again, and a script or notebook that
    # builds without an `if __name__ == "__main__":` guard would build again in every worker. The build's one
    # other thread, the cache writer, is left idle first: a forked child never touches what it holds.
    buildcache.wait_for_writes()
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.disable) as pool:
            return list(pool.map(read_report, [data_dir] * len(paths), paths, chunksize=chunk))
    except (BrokenProcessPool, OSError):  # killed or not startable (no /dev/shm …): read them here instead
        return None
