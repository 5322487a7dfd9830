"""The page's rules without a browser: how names are shortened, the cross-sector reach of people and
events, the bridges ranking, the reuse of metrics already computed, the node budget, story captions."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from kg import metrics as metrics_mod
from kg import network, viz
from kg.metrics.sectors import sector_reach
from kg.viz import page as page_mod
from kg.viz.bridges import bridges
from kg.viz.page import short_label
from kg.viz.story import markdown

ROUNDTABLE = "https://kg.example.org/id/event/toc-day-lahore-2024"


def test_short_names_use_a_stated_acronym_then_whole_words():
    assert short_label("United Nations Office on Drugs and Crime (UNODC)") == "UNODC"
    assert short_label("Global Initiative Against Transnational Organized Crime", ["Global Initiative", "GI-TOC"]) == "GI-TOC"
    assert short_label("Alliance of NGOs on Crime Prevention and Criminal Justice") == "Alliance of NGOs on Crime…"
    assert short_label("Centre for Human Rights") == "Centre for Human Rights"
    assert short_label("Pneumonoultramicroscopicsilicovolcanoconiosis Foundation") == "Pneumonoultramicroscopicsilicovolcanoconiosis…"
    assert short_label("Some Long Organization Name Without Any Acronym", ["Org"]) == "Some Long Organization Name…"


def test_no_name_on_the_seed_page_is_cut_mid_word(seed_store):
    graph = network.project(seed_store, "stakeholders")
    for node, data in graph.nodes(data=True):
        name, text = data["label"], short_label(data["label"], data.get("aliases", ()))
        assert len(text) <= page_mod.LABEL_CHARS or " " not in text.rstrip("…"), text
        if text.endswith("…"):
            words, whole = text[:-1].split(" "), name.split(" ")
            assert whole[: len(words) - 1] == words[:-1] and whole[len(words) - 1].rstrip(",;:–—-") == words[-1], (name, text)
        elif text != " ".join(name.split()):
            assert text in data.get("aliases", ()) or f"({text})" in name, (name, text)


def test_sector_reach_counts_who_a_person_meets_at_events():
    g = nx.Graph()
    g.add_nodes_from([("ann", {"type": "person"}), ("bob", {"type": "person"}), ("cy", {"type": "person"}),
                      ("ngo", {"type": "organization", "sector": "civil-society"}),
                      ("min", {"type": "organization", "sector": "government"}),
                      ("un", {"type": "organization", "sector": "international-organization"}),
                      ("day", {"type": "event"}), ("night", {"type": "event"})])  # fmt: skip
    g.add_edges_from([("ann", "ngo"), ("bob", "min"), ("cy", "ngo"), ("ann", "day"), ("bob", "day"), ("cy", "day"),
                      ("un", "night"), ("ann", "night")])  # fmt: skip
    reach = sector_reach(g)
    # Ann meets NGO (own), Bob (government) and Cy (civil society) at the day, UN at the night: 2 of 4 cross.
    assert reach["ann"] == {"score": 0.5, "sectors": ["government", "international-organization"], "events": 2, "met": 4}
    # The day: two civil-society people and one from government: 1 - (2/3)² - (1/3)².
    assert reach["day"]["score"] == pytest.approx(4 / 9)
    assert reach["night"]["score"] == pytest.approx(0.5)


def test_on_the_seed_people_and_events_have_a_cross_sector_reach(seed_store):
    graph = network.project(seed_store, "stakeholders")
    reach = sector_reach(graph)
    people = [n for n, d in graph.nodes(data=True) if d["type"] == "person"]
    scored = [n for n in people if (reach[n]["score"] or 0) > 0]
    assert len(scored) >= len(people) // 3  # the old cross_sector was 0 or empty for every node here
    assert reach[ROUNDTABLE]["score"] > 0.5 and len(reach[ROUNDTABLE]["sectors"]) >= 4


def test_bridges_rank_by_reach_and_low_constraint_with_a_reason(seed_store):
    graph = network.project(seed_store, "stakeholders")
    metrics = viz.node_metrics(graph)
    reach = sector_reach(graph)
    ranked = bridges(graph, metrics, reach, top=10)
    assert len(ranked) == 10 and [b["score"] for b in ranked] == sorted((b["score"] for b in ranked), reverse=True)
    for b in ranked:
        assert graph.nodes[b["id"]]["type"] in ("person", "organization")
        assert f"constraint {metrics[b['id']]['constraint']:.2f}" in b["why"]
        assert f"{len(reach[b['id']]['sectors'])} other sector" in b["why"]


def test_the_page_reuses_the_metrics_kg_run_wrote(seed_store, tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    metrics_mod.write_all(seed_store, out / "metrics", formats=("json",))

    def refuse(*args, **kwargs):
        raise AssertionError("the page computed the metrics again")

    monkeypatch.setattr(viz, "node_metrics", refuse)
    html = viz.render(seed_store, out / "alliance.html").read_text()
    document = json.loads((out / "metrics" / "stakeholders.json").read_text())
    row = next(r for r in document["nodes"] if r["id"] == ROUNDTABLE)
    assert f'"closeness":{row["closeness"]}' in html.replace(" ", "")
    # Metrics of another graph are not reused.
    document["edges"] = document["edges"][1:]
    (out / "metrics" / "stakeholders.json").write_text(json.dumps(document))
    with pytest.raises(AssertionError, match="computed the metrics again"):
        viz.render(seed_store, out / "alliance.html")


def test_the_node_budget_keeps_the_most_central_and_says_what_it_hid():
    g = nx.barabasi_albert_graph(300, 2, seed=1)
    metrics = {n: {"betweenness": float(d), "pagerank": 0.0} for n, d in g.degree()}
    kept, notice = viz.budget(g, metrics, 100, "betweenness")
    assert kept.number_of_nodes() == 100
    assert min(d for _, d in g.degree(kept.nodes)) >= sorted((d for _, d in g.degree()), reverse=True)[99]
    assert "100 most central of 300 nodes" in notice and "200 are hidden" in notice and "--max-nodes 300" in notice
    assert viz.budget(g, metrics, 0, "betweenness") == (g, "")


def test_captions_keep_markdown_as_text_runs():
    blocks = markdown("**Bold** and *it* and `code`\n\n- one\n- [two](https://example.org)\n\n[bad](javascript:alert) <i>")
    assert blocks[0] == {"type": "p", "runs": [{"text": "Bold", "bold": True}, {"text": " and "}, {"text": "it", "em": True},
                                               {"text": " and "}, {"text": "code", "code": True}]}  # fmt: skip
    assert blocks[1] == {"type": "li", "runs": [{"text": "one"}]}
    assert blocks[2]["runs"] == [{"text": "two", "href": "https://example.org"}]
    assert blocks[3]["runs"] == [{"text": "bad"}, {"text": " <i>"}]
    assert markdown("window.__xss=1")[0]["runs"] == [{"text": "window.__xss=1"}]
