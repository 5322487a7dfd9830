"""kg.extract, piece by piece: each person-mention pattern, each date form, the repeated report,
acronyms, typos in a repeated name, themes. Texts here are written for the tests (not the sample
reports), so they check the patterns rather than four files."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import extract
from kg.extract.dates import find_dates, relative_date
from kg.extract.mentions import find_mentions, split_title_org
from kg.extract.orgs import OrgTable, guess_sector, Org
from kg.extract.text import prepare, split_sentences
from kg.extract.themes import find_themes


def people_of(text: str) -> dict[str, tuple]:
    x = extract(text)
    out = {}
    for p in x.people:
        org = x.org_of(p)
        out[p.name] = (p.honorific, x.title_of(p), org.name if org else None, tuple(org.acronyms) if org else ())
    return out


@pytest.mark.parametrize("sentence, name, honorific, title, org", [
    ("Ms. Rubina Qadir (Programme Manager, Peace Foundation) opened the meeting.", "Rubina Qadir", "Ms.", "Programme Manager", "Peace Foundation"),
    ("Mr. Faisal Amin, Deputy Speaker of Balochistan Provincial Assembly, said the bill was ready.", "Faisal Amin", "Mr.", "Deputy Speaker", "Balochistan Provincial Assembly"),
    ("Executive Director HRF, Syed Ali Raza said the work goes on.", "Syed Ali Raza", None, "Executive Director", "HRF"),
    ("CEO BRIDGE-Pakistan Nadia Karim Lodhi welcomed the guests.", "Nadia Karim Lodhi", None, "CEO", "BRIDGE-Pakistan"),
    ("Chairperson of KPHRC Amna Yousaf also addressed the session.", "Amna Yousaf", None, "Chairperson", "KPHRC"),
    ("Director ANF Quetta Region, Bilal Ahmed Dar, spoke about seizures.", "Bilal Ahmed Dar", None, "Director ANF Quetta Region", "ANF"),
    ("Additional Inspector General (AIG) Operations NACTA, Omar Farooq Khan, gave the closing address.",
     "Omar Farooq Khan", None, "Additional Inspector General (AIG) Operations", "NACTA"),
    ("Dr. Syed Hamid Ali (Dean, Karachi University) spoke next.", "Syed Hamid Ali", "Dr.", "Dean", "Karachi University"),
    ("Federal Minister for Interior Mohsin Naqvi was the chief guest.", "Mohsin Naqvi", None, "Federal Minister for Interior", None),
    ("Panelists included Mr. Adnan Zafar, Director General of the Financial Monitoring Unit (FMU), and others.",
     "Adnan Zafar", "Mr.", "Director General", "FMU"),
    ("Mr. Ambassador Tahir Andrabi (Adviser, Institute of Strategic Studies) presented the study.", "Tahir Andrabi", "Ambassador", "Adviser", "Institute of Strategic Studies"),
])  # fmt: skip
def test_person_patterns(sentence, name, honorific, title, org):
    found = people_of(f"A report\n\n{sentence}")
    assert name in found, found
    got_honorific, got_title, got_org, acronyms = found[name]
    assert got_honorific == honorific
    assert got_title == title
    assert org in (got_org, *acronyms)


def test_surname_and_honorific_mentions_resolve_to_one_person():
    text = ("Seminar report\n\nMs. Zara Baloch (Director, Aware Society) opened the seminar. "
            "Baloch said awareness matters. Later Ms. Baloch thanked the guests.\n\n"
            "In the panel, Ambassador Khalid, asked about borders.\n\n"
            "Mr. Ambassador Khalid Mahmood Shah (Chair, Border Forum) spoke last.")
    x = extract(text)
    names = sorted(p.name for p in x.people)
    assert names == ["Khalid Mahmood Shah", "Zara Baloch"]
    zara = next(p for p in x.people if p.name == "Zara Baloch")
    assert "Baloch" in zara.aliases and len(zara.mentions) == 3
    khalid = next(p for p in x.people if p.name == "Khalid Mahmood Shah")
    assert khalid.honorific == "Ambassador" and "Khalid" in khalid.aliases


def test_typo_in_a_repeated_name_is_the_same_person_marked_for_review():
    text = ("Launch\n\nMr. Peter Hanson (Director, Open Data Centre) spoke first.\n\n"
            "The declaration was unveiled by Mr. Peter Hansen and Ms. Lina Noor.")
    x = extract(text)
    assert sorted(p.name for p in x.people) == ["Lina Noor", "Peter Hanson"]
    peter = next(p for p in x.people if p.name == "Peter Hanson")
    assert "Peter Hansen" in peter.aliases
    assert any(n.startswith("REVIEW:") and "Peter Hansen" in n for n in peter.notes)


def test_different_people_with_a_shared_surname_stay_apart():
    x = extract("Talk\n\nMr. Umar Khan (Director, CFHR) and Mr. Imran Khan (Officer, CFHR) spoke. Khan agreed.")
    assert sorted(p.name for p in x.people) == ["Imran Khan", "Umar Khan"]


def test_people_listed_after_a_colon():
    found = people_of("Session\n\nTwo experts took part in the session: trafficking survivor from Lahore Maria and Daniel from the police of Italy.")
    assert set(found) == {"Maria", "Daniel"}
    assert found["Maria"][1] == "trafficking survivor from Lahore"


def test_acronym_defined_then_used_alone_is_one_organization():
    x = extract("Meeting\n\nThe Human Rights Alliance Network (HRAN) held a meeting in Lahore. "
                "Ms. Sana Mir (Coordinator, HRAN) spoke. Mr. Ali Haider, President of the Human Rights Alliance Network, agreed.")
    orgs = [o for o in x.orgs.orgs if "HRAN" in o.acronyms]
    assert len(orgs) == 1 and orgs[0].name == "Human Rights Alliance Network"
    assert {x.org_of(p).name for p in x.people} == {"Human Rights Alliance Network"}
    assert [o.name for o, _ in x.lists["organizers"]] == ["Human Rights Alliance Network"]


def test_undefined_acronym_joins_the_full_name_by_its_initials():
    x = extract("Day\n\nMr. Asad Ali, President of NIOC, spoke. Mr. Asad Ali (President, National Initiative against Organized Crime) spoke again.")
    [org] = [o for o in x.orgs.orgs]
    assert org.name == "National Initiative against Organized Crime" and "NIOC" in org.acronyms


def test_organization_named_only_by_acronym_and_list_of_organizers():
    x = extract("Workshop\n\nThe workshop ended. Director General FIA, Rana Jamil, thanked the European Union (EU), the UNODC "
                "and the Ministry of Interior for jointly organizing the event.")
    assert [o.name for o, _ in x.lists["organizers"]] == ["European Union", "United Nations Office on Drugs and Crime", "Ministry of Interior"]
    assert x.org_of(x.people[0]).acronyms == ["FIA"]


@pytest.mark.parametrize("text, start, end", [
    ("held on November 15, 2024, at the hall", "2024-11-15", "2024-11-15"),
    ("held on 15th Nov", "2024-11-15", "2024-11-15"),
    ("KARACHI, 1st Mar, 2024: it", "2024-03-01", "2024-03-01"),
    ("on January 15-17, 2025", "2025-01-15", "2025-01-17"),
    ("from 15-17 January 2025", "2025-01-15", "2025-01-17"),
    ("on 2024-11-15", "2024-11-15", "2024-11-15"),
    ("in Nov 2024", "2024-11", "2024-11"),
])  # fmt: skip
def test_date_forms(text, start, end):
    [found] = find_dates(text, default_year=2024)
    assert (found.start, found.end) == (start, end)


def test_date_without_year_needs_a_year_and_says_it_guessed():
    assert find_dates("on 15th Nov") == []
    assert find_dates("on 15th Nov", 2023)[0].guessed_year


def test_relative_dates_count_back_from_the_byline():
    assert relative_date("held a session on Friday.", date(2024, 3, 1)) == ("2024-03-01", "on Friday")
    assert relative_date("held a session on Monday.", date(2024, 3, 1)) == ("2024-02-26", "on Monday")
    assert relative_date("It was yesterday that it ended.", date(2024, 4, 28)) == ("2024-04-27", "yesterday")
    assert relative_date("on Friday", None) is None


def test_weekday_with_a_dated_byline_becomes_the_event_date_for_review():
    x = extract("Session held\n\nLAHORE, 13th Mar, 2024: The Peace Foundation held a seminar on Monday.")
    assert x.event.start_date.value == "2024-03-11" and x.event.start_date.note.startswith("REVIEW:")
    assert x.event.published == "2024-03-13"


def test_report_pasted_twice_is_read_once():
    body = ("Roundtable on smuggling\n\nThe roundtable was held on May 2, 2024 in Karachi.\n\n"
            "Ms. Hina Jilani (Chair, Rights Forum) opened the roundtable with a long welcome to every guest present.\n\n"
            "Mr. Omar Dar (Director, Border Watch) closed it with thanks to the organizers and all speakers.\n")
    once, twice = prepare(body), prepare(body + "\nDownload\n" + body)
    assert twice.repeated >= 3 and [s.text for s in twice.sentences][: len(once.sentences)] == [s.text for s in once.sentences]
    x = extract(body + "\n" + body)
    assert sorted(p.name for p in x.people) == ["Hina Jilani", "Omar Dar"]
    assert len(x.participations) == 2


def test_sentences_are_not_cut_after_honorifics():
    assert split_sentences("Mr. A. Khan spoke. Dr. Bee went on. It ended.") == ["Mr. A. Khan spoke.", "Dr. Bee went on.", "It ended."]


def test_title_and_organization_split():
    assert split_title_org("Director of Academic Engagement at GI-TOC") == ("Director of Academic Engagement", "GI-TOC")
    assert split_title_org("Director of Academic Engagement") == ("Director of Academic Engagement", None)
    assert split_title_org("Sindh Human Rights Commission's (SHRC) Chairperson") == ("Chairperson", "Sindh Human Rights Commission")


def test_no_person_from_organization_names_or_clauses():
    assert find_mentions("Organized by the Centre for Governance Research (CGR) and the Global Initiative (GI).", 0) == []
    assert find_mentions("In the roundtable discussion, Lahore Police stressed the need.", 0) == []


def test_sector_guesses():
    cases = {"Punjab Police": "law-enforcement", "Minhaj University": "academia", "Ministry of Interior": "government",
             "UNODC": "international-organization", "US Embassy": "donor", "Centre for Policy Research": "think-tank",
             "Dastak Society": "civil-society"}  # fmt: skip
    assert {n: guess_sector(Org("o", n)) for n in cases} == cases


def test_themes_use_the_skos_labels():
    assert find_themes("Trafficking in Persons (TIP) and the smuggling of migrants") == ["human-trafficking", "migrant-smuggling"]
    assert find_themes("a tip for you") == []  # acronyms are matched case-sensitively


def test_org_table_finds_by_acronym_and_prefix():
    table = OrgTable()
    org = table.add("National Initiative against Organized Crime", "NIOC")
    assert table.find("NIOC") is org and table.find("the National Initiative") is org
