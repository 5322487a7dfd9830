"""Periods (kg.periods): reading them, splitting time, and which events and ties of the seed fall in each.

The seed's dated events were counted by hand from data/reports (quoted below); the 7 others have
no date in their reports and must be reported, not dropped.
"""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from kg import periods, generations
from kg.metrics.periods import by_period, measure_periods
from kg.periods import Period, PeriodError, Timeline, parse_period

from .conftest import DATA

E = "https://kg.example.org/id/event/"
O = "https://kg.example.org/id/org/"
# event -> the date its report gives
DATED = {
    "seefen-first-meeting-durres-2014": "2014-09-23",  # "on 23-24 September 2014"
    "pakistan-civil-society-alliance-founding-2022": "2022-09",  # "in Islamabad in September 2022" (xsd:gYearMonth)
    "untoc-cop-11-vienna-2022": "2022-10",  # "in Vienna in October 2022" (xsd:gYearMonth)
    "unodc-constructive-dialogue-tip-2023": "2023-10-04",  # "On October 4, 2023"
    "ssdo-tip-experts-session-karachi-2024": "2024-03-01",  # "KARACHI, 1st Mar, 2024 ... on Friday"
    "toc-day-lahore-2024": "2024-11-15",  # "held on November 15, 2024"
    "unodc-regional-workshop-ngo-engagement-untoc-malaysia-2025": "2025-01-15",  # "January 15-17, 2025"
    "eacc-financial-investigations-workshop-kenya-2025": "2025-06-09",  # "from June 9th to 13th" (2025)
}
UNDATED = {"biiss-multilateral-cooperation-seminar-dhaka", "constructive-dialogue-on-firearms-2025",
           "fia-regional-som-workshop-islamabad-2024", "iiui-trafficking-in-pakistan-seminar",
           "punjab-police-anf-meeting-lahore-2019", "sharp-act-workshop-karachi-2024", "untoc-cop-12"}  # fmt: skip
BY_YEAR = {"2014": {"seefen-first-meeting-durres-2014"},
           "2022": {"pakistan-civil-society-alliance-founding-2022", "untoc-cop-11-vienna-2022"},
           "2023": {"unodc-constructive-dialogue-tip-2023"},
           "2024": {"ssdo-tip-experts-session-karachi-2024", "toc-day-lahore-2024"},
           "2025": {"unodc-regional-workshop-ngo-engagement-untoc-malaysia-2025",
                    "eacc-financial-investigations-workshop-kenya-2025"}}  # fmt: skip


# ---------------------------------------------------------------------------------------- reading periods


def test_dates_stand_for_every_day_they_cover():
    assert periods.date_span("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert periods.date_span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))  # a leap year
    assert periods.date_span("2023-02") == (date(2023, 2, 1), date(2023, 2, 28))
    assert periods.date_span("2024-03-01") == (date(2024, 3, 1), date(2024, 3, 1))
    for bad in ("2024-13", "24", "2024/03", "2023-02-29", "March 2024"):
        with pytest.raises(PeriodError):
            periods.date_span(bad)


def test_explicit_periods():
    assert parse_period("2023") == Period(date(2023, 1, 1), date(2023, 12, 31), "2023")
    assert parse_period("2024-Q2") == Period(date(2024, 4, 1), date(2024, 6, 30), "2024-Q2")
    assert parse_period("2022-09..2024-12") == Period(date(2022, 9, 1), date(2024, 12, 31), "2022-09..2024-12")
    assert parse_period("2022-09..2024-12").label == "2022-09..2024-12"
    with pytest.raises(PeriodError, match="ends before it starts"):
        parse_period("2024..2023")
    with pytest.raises(PeriodError, match="not a period"):
        parse_period("last year")


def test_calendar_and_rolling_periods():
    span = parse_period("2022-09..2024-02")
    assert [p.label for p in periods.split(span, "year")] == ["2022", "2023", "2024"]
    assert [p.label for p in periods.split(span, "quarter")][:3] == ["2022-Q3", "2022-Q4", "2023-Q1"]
    months = periods.split(span, "month")
    assert months[0].label == "2022-09" and months[-1].label == "2024-02" and len(months) == 18
    rolling = periods.rolling(parse_period("2012..2015"), "2y", "1y")
    assert [p.label for p in rolling] == ["2012..2013", "2013..2014", "2014..2015"]
    assert rolling[0].end == date(2013, 12, 31)
    assert [p.label for p in periods.rolling(parse_period("2012..2015"), "2y")] == ["2012..2013", "2014..2015"]


def test_conflicting_choices_are_refused():
    extent = parse_period("2020..2021")
    for kwargs, message in [({"per": "year", "window": "2y"}, "either --per"), ({"step": "1y"}, "needs --window"),
                            ({"window": "2y", "periods": ["2023"]}, "either --period"),
                            ({"window": "0y"}, "not a length"), ({"per": "week"}, "--per")]:  # fmt: skip
        with pytest.raises(PeriodError, match=message):
            periods.choose(extent, **kwargs)
    assert periods.choose(None) == []  # nothing dated: no period


# ---------------------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_timeline(seed_store):
    return periods.timeline(seed_store)


def test_every_event_of_the_seed_is_dated_or_reported(seed_timeline):
    dated = {e[len(E):] for e in seed_timeline.spans}
    assert dated == set(DATED)
    assert {e[len(E):] for e in seed_timeline.undated} == UNDATED
    assert len(dated) + len(UNDATED) == 15  # data/ has 15 events
    founding = seed_timeline.spans[E + "pakistan-civil-society-alliance-founding-2022"]
    assert founding == (date(2022, 9, 1), date(2022, 9, 30))  # a month counts as all its days
    assert seed_timeline.spans[E + "seefen-first-meeting-durres-2014"] == (date(2014, 9, 23), date(2014, 9, 24))


@pytest.mark.parametrize("label", sorted(BY_YEAR))
def test_events_per_year(seed_timeline, label):
    got = {e[len(E):] for e in seed_timeline.in_period(seed_timeline.spans, parse_period(label))}
    assert got == BY_YEAR[label]


def test_month_and_quarter_dates_count_where_they_overlap(seed_timeline):
    def events(text):
        return {e[len(E):] for e in seed_timeline.in_period(seed_timeline.spans, parse_period(text))}

    assert events("2022-09") == {"pakistan-civil-society-alliance-founding-2022"}
    assert events("2022-09-15") == {"pakistan-civil-society-alliance-founding-2022"}  # a day inside that month
    assert events("2022-Q4") == {"untoc-cop-11-vienna-2022"}
    assert events("2022-09..2024-12") == BY_YEAR["2022"] | BY_YEAR["2023"] | BY_YEAR["2024"]
    assert events("2015..2021") == set()


def test_organizations_per_year_on_the_seed(seed_store):
    table = by_period(seed_store, "organizations", per="year")
    assert [p.label for p in table.periods] == [str(y) for y in range(2014, 2026)]
    # 2023: "CFHR participated in the UNODC Constructive Dialogue" (organized by UNODC): one tie, two actors
    assert set(table.at("2023")) == {O + "cfhr", O + "unodc"}
    assert table.graphs["2023"].edges[O + "cfhr", O + "unodc"]["via"] == [E + "unodc-constructive-dialogue-tip-2023"]
    # 2022: the alliance's "representation at the 11th Conference of the Parties": present, alone, no tie
    assert set(table.at("2022")) == {O + "pakistan-civil-society-alliance"}
    assert table.graphs["2022"].number_of_edges() == 0
    # 2024: 4 organizations at the SSDO session (SSDO "working together with" SHRC and the US Embassy, and
    # the Sindh Government, through a participant of its own) and 16 at the TOC day, none at both: C(4,2) + C(16,2)
    assert table.graphs["2024"].number_of_nodes() == 20
    assert table.graphs["2024"].number_of_edges() == 6 + 120
    assert not table.at("2019")  # the 2019 meeting has no date
    cfhr = [r for r in table.rows if r["id"] == O + "cfhr"]
    assert [r["period"] for r in cfhr] == ["2023", "2024", "2025"]
    assert {(r["first_seen"], r["last_seen"]) for r in cfhr} == {("2023", "2025")}
    notes = " ".join(table.notes())
    assert "7 event(s) have no date" in notes and "punjab-police-anf-meeting-lahore-2019" in notes


def test_explicit_period_on_the_seed(seed_store):
    table = by_period(seed_store, "organizations", period=["2022-09..2023-12"])
    assert [p.label for p in table.periods] == ["2022-09..2023-12"]
    assert set(table.at("2022-09..2023-12")) == {O + "cfhr", O + "unodc", O + "pakistan-civil-society-alliance"}


# ---------------------------------------------------------------------------------------- cutting a graph


def _toy():
    """a-b through an event across New Year, b-c through a 2024 event and an undated one, c-d only undated."""
    g = nx.Graph(name="toy")
    for n in "abcd":
        g.add_node(n, label=n.upper(), type="organization", sector="s" if n < "c" else "t")
    g.add_edge("a", "b", weight=1, via=["new-year"])
    g.add_edge("b", "c", weight=2, via=["march", "undated"])
    g.add_edge("c", "d", weight=1, via=["undated"])
    timeline = Timeline({"new-year": (date(2024, 12, 30), date(2025, 1, 2)), "march": periods.date_span("2024-03")},
                        ["undated"], {})  # fmt: skip
    return g, timeline


def test_an_event_across_new_year_counts_in_both_years():
    g, timeline = _toy()
    y2024 = periods.cut(g, timeline, parse_period("2024"))
    y2025 = periods.cut(g, timeline, parse_period("2025"))
    assert {frozenset(e) for e in y2024.edges} == {frozenset("ab"), frozenset("bc")}
    assert y2024.edges["b", "c"]["weight"] == 1 and y2024.edges["b", "c"]["via"] == ["march"]  # undated is out
    assert {frozenset(e) for e in y2025.edges} == {frozenset("ab")}
    assert periods.undated_ties(g, timeline) == [("c", "d")]


def test_the_tidy_table_of_a_toy_graph():
    g, timeline = _toy()
    table = measure_periods(g, timeline, [parse_period("2024"), parse_period("2025")])
    assert [(r["period"], r["id"]) for r in table.rows] == [("2024", "a"), ("2024", "b"), ("2024", "c"),
                                                            ("2025", "a"), ("2025", "b")]  # fmt: skip
    by = {(r["period"], r["id"]): r for r in table.rows}
    assert by["2024", "b"]["degree"] == 2 and by["2025", "b"]["degree"] == 1
    assert by["2024", "c"]["first_seen"] == by["2024", "c"]["last_seen"] == "2024"
    assert by["2024", "a"]["first_seen"] == "2024" and by["2024", "a"]["last_seen"] == "2025"
    assert table.undated_ties == [("c", "d")]


def test_the_same_table_from_the_in_memory_store(seed_store, seed_build):
    """rdflib's store answers through the generic path (no Oxigraph answer to read directly): same rows."""
    with generations.open_store(DATA, seed_build, store="memory") as memory:
        assert by_period(memory, "organizations").rows == by_period(seed_store, "organizations").rows
