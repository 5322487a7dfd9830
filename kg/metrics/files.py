"""Writing the metrics of every projection to files (what ``kg run`` / ``make run`` does)."""

from __future__ import annotations

import os
from pathlib import Path

from .. import network
from .. import store as store_module
from ..export import write_atomic
from .formats import FORMATS, render_each
from .measure import graph_metrics, node_metrics


def measure_projection(store, name: str, k: int | None = None, engine: str = "auto", graph=None):
    """``(graph, node metrics, graph figures)`` of one declared projection (``graph``: already built)."""
    graph = network.project(store, name) if graph is None else graph
    metrics = node_metrics(graph, k=k, engine=engine)
    return graph, metrics, graph_metrics(graph, metrics)


def write_all(store, out_dir: Path, k: int | None = None, formats=FORMATS, engine: str = "auto") -> list[Path]:
    """Write CSV, JSON, GraphML and GEXF of every declared projection into ``out_dir``.

    Each file is written to a temporary name and renamed into place.

    Parameters
    ----------
    store : kg.store.Store
    out_dir : Path
        Created when missing; gets ``<projection>.<format>`` for each projection and format.
    k : int, optional
        Sampled betweenness sources (see ``kg.metrics.node_metrics``).

    Returns
    -------
    list of Path
        The files written, by projection then format.

    Examples
    --------
    >>> with kg.open_store() as store:                      # doctest: +SKIP
    ...     metrics.write_all(store, Path("build/outputs/metrics"))
    [PosixPath('build/outputs/metrics/stakeholders.csv'), ...]
    """
    written = []
    for name, (graph, metrics, figures) in measure_each(store, k=k, engine=engine):
        written += write_projection(out_dir, name, graph, metrics, figures, formats)
    return written


def write_projection(out_dir: Path, name: str, graph, metrics, figures, formats=FORMATS) -> list[Path]:
    """Write ``<name>.<format>`` of one measured projection into ``out_dir``; returns the files."""
    written = []
    for fmt, data in render_each(formats, graph, metrics, figures):
        path = Path(out_dir) / f"{name}.{fmt}"
        write_atomic(path, data)
        del data  # not held while the next format is rendered: at 10,000 events each is 100 MB or more
        written.append(path)
    return written


def measure_each(store, k: int | None = None, engine: str = "auto", parallel: bool = True):
    """``(projection, (graph, node metrics, graph figures))`` of every declared projection, in their
    declared order, one at a time (so that ``kg metrics`` writes each and keeps none).

    On the on-disk store of a large build, with ``parallel`` and more than one core, the projections
    are measured in as many processes as there are cores (``Measuring``): the same figures (every
    algorithm is seeded), in about half the time on two cores.
    """
    with Measuring(store, k=k, engine=engine, parallel=parallel) as measuring:
        for name in measuring.names:
            yield name, measuring.result(name)


class Measuring:
    """Every declared projection measured, the others in the background while ``here`` are measured here.

    On the on-disk store of a large build, with ``parallel`` and more than one core, the projections not
    in ``here`` are handed at once to a pool of processes, each opening the build read-only: as many as
    there are cores, or, when ``here`` names some, one core fewer and at a lower priority
    (``kg.store.lower_priority``), so that what this process measures and then does with it (``kg run``:
    the page's projection, then the page) keeps a core of its own. ``result(name)`` waits for that one
    only; without a pool it measures it here, when asked. The same figures either way (seeded).

    With ``out_dir``, ``written(name)`` gives the files of a projection there (``write_projection``):
    the pool's processes write their own, so that only the paths come back, not the graphs.

    Examples
    --------
    >>> with Measuring(store, here=("stakeholders",)) as measuring:     # doctest: +SKIP
    ...     graph, node_metrics, figures = measuring.result("stakeholders")
    ...     ...                                         # other work, while the others are measured
    ...     others = {name: measuring.result(name) for name in measuring.names if name != "stakeholders"}
    """

    def __init__(self, store, k: int | None = None, engine: str = "auto", parallel: bool = True,
                 here: tuple[str, ...] = (), out_dir: Path | None = None):  # fmt: skip
        self.names = list(network.projections())
        self._store, self._k, self._engine, self._out_dir = store, k, engine, out_dir
        self._pool, self._futures = None, {}
        generation = getattr(store, "generation", None)
        away = [name for name in self.names if name not in here]
        cores = os.cpu_count() or 1
        workers = min(cores - 1 if here else cores, len(away))
        worth_a_pool = away and cores >= 2 and (here or workers >= 2)  # beside this process, or two at least
        if not (parallel and worth_a_pool and store_module.worth_a_process(generation)):
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        initializer = store_module.lower_priority if here else None
        context = multiprocessing.get_context("spawn")  # spawn: no forked store handles
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer)
        for name in away:  # in declared order: each process takes the next when free
            job = (str(generation), store.base, store.level, name, k, engine, None if out_dir is None else str(out_dir))
            self._futures[name] = self._pool.submit(_measure_in_process, job)

    def result(self, name: str, graph=None):
        """``(graph, node metrics, graph figures)`` of projection ``name`` (each is handed out once);
        ``graph``: the projection, already built here (``kg.viz.project``), for one in ``here``."""
        if name not in self.names:
            raise KeyError(f"unknown projection {name!r}; declared: {', '.join(self.names)}")
        if name not in self._futures:
            return measure_projection(self._store, name, k=self._k, engine=self._engine, graph=graph)
        if self._out_dir is not None:
            raise ValueError(f"the files of {name!r} are written by another process: ask written({name!r})")
        return self._futures.pop(name).result()  # re-raises the worker's error here

    def written(self, name: str) -> list[Path]:
        """The files of projection ``name`` in ``out_dir``: written by the pool's process that measured it,
        or measured and written here."""
        if name in self._futures:
            return self._futures.pop(name).result()
        return write_projection(self._out_dir, name, *self.result(name))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)  # on an error, what has not started is dropped
            self._futures.clear()


def _measure_in_process(job):
    from ..store import OxigraphStore

    import_igraph_without_plotting()
    generation, base, level, name, k, engine, out_dir = job
    store = OxigraphStore.open(generation, base, level)
    try:
        measured = measure_projection(store, name, k=k, engine=engine)
    finally:
        store.close()
    return measured if out_dir is None else write_projection(Path(out_dir), name, *measured)


def import_igraph_without_plotting() -> None:
    """Import igraph in a process of ours that never plots (a metric worker, the ``kg run`` command):
    where matplotlib is installed (the notebooks extra), igraph's import also imports ``matplotlib.pyplot``,
    0.5-0.9 s a process. A ``None`` in ``sys.modules`` makes that import fail, and igraph keeps a stand-in."""
    import sys

    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        return
    sys.modules["matplotlib"] = None
    try:
        import igraph  # noqa: F401
    except ImportError:
        pass  # not installed: the metrics use networkx (kg.metrics.centrality.resolve_engine)
    finally:
        del sys.modules["matplotlib"]
