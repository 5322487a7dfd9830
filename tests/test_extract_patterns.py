"""The pattern families of issue 17, each on invented names (none from the shared reports): ranks,
credentials, double honorifics, titles before honorifics, descriptors in comma lists, appositives that end
at a verb, lowercase descriptors, organizations inside titles, sub-units, "the Commission" standing for an
organization named before, delegations, non-ASCII names, and unnamed officials that are not people."""

from __future__ import annotations

import pytest

from kg.extract import extract
from kg.extract.mentions import split_title_org
from kg.extract.orgs import sub_units


def people_of(text: str) -> dict[str, tuple]:
    x = extract(f"A report\n\n{text}")
    out = {}
    for p in x.people:
        org = x.org_of(p)
        out[p.name] = (p.honorific, x.title_of(p), org.name if org else None, tuple(org.acronyms) if org else ())
    return out


@pytest.mark.parametrize("sentence, name, honorific, title, org", [
    # ranks before names, with a retired mark, after a title
    ("Director General Coast Guard Force Capt (r) Tahir Mehmood Rana ordered checks.", "Tahir Mehmood Rana", "Capt (r)", "Director General", "Coast Guard Force"),
    ("Secretary General Major General Amir Raza Qureshi gave the welcome address.", "Amir Raza Qureshi", "Major General", "Secretary General", None),
    ("The team was met by Colonel Danish Ali Mirza.", "Danish Ali Mirza", "Colonel", "Colonel", None),
    # professional credentials and double honorifics without periods
    ("She thanked the Kenya Audit Board's Director of Audit, CPA Mary Wanjiku Otieno, for her work.", "Mary Wanjiku Otieno", "CPA", "Director of Audit", "Kenya Audit Board"),
    ("Prof Dr Sadia Rehman Baig (Dean, Hill Park University) opened the seminar.", "Sadia Rehman Baig", "Dr.", "Dean", "Hill Park University"),
    # a title, then an honorific, then the name
    ("Head of the Regional Security Center Ambassador Lars Ove Lindqvist said the risk was rising.", "Lars Ove Lindqvist", "Ambassador", "Head", "Regional Security Center"),
    ("The keynote came from ACME CEO Mr. Otto Brenner Falk.", "Otto Brenner Falk", "Mr.", "CEO", "ACME"),
    # an appositive that ends at the verb, with a parenthesis inside
    ("Dr. Nadia Farooq Sheikh, Pro Rector (R&D) GCUF said research matters.", "Nadia Farooq Sheikh", "Dr.", "Pro Rector (R&D)", "GCUF"),
    ("Dr. Omar Tariq Lodhi, Associate Professor Economics, spoke on budgets.", "Omar Tariq Lodhi", "Dr.", "Associate Professor Economics", None),
    # lowercase descriptors before the title word, and "title, organization" after the name
    ("Mr. Pieter Van Dam, senior border management adviser IOM, spoke next.", "Pieter Van Dam", "Mr.", "senior border management adviser", "IOM"),
    ("The message was read by Lucia Ferro Bianchi, team Lead, UNDP.", "Lucia Ferro Bianchi", None, "team Lead", "UNDP"),
    ("Ms. Grace Achieng Mbeki, the Country Representative of UNHCR KEN, welcomed all.", "Grace Achieng Mbeki", "Ms.", "Country Representative", "UNHCR KEN"),
    # an organization before the title, and one after it with its head word inside
    ("The guest was African Union (AU) Envoy to Chad Samuel Okello Tumwine.", "Samuel Okello Tumwine", None, "Envoy to Chad", "African Union"),
    ("Inspector General Police Sindh Rashid Ahmed Baloch visited the site.", "Rashid Ahmed Baloch", None, "Inspector General", "Police Sindh"),
    ("Dr. Imran Aziz Malik, Chairman Department of History & Deputy Dean Arts, gave thanks.",
     "Imran Aziz Malik", "Dr.", "Chairman Department of History & Deputy Dean Arts", "Department of History"),
    # names with letters beyond ASCII
    ("Dr. Marko Đorđević Šarić, Coordinator SEENET, closed the meeting.", "Marko Đorđević Šarić", "Dr.", "Coordinator", "SEENET"),
])  # fmt: skip
def test_pattern_families(sentence, name, honorific, title, org):
    found = people_of(sentence)
    assert name in found, found
    got_honorific, got_title, got_org, acronyms = found[name]
    assert (got_honorific, got_title) == (honorific, title)
    assert org in (got_org, *acronyms)


def test_descriptors_in_a_long_comma_list_are_one_person_each():
    found = people_of("Papers were read by HRW researcher Ayesha Noor Baig, Professor of Law at Kent University Bilal Aslam Qazi, "
                      "Programme Manager of IOM’s Border Management Unit Hans Peter Olsen and migration expert Rida Kamal Shah.")
    assert set(found) == {"Ayesha Noor Baig", "Bilal Aslam Qazi", "Hans Peter Olsen", "Rida Kamal Shah"}
    assert found["Bilal Aslam Qazi"][1:3] == ("Professor of Law", "Kent University")
    assert found["Hans Peter Olsen"][1:3] == ("Programme Manager", "Border Management Unit")
    assert found["Rida Kamal Shah"][1] == "migration expert"


def test_a_descriptor_before_an_honorific_is_the_title():
    assert people_of("Also present was educationist Dr Sara Imtiaz Baqir.")["Sara Imtiaz Baqir"][1] == "educationist"


def test_the_commission_stands_for_the_one_organization_named_before():
    x = extract("Workshop\n\nThe remarks of KACC CEO Mr. Paul Otieno Kamau were read by the Commission’s Director of Training, "
                "CPA Ruth Njeri Waweru.")
    ruth = next(p for p in x.people if p.name == "Ruth Njeri Waweru")
    assert x.org_of(ruth).names()[0] == "KACC" and x.title_of(ruth) == "Director of Training"


def test_the_commission_with_no_single_candidate_gets_no_organization():
    x = extract("Workshop\n\nThe Commission’s Director of Training, CPA Ruth Njeri Waweru, spoke.")
    ruth = next(p for p in x.people if p.name == "Ruth Njeri Waweru")
    assert x.org_of(ruth) is None and all(o.name != "Commission" for o in x.orgs.orgs)


def test_members_of_a_delegation_belong_to_its_organization():
    found = people_of("He met a delegation of the Border Police Force, which included Deputy Director Major Saad Anwar and Captain Nabeel.")
    assert found["Saad Anwar"] == ("Major", "Deputy Director", "Border Police Force", ())
    assert found["Nabeel"] == ("Captain", "Captain", "Border Police Force", ())


def test_sub_units_are_their_own_organization_with_a_parent():
    assert sub_units("The Department of History of Hill Park University Lahore held a seminar.") == \
        [("Department of History", "Hill Park University Lahore")]
    x = extract("Seminar\n\nThe Cyber Crime Wing of the Federal Police Agency held a seminar. FPA’s Cyber Crime Wing thanked all.")
    wing = next(o for o in x.orgs.orgs if o.name == "Cyber Crime Wing")
    parent = next(o for o in x.orgs.orgs if o.key == wing.parent)
    assert parent.name == "Federal Police Agency"


def test_an_acronym_joins_a_name_whose_place_was_dropped():
    x = extract("Seminar\n\nThe Department of History of Hill Park University Lahore held a seminar. "
                "Dr. Imran Aziz Malik, Dean Arts HPUL, spoke.")
    imran = next(p for p in x.people if p.name == "Imran Aziz Malik")
    assert "Hill Park University Lahore" in x.org_of(imran).names()


def test_unnamed_officials_and_title_areas_are_not_people():
    x = extract("Seminar\n\nA representative of the Ministry of Interior and the Head of the Border Unit of the Federal Police Agency "
                "in Quetta were also present. Addl IG Operations said the plan was ready. Assistant Professor Sociology was away.")
    assert x.people == []


def test_rank_words_that_end_a_title_are_not_ranks():
    assert people_of("Director General Imran Yousaf Khan opened it.")["Imran Yousaf Khan"][:2] == (None, "Director General")
    assert people_of("Assistant Professor Nadeem Akhtar Butt spoke.")["Nadeem Akhtar Butt"][:2] == (None, "Assistant Professor")


def test_split_keeps_the_title_and_finds_the_organization():
    assert split_title_org("European Union (EU) Ambassador to Chad") == ("Ambassador to Chad", "European Union (EU)")
    assert split_title_org("Regional Representative of UNODC ROPAN") == ("Regional Representative", "UNODC ROPAN")
    assert split_title_org("Programme Manager of IOM’s Border Unit") == ("Programme Manager", "IOM’s Border Unit")


def test_a_date_opening_the_report_is_its_date_and_the_event_has_its_own():
    x = extract("Workshop news\n\n14th June 2025: The Audit Board has held a workshop for investigators. "
                "The workshop ran from June 9th to 13th at the Hill Park Campus.")
    assert x.event.published == "2025-06-14"
    assert (x.event.start_date.value, x.event.end_date.value) == ("2025-06-09", "2025-06-13")
