"""The named queries about time: first and last appearances, ties formed per year between sectors,
people active across the most years. Expected answers read from the reports (quoted)."""

from __future__ import annotations

import textwrap

from kg import generations

from .conftest import mini_data
from .test_query_named import ask


def _by_actor(rows):
    return {r["actor"].rsplit("/", 2)[-1]: r for r in rows}


def test_actor_appearances(seed_store):
    rows = ask(seed_store, "actor-appearances")
    firsts = [r["first"] for r in rows]
    assert firsts == sorted(firsts) and all(firsts)
    actors = _by_actor(rows)
    # CFHR: "On October 4, 2023, CFHR participated in the UNODC Constructive Dialogue"; then the TOC day,
    # "held on November 15, 2024" (which it organized)
    cfhr = actors["cfhr"]
    assert (cfhr["first"], cfhr["last"], cfhr["datedEvents"], cfhr["kind"]) == ("2023-10-04", "2024-11-15", "2", "organization")
    # the alliance: its "representation at the 11th Conference of the Parties in Vienna in October 2022"
    assert (actors["pakistan-civil-society-alliance"]["first"], actors["pakistan-civil-society-alliance"]["last"]) == (
        "2022-10", "2022-10")
    # SEEFEN "held its first meeting in Durres, Albania, on 23-24 September 2014": the earliest of all
    assert rows[0]["first"] == "2014-09-23"
    # the European Union took part in the Kenya workshop (June 2025) and in one undated event
    assert (actors["european-union"]["first"], actors["european-union"]["undatedEvents"]) == ("2025-06-09", "1")
    # a person seen only at undated events (the 2019 Lahore meeting has no date) is left out
    assert "arif-nawaz-khan" not in actors


def test_sector_ties_per_year(seed_store):
    rows = ask(seed_store, "sector-ties-per-year")
    table = {(r["year"], r["sectorA"], r["sectorB"]): r for r in rows}
    # 2023: CFHR (civil society) with UNODC (international organization), the one tie of that year
    assert [k for k in table if k[0] == "2023"] == [("2023", "civil-society", "international-organization")]
    assert table["2023", "civil-society", "international-organization"]["tiesFormed"] == "1"
    # 2024, the SSDO session: "working together with the Sindh Human Rights Commission (SHRC) and the US Embassy";
    # the US Embassy (donor) met SHRC and the Sindh Government (government) there
    donor = table["2024", "donor", "government"]
    assert donor["tiesFormed"] == "2"
    assert table["2024", "civil-society", "donor"]["tiesFormed"] == "1"  # SSDO with the US Embassy
    # 2014: the four at SEEFEN's meeting are all international organizations: no tie between sectors
    assert not any(k[0] == "2014" for k in table)
    assert all(r["sectorA"] < r["sectorB"] for r in rows)


def test_people_active_across_years(seed_store, tmp_path):
    seed = ask(seed_store, "people-active-years")
    # in the seed no one is recorded at dated events of two different years
    assert seed and {r["years"] for r in seed} == {"1"}
    assert ask(seed_store, "people-active-years", min=2) == []
    # a person at a 2023 and a 2024 event is active across 2 years
    source = "Mini report\n\nThe workshop was held in Karachi on 1 March 2024.\nMs. Asha Khan opened the workshop.\n" \
             "The seminar was held in Karachi on 5 May 2023.\nMs. Asha Khan spoke at the seminar.\n"  # fmt: skip
    report = textwrap.dedent("""\
        source:
          id: mini
          title: Mini report
          file: sources/mini.txt
        events:
          - id: workshop-2024
            name: Workshop
            type: workshop
            start_date: 2024-03-01
            quotes:
              name: The workshop was held in Karachi on 1 March 2024.
            participants:
              - person: asha-khan
                role: opening-speaker
                quote: Ms. Asha Khan opened the workshop.
          - id: seminar-2023
            name: Seminar
            type: workshop
            start_date: 2023-05-05
            quotes:
              name: The seminar was held in Karachi on 5 May 2023.
            participants:
              - person: asha-khan
                role: speaker
                quote: Ms. Asha Khan spoke at the seminar.
        """)
    data = mini_data(tmp_path, report=report)
    (data / "sources" / "mini.txt").write_text(source)
    with generations.open_store(data, tmp_path / "build") as store:
        rows = ask(store, "people-active-years", min=2)
    assert [(r["name"], r["years"], r["firstYear"], r["lastYear"], r["events"]) for r in rows] == [
        ("Asha Khan", "2", "2023", "2024", "2")]
