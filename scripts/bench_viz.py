"""How fast the alliance page is on a large graph: render it, open it in headless Chromium, time it.

A seeded random graph shaped like the stakeholders projection (people, organizations, events;
memberships, participations drawn from a Zipf-like law so a few nodes are hubs, organizers, units)
with details of the same shape as ``kg.viz.data.gather`` gives (themes, events, years, sentences).
It is rendered with ``kg.viz.page.render_html`` and opened in Debian's Chromium with the network cut
off; the page reports when vis.js has drawn it (``kg.ready``). Then a search and a filter are timed
inside the page.

    python scripts/bench_viz.py                       # 2,000 nodes, 3 browser runs
    python scripts/bench_viz.py --nodes 5000 --runs 1
    python scripts/bench_viz.py --screenshots docs/img  # only: the docs' pictures of the seed page
    python scripts/bench_viz.py --events 10000        # also `kg viz` on `kg synth --events 10000 --seed 1`
                                                      # (the default; --events 0 skips it)

Prints a table and writes build/bench/viz.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.viz import layout, node_metrics, page  # noqa: E402
from kg.viz.data import Details  # noqa: E402
from kg.vocab import SECTORS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"]  # fmt: skip
BASE = "https://kg.example.org/id/"
THEME = "https://kg.example.org/theme/"
PARTS = ("Keynote speaker", "Speaker", "Moderator", "Participant", "Opening speaker", "Presenter")
TITLES = ("Director", "Chair", "Researcher", "Programme Officer", "Deputy Director", "Inspector General", "Advisor")


def synthetic(n_nodes: int, seed: int = 1) -> tuple[nx.Graph, Details]:
    """A stakeholder-shaped graph of ``n_nodes`` nodes (60% people, 15% organizations, 25% events)."""
    rng = random.Random(seed)
    n_people, n_orgs = int(n_nodes * 0.60), int(n_nodes * 0.15)
    n_events = n_nodes - n_people - n_orgs
    people = [f"{BASE}person/p{i:05d}" for i in range(n_people)]
    orgs = [f"{BASE}org/o{i:04d}" for i in range(n_orgs)]
    events = [f"{BASE}event/e{i:04d}" for i in range(n_events)]
    themes = [f"{THEME}t{i:02d}" for i in range(40)]
    zipf = lambda k: [1.0 / (i + 1) ** 0.9 for i in range(k)]  # noqa: E731
    org_w, event_w = zipf(n_orgs), zipf(n_events)
    g = nx.Graph(name="stakeholders", title="Stakeholders")
    d = Details(themes={t: f"Theme {t[-2:]}" for t in themes})
    for i, p in enumerate(people):
        g.add_node(p, label=f"Person {i:05d} {rng.choice('ABCDEFGHIJKLMNOP')}.", type="person", sector="",
                   aliases=[f"P{i:05d}"] if i % 7 == 0 else [], date="")  # fmt: skip
    for i, o in enumerate(orgs):
        g.add_node(o, label=f"Organization {i:04d}", type="organization", sector=rng.choice(SECTORS),
                   aliases=[], date="")  # fmt: skip
    for i, e in enumerate(events):
        year = rng.randint(2016, 2025)
        g.add_node(e, label=f"Roundtable {i:04d} on Theme {rng.randint(0, 39):02d}", type="event", sector="",
                   aliases=[], date=f"{year}-{rng.randint(1, 12):02d}-01")  # fmt: skip
        d.events[e], d.event_years[e] = g.nodes[e]["label"], year
    event_themes = {e: set(rng.sample(themes, rng.randint(2, 5))) for e in events}

    def link(a, b, kind, label, via, text, event=""):
        data = g.edges[a, b] if g.has_edge(a, b) else None
        if data is None:
            g.add_edge(a, b, weight=0, kinds=[], labels=[], via=[])
            data = g.edges[a, b]
        data["weight"] += 1
        data["kinds"] = sorted(set(data["kinds"]) | {kind})
        data["labels"] = sorted(set(data["labels"]) | {label})
        data["via"] = sorted(set(data["via"]) | {via})
        d.edges[via] = {"text": text, "event": event, "quote": f"{text} (a synthetic sentence).",
                        "source": "Report", "url": ""}  # fmt: skip

    for i, p in enumerate(people):
        for o in set(rng.choices(orgs, org_w, k=rng.choice((1, 1, 1, 2)))):
            title = rng.choice(TITLES)
            link(p, o, "membership", title, f"{BASE}membership/{i}/{o[-5:]}", f"{title}, {g.nodes[o]['label']}")
            g.nodes[p]["sector"] = g.nodes[p]["sector"] or g.nodes[o]["sector"]
        for e in set(rng.choices(events, event_w, k=rng.choice((1, 1, 2, 2, 3, 4)))):
            part = rng.choice(PARTS)
            link(p, e, "participation", part, f"{BASE}participation/{e[-5:]}/{i}", part, g.nodes[e]["label"])
    for j, e in enumerate(events):
        for o in set(rng.choices(orgs, org_w, k=rng.randint(1, 3))):
            via = f"{BASE}participation/{j}/{o[-5:]}/org"
            link(o, e, "participation", "Organizer", via, "Organizer", g.nodes[e]["label"])
    for o in orgs[n_orgs // 2 :: 9]:
        parent = rng.choice(orgs[: n_orgs // 2])
        text = f"{g.nodes[o]['label']} is a unit of {g.nodes[parent]['label']}"
        link(o, parent, "sub-organization", "unit of", o, text)

    for node in g:
        its_events = sorted({node} if node in d.event_years else {e for e in g[node] if e in d.event_years})
        d.nodes[node] = {
            "themes": sorted(set().union(*(event_themes[e] for e in its_events))) if its_events else [],
            "events": its_events,
            "years": sorted({d.event_years[e] for e in its_events}),
            "facts": [{"kind": "title", "text": "A synthetic fact", "quote": "A synthetic sentence.",
                       "source": "Report", "url": ""}],  # fmt: skip
        }
    return g, d


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start


def open_in_chromium(path: Path, runs: int, probe: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.kg && kg.ready === true", timeout=120_000)
            wall = time.perf_counter() - start
            figures = page.evaluate("""probe => {
                const t = kg.timings;
                let s = performance.now(); const hits = kg.search(probe || nodes.get()[0].name); kg.focusNode(hits[0].id);
                const search = performance.now() - s;
                s = performance.now();
                document.querySelector('#kg-filter-kind input[value=event]').checked = false;
                const shown = kg.applyFilters();
                const filter = performance.now() - s;
                s = performance.now(); kg.resetFilters(); const reset = performance.now() - s;
                return {readyMs: t.sinceNavigationMs, scriptMs: t.firstDrawMs, searchMs: search, filterMs: filter,
                        resetMs: reset, shownWithoutEvents: shown, nodes: network.body.nodeIndices.length,
                        edges: edges.length, hits: hits.length};
            }""", probe)  # fmt: skip
            figures["wallSeconds"] = wall
            figures["errors"] = errors
            out.append(figures)
            page.close()
        browser.close()
    return out


def screenshot(folder: Path) -> None:
    """The seed page (data/) as the docs show it, into ``folder``: at load, a focus, a story step and
    the "Save image" picture (small palette PNGs)."""
    import base64
    import io

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from kg import generations, viz

    def save(data: bytes, name: str, width: int = 1000) -> None:
        image = Image.open(io.BytesIO(data)).convert("RGB")
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(folder / name, optimize=True)
        print(f"  {folder / name} ({(folder / name).stat().st_size / 1e3:.0f} kB)")

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        with generations.open_store(ROOT / "data", Path(tmp) / "build") as store:
            html = viz.render(store, Path(tmp) / "alliance.html", story=ROOT / "docs" / "story-seed.yaml")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.goto(html.as_uri())
            page.wait_for_function("window.kg && kg.ready === true")
            save(page.screenshot(), "present-load.png")
            page.evaluate("kg.setFocus('https://kg.example.org/id/event/toc-day-lahore-2024', 1)")
            page.wait_for_timeout(200)
            save(page.screenshot(), "present-focus.png")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(200)
            save(page.screenshot(), "present-story.png")
            page.evaluate("kg.goToStep(0)")
            url = page.evaluate("kg.imageDataURL(2)")
            save(base64.b64decode(url.split(",", 1)[1]), "present-image.png", width=1200)
            browser.close()


def time_kg_viz(data: Path, build: Path, out: Path) -> dict:
    """`kg viz` as a user runs it: a new process, the store already built; its wall time and peak memory
    (the child's own ru_maxrss, from wait4)."""
    import os
    import subprocess

    kg = str(Path(sys.executable).parent / "kg")
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen([kg, "viz", "--data", str(data), "--build-dir", str(build), "-o", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=errors)  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise RuntimeError(f"kg viz failed: {errors.read().decode(errors='replace')[-2000:]}")
    return {"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024, "html_bytes": out.stat().st_size}


def interactive(page: Path, runs: int) -> dict:
    """The page opened in headless Chromium, network cut, until it is interactive (median of ``runs``)."""
    opened = open_in_chromium(page, runs, None)
    return {"seconds": statistics.median(r["wallSeconds"] for r in opened), "nodes_drawn": opened[0]["nodes"],
            "errors": [e for r in opened for e in r["errors"]]}  # fmt: skip


def synth_page(events: int, runs: int) -> dict:
    """`kg viz` as a user runs it on `kg synth --events N --seed 1` (records and build cached in
    build/bench/), timed as a process; then the page opened in Chromium until it is interactive."""
    import subprocess

    kg = str(Path(sys.executable).parent / "kg")
    data, build = ROOT / "build" / "bench" / f"viz-synth-{events}", ROOT / "build" / "bench" / f"viz-synth-{events}-build"
    if not (data / "people.yaml").exists():
        subprocess.run([kg, "synth", "--events", str(events), "--seed", "1", "--out", str(data)], check=True)
    subprocess.run([kg, "build", "--data", str(data), "--build-dir", str(build)], check=True, capture_output=True)
    out = build / "outputs" / "alliance.html"
    try:
        made = time_kg_viz(data, build, out)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    opened = interactive(out, runs)
    return {"events": events, "kg_viz_seconds": made["seconds"], "kg_viz_peak_mib": made["peak_mib"],
            "html_bytes": made["html_bytes"], "chromium_interactive_seconds_median": opened["seconds"],
            "nodes_drawn": opened["nodes_drawn"], "errors": opened["errors"]}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="browser loads to time (the median is reported)")
    parser.add_argument("--k", type=int, default=256, help="betweenness sample size (0: exact)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "viz.json")
    parser.add_argument("--screenshots", type=Path, help="only save the docs' pictures of the seed page in this folder")
    parser.add_argument("--events", type=int, default=10000, help="also time `kg viz` on this many synthetic events (0: skip)")
    args = parser.parse_args()
    if args.screenshots:
        screenshot(args.screenshots)
        return 0

    (graph, details), t_graph = timed(synthetic, args.nodes)
    metrics, t_metrics = timed(node_metrics, graph, args.k or None)
    html, t_render = timed(page.render_html, graph, metrics, details, subtitle=f"{args.nodes:,} synthetic nodes")
    t_layout = timed(layout.positions, graph)[1]  # the layout alone (render_html includes it, with label boxes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.html"
        path.write_text(html, encoding="utf-8")
        runs = open_in_chromium(path, args.runs, "Person 00042")
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    result = {
        "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "html_bytes": len(html.encode()),
        "seconds": {"make_graph": t_graph, "metrics": t_metrics, "layout": t_layout, "render_html": t_render},
        "browser_median_ms": {k: med(k) for k in ("readyMs", "scriptMs", "searchMs", "filterMs", "resetMs")},
        "browser_wall_seconds_median": med("wallSeconds"), "runs": runs,
    }  # fmt: skip
    print(f"alliance page, {result['nodes']:,} nodes, {result['edges']:,} edges, {result['html_bytes'] / 1e6:.1f} MB")
    print(f"  metrics (betweenness k={args.k or 'exact'})   {t_metrics:7.2f} s")
    print(f"  layout (networkx, seeded)            {t_layout:7.2f} s")
    print(f"  page (layout + pyvis data + HTML)    {t_render:7.2f} s")
    b = result["browser_median_ms"]
    print(f"  Chromium: drawn and interactive      {b['readyMs'] / 1000:7.2f} s after navigation "
          f"(median of {len(runs)})")
    print(f"            page script to first draw  {b['scriptMs'] / 1000:7.2f} s")
    print(f"            search + focus             {b['searchMs']:7.0f} ms")
    print(f"            filter (hide events)       {b['filterMs']:7.0f} ms   reset {b['resetMs']:.0f} ms")
    errors = [e for r in runs for e in r["errors"]]
    if errors or any(r["nodes"] != result["nodes"] for r in runs):
        print(f"PROBLEM: errors {errors[:3]} or node count differs", file=sys.stderr)
        return 1
    if args.events:
        synth = synth_page(args.events, max(1, args.runs // 3))
        result["synth"] = synth
        met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
        print(f"kg viz on kg synth --events {args.events:,} --seed 1: {synth['nodes_drawn']:,} nodes drawn, "
              f"{synth['html_bytes'] / 1e6:.1f} MB")
        print(f"  kg viz (process)                     {synth['kg_viz_seconds']:7.1f} s   target < 60 s: "
              f"{met(synth['kg_viz_seconds'] < 60)}   peak {synth['kg_viz_peak_mib']:,.0f} MiB")
        print(f"  Chromium: interactive                {synth['chromium_interactive_seconds_median']:7.1f} s   "
              f"target < 5 s: {met(synth['chromium_interactive_seconds_median'] < 5)}")
        if synth["errors"]:
            print(f"PROBLEM: page errors {synth['errors'][:3]}", file=sys.stderr)
            return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True))
    print(f"  written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
