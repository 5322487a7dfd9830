"""The notebooks under notebooks/ run top to bottom, as a reader would run them.

Each notebook is executed with nbclient in a real ``python3`` kernel (ipykernel's own kernelspec,
which jupyter_client starts with this interpreter, the venv's python), with ``KG_BUILD_DIR`` pointing
at a temporary build folder. Any cell error fails the test. The executed copies are written to
``build/notebooks/`` so a person can open them with their outputs; the committed notebooks carry no
outputs, which is checked here too.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import nbclient
import nbformat
import networkx as nx
import pytest

import kg
import kg.metrics
from kg import network, generations
from kg.export import write_atomic

from .conftest import DATA, ROOT, offline_chromium

NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "notebooks"
NAMES = ("partnerships-with-sparql.ipynb", "who-is-central-who-bridges.ipynb", "seeing-the-alliance.ipynb",
         "how-the-alliance-changed.ipynb")


@pytest.fixture(scope="module")
def notebook_build(tmp_path_factory) -> Path:
    """One build folder for the notebooks: the first one builds the graph, the others reuse it."""
    return tmp_path_factory.mktemp("notebook-build")


def execute(name: str, build_dir: Path, cwd: Path) -> "nbformat.NotebookNode":
    """Run every cell of one notebook; raise CellExecutionError on the first failing cell."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    with pytest.MonkeyPatch.context() as env:  # the kernel inherits this process's environment
        env.setenv("KG_BUILD_DIR", str(build_dir))
        env.delenv("KG_DATA", raising=False)
        env.delenv("KG_STORE", raising=False)
        client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120,
                                         resources={"metadata": {"path": str(cwd)}})  # fmt: skip
        client.execute()
    write_atomic(EXECUTED / name, nbformat.writes(notebook).encode("utf-8"))
    return notebook


def tagged(notebook, tag: str):
    """The one code cell carrying ``tag`` in its metadata (tags survive output stripping)."""
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def text_of(cell) -> str:
    """Everything a cell showed: streams, and the plain-text and HTML forms of its results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.extend(str(output.data.get(kind, "")) for kind in ("text/plain", "text/html"))
    return "\n".join(parts)


def images(notebook) -> int:
    return sum(1 for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))


# ---------------------------------------------------------------------------- the committed files


def test_the_notebooks_are_committed_without_outputs():
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == sorted(NAMES)
    for name in NAMES:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata.kernelspec.name == "python3"
        assert "widgets" not in notebook.metadata, f"{name}: widget state is committed"
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert code, name
        for cell in code:
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs are committed"
        first = notebook.cells[0]
        assert first.cell_type == "markdown" and "for" in first.source.lower(), f"{name}: no opening paragraph"


def test_notebooks_use_only_the_public_api():
    """Cells must not reach into private names of kg (readers copy from these notebooks)."""
    private = re.compile(r"\bkg(\.\w+)*\._\w|from\s+kg[\w.]*\s+import\s+[^\n]*\b_\w")
    for name in NAMES:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not private.search(cell.source), f"{name}: private kg name in\n{cell.source}"


def test_the_kernel_is_this_interpreter(tmp_path, monkeypatch):
    """ipykernel's python3 kernelspec says `python`; jupyter_client must start it as this venv's python."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import sys; print(sys.executable)")]
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=60,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    assert notebook.cells[0].outputs[0].text.strip() == sys.executable


# ---------------------------------------------------------------------------- executed, one by one


def test_partnerships_with_sparql(notebook_build):
    notebook = execute("partnerships-with-sparql.ipynb", notebook_build, ROOT)
    # the first query: the people of CFHR, as the records state them
    records = kg.load_records(DATA)
    public = {p.id: p.name for p in records.people.values() if p.sensitivity == "public"}
    cfhr = sorted({public[a.person] for r in records.reports for a in r.affiliations
                   if a.organization == "cfhr" and a.sensitivity == "public" and a.person in public})  # fmt: skip
    assert len(cfhr) >= 2
    shown = text_of(tagged(notebook, "cfhr-people"))
    for name in cfhr:
        assert name in shown, f"{name} missing from the CFHR table:\n{shown}"
    # the fact followed back to its source: the sentence is printed with its file and line
    source = text_of(tagged(notebook, "source-sentence"))
    match = re.search(r"(\S+\.txt), line (\d+)", source)
    assert match, source
    line = (DATA / match.group(1)).read_text(encoding="utf-8").splitlines()[int(match.group(2)) - 1]
    assert "Umar Khan" in line and line.strip() in source


def test_who_is_central_who_bridges(notebook_build):
    notebook = execute("who-is-central-who-bridges.ipynb", notebook_build, ROOT)
    assert images(notebook) >= 3, "expected bar charts of the central nodes, the communities and the bridges"
    # the GraphML for Gephi: the organizations network with its metrics, as networkx reads it back
    graphml = notebook_build / "notebooks" / "organizations.graphml"
    assert graphml.is_file(), "no GraphML written under KG_BUILD_DIR/notebooks"
    with generations.open_store(DATA, notebook_build) as store:
        expected = network.project(store, "organizations")
    figures = kg.metrics.node_metrics(expected)
    back = nx.read_graphml(graphml)
    assert set(back.nodes) == set(expected.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in expected.edges}
    for node, data in back.nodes(data=True):
        assert data["label"] == expected.nodes[node]["label"]
        assert data["betweenness"] == pytest.approx(figures[node]["betweenness"])


@pytest.fixture(scope="module")
def alliance(notebook_build) -> str:
    """The inline HTML output of "Seeing the alliance", run from notebooks/ as JupyterLab and VS Code do
    (which checks that the notebook finds data/ from there)."""
    notebook = execute("seeing-the-alliance.ipynb", notebook_build, NOTEBOOKS)
    frames = [o.data["text/html"] for c in notebook.cells for o in c.get("outputs", [])
              if "text/html" in o.get("data", {}) and "<iframe srcdoc=" in o.data["text/html"]]  # fmt: skip
    assert len(frames) == 1, "expected one inline network"
    return frames[0]


def test_seeing_the_alliance(alliance, notebook_build):
    srcdoc = re.search(r'<iframe srcdoc="([^"]*)"', alliance)
    assert srcdoc, alliance[:300]
    page = html.unescape(srcdoc.group(1))
    assert "new vis.Network" in page, "the page does not draw a vis network"
    assert not re.search(r"<script[^>]*\bsrc=[\"']?(https?:)?//", page, re.IGNORECASE), "a script is fetched"
    assert not re.search(r"<link[^>]*\bhref=[\"']?(https?:)?//", page, re.IGNORECASE), "a stylesheet is fetched"
    # filtered to one theme: fewer nodes than the whole projection, each one about human trafficking
    data = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert data, "kg.viz pages carry their network in <script id=kg-data>; did the page format change?"
    nodes = json.loads(data.group(1))["nodes"]
    with generations.open_store(DATA, notebook_build) as store:
        whole = network.project(store, "stakeholders")
    assert 0 < len(nodes) < whole.number_of_nodes()
    theme = "https://kg.example.org/theme/human-trafficking"
    assert all(theme in node["themes"] for node in nodes), [n["label"] for n in nodes if theme not in n["themes"]]


def test_the_inline_network_draws_in_a_browser(alliance, tmp_path):
    """The output as a notebook front end shows it: an HTML fragment in a page, the network inside the
    iframe drawn by the vis-network bundled in the page, with the network cut off."""
    host = tmp_path / "output.html"
    host.write_text(f"<!DOCTYPE html><html><body>{alliance}</body></html>", encoding="utf-8")
    fetched = []
    with offline_chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda r: fetched.append(r.url) if r.url.startswith("http") else None)
        page.goto(host.as_uri())
        frame = page.frames[1]
        frame.wait_for_function("window.network && network.body.nodeIndices.length > 0", timeout=20_000)
        drawn = frame.evaluate("network.body.nodeIndices.length")
        expected = frame.evaluate("JSON.parse(document.getElementById('kg-data').textContent).nodes.length")
    assert drawn == expected > 0
    assert fetched == [], f"the inline network fetched {fetched}"


def test_how_the_alliance_changed(notebook_build):
    notebook = execute("how-the-alliance-changed.ipynb", notebook_build, NOTEBOOKS)
    assert images(notebook) >= 1, "expected the chart of a metric over time"
    with generations.open_store(DATA, notebook_build) as store:
        table = kg.metrics.by_period(store, "organizations", per="year")
    # the tidy table: the 7 undated events are reported, rows carry the period
    tidy = text_of(tagged(notebook, "tidy-table"))
    assert "7 event(s) have no date" in tidy and "first_seen" in tidy
    # the last two years with activity in the seed are 2024 and 2025 ("Kenya ... June 2025")
    changes = text_of(tagged(notebook, "changes"))
    assert "# What changed in organizations: 2024 → 2025" in changes
    joined_2025 = set(table.at("2025")) - set(table.at("2024"))
    for node in joined_2025:
        assert table.at("2025")[node]["label"] in changes
    assert "## Events and sentences" in changes and "Jaccard" in changes
