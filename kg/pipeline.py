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

    On the on-disk store of a large build with two cores, the Turtle export is written by a process of
    its own while the page is drawn (``kg.export.start_writing``): the same bytes, on the other core.

    ``progress`` hears what is being done; ``on_build`` gets the build's result as soon as it is known.
    Raises ``kg.viz.VizError`` when the page cannot be drawn, ``kg.records.RecordsInvalid`` on bad records.
    """
    from . import metrics, viz  # heavy imports, only for this function

    say = progress or (lambda message: None)
    build_dir = config.build_dir(build_dir)
    result = None
    if (store or "oxigraph") == "oxigraph":
        result = generations.build(data_dir, build_dir, base, progress=progress, level=level)
        if on_build:
            on_build(result)
    out = Path(out_dir) if out_dir else build_dir / "outputs"
    done = RunResult(result, out)
    with generations.open_store(data_dir, build_dir, base, level=level, store=store, progress=progress) as graph:
        say("computing metrics of every projection")
        shared = {}
        for name, (projected, node_metrics, figures) in metrics.measure_each(graph):
            done.metric_files += metrics.write_projection(out / "metrics", name, projected, node_metrics, figures)
            if name == "stakeholders":  # the page's projection, built and measured once
                shared = {"projected": projected, "metrics": node_metrics}
            del projected, node_metrics, figures  # write each projection, keep only the page's
        say("drawing the alliance")
        done.graph_file = out / "graph.ttl"
        pending = export.start_writing(graph, "ttl", done.graph_file)  # on the other core while the page is drawn
        try:
            done.page = viz.render(graph, out / "alliance.html", **shared)
        finally:
            finished = pending.exception() if pending else None  # waited for even when the page failed
        del shared
        if pending is None:
            write_atomic(done.graph_file, serialize(graph, "ttl"))
        elif finished is not None:
            raise finished
    return done
