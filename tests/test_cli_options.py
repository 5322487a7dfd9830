"""A thin CLI with shared options: -o means where to write on every command (with --out and
--output both spelled), `kg run` is kg.run() and honours --store, metric names are defined once."""

from __future__ import annotations

import pytest

import kg as kg_package
from kg import metric_names
from kg.cli import main

from .conftest import DATA, kg


@pytest.mark.parametrize("command", ["export", "query", "run", "extract", "synth"])
def test_o_out_and_output_are_one_option(command):
    [option] = [p for p in main.commands[command].params if "-o" in p.opts]
    assert {"-o", "--out", "--output"} <= set(option.opts)


def test_run_honours_store_and_writes_what_the_on_disk_store_writes(tmp_path):
    memory_build, disk_build = tmp_path / "memory-build", tmp_path / "disk-build"
    result = kg("run", "--data", DATA, "--build-dir", memory_build, "--store", "oxigraph-memory", "--out", tmp_path / "m")
    assert result.exit_code == 0, result.output
    assert not (memory_build / "store").exists()  # before: built on disk whatever --store said
    done = kg_package.run(DATA, disk_build, out_dir=tmp_path / "d")
    assert done.build is not None and done.build.path.parent == disk_build / "store"
    written = sorted(p.relative_to(tmp_path / "d") for p in (tmp_path / "d").rglob("*") if p.is_file())
    assert len(written) > 10 and done.graph_file == tmp_path / "d" / "graph.ttl"
    for path in written:
        assert (tmp_path / "m" / path).read_bytes() == (tmp_path / "d" / path).read_bytes(), path


def test_metric_names_are_defined_once():
    from kg.cli import metrics as cli_metrics
    from kg.cli import viz as cli_viz
    from kg.metrics import measure, rdf

    assert measure.METRICS is metric_names.METRICS
    assert cli_metrics.RANK_BY is metric_names.RANKABLE and cli_viz.METRICS is metric_names.SIZE_BY
    assert set(rdf.PROPERTY) == set(metric_names.METRICS)
    # the page also sizes by the cross-sector reach it computes itself
    assert set(metric_names.SIZE_BY) == {*metric_names.RANKABLE, "sector_reach"}
    assert "community" not in metric_names.RANKABLE
