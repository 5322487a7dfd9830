"""Writing the metrics of every projection to files (what ``kg run`` / ``make run`` does)."""

from __future__ import annotations

import os
from pathlib import Path

from .. import network
from .. import store as store_module
from ..export import write_atomic
from .formats import FORMATS, render_each
from .measure import graph_metrics, node_metrics


def measure_projection(store, name: str, k: int | None = None, engine: str = "auto"):
    """``(graph, node metrics, graph figures)`` of one declared projection."""
    graph = network.project(store, name)
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
        written.append(path)
    return written


def measure_each(store, k: int | None = None, engine: str = "auto", parallel: bool = True):
    """``(projection, (graph, node metrics, graph figures))`` of every declared projection, in their
    declared order, one at a time (so that ``kg run`` writes each and keeps only what the page needs).

    On the on-disk store of a large build, with ``parallel`` and more than one core, the projections
    are measured in as many processes as there are cores (at most one per projection), each opening
    the build read-only: the same figures (every algorithm is seeded), in about half the time on two cores.
    """
    names = list(network.projections())
    generation = getattr(store, "generation", None)
    workers = min(os.cpu_count() or 1, len(names))
    if not parallel or workers < 2 or not store_module.worth_a_process(generation):
        for name in names:
            yield name, measure_projection(store, name, k=k, engine=engine)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(str(generation), store.base, store.level, name, k, engine) for name in names]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from zip(names, pool.map(_measure_in_process, jobs))


def _measure_in_process(job):
    from ..store import OxigraphStore

    _import_igraph_without_plotting()
    generation, base, level, name, k, engine = job
    store = OxigraphStore.open(generation, base, level)
    try:
        return measure_projection(store, name, k=k, engine=engine)
    finally:
        store.close()


def _import_igraph_without_plotting() -> None:
    """Import igraph in a process of ours that never plots: where matplotlib is installed (the
    notebooks extra), igraph's import also imports ``matplotlib.pyplot``, 0.5-0.9 s a process. A
    ``None`` in ``sys.modules`` makes that import fail, and igraph keeps a stand-in instead."""
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
