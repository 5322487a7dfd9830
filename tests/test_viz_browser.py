"""The alliance page in a real browser: headless Chromium (Debian's), network cut off.

One browser for the whole module. Skips where Chromium is missing, fails there when CI=true.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import network
from kg.viz import render

from .conftest import ROOT, kg, offline_chromium
from .test_viz import HOSTILE, HOSTILE_ALIAS, hostile_data

ARTIFACTS = ROOT / "test-artifacts"
COLLINS = "https://kg.example.org/id/person/john-collins"
ROUNDTABLE = "https://kg.example.org/id/event/toc-day-lahore-2024"


@pytest.fixture(scope="module")
def browser():
    with offline_chromium() as browser:
        yield browser


class Opened:
    """A page opened from a file, with everything the page said and tried recorded."""

    def __init__(self, browser, path: Path):
        self.errors, self.requests, self.dialogs = [], [], []
        self.page = browser.new_page(viewport={"width": 1400, "height": 860})
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._only_files)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.kg && kg.ready === true", timeout=30_000)

    def _only_files(self, route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        self.requests.append(route.request.url)
        return route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def click_node(self, node_id: str):
        point = self.js("id => network.canvasToDOM(network.getPosition(id))", node_id)
        box = self.page.locator("#kg-network canvas").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def hover_node(self, node_id: str):
        point = self.js("id => network.canvasToDOM(network.getPosition(id))", node_id)
        box = self.page.locator("#kg-network canvas").bounding_box()
        self.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])


@pytest.fixture(scope="module")
def seed(browser, seed_store, tmp_path_factory):
    path = render(seed_store, tmp_path_factory.mktemp("viz-browser") / "alliance.html")
    opened = Opened(browser, path)
    yield opened, network.project(seed_store, "stakeholders")
    opened.page.close()


def test_page_loads_offline_with_no_errors_and_every_node(seed):
    opened, graph = seed
    assert opened.errors == [] and opened.requests == []
    assert opened.js("network.body.nodeIndices.length") == graph.number_of_nodes()
    assert opened.js("edges.length") == graph.number_of_edges()
    assert opened.js("typeof vis.Network") == "function" and opened.js("nodes.length") == graph.number_of_nodes()
    assert opened.page.locator("#kg-legend").inner_text().count("\n") >= 5
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "alliance-seed.png"))


def test_search_by_alias_focuses_the_node_and_opens_its_details(seed):
    opened, _ = seed
    search = opened.page.locator("#kg-search")
    search.fill("John Colling")  # the source's typo, kept as an alias of John Collins
    search.press("Enter")
    assert opened.js("network.getSelectedNodes()") == [COLLINS]
    assert "also written John Colling" in opened.page.locator("#kg-results").inner_text()
    panel = opened.page.locator("#kg-panel")
    assert panel.is_visible() and "John Collins" in panel.inner_text()
    text = panel.inner_text()
    assert "Director of Academic Engagement" in text and "discussed the establishment" in text
    # The view moved to the node: it is now near the middle of the canvas.
    box = opened.page.locator("#kg-network canvas").bounding_box()
    opened.page.wait_for_timeout(400)  # the focus animation
    point = opened.js("id => network.canvasToDOM(network.getPosition(id))", COLLINS)
    assert abs(point["x"] - box["width"] / 2) < 60 and abs(point["y"] - box["height"] / 2) < 60
    search.fill("Tariq Khosa")
    search.press("Enter")
    assert opened.js("network.getSelectedNodes()") == ["https://kg.example.org/id/person/tariq-khosa"]


def test_filters_hide_what_they_should_and_show_it_again(seed):
    opened, graph = seed
    events = sorted(n for n, d in graph.nodes(data=True) if d["type"] == "event")
    opened.page.locator("#kg-filter-kind input[value=event]").uncheck()
    hidden = opened.js("nodes.get({filter: n => n.hidden}).map(n => n.id).sort()")
    assert hidden == events
    dangling = "edges.get({filter: e => !e.hidden && (nodes.get(e.from).hidden || nodes.get(e.to).hidden)})"
    assert opened.js(dangling + ".length") == 0
    count = opened.page.locator("#kg-count").inner_text()
    assert f"Showing {graph.number_of_nodes() - len(events)} of {graph.number_of_nodes()}" in count
    opened.page.locator("#kg-filter-kind input[value=event]").check()
    opened.page.select_option("#kg-filter-event", ROUNDTABLE)
    shown = set(opened.js("nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    assert ROUNDTABLE in shown and COLLINS in shown
    assert "https://kg.example.org/id/event/sharp-act-workshop-karachi-2024" not in shown
    opened.page.select_option("#kg-filter-event", "")
    opened.page.select_option("#kg-filter-year", "2025")
    assert all(max(n["years"]) >= 2025 for n in opened.js("nodes.get({filter: n => !n.hidden})"))
    opened.page.locator("#kg-reset").click()
    assert opened.js("nodes.get({filter: n => n.hidden}).length") == 0


def test_clicking_a_node_highlights_its_neighbours(seed):
    opened, graph = seed
    opened.click_node(ROUNDTABLE)
    assert opened.js("network.getSelectedNodes()") == [ROUNDTABLE]
    dimmed = set(opened.js("nodes.get({filter: n => n.color && n.color.background === '#e9ebee'}).map(n => n.id)"))
    assert dimmed == set(graph) - set(graph[ROUNDTABLE]) - {ROUNDTABLE}
    assert "Participants" in opened.page.locator("#kg-panel").inner_text()
    assert opened.errors == []


def test_a_hostile_name_shows_as_text_and_runs_nothing(browser, tmp_path):
    data = hostile_data(tmp_path)
    out = tmp_path / "hostile.html"
    assert kg("viz", "--data", data, "--build-dir", tmp_path / "build", "-o", out).exit_code == 0
    opened = Opened(browser, out)
    try:
        person = opened.js("nodes.get({filter: n => n.kind === 'person'})[0].id")
        opened.hover_node(person)
        opened.page.wait_for_selector(".vis-tooltip", state="visible", timeout=5_000)
        assert HOSTILE in opened.page.locator(".vis-tooltip").inner_text()
        opened.click_node(person)
        panel = opened.page.locator("#kg-panel").inner_text()
        assert HOSTILE in panel and HOSTILE_ALIAS in panel
        opened.page.locator("#kg-search").fill("onerror")
        opened.page.locator("#kg-search").press("Enter")
        assert HOSTILE in opened.page.locator("#kg-results").inner_text()
        assert opened.page.locator("#kg-panel img, #kg-results img, .vis-tooltip img").count() == 0
        assert opened.js("window.__xss") is None
        assert opened.dialogs == [] and opened.errors == [] and opened.requests == []
    finally:
        opened.page.close()
