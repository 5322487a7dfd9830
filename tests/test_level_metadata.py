"""At a level, nothing printed or written depends on records above it (issue 12, finding 11).

One data folder with a restricted person and a restricted fact is built, measured into the graph,
exported and served at the public level. Then only restricted records change (the person's note, a
new restricted person, a new restricted affiliation) and the same commands run again in the same
build folder: every printed line, ``/status.json``, the metrics files, the metrics written into the
graph (with their ``prov:generatedAtTime``), a named query over them and the exports must be
byte-identical. A fresh build of either folder prints the same lines too, and an upload to a SPARQL
server (``--store URL``) says nothing about the restricted graphs it sends. The names are invented.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
import time
from pathlib import Path

import pytest

from kg import generations

from .conftest import kg, mini_data
from .test_serve import Server

SOURCE_LINES = "Zoë Quimby-Restricted joined Example Org as its treasurer.\nUlla Restricted-Two advised Example Org.\n"
PEOPLE = """\
people:
  - id: asha-khan
    name: Asha Khan
    honorific: Ms.
  - id: zoe-quimby
    name: Zoë Quimby-Restricted
    sensitivity: restricted
    note: first note
"""
REPORT = """\
source:
  id: mini
  title: Mini report
  file: sources/mini.txt
events:
  - id: mini-workshop
    name: Workshop on human trafficking
    type: workshop
    start_date: 2024-03-01
    organizers: [example-org]
    themes: [human-trafficking]
    quotes:
      name: The workshop on human trafficking was held in Karachi on 1 March 2024.
    participants:
      - person: asha-khan
        role: opening-speaker
        title: Director, Example Org
        quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
affiliations:
  - person: asha-khan
    organization: example-org
    title: Director
    quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
  - person: zoe-quimby
    organization: example-org
    title: Treasurer
    quote: Zoë Quimby-Restricted joined Example Org as its treasurer.
"""
NEW_AFFILIATION = """\
  - person: ulla-two
    organization: example-org
    quote: Ulla Restricted-Two advised Example Org.
    sensitivity: restricted
"""


def _data(root: Path) -> Path:
    data = mini_data(root, people=PEOPLE, report=textwrap.dedent(REPORT))
    source = data / "sources" / "mini.txt"
    source.write_text(source.read_text() + SOURCE_LINES, encoding="utf-8")
    return data


def change_only_restricted_records(data: Path) -> None:
    people = data / "people.yaml"
    people.write_text(people.read_text().replace("first note", "second note")
                      + "  - id: ulla-two\n    name: Ulla Restricted-Two\n    sensitivity: restricted\n")  # fmt: skip
    report = data / "reports" / "mini.yaml"
    report.write_text(report.read_text() + NEW_AFFILIATION)


def _lines(result, *roots: Path) -> str:
    """What a command printed (stdout then stderr), with timings and the test's folders masked."""
    assert result.exit_code == 0, result.output
    text = result.stdout + "\n--- stderr\n" + result.stderr
    for root in roots:
        text = text.replace(str(root), "<root>")
    return re.sub(r"\d+\.\d+ s\b", "<t> s", text)


def _status(server) -> dict:
    status = server.status()
    del status["workers"]  # process ids
    return status


def _outputs(data: Path, build_dir: Path, root: Path, server) -> dict[str, object]:
    """Everything the public level prints and writes, for comparison."""
    args = ("--data", data, "--build-dir", build_dir)
    out: dict[str, object] = {}
    out["build"] = _lines(kg("build", *args), root)
    out["into-graph"] = _lines(kg("metrics", "--projection", "organizations", "--into-graph", *args), root)
    metrics_dir = root / "metrics-out"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    out["metrics"] = _lines(kg("metrics", "--projection", "all", "-o", metrics_dir, *args), root)
    out["metric files"] = {p.name: p.read_bytes() for p in sorted(metrics_dir.iterdir())}
    for fmt in ("nq", "ttl"):
        out[f"export {fmt}"] = _lines(kg("export", "--format", fmt, *args), root)  # byte for byte, blank nodes too
    out["top-by-centrality"] = _lines(kg("query", "--name", "top-by-centrality", "--param", "projection=organizations",
                                         "--format", "csv", *args), root)
    out["status.json"] = _status(server)  # the same running server: it follows the live generation
    return out


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory):
    root = tmp_path_factory.mktemp("metadata")
    data, build_dir = _data(root), root / "build"
    first = _lines(kg("build", "--data", data, "--build-dir", build_dir), root)
    assert "Graph built" in first
    kg("metrics", "--projection", "organizations", "--into-graph", "--data", data, "--build-dir", build_dir)
    server = Server(data, build_dir)
    try:
        before = _outputs(data, build_dir, root, server)
        generation = generations.current_generation(build_dir)
        time.sleep(1.1)  # a rebuild in another second: a time stamp taken from the clock would show
        change_only_restricted_records(data)
        after = _outputs(data, build_dir, root, server)
        assert generations.current_generation(build_dir) != generation, "the records did change: a new generation"
    finally:
        server.stop()
    return before, after, data, build_dir


@pytest.mark.parametrize("what", ["build", "into-graph", "metrics", "metric files", "export nq", "export ttl",
                                  "top-by-centrality", "status.json"])  # fmt: skip
def test_public_outputs_do_not_change_when_only_restricted_records_do(before_and_after, what):
    before, after, _, _ = before_and_after
    assert after[what] == before[what]


def test_the_rebuild_is_silent_and_says_up_to_date_at_public(before_and_after):
    before, _, _, _ = before_and_after
    assert before["build"].startswith("Graph up to date")
    assert "restricted" not in before["build"]
    assert before["build"].endswith("--- stderr\n")  # no progress line at all


def test_the_public_metrics_are_kept_and_dated_by_the_public_content(before_and_after):
    before, _, data, build_dir = before_and_after
    assert "generatedAtTime" in before["export nq"].replace("#generatedAtTime", "generatedAtTime")
    assert "leaving out" not in before["build"] + before["into-graph"]
    built_at = generations.level_built_at(generations.current_generation(build_dir), "public")
    assert built_at in before["export nq"]  # the time the public content was first built
    rows = before["top-by-centrality"].split("\n--- stderr")[0].splitlines()
    assert len(rows) > 1 and all(built_at.rstrip("Z") in row for row in rows[1:])  # the figures, and when


def test_the_restricted_level_does_see_the_change(before_and_after):
    _, _, data, build_dir = before_and_after
    text = _lines(kg("build", "--level", "restricted", "--data", data, "--build-dir", build_dir))
    assert "Ulla Restricted-Two" in _lines(kg("export", "--level", "restricted", "--data", data,
                                                "--build-dir", build_dir))  # fmt: skip
    assert "restricted level" in text


def test_fresh_builds_print_the_same_lines_at_public(tmp_path):
    printed = []
    for name in ("a", "b"):
        root = tmp_path / name
        data = _data(root)
        if name == "b":
            change_only_restricted_records(data)
        result = kg("build", "--data", data, "--build-dir", root / "build")
        printed.append(_lines(result, root))
        assert "restricted" not in printed[-1]
    assert printed[0] == printed[1]
    assert "loading" in printed[0] and "into the public store" in printed[0]


def test_status_json_store_name_is_the_levels_own(before_and_after):
    before, _, data, build_dir = before_and_after
    result = generations.build(data, build_dir)
    name = before["status.json"]["store"]
    assert name == result.at("public").name and name.startswith("public-")
    summary = json.loads((result.path / "summary.json").read_text())
    assert summary["level_info"]["public"]["summary"]["people"] == 1  # Asha Khan only
    assert summary["level_info"]["restricted"]["summary"]["people"] == 3  # and Zoë, Ulla (after the change)


class _FakeServer:
    """What a SPARQL server keeps of an upload (graph payloads by name), without the network."""

    def __init__(self):
        self.graphs: dict[str, bytes] = {}

    def install(self, monkeypatch):
        from kg.remote import KG_NS, RemoteStore, marker_graph

        def read_marker(store):
            lines = self.graphs.get(marker_graph(store.base), b"").decode().splitlines()
            fp = next((line.split('"')[1] for line in lines if f"{KG_NS}fingerprint" in line), None)
            digests = {line.split(">")[0][1:]: line.split('"')[1] for line in lines if "contentDigest" in line}
            return fp, digests

        monkeypatch.setattr(RemoteStore, "_read_marker", read_marker)
        monkeypatch.setattr(RemoteStore, "_put", lambda store, graph, data: self.graphs.__setitem__(graph, data))
        monkeypatch.setattr(RemoteStore, "_delete", lambda store, graph: self.graphs.pop(graph, None))


def test_uploading_to_a_sparql_server_says_nothing_of_restricted_graphs(tmp_path, monkeypatch):
    from kg.remote import RemoteStore

    server = _FakeServer()
    server.install(monkeypatch)
    data = _data(tmp_path)
    heard: list[str] = []
    RemoteStore.for_data("http://127.0.0.1:9/sparql", data_dir=data, build_dir=tmp_path / "b", progress=heard.append)
    assert len(heard) == 1 and "graph(s) readable at public" in heard[0]
    assert "restricted" not in heard[0].replace(str(tmp_path), "<root>")
    restricted = [g for g in server.graphs if "/graph/restricted/" in g]
    assert restricted, "the server holds every level"
    before = {g: server.graphs[g] for g in server.graphs if "/graph/restricted/" not in g and "/meta/" not in g}
    change_only_restricted_records(data)
    heard.clear()
    store = RemoteStore.for_data("http://127.0.0.1:9/sparql", data_dir=data, build_dir=tmp_path / "b", progress=heard.append)
    assert store.uploaded and all("/graph/restricted/" in g for g in store.uploaded)  # the change did go up
    assert heard == []  # and nothing was said about it at public
    assert {g: server.graphs[g] for g in before} == before
