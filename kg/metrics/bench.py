"""Time the metrics of every projection of a records folder: ``python -m kg.metrics.bench [DATA]``.

Prints, per projection, its size, the time to build it from the store (``kg.network.project``) and
the time of ``node_metrics`` (with the sampled betweenness it chose). A benchmark, not a test.
"""

from __future__ import annotations

import sys
import tempfile
import time

from .. import network, generations
from .measure import graph_metrics, node_metrics


def main(data: str = "data") -> None:
    with tempfile.TemporaryDirectory() as build:
        with generations.open_store(data, build) as store:
            print(f"{'projection':<14}{'nodes':>8}{'edges':>9}{'project s':>11}{'metrics s':>11}  betweenness")
            for name in network.projections():
                started = time.perf_counter()
                graph = network.project(store, name)
                projected = time.perf_counter()
                figures = graph_metrics(graph, node_metrics(graph))
                done = time.perf_counter()
                k = figures["betweenness_k"]
                print(f"{name:<14}{figures['nodes']:>8,}{figures['edges']:>9,}{projected - started:>11.3f}"
                      f"{done - projected:>11.3f}  {'exact' if k is None else f'k={k}'}")  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:])
