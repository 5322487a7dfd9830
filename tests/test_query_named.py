"""Every named query answers correctly on the seed data.

The expected facts were checked by reading the report texts in data/sources/ (quoted in each test),
not taken from the queries' output.
"""

from __future__ import annotations

import textwrap

import pytest

from kg import generations, sparql

from .conftest import DATA, mini_data

SOURCE = (DATA / "sources" / "000_c47be61159dfac83.txt").read_text(encoding="utf-8")
OTHERS = {"top-by-centrality"}  # verified in tests/test_metrics_outputs.py (it reads figures written by kg metrics)
VERIFIED = {
    "events", "people-of-organization", "partners-of-organization", "sectors-at-events", "sector-bridges",
    "themes-by-organization", "themes-by-sector", "events-on-theme", "themes-over-time", "repeat-speakers",
    "alliance-members", "provenance", "event-programme",
    # verified in tests/test_named_queries_new.py
    "events-of-organization", "people-at-event", "co-speakers",
    # verified in tests/test_periods_queries.py
    "actor-appearances", "sector-ties-per-year", "people-active-years",
}  # fmt: skip


def ask(store, name: str, **params) -> list[dict]:
    """Rows of a named query as {variable: plain value or None}."""
    query = sparql.named_query(name)
    exists = lambda iri: bool(store.query("ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }", {"iri": iri}).askAnswer)  # noqa: E731
    bindings = sparql.bindings_for(query, {k: str(v) for k, v in params.items()}, store.base, exists)
    answer = sparql.run(store, query.text, bindings)
    return [{v: (c["value"] if c else None) for v, c in zip(answer.variables, row)} for row in answer.rows]


def test_every_named_query_is_verified_here():
    names = {q.name for q in sparql.named_queries()}
    assert len(names) >= 12
    assert names - OTHERS == VERIFIED


@pytest.mark.parametrize("name", sorted(VERIFIED | OTHERS))
def test_every_named_query_runs_with_its_defaults(seed_store, name):
    if name not in {q.name for q in sparql.named_queries()}:
        pytest.skip(f"{name}.rq is not there yet")
    ask(seed_store, name)  # no error; answers are checked below


def test_events(seed_store):
    rows = ask(seed_store, "events")
    toc = next(r for r in rows if r["event"].endswith("/event/toc-day-lahore-2024"))
    # "held on November 15, 2024, at Universal College Lahore, Pakistan"; "31 in-person participants • 86 online"
    assert (toc["start"], toc["city"], toc["country"], toc["type"]) == ("2024-11-15", "Lahore", "Pakistan", "roundtable")
    assert (toc["inPersonParticipants"], toc["onlineParticipants"]) == ("31", "86")
    # "Organized by the Centre for Governance Research (CGR), Centre for Human Rights (CFHR), and the Global Initiative ..."
    assert set(toc["organizers"].split("; ")) == {"Centre for Governance Research", "Centre for Human Rights",
                                                  "Global Initiative Against Transnational Organized Crime"}
    dated = [r["start"] for r in rows if r["start"]]
    assert dated == sorted(dated) and rows[0]["start"] == "2014-09-23"  # SEEFEN met "on 23-24 September 2014"
    assert "2022-09" in dated  # the alliance formed "in September 2022"
    assert rows[-1]["start"] is None  # undated events last


def test_people_of_organization(seed_store):
    cfhr = {r["name"]: r["title"] for r in ask(seed_store, "people-of-organization", org="cfhr")}
    # "Ms. Sevim Saadat (Director Policy & Advocacy, CFHR) and Mr. Umar Khan (Executive Director, CFHR)";
    # "CFHR, where Ms. Aftab works" (no title)
    assert cfhr == {"Sevim Saadat": "Director Policy & Advocacy", "Umar Khan": "Executive Director", "Seher Aftab": None}
    assert {r["name"] for r in ask(seed_store, "people-of-organization")} == set(cfhr)  # the default org is cfhr
    cgr = {r["name"]: r["title"] for r in ask(seed_store, "people-of-organization", org="cgr")}
    # "Mr. Tariq Khosa (Director, CGR)", "Dr. Syed Kaleem Imam (Chief Coordinator, CGR)"
    assert cgr == {"Tariq Khosa": "Director", "Syed Kaleem Imam": "Chief Coordinator"}
    police = ask(seed_store, "people-of-organization", org="punjab-police")
    # "Mr. Imran Keshwar (Deputy Inspector-General, Organized Crime Unit - Punjab Police)": through the unit
    # "Inspector General Police Punjab Capt (r) Arif Nawaz Khan" (report 15, added in issue 17): directly
    assert [(r["name"], r["title"], r["unitName"]) for r in police] == [
        ("Arif Nawaz Khan", "Inspector General", "Punjab Police"),
        ("Imran Keshwar", "Deputy Inspector-General", "Organized Crime Unit, Punjab Police")]


def test_partners_of_organization(seed_store):
    rows = ask(seed_store, "partners-of-organization", org="cgr")
    links = {(r["partner"].rsplit("/", 1)[1], r["link"]) for r in rows}
    # CGR, CFHR and GI-TOC organized the roundtable together
    assert {("cfhr", "co-organizer"), ("gi-toc", "co-organizer")} <= links
    # "Mr. Muhammad Tahir Rai (Director General, National Police Bureau)" spoke at the same roundtable
    assert ("national-police-bureau", "co-participant") in links
    assert all(r["via"].endswith("/event/toc-day-lahore-2024") for r in rows)
    partners = {p for p, _ in links}
    assert "cgr" not in partners and "sharp-pakistan" not in partners  # SHARP never met CGR in these reports


def test_sectors_at_events(seed_store):
    rows = ask(seed_store, "sectors-at-events")
    toc = {r["sectorLabel"]: int(r["organizations"]) for r in rows if r["event"].endswith("/toc-day-lahore-2024")}
    # "high-level representatives from government, law enforcement, academia and civil society"
    assert {"Government", "Law enforcement", "Academia", "Civil society"} <= set(toc)
    assert toc["Academia"] == 1  # "Ms. Mechthild Geyer (Lecturer, Minhaj University)"
    assert toc["Law enforcement"] == 1  # "Organized Crime Unit - Punjab Police"
    assert toc["Think tank"] == 2  # CGR and "Beaconhouse Center for Policy Research"


def test_sector_bridges(seed_store):
    rows = {r["name"]: r for r in ask(seed_store, "sector-bridges")}
    # Tahir Rai (National Police Bureau, government) spoke at the roundtable organized by CGR (think tank)
    # and CFHR / GI-TOC (civil society)
    rai = rows["Muhammad Tahir Rai"]
    assert (rai["ownSectors"], rai["otherSectors"], set(rai["reached"].split("; "))) == (
        "Government", "2", {"Think tank", "Civil society"})
    assert rows["Centre for Governance Research"]["otherSectors"] == "1"
    wide = {r["name"] for r in ask(seed_store, "sector-bridges", min=2)}
    assert "Muhammad Tahir Rai" in wide and "Centre for Governance Research" not in wide


def test_themes_by_organization(seed_store):
    rows = {r["themeLabel"]: int(r["mentions"]) for r in ask(seed_store, "themes-by-organization", org="cfhr")}
    # trafficking: Saadat and Khan at the roundtable, and CFHR at the UNODC dialogue ("combating trafficking")
    assert rows["Human trafficking"] == 3
    assert rows["Women and children"] == 1  # "... particularly women and children."
    every = ask(seed_store, "themes-by-organization")
    assert {r["orgName"] for r in every} >= {"Centre for Human Rights", "Federal Investigation Agency"}


def test_themes_by_sector(seed_store):
    rows = {r["themeLabel"]: r for r in ask(seed_store, "themes-by-sector", sector="law-enforcement")}
    # "A recent investigation into contract killings" (Imran Keshwar, Organized Crime Unit - Punjab Police)
    assert rows["Contract killing"]["mentions"] == "1"
    # the three FIA officers at the Islamabad workshop all addressed migrant smuggling
    assert (rows["Migrant smuggling"]["mentions"], rows["Migrant smuggling"]["organizations"]) == ("3", "1")
    assert {r["sectorLabel"] for r in rows.values()} == {"Law enforcement"}


def test_events_on_theme(seed_store):
    rows = ask(seed_store, "events-on-theme", theme="human-trafficking")
    dated = [(r["start"], r["event"].rsplit("/", 1)[1]) for r in rows if r["start"]]
    # "On October 4, 2023 ... Trafficking in Persons"; "KARACHI, 1st Mar, 2024 ... TIP experts"; "November 15, 2024"
    assert dated[:3] == [("2023-10-04", "unodc-constructive-dialogue-tip-2023"),
                         ("2024-03-01", "ssdo-tip-experts-session-karachi-2024"),
                         ("2024-11-15", "toc-day-lahore-2024")]  # fmt: skip
    assert rows[-1]["start"] is None  # the SHARP and FIA workshops state no date
    # narrower themes count: Imran Keshwar on "combating money laundering" (under financial crime)
    financial = ask(seed_store, "events-on-theme", theme="financial-crime")
    # and EACC's workshop on financial investigations (report 19, added in issue 17)
    assert [r["event"].rsplit("/", 1)[1] for r in financial] == ["toc-day-lahore-2024",
                                                                   "eacc-financial-investigations-workshop-kenya-2025"]


def test_themes_over_time(seed_store):
    rows = {(r["year"], r["themeLabel"]): int(r["events"]) for r in ask(seed_store, "themes-over-time")}
    assert rows[("2023", "Human trafficking")] == 1  # the UNODC dialogue of 4 October 2023
    # the toc-day roundtable and the SSDO session (1 March 2024); SHARP's workshop is undated
    assert rows[("2024", "Human trafficking")] == 2
    assert rows[("2025", "Civil society engagement")] == 1  # the Malaysia workshop, January 2025


def test_repeat_speakers(seed_store, tmp_path):
    # no one speaks at two different events in the four seed reports
    assert ask(seed_store, "repeat-speakers") == []
    once = {r["name"]: r for r in ask(seed_store, "repeat-speakers", min=1)}
    # Tariq Khosa gave the introductory remarks and "Mr. Tariq Khosa called for ..." in the Closing Remarks
    assert (once["Tariq Khosa"]["events"], once["Tariq Khosa"]["appearances"]) == ("1", "2")
    # a speaker at two events is found
    report = textwrap.dedent("""\
        source: {id: mini, title: Mini report, file: sources/mini.txt}
        events:
          - id: first-workshop
            name: Workshop on human trafficking
            type: workshop
            quotes: {name: The workshop on human trafficking was held in Karachi on 1 March 2024.}
            participants:
              - {person: asha-khan, role: opening-speaker, quote: "Ms. Asha Khan (Director, Example Org) opened the workshop."}
          - id: second-workshop
            name: Second workshop
            type: workshop
            quotes: {name: The workshop on human trafficking was held in Karachi on 1 March 2024.}
            participants:
              - {person: asha-khan, role: speaker, quote: "Ms. Asha Khan (Director, Example Org) opened the workshop."}
        """)
    data = mini_data(tmp_path, report=report)
    with generations.open_store(data, tmp_path / "build") as store:
        rows = ask(store, "repeat-speakers")
    assert [(r["name"], r["events"]) for r in rows] == [("Asha Khan", "2")]


def test_alliance_members(seed_store):
    rows = ask(seed_store, "alliance-members")
    members = {(r["networkName"], r["memberName"], r["relation"], r["title"]) for r in rows}
    alliance = "Alliance of NGOs on Crime Prevention and Criminal Justice"
    # "Mr. Ian Tennant (Chair, Alliance ...)", "Ms. Lisa Hartevelt (Board Member, ...)", "Ms. Anna Alvazzi (Board Member, ...)"
    assert {(alliance, "Ian Tennant", "member", "Chair"), (alliance, "Lisa Hartevelt", "member", "Board Member"),
            (alliance, "Anna Alvazzi", "member", "Board Member")} <= members  # fmt: skip
    net4u = "Civil Society Regional Network for Asia"
    # "helped establish the Civil Society Regional Network for Asia (NET4U)"; "CFHR ... will coordinate NET4U Asia's activities"
    assert {(net4u, "Seher Aftab", "founder", None), (net4u, "Centre for Human Rights", "coordinator", None)} <= members
    # "The alliance now includes 35 civil society organizations and 65 international experts."
    sizes = {r["statedSize"] for r in rows if r["network"].endswith("/pakistan-civil-society-alliance")}
    assert sizes == {"35 civil society organizations; 65 international experts"}


def test_provenance_quotes_are_in_the_source_at_their_line(seed_store):
    lines = SOURCE.splitlines()
    rows = ask(seed_store, "provenance")  # default: sevim-saadat
    kinds = {(r["kind"], r["detail"]) for r in rows}
    assert ("membership", "Director Policy & Advocacy, Centre for Human Rights") in kinds
    assert {k for k, _ in kinds} == {"membership", "participation"}
    for r in rows:
        assert r["quote"][:60] in lines[int(r["line"]) - 1], r
        assert r["source"].endswith("/source/toc-day-lahore-2024")
    # an organization, found by its bare id: "CFHR, where Ms. Aftab works, will coordinate NET4U Asia's activities."
    cfhr = ask(seed_store, "provenance", about="cfhr")
    assert any(r["kind"] == "statement" and r["detail"] == "coordinates" and "will coordinate NET4U" in r["quote"] for r in cfhr)
    # an event's own fields: "Venue: Universal College Lahore, Pakistan"
    event = ask(seed_store, "provenance", about="toc-day-lahore-2024")
    assert any(r["kind"] == "event" and r["detail"] == "venue" and r["quote"] == "Venue: Universal College Lahore, Pakistan"
               for r in event)  # fmt: skip


def test_event_programme(seed_store):
    rows = ask(seed_store, "event-programme")  # default: the Lahore roundtable
    first = rows[0]
    # "Introductory Remarks" comes first; "Mr. Tariq Khosa (Director, CGR)" opens it
    assert first["section"] == "Introductory Remarks"
    assert ("Tariq Khosa", "opening-speaker", "Director, CGR") in {(r["name"], r["part"], r["title"]) for r in rows}
    sections = [r["section"] for r in rows if r["section"]]
    assert sections.index("Closing Remarks") > sections.index("Roundtable") > sections.index("Keynote Speakers")
    # "the unveiling of the Civil Society Declaration by Mr. Tariq Khosa, Mr. Sarmad Saeed (Deputy Director, NIOC),
    #  Mr. John Colling, Ms. Sevim Saadat, and Mr. Umar Khan"
    unveilers = {r["name"] for r in rows if r["part"] == "unveiler"}
    assert unveilers == {"Tariq Khosa", "Sarmad Saeed", "John Collins", "Sevim Saadat", "Umar Khan"}
    ssdo = ask(seed_store, "event-programme", event="ssdo-tip-experts-session-karachi-2024")
    # "Chairperson of SHRC Iqbal Detho also addressed the session."
    assert ("Iqbal Detho", "speaker", "Chairperson of SHRC") in {(r["name"], r["part"], r["title"]) for r in ssdo}
