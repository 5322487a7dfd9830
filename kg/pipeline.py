"""`kg run` as a library function, ``kg.run()``: build the graph, write the metrics of every
projection, the offline visualization and a Turtle export. The command only prints what it did.

Examples
--------
>>> done = kg.run("data", "build")                 # doctest: +SKIP
>>> done.page, done.graph_file, len(done.metric_files)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import config, export, generations
from .export import serialize, write_atomic

PAGE_PROJECTION = "stakeholders"  # the projection alliance.html draws (kg.viz.render's default)


@dataclass
class RunResult:
    build: generations.BuildResult | None  # None when the store is not the on-disk one (built elsewhere, or in memory)
    out_dir: Path
    metric_files: list[Path] = field(default_factory=list)
    page: Path | None = None
    graph_file: Path | None = None


def run(data_dir=None, build_dir=None, base=None, level: str = "public", store: str | None = None, out_dir=None,
        progress: Callable[[str], None] | None = None, on_build: Callable[[generations.BuildResult], None] | None = None,
        ) -> RunResult:  # fmt: skip
    """Build (the on-disk store, when ``store`` is ``oxigraph``, the default), then write under
    ``out_dir`` (default ``BUILD_DIR/outputs``) ``metrics/``, ``alliance.html`` and ``graph.ttl``,
    all read at ``level`` from ``store`` (any kind ``kg.generations.open_store`` opens).

    The page's projection is measured here and the page drawn from it: that is the longest chain of work.
    On the on-disk store of a large build with two cores, the other projections are measured meanwhile in
    processes of their own, which write their files themselves, and the Turtle export is written by one
    more (``kg.metrics.Measuring``, ``kg.export.start_writing``), all at a lower priority, in the time the
    chain leaves idle on the other core. The same bytes either way.

    ``progress`` hears what is being done; ``on_build`` gets the build's result as soon as it is known.
    Raises ``kg.viz.VizError`` when the page cannot be drawn, ``kg.records.RecordsInvalid`` on bad records.
    """
    from . import metrics, viz  # heavy imports, only for this function

    say = progress or (lambda message: None)
    build_dir = config.build_dir(build_dir)
    result = None
    if (store or "oxigraph") == "oxigraph":
        result = generations.build(data_dir, build_dir, base, progress=progress, level=level)
        _return_freed_memory()  # the build's records and quads are gone: the page's metrics are measured here next
        if on_build:
            on_build(result)
    out = Path(out_dir) if out_dir else build_dir / "outputs"
    done = RunResult(result, out)
    with generations.open_store(data_dir, build_dir, base, level=level, store=store, progress=progress) as graph:
        say("computing metrics of every projection")
        done.graph_file = out / "graph.ttl"
        pending = export.start_writing(graph, "ttl", done.graph_file)  # at a lower priority: it fills idle time
        try:
            with metrics.Measuring(graph, here=(PAGE_PROJECTION,), out_dir=out / "metrics") as measuring:
                written = {}
                shared = {}
                if PAGE_PROJECTION in measuring.names:  # the page's projection first, built and measured once,
                    index = viz.predicate_index(graph)  # from the predicates the page reads for its details too
                    projected, node_metrics, figures = measuring.result(
                        PAGE_PROJECTION, graph=viz.project(graph, PAGE_PROJECTION, index))
                    written[PAGE_PROJECTION] = metrics.write_projection(out / "metrics", PAGE_PROJECTION, projected,
                                                                        node_metrics, figures)  # fmt: skip
                    shared = {"projected": projected, "metrics": node_metrics, "index": index}
                    del projected, node_metrics, figures, index

                def write_the_others() -> None:  # their processes write them (or this one, on a small build)
                    for name in measuring.names:
                        if name not in written:
                            written[name] = measuring.written(name)

                say("drawing the alliance")
                try:
                    done.page = viz.render(graph, out / "alliance.html", **shared)  # while the others are measured
                except viz.VizError:
                    write_the_others()  # every metric file is written even when the page cannot be drawn
                    raise
                del shared
                write_the_others()
                done.metric_files = [path for name in measuring.names for path in written[name]]
        finally:
            finished = pending.exception() if pending else None  # waited for even when the page failed
        if pending is None:
            write_atomic(done.graph_file, serialize(graph, "ttl"))
        elif finished is not None:
            raise finished
    return done


def _return_freed_memory() -> None:
    """Give the memory the build freed back to the system (glibc keeps it for reuse otherwise, and at
    10,000 events this process then measured the page's projection on top of it: 1,541 MiB)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to trim
        pass
