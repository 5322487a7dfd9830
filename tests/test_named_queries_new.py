"""The named queries added in issue 18 (events-of-organization, people-at-event, co-speakers),
checked against the report texts in data/sources/ (each
expectation quotes the sentence it was read from; none was copied from the queries' output)."""

from __future__ import annotations

from .test_query_named import ask


def _id(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[1] if iri else None


def test_events_of_organization_in_date_order_with_the_way_taken_part(seed_store):
    rows = ask(seed_store, "events-of-organization", org="cfhr")
    events = [_id(r["event"]) for r in rows]
    # "On October 4, 2023 ... UNODC Constructive Dialogue on Trafficking in Persons" (CFHR took part);
    # "November 15, 2024" (CFHR co-organized); "a UNODC workshop in Malaysia on January 15-17, 2025" (Ms. Seher Aftab)
    assert list(dict.fromkeys(events)) == ["unodc-constructive-dialogue-tip-2023", "toc-day-lahore-2024",
                                           "unodc-regional-workshop-ngo-engagement-untoc-malaysia-2025"]  # fmt: skip
    # "Constructive Dialogue on Firearms 2025" is only listed under "Related works": no participation, so absent
    assert "constructive-dialogue-on-firearms-2025" not in events
    toc = {(r["part"], r["throughName"]) for r in rows if _id(r["event"]) == "toc-day-lahore-2024"}
    assert ("organizer", None) in toc
    assert {("through its people: roundtable-speaker", "Sevim Saadat"),
            ("through its people: roundtable-speaker", "Umar Khan")} <= toc  # fmt: skip
    malaysia = [r for r in rows if _id(r["event"]).startswith("unodc-regional")]
    assert {(r["start"], r["end"], r["throughName"]) for r in malaysia} == {("2025-01-15", "2025-01-17", "Seher Aftab")}


def test_events_of_organization_reaches_members_of_its_units(seed_store):
    rows = ask(seed_store, "events-of-organization", org="punjab-police")
    got = {(_id(r["event"]), r["part"], r["throughName"]) for r in rows}
    # "Mr. Imran Keshwar (Deputy Inspector-General, Organized Crime Unit - Punjab Police)" at the roundtable;
    # "Inspector General Police Punjab Capt (r) Arif Nawaz Khan has announced joint police operations" (undated)
    assert ("toc-day-lahore-2024", "through its people: roundtable-speaker", "Imran Keshwar") in got
    assert ("punjab-police-anf-meeting-lahore-2019", "organizer", None) in got
    assert rows[-1]["start"] is None and rows[0]["start"] == "2024-11-15"  # undated last


def test_people_at_event(seed_store):
    rows = ask(seed_store, "people-at-event", event="toc-day-lahore-2024")
    by_name: dict[str, list[dict]] = {}
    for r in rows:
        by_name.setdefault(r["name"], []).append(r)
    # "Mr. Tariq Khosa (Director, CGR)" opened, "called for ..." in the Closing Remarks, and unveiled the declaration
    khosa = by_name["Tariq Khosa"]
    assert {(r["part"], r["sectionName"]) for r in khosa} == {
        ("opening-speaker", "Introductory Remarks"), ("closing-speaker", "Closing Remarks"),
        ("unveiler", "Unveiling of the Civil Society Declaration 2024")}  # fmt: skip
    assert {r["title"] for r in khosa} == {"Director, CGR", None}
    assert {r["organizationName"] for r in khosa} == {"Centre for Governance Research"}
    # "Mr. Sarmad Saeed (Deputy Director, NIOC)" is named only in the unveiling
    assert [(r["part"], r["title"]) for r in by_name["Sarmad Saeed"]] == [("unveiler", "Deputy Director, NIOC")]
    # "Mr. Billy Batware (UNODC-Civil Society Unit)": a unit, not a title
    assert {r["title"] for r in by_name["Billy Batware"]} == {None}
    assert "Seher Aftab" not in by_name  # she is named at the Malaysia workshop, not at the roundtable
    assert [r["name"] for r in rows] == sorted(r["name"] for r in rows)
    # "Inspector General Police Punjab Capt (r) Arif Nawaz Khan ..." at the meeting in Lahore
    meeting = ask(seed_store, "people-at-event", event="punjab-police-anf-meeting-lahore-2019")
    assert "Arif Nawaz Khan" in {r["name"] for r in meeting}


def test_co_speakers_share_a_section(seed_store):
    rows = ask(seed_store, "co-speakers", person="john-collins")
    # under the heading "Keynote Speakers": Mr. John Collins, Mr. Tariq Parvez, Mr. Muhammad Tahir Rai
    assert {(r["sectionName"], r["name"], r["part"]) for r in rows} == {
        ("Keynote Speakers", "Tariq Parvez", "keynote-speaker"),
        ("Keynote Speakers", "Muhammad Tahir Rai", "keynote-speaker"),
    }
    # Tariq Khosa spoke under "Introductory Remarks" with Mark Shaw, Ian Tennant, Billy Batware, Lisa Hartevelt
    # and Anna Alvazzi; he also unveiled the declaration, but unveiling is not speaking
    khosa = {(r["sectionName"], r["name"]) for r in ask(seed_store, "co-speakers", person="tariq-khosa")}
    intro = {n for s, n in khosa if s == "Introductory Remarks"}
    assert intro == {"Mark Shaw", "Ian Tennant", "Billy Batware", "Lisa Hartevelt", "Anna Alvazzi"}
    assert "Sarmad Saeed" not in {n for _, n in khosa}
    # a report without programme sections gives no co-speakers (Arif Nawaz Khan hosted the Lahore meeting)
    assert ask(seed_store, "co-speakers", person="arif-nawaz-khan") == []
