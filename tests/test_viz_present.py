"""The page an advocacy team presents, in headless Chromium with the network cut off: names legible and
apart at load (measured from the drawn boxes and the canvas pixels), bridges, focus, views in the URL,
the picture and the print, the story. One browser for the module; fails where Chromium is missing on CI.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import networkx as nx
import pytest

from kg import network
from kg.viz import render

from .conftest import ROOT, kg, mini_data, offline_chromium

ROUNDTABLE = "https://kg.example.org/id/event/toc-day-lahore-2024"
COLLINS = "https://kg.example.org/id/person/john-collins"
CFHR = "https://kg.example.org/id/org/cfhr"
STORY = ROOT / "docs" / "story-seed.yaml"


@pytest.fixture(scope="module")
def browser():
    with offline_chromium() as browser:
        yield browser


def open_page(browser, url: str, width: int = 1400, height: int = 860):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def only_files(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        page.requests.append(route.request.url)
        return route.abort()

    page.route("**/*", only_files)
    page.goto(url)
    page.wait_for_function("window.kg && kg.ready === true", timeout=30_000)
    return page


@pytest.fixture(scope="module")
def graph(seed_store):
    return network.project(seed_store, "stakeholders")


@pytest.fixture(scope="module")
def seed_page(seed_store, tmp_path_factory) -> Path:
    return render(seed_store, tmp_path_factory.mktemp("present") / "alliance.html")


@pytest.fixture(scope="module")
def story_page(seed_store, tmp_path_factory) -> Path:
    return render(seed_store, tmp_path_factory.mktemp("story") / "story.html", story=STORY)


# What the canvas shows of the names: the boxes the page drew, and the pixels inside them.
LABELS = """() => {
  const canvas = document.querySelector('#kg-network canvas'), ctx = canvas.getContext('2d');
  const ratio = canvas.width / canvas.clientWidth;
  return kg.labels.map(l => {
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0);
    const img = ctx.getImageData(Math.round(l.x * ratio), Math.round(l.y * ratio), Math.max(1, Math.round(l.w * ratio)),
                                 Math.max(1, Math.round(l.h * ratio)));
    ctx.restore();
    let dark = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i] + img.data[i + 1] + img.data[i + 2] < 600 && img.data[i + 3] > 200) dark++;
    ctx.font = (l.central ? '600 ' : '') + l.font + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    const m = ctx.measureText(l.text);
    return Object.assign({}, l, {dark, measured: m.width, height: m.actualBoundingBoxAscent + m.actualBoundingBoxDescent});
  });
}"""


def overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def check_legible(page, central_ids):
    labels = page.evaluate(LABELS)
    drawn = {label["id"]: label for label in labels}
    missing = [i for i in central_ids if i not in drawn]
    assert not missing, f"names of central nodes not drawn: {missing}"
    canvas = page.locator("#kg-network canvas").bounding_box()
    for label in labels:
        assert label["font"] >= 11 and label["height"] >= 7, label  # the glyphs themselves, measured
        assert label["measured"] <= label["w"], label
        assert label["dark"] > 10, f"nothing drawn where {label['text']!r} should be"
        assert 0 <= label["x"] and label["x"] + label["w"] <= canvas["width"] + 0.5
        assert 0 <= label["y"] and label["y"] + label["h"] <= canvas["height"] + 0.5
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not overlap(a, b), (a["text"], b["text"])
    return labels


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_central_names_are_legible_apart_and_clear_of_the_legend_at_load(browser, seed_page, size):
    page = open_page(browser, seed_page.as_uri(), *size)
    try:
        central = page.evaluate("kg.central(10)")
        labels = check_legible(page, central)
        assert len(labels) >= 25  # most of the picture is named, not only the top ten
        legend = page.locator("#kg-legend-box").bounding_box()
        assert legend["y"] >= 0 and legend["y"] + legend["height"] <= size[1]  # fully on screen, or folded
        frame = page.locator("#kg-network").bounding_box()
        box = {"x": legend["x"] - frame["x"], "y": legend["y"] - frame["y"], "w": legend["width"], "h": legend["height"]}
        assert not any(overlap(box, label) for label in labels)
        # Clicking a node opens the panel over the network: the picture does not shrink, names stay legible.
        scale = page.evaluate("network.getScale()")
        width = page.locator("#kg-network canvas").bounding_box()["width"]
        point = page.evaluate("id => network.canvasToDOM(network.getPosition(id))", central[0])
        canvas = page.locator("#kg-network canvas").bounding_box()
        page.mouse.click(canvas["x"] + point["x"], canvas["y"] + point["y"])
        page.wait_for_timeout(100)
        assert page.locator("#kg-panel").is_visible()
        assert page.evaluate("network.getScale()") >= scale
        assert page.locator("#kg-network canvas").bounding_box()["width"] == width
        labels = check_legible(page, [central[0]])
        panel = page.locator("#kg-panel").bounding_box()
        pbox = {"x": panel["x"] - frame["x"], "y": 0, "w": panel["width"], "h": panel["height"]}
        assert not any(overlap(pbox, label) for label in labels)
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_a_folded_legend_unfolds_on_a_small_screen(browser, seed_page):
    page = open_page(browser, seed_page.as_uri(), 1000, 420)
    try:
        assert page.evaluate("document.getElementById('kg-legend-box').open") is False
        box = page.locator("#kg-legend-box").bounding_box()
        assert box["y"] + box["height"] <= 420
        page.locator("#kg-legend-box summary").click()
        assert page.locator("#kg-legend").is_visible()
    finally:
        page.close()


def test_bridges_rank_people_and_organizations_with_a_reason_and_focus_on_click(browser, seed_page, graph):
    page = open_page(browser, seed_page.as_uri())
    try:
        items = page.locator("#kg-bridges li")
        assert items.count() >= 5
        kinds = {graph.nodes[i]["type"] for i in page.evaluate("[...document.querySelectorAll('#kg-bridges a')].map(a => a.dataset.id)")}
        assert kinds <= {"person", "organization"} and "person" in kinds
        assert all("other sector" in t and "constraint" in t for t in items.locator(".kg-why").all_inner_texts())
        first = items.first.locator("a")
        target = first.get_attribute("data-id")
        first.click()
        state = page.evaluate("kg.state()")
        assert state["focus"] == target and state["steps"] == 1
        assert graph.nodes[target]["label"] in page.locator("#kg-panel").inner_text()
    finally:
        page.close()


def test_size_and_colour_change_in_the_page(browser, seed_page, graph):
    page = open_page(browser, seed_page.as_uri())
    try:
        before = page.evaluate("Object.fromEntries(nodes.get().map(n => [n.id, n.value]))")
        page.select_option("#kg-size-by", "sector_reach")
        after = page.evaluate("Object.fromEntries(nodes.get().map(n => [n.id, n.value]))")
        expected = page.evaluate("Object.fromEntries(nodes.get().map(n => [n.id, n.m.sector_reach > 0 ? Math.sqrt(n.m.sector_reach) : 0]))")
        assert after == expected and after != before
        assert "Size: cross-sector reach" in page.locator("#kg-legend").inner_text()
        page.select_option("#kg-color-by", "community")
        colours = page.evaluate("nodes.get().every(n => n.color === n.colors.community)")
        assert colours and "Colour: community" in page.locator("#kg-legend").inner_text()
        assert "Community 1" in page.locator("#kg-legend").inner_text()
    finally:
        page.close()


def test_focus_n_steps_from_the_panel_and_from_search(browser, seed_page, graph):
    page = open_page(browser, seed_page.as_uri())
    try:
        page.locator("#kg-hide-rest").check()
        page.evaluate("id => kg.setFocus(id, 1)", ROUNDTABLE)
        shown = set(page.evaluate("nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
        assert shown == set(graph[ROUNDTABLE]) | {ROUNDTABLE}
        page.locator("#kg-panel .kg-steps button[data-steps='2']").click()
        two = set(nx.single_source_shortest_path_length(graph, ROUNDTABLE, cutoff=2))
        assert set(page.evaluate("nodes.get({filter: n => !n.hidden}).map(n => n.id)")) == two
        assert "Focus: 2 steps around" in page.locator("#kg-count").inner_text()
        # From search, fading the rest instead of hiding it.
        page.locator("#kg-hide-rest").uncheck()
        page.select_option("#kg-steps", "2")
        page.locator("#kg-search").fill("John Collins")
        page.locator("#kg-search").press("Enter")
        near = set(nx.single_source_shortest_path_length(graph, COLLINS, cutoff=2))
        assert page.evaluate("nodes.get({filter: n => n.hidden}).length") == 0
        faded = set(page.evaluate("nodes.get({filter: n => n.color.background === '#e9ebee'}).map(n => n.id)"))
        assert faded == set(graph) - near
    finally:
        page.close()


def test_a_filter_says_what_it_shows_and_when_it_hides_nothing(browser, seed_page, tmp_path, graph):
    page = open_page(browser, seed_page.as_uri())
    try:
        page.select_option("#kg-filter-theme", label="Human trafficking")
        text = page.locator("#kg-count").inner_text()
        hidden = page.evaluate("nodes.get({filter: n => n.hidden}).length")
        assert hidden > 0 and f"({hidden} hidden)" in text and "linked to the theme “Human trafficking”" in text
    finally:
        page.close()
    data = mini_data(tmp_path)  # one workshop on human trafficking: every node carries the theme
    out = tmp_path / "mini.html"
    assert kg("viz", "--data", data, "--build-dir", tmp_path / "build", "-o", out).exit_code == 0
    page = open_page(browser, out.as_uri())
    try:
        page.select_option("#kg-filter-theme", label="Human trafficking")
        assert "hides nothing" in page.locator("#kg-count").inner_text()
    finally:
        page.close()


def test_a_link_restores_the_view_exactly(browser, seed_page):
    page = open_page(browser, seed_page.as_uri())
    try:
        page.select_option("#kg-size-by", "pagerank")
        page.select_option("#kg-color-by", "community")
        page.locator("#kg-filter-kind input[value=event]").uncheck()
        page.select_option("#kg-filter-year", "2024")
        page.locator("#kg-hide-rest").check()
        page.evaluate("id => kg.setFocus(id, 2)", CFHR)
        page.locator("#kg-copy").click()
        link = page.locator("#kg-link").input_value()
        assert link == page.url and "#" in link
        view = page.evaluate("""() => ({state: kg.state(), hidden: nodes.get({filter: n => n.hidden}).map(n => n.id).sort(),
                                        colours: nodes.get().map(n => n.color), values: nodes.get().map(n => n.value),
                                        panel: document.getElementById('kg-panel').innerText})""")
    finally:
        page.close()
    assert "focus=org%2Fcfhr" in link and "steps=2" in link
    again = open_page(browser, link)
    try:
        restored = again.evaluate("""() => ({state: kg.state(), hidden: nodes.get({filter: n => n.hidden}).map(n => n.id).sort(),
                                            colours: nodes.get().map(n => n.color), values: nodes.get().map(n => n.value),
                                            panel: document.getElementById('kg-panel').innerText})""")
        assert restored == view
        assert again.evaluate("document.getElementById('kg-size-by').value") == "pagerank"
        assert again.locator("#kg-filter-kind input[value=event]").is_checked() is False
        assert again.errors == []
    finally:
        again.close()


def png_facts(data: bytes) -> tuple[int, int, int, float]:
    """Width, height, number of distinct colours and the share of non-white pixels of a PNG."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    small = image.resize((image.width // 4, image.height // 4))
    raw = small.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    ink = sum(1 for p in pixels if sum(p) < 720) / len(pixels)
    return image.width, image.height, len(set(pixels)), ink


def test_save_image_is_a_2x_png_with_title_and_legend(browser, seed_page):
    page = open_page(browser, seed_page.as_uri(), 1366, 768)
    try:
        url = page.evaluate("kg.imageDataURL(2)")
        w, h = page.evaluate("[document.getElementById('kg-canvas').clientWidth, document.getElementById('kg-canvas').clientHeight]")
        width, height, colours, ink = png_facts(base64.b64decode(url.split(",", 1)[1]))
        assert width == 2 * (w + 250) and height >= 2 * (h + 58)
        assert colours > 30 and 0.01 < ink < 0.6
        # The view is back at its own resolution afterwards, and the button downloads the same kind of file.
        assert page.evaluate("network.canvas.pixelRatio") == 1
        with page.expect_download() as download:
            page.locator("#kg-save").click()
        assert download.value.suggested_filename == "alliance.png"
        assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        page.close()


def test_print_gives_the_picture_the_legend_and_the_open_panel(browser, seed_page):
    page = open_page(browser, seed_page.as_uri(), 1366, 768)
    try:
        page.evaluate("id => kg.setFocus(id, 1)", ROUNDTABLE)
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as the browser does, before print layout
        page.emulate_media(media="print")
        page.wait_for_function("document.getElementById('kg-print-image').complete && document.getElementById('kg-print-image').naturalWidth > 0")
        assert page.locator("#kg-print-image").is_visible()
        assert page.locator("#kg-legend").is_visible() and page.locator("#kg-panel").is_visible()
        assert not page.locator("#kg-search").is_visible() and not page.locator("#kg-bridges").is_visible()
        assert page.locator("#kg-title").is_visible()
        pdf = page.pdf(format="A4", landscape=True)
        assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
    finally:
        page.close()


def test_kg_viz_png_renders_the_picture_headlessly(tmp_path, seed_build):
    out = tmp_path / "alliance.png"
    result = kg("viz", "--build-dir", seed_build, "-o", tmp_path / "a.html", "--png", out, "--width", "1600")
    assert result.exit_code == 0, result.output
    width, height, colours, ink = png_facts(out.read_bytes())
    assert width == 1600 and height > 600 and colours > 30 and 0.01 < ink < 0.6


def test_kg_viz_png_without_chromium_says_how_to_get_it(tmp_path, seed_build):
    result = kg("viz", "--build-dir", seed_build, "-o", tmp_path / "a.html", "--png", tmp_path / "x.png",
                env={"KG_CHROMIUM": str(tmp_path / "no-such-browser")})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "needs Chromium" in result.output and "apt-get install chromium" in result.output
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "a.html").exists()


def test_the_seed_story_walks_through_its_steps(browser, story_page, graph):
    page = open_page(browser, story_page.as_uri())
    try:
        assert page.locator("#kg-story").is_visible()
        assert "How the Lahore roundtable joined" in page.locator("#kg-story-title").inner_text()
        page.keyboard.press("ArrowRight")
        assert page.evaluate("kg.state().step") == 1 and page.evaluate("kg.state().focus") == ROUNDTABLE
        assert "One afternoon in Lahore" in page.locator("#kg-story").inner_text()
        assert page.locator("#kg-story-caption strong").first.inner_text() == "15 November 2024"
        page.locator("#kg-story-next").click()
        assert page.evaluate("kg.state()")["focus"] == CFHR and "step=2" in page.url
        page.keyboard.press("ArrowRight")  # step 3: two steps around the roundtable, the rest hidden
        shown = set(page.evaluate("nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
        assert shown == set(nx.single_source_shortest_path_length(graph, ROUNDTABLE, cutoff=2))
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("kg.state().step") == 2
        page.evaluate("kg.goToStep(6)")  # "Before Lahore": the timeline at 2022-2023
        assert page.evaluate("[kg.state().from, kg.state().to]") == ["2022", "2023"]
        assert page.locator("#kg-title").inner_text().endswith("2022–2023")
        steps = page.evaluate("JSON.parse(document.getElementById('kg-meta').textContent).story.steps.length")
        for _ in range(steps + 2):
            page.keyboard.press("ArrowRight")
        assert page.evaluate("kg.state().step") == steps and page.locator("#kg-story-next").is_disabled()
        link = page.url
        assert page.errors == []
    finally:
        page.close()
    again = open_page(browser, link)  # a link to a step opens that step
    try:
        assert again.evaluate("kg.state().step") == steps and again.evaluate("kg.state().since") == "2024"
    finally:
        again.close()


HOSTILE_STORY = """\
title: "<script>window.__xss=1</script>"
steps:
  - title: "<img src=x onerror=window.__xss=2>"
    caption: |
      <img src=x onerror="window.__xss=3"> **bold <b>x</b>** [click](javascript:window.__xss=4)
      [fine](https://example.org/a"onmouseover="window.__xss=5)
    view:
      focus: john-collins
"""


def test_a_hostile_story_shows_as_text_and_runs_nothing(browser, seed_store, tmp_path):
    story = tmp_path / "story.yaml"
    story.write_text(HOSTILE_STORY)
    page = open_page(browser, render(seed_store, tmp_path / "s.html", story=story).as_uri())
    try:
        page.keyboard.press("ArrowRight")
        box = page.locator("#kg-story")
        assert "<img src=x onerror=window.__xss=2>" in box.inner_text()
        assert "<img src=x onerror=\"window.__xss=3\">" in box.inner_text()
        assert box.locator("img, script, b").count() == 0
        hrefs = page.evaluate("[...document.querySelectorAll('#kg-story a')].map(a => a.getAttribute('href'))")
        assert hrefs and all(h.startswith("https://") for h in hrefs)  # the javascript: link is plain text
        assert page.evaluate("document.querySelectorAll('#kg-story [onmouseover], #kg-story [onerror]').length") == 0
        page.locator("#kg-story a").first.hover()
        assert page.evaluate("window.__xss") is None and page.errors == []
    finally:
        page.close()


@pytest.mark.parametrize("text, where", [
    ("title: x\nsteps: []\n", "line 2, steps"),
    ("title: x\nsteps:\n  - title: a\n    view:\n      focus: nobody-at-all\n", "line 5, steps[1].view.focus"),
    ("title: x\nsteps:\n  - title: a\n  - caption: b\n", "line 4, steps[2].title"),
    ("title: x\nsteps:\n  - title: a\n    view:\n      focus: cfhr\n      steps: 7\n", "line 6, steps[1].view.steps"),
    ("title: x\nsteps:\n  - title: a\n    view:\n      zoom: 3\n", "line 5, steps[1].view.zoom"),
    ("title: x\nsteps:\n  - title: a\n    view:\n      theme: no-such-theme\n", "line 5, steps[1].view.theme"),
    ("title: x\nsteps:\n  - title: [a\n", "line 4, (YAML)"),
    ("title: x\nsteps:\n  - title: a\n    view:\n      period: 1990..2024\n", "line 5, steps[1].view.period: no event in 1990"),
])
def test_a_bad_story_names_file_line_and_field(tmp_path, seed_build, text, where):
    story = tmp_path / "bad.yaml"
    story.write_text(text)
    out = tmp_path / "a.html"
    result = kg("viz", "--build-dir", seed_build, "-o", out, "--story", story)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{story}, {where}" in result.output, result.output
    assert not out.exists()


def test_above_the_node_budget_the_page_draws_the_most_central_and_says_what_it_hides(browser, seed_store, tmp_path, graph):
    path = render(seed_store, tmp_path / "budget.html", max_nodes=40, size_by="pagerank")
    page = open_page(browser, path.as_uri())
    try:
        assert page.evaluate("nodes.length") == 40
        notice = page.locator("#kg-notice")
        hidden = graph.number_of_nodes() - 40
        assert notice.is_visible() and f"{hidden} are hidden" in notice.inner_text()
        assert "--theme" in notice.inner_text() and f"--max-nodes {graph.number_of_nodes()}" in notice.inner_text()
    finally:
        page.close()


POSITIONS = "Object.fromEntries(Object.entries(network.body.nodes).map(([id, n]) => [id, [n.x, n.y]]))"


def test_the_timeline_shows_exactly_each_periods_nodes_and_edges_and_plays(browser, seed_page, seed_store, graph):
    from kg.viz.data import gather
    from kg.viz.page import _edge_events

    details = gather(seed_store, graph)
    years = sorted({y for n in graph for y in details.nodes[n]["years"]})
    page = open_page(browser, seed_page.as_uri())
    try:
        assert page.evaluate("kg.years") == years and len(years) >= 3
        before = page.evaluate(POSITIONS)
        for i, last in enumerate(years):
            page.evaluate("""([a, b]) => { const from = document.getElementById('kg-from'), to = document.getElementById('kg-to');
                              from.value = a; to.value = b; to.dispatchEvent(new Event('input')); }""", [0, i])  # fmt: skip
            whole = i == len(years) - 1  # the whole range is all time: undated nodes and ties come back
            shown = {n for n in graph if whole or any(years[0] <= y <= last for y in details.nodes[n]["years"])}
            dated = lambda d: {details.event_years[e] for e in _edge_events(d, details) if e in details.event_years}  # noqa: E731
            links = {tuple(sorted((a, b))) for a, b, d in graph.edges(data=True) if a in shown and b in shown
                     and (whole or not dated(d) or any(years[0] <= y <= last for y in dated(d)))}  # fmt: skip
            assert set(page.evaluate("nodes.get({filter: n => !n.hidden}).map(n => n.id)")) == shown, last
            visible = page.evaluate("edges.get({filter: e => !e.hidden}).map(e => [e.from, e.to].sort())")
            assert {tuple(e) for e in visible} == links, last
            period = "The alliance" if whole else str(last) if i == 0 else f"{years[0]}–{last}"
            assert page.locator("#kg-title").inner_text().endswith(period)
        assert f"from={years[0]}" not in page.url  # the whole range is the default: nothing in the link
        page.evaluate("""() => { const to = document.getElementById('kg-to'); to.value = 1; to.dispatchEvent(new Event('input')); }""")
        assert f"from={years[0]}&to={years[1]}" in page.url
        page.evaluate("kg.playDelayMs = 40")
        page.locator("#kg-play").click()
        page.wait_for_function(f"kg.state().to === '{years[-1]}' && document.getElementById('kg-play').textContent.includes('Play')")
        assert page.evaluate(POSITIONS) == before  # nothing moved while it played
        assert page.errors == []
    finally:
        page.close()
