"""`kg changes` and kg.changes on the seed (2023 → 2024), checked against the reports, and its HTML
against hostile names."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from kg import changes, generations

from .conftest import DATA, kg, mini_data

O = "https://kg.example.org/id/org/"
E = "https://kg.example.org/id/event/"


@pytest.fixture(scope="module")
def report(seed_store):
    return changes.compare(seed_store, "2023", "2024", "organizations")


def test_who_joined_and_who_left(report):
    # 2023: only "CFHR participated in the UNODC Constructive Dialogue"; 2024: the SSDO session and the TOC day
    assert (report["from"]["nodes"], report["from"]["edges"]) == (2, 1)
    assert (report["to"]["nodes"], report["to"]["edges"]) == (20, 126)
    assert [i["id"] for i in report["left"]] == [O + "unodc"]
    joined = {i["id"]: i for i in report["joined"]}
    assert len(joined) == 19 and O + "cfhr" not in joined
    ssdo = joined[O + "ssdo"]
    assert ssdo["first_time"] and ssdo["events"] == [E + "ssdo-tip-experts-session-karachi-2024"]
    assert joined[O + "cgr"]["events"] == [E + "toc-day-lahore-2024"]


def test_ties_formed_and_lost_name_their_events(report):
    assert len(report["ties_formed"]) == 126
    lost = report["ties_lost"]
    assert [(t["source"], t["target"], t["events"]) for t in lost] == [
        (O + "cfhr", O + "unodc", [E + "unodc-constructive-dialogue-tip-2023"])]
    ssdo_shrc = next(t for t in report["ties_formed"] if {t["source"], t["target"]} == {O + "shrc", O + "ssdo"})
    assert ssdo_shrc["events"] == [E + "ssdo-tip-experts-session-karachi-2024"]


def test_rises_and_falls(report):
    # CFHR, the one actor in both years: 1 partner in 2023, 15 at the TOC day in 2024
    rise = report["metrics"]["degree"]["rises"]
    assert [(i["id"], i["before"], i["after"], i["change"]) for i in rise] == [(O + "cfhr", 1, 15, 14)]
    assert report["metrics"]["degree"]["falls"] == []
    assert report["metrics"]["constraint"]["falls"][0]["id"] == O + "cfhr"


def test_brokers_follow_the_stated_rule(report):
    for item in report["brokers_gained"]:
        assert item["constraint"] <= changes.BROKER_MAX_CONSTRAINT and item["cross_sector"] >= changes.BROKER_MIN_CROSS_SECTOR
    assert O + "cfhr" in {i["id"] for i in report["brokers_gained"]}
    assert report["brokers_lost"] == []
    assert str(changes.BROKER_MAX_CONSTRAINT) in report["rules"]["brokers"]


def test_communities_matched_by_jaccard(report):
    kinds = sorted(c["change"] for c in report["communities"])
    # {CFHR, UNODC} shares 1 of 16 members with the TOC day's community (Jaccard 1/16 < 0.3): dissolved
    assert kinds == ["dissolved", "formed", "formed"]
    dissolved = next(c for c in report["communities"] if c["change"] == "dissolved")
    assert {n["id"] for n in dissolved["before"][0]} == {O + "cfhr", O + "unodc"}
    assert "Jaccard" in report["rules"]["communities"] and str(changes.JACCARD_THRESHOLD) in report["rules"]["communities"]


def test_community_matching_rule():
    def rows(groups):
        return {n: {"community": i} for i, g in enumerate(groups) for n in g}

    split = changes._match_communities(rows(["abcd"]), rows(["ab", "cd"]))
    assert [c["change"] for c in split] == ["split"] and split[0]["jaccard"] == [0.5, 0.5]
    merged = changes._match_communities(rows(["ab", "cd"]), rows(["abcd"]))
    assert [c["change"] for c in merged] == ["merged"]
    same = changes._match_communities(rows(["abc", "xyz"]), rows(["abcd", "q"]))
    assert sorted(c["change"] for c in same) == ["continued", "dissolved", "formed"]


def test_sectors_that_met_for_the_first_time(report):
    met = {tuple(m["sectors"]): m for m in report["sectors_met"]}
    # SSDO (civil society) "working together with ... the US Embassy" (donor), 1 March 2024
    assert met["civil-society", "donor"]["first_day"] == "2024-03-01"
    assert met["civil-society", "donor"]["events"] == [E + "ssdo-tip-experts-session-karachi-2024"]
    # CFHR (civil society) met UNODC (international organization) in 2023 already: not a first meeting in 2024
    assert ("civil-society", "international-organization") not in met


def test_every_item_traces_to_events_and_sentences(report):
    cited = set()
    for key in ("joined", "left", "ties_formed", "ties_lost", "brokers_gained", "sectors_met"):
        for item in report[key]:
            assert item["events"], (key, item)
            cited.update(item["events"])
    assert cited == set(report["events"])
    toc = report["events"][E + "toc-day-lahore-2024"]
    assert toc["start"] == "2024-11-15"
    assert any("November 15, 2024" in s["quote"] and s["line"] for s in toc["sentences"])
    text = (DATA / "sources" / "000_c47be61159dfac83.txt").read_text(encoding="utf-8").splitlines()
    for s in toc["sentences"]:  # the sentence starts on the line it names (it may run onto the next ones)
        following = " ".join(" ".join(text[s["line"] - 1 : s["line"] + 4]).split())
        assert " ".join(s["quote"].split()) in following, s


def test_markdown_json_html(seed_build):
    md = kg("changes", "--data", DATA, "--build-dir", seed_build, "--from", "2023", "--to", "2024")
    assert md.exit_code == 0, md.output
    assert "## Joined: active in 2024, not in 2023 (19)" in md.stdout and "## Left: active in 2023, not in 2024 (1)" in md.stdout and "United Nations Office on Drugs" in md.stdout
    assert re.search(r"\[\d+\] International Day for the Prevention", md.stdout)
    as_json = kg("changes", "--data", DATA, "--build-dir", seed_build, "--from", "2023", "--to", "2024", "--format", "json")
    assert len(json.loads(as_json.stdout)["joined"]) == 19
    page = kg("changes", "--data", DATA, "--build-dir", seed_build, "--from", "2023", "--to", "2024", "--format", "html")
    assert page.stdout.startswith("<!DOCTYPE html>") and 'href="#event-1"' in page.stdout


def test_bad_periods_are_refused(seed_build):
    result = kg("changes", "--data", DATA, "--build-dir", seed_build, "--from", "2023", "--to", "next year")
    assert result.exit_code == 1 and "'next year' is not a period" in result.stderr
    result = kg("changes", "--data", DATA, "--build-dir", seed_build, "--from", "2023", "--to", "2024", "--projection", "x")
    assert result.exit_code == 1 and "unknown projection" in result.stderr


HOSTILE = '<img src=x onerror=alert(1)> & "Co"'


def test_html_escapes_a_hostile_name(tmp_path):
    orgs = f"""\
        organizations:
          - id: example-org
            name: Example Org
            sector: civil-society
          - id: hostile-org
            name: '{HOSTILE}'
            sector: government
        """
    report = """\
        source:
          id: mini
          title: Mini report
          file: sources/mini.txt
        events:
          - id: mini-workshop
            name: Workshop on human trafficking
            type: workshop
            start_date: 2024-03-01
            city: Karachi
            organizers: [example-org, hostile-org]
            themes: [human-trafficking]
            quotes:
              name: The workshop on human trafficking was held in Karachi on 1 March 2024.
              organizers: The workshop on human trafficking was held in Karachi on 1 March 2024.
        """
    data = mini_data(tmp_path, orgs=textwrap.dedent(orgs), report=textwrap.dedent(report))
    build = tmp_path / "build"
    with generations.open_store(data, build) as store:
        found = changes.compare(store, "2023", "2024")
    assert {i["label"] for i in found["joined"]} == {"Example Org", HOSTILE}
    page = changes.to_html(found)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;" in page
    assert all(tag in {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "ul", "li", "sup", "a", "ol",
                       "strong", "code", "blockquote"} for tag in re.findall(r"<(\w+)", page))  # fmt: skip
    cli = kg("changes", "--data", data, "--build-dir", build, "--from", "2023", "--to", "2024", "--format", "html")
    assert cli.exit_code == 0 and "<img" not in cli.stdout
