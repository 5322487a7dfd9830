"""kg.derived: the derived graphs respect levels, equal the direct computation, and the named queries
rewritten over them give the answers the direct queries gave (tests/derived_direct/*.rq are those
queries as they were before, over the stated facts only), plus what the report texts say."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import derived, generations, sparql

from .conftest import DATA, kg, mini_data
from .test_query_named import ask

DIRECT = Path(__file__).parent / "derived_direct"
LEVELS = ("public", "internal", "restricted")

# Example Org organizes and takes part; Other Office takes part; Asha Khan speaks at the workshop and raises a
# theme, but that she works for Example Org is restricted: below restricted nothing may tie her to it.
SOURCE = """Mini report

The workshop on human trafficking was held in Karachi on 1 March 2024.
Ms. Asha Khan (Director, Example Org) opened the workshop.
Mr. Omar Ali (Other Office) spoke next.
"""
ORGS = """\
organizations:
  - id: example-org
    name: Example Org
    sector: civil-society
  - id: other-office
    name: Other Office
    sector: government
"""
PEOPLE = """\
people:
  - id: asha-khan
    name: Asha Khan
  - id: omar-ali
    name: Omar Ali
"""
REPORT = """\
source:
  id: mini
  title: Mini report
  file: sources/mini.txt
events:
  - id: mini-workshop
    name: Workshop on human trafficking
    type: workshop
    start_date: 2024-03-01
    organizers: [example-org]
    quotes:
      name: The workshop on human trafficking was held in Karachi on 1 March 2024.
    participants:
      - person: asha-khan
        role: opening-speaker
        themes: [human-trafficking]
        quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
      - person: omar-ali
        role: speaker
        quote: Mr. Omar Ali (Other Office) spoke next.
affiliations:
  - person: asha-khan
    organization: example-org
    title: Director
    quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
    sensitivity: restricted
  - person: omar-ali
    organization: other-office
    quote: Mr. Omar Ali (Other Office) spoke next.
"""


@pytest.fixture(scope="module")
def levelled(tmp_path_factory):
    root = tmp_path_factory.mktemp("derived")
    data = mini_data(root, people=PEOPLE, orgs=ORGS, report=REPORT)
    (data / "sources" / "mini.txt").write_text(SOURCE)
    return data, root / "build"


def _derived_facts(store) -> set[tuple[str, str, str]]:
    rows = store.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), '/derived')) "
                       "FILTER(STRSTARTS(STR(?p), 'https://kg.example.org/derived#') || ?o = <%sEventSector>) }" % derived.KGD)
    return {(str(s), str(p), str(o)) for s, p, o in rows}


def _direct(store) -> set[tuple[str, str, str]]:
    """kg.derived's rules applied to the stated facts the store reads (its derived graphs left out)."""
    collector = derived.Collector(store.base)
    collector.add(q for q in store.quads() if not q.graph_name.value.endswith("/derived"))
    return derived.derive(collector.at(len(LEVELS) - 1), store.base)


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_derived_facts_at_each_level_come_from_that_level_only(levelled, kind):
    data, build = levelled
    facts = {}
    for level in LEVELS:
        with generations.open_store(data, build, level=level, store=kind) as store:
            facts[level] = _derived_facts(store)
            assert facts[level] == _direct(store), level  # exactly what that level's own facts give
    asha = "https://kg.example.org/id/person/asha-khan"
    org = "https://kg.example.org/id/org/example-org"
    # below restricted nothing derived ties Asha Khan to Example Org: not her sector, not a tie through her
    assert not any(s == asha and o.endswith("sector/civil-society") for s, _, o in facts["public"])
    assert not any(p.endswith("through") and o == asha for _, p, o in facts["public"])
    assert (asha, derived.KGD + "sector", "https://kg.example.org/sector/civil-society") in facts["restricted"]
    counts = {(s, o) for s, p, o in facts["restricted"] if p.endswith("countsFor")}
    assert any(o == org and "asha-khan" in s for s, o in counts)
    assert facts["public"] < facts["restricted"] and facts["internal"] == facts["public"]


def test_queries_over_the_derived_graphs_follow_the_level(levelled):
    data, build = levelled
    with generations.open_store(data, build, level="public") as public, \
            generations.open_store(data, build, level="restricted") as restricted:  # fmt: skip
        assert ask(public, "themes-by-organization", org="example-org") == []
        assert [(r["themeLabel"], r["mentions"]) for r in ask(restricted, "themes-by-organization", org="example-org")] == [
            ("Human trafficking", "1")]
        ties = {(r["partner"].rsplit("/", 1)[1], r["orgPersonName"], r["partnerPersonName"])
                for r in ask(public, "partners-of-organization", org="other-office")}  # fmt: skip
        assert ties == {("example-org", "Omar Ali", None)}
        ties = {(r["partner"].rsplit("/", 1)[1], r["orgPersonName"], r["partnerPersonName"])
                for r in ask(restricted, "partners-of-organization", org="other-office")}  # fmt: skip
        assert ties == {("example-org", "Omar Ali", "Asha Khan")}


def test_derived_graphs_say_what_they_are(levelled):
    data, build = levelled
    with generations.open_store(data, build, level="restricted") as store:
        rows = store.query("SELECT ?g ?from WHERE { ?g a <%sDerivedGraph> ; "
                           "<http://www.w3.org/ns/prov#wasDerivedFrom> ?from }" % derived.KGD)
        found = sorted((str(g).rsplit("/graph/", 1)[1], str(f).rsplit("/", 1)[1]) for g, f in rows)
    assert found == [("public/derived", "public"), ("restricted/derived", "restricted")]


def _answer(store, text: str, name: str, params: dict) -> bytes:
    named = sparql.named_query(name)
    return sparql.run(store, text, sparql.bindings_for(named, params, store.base)).render("csv", store.base)


CASES = {  # named query -> parameter sets: the defaults and entities that have many rows on the seed
    "themes-by-organization": [{}, {"org": "cfhr"}, {"org": "nioc"}],
    "themes-by-sector": [{}, {"sector": "law-enforcement"}, {"sector": "civil-society"}],
    "sectors-at-events": [{}],
    "sector-bridges": [{}, {"min": "2"}],
    "co-speakers": [{}, {"person": "muhammad-tahir-rai"}],
    "themes-over-time": [{}],
    "sector-ties-per-year": [{}],
}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_rewritten_queries_answer_as_the_direct_ones(seed_build, level, name):
    with generations.open_store(DATA, seed_build, level=level) as store:
        for params in CASES[name]:
            direct = _answer(store, (DIRECT / f"{name}.rq").read_text(), name, params)
            assert _answer(store, sparql.named_query(name).text, name, params) == direct, params
            assert direct.count(b"\n") > 1 or name == "co-speakers" and not params


@pytest.mark.parametrize("org", ["cgr", "nioc", "cfhr", "gi-toc"])
def test_partners_give_the_direct_ties(seed_store, org):
    named = sparql.named_query("partners-of-organization")
    bindings = sparql.bindings_for(named, {"org": org}, seed_store.base)
    keys = ("partner", "partnerName", "link", "via", "viaName")
    direct = {tuple(str(row[k]) for k in keys) for row in seed_store.query((DIRECT / f"{named.name}.rq").read_text(), bindings)}
    rows = ask(seed_store, "partners-of-organization", org=org)
    assert direct and {tuple(r[k] for k in keys) for r in rows} == direct


def test_partners_of_organization_names_the_people_each_tie_runs_through(seed_store):
    rows = ask(seed_store, "partners-of-organization", org="nioc")

    def people(partner, link):
        return {(r["orgPersonName"], r["partnerPersonName"]) for r in rows
                if r["partner"].endswith(f"/{partner}") and r["link"] == link}  # fmt: skip

    # "Mr. Tariq Parvez (President, National Initiative against Organized Crime) launched ..." (keynote) and
    # "Mr. Muhammad Tahir Rai (Director General, National Police Bureau) highlighted ..." at the same roundtable;
    # "the unveiling of the Civil Society Declaration by ... Mr. Sarmad Saeed (Deputy Director, NIOC)"
    assert people("national-police-bureau", "co-participant") == {
        ("Tariq Parvez", "Muhammad Tahir Rai"), ("Sarmad Saeed", "Muhammad Tahir Rai")}
    assert {r["via"].rsplit("/", 1)[1] for r in rows if r["partner"].endswith("/national-police-bureau")} == {
        "toc-day-lahore-2024"}
    # "Ms. Sevim Saadat (Director Policy & Advocacy, CFHR) and Mr. Umar Khan (Executive Director, CFHR)"
    assert {p for _, p in people("cfhr", "co-participant")} >= {"Sevim Saadat", "Umar Khan"}
    assert {r["orgPerson"].rsplit("/", 1)[1] for r in rows if r["orgPersonName"] == "Tariq Parvez"} == {"tariq-parvez"}


def test_partners_of_organization_co_organizers_run_through_no_one(seed_store):
    rows = [r for r in ask(seed_store, "partners-of-organization", org="cgr") if r["link"] == "co-organizer"]
    # "Organized by the Centre for Governance Research (CGR), Centre for Human Rights (CFHR), and ... (GI-TOC)":
    # the organizations themselves, one row each, no person between them
    assert sorted((r["partner"].rsplit("/", 1)[1], r["orgPerson"], r["partnerPerson"]) for r in rows) == [
        ("cfhr", None, None), ("gi-toc", None, None)]


def test_partners_come_a_page_at_a_time_in_a_stable_order(seed_store):
    whole = ask(seed_store, "partners-of-organization", org="nioc")
    assert len(whole) > 10
    pages = [ask(seed_store, "partners-of-organization", org="nioc", limit=4, offset=start)
             for start in range(0, len(whole), 4)]  # fmt: skip
    assert all(len(page) <= 4 for page in pages) and [r for page in pages for r in page] == whole
    assert ask(seed_store, "partners-of-organization", org="nioc", limit=0) == []


def test_a_bad_page_is_an_error_not_a_guess(seed_build, tmp_path):
    result = kg("query", "--data", DATA, "--build-dir", seed_build, "--name", "partners-of-organization",
                "--param", "org=nioc", "--param", "limit=-5")  # fmt: skip
    assert result.exit_code != 0 and "limit must be a whole number" in result.output
    listed = kg("queries")
    assert "limit" in listed.output and "offset" in listed.output


def test_sectors_at_events_counts_the_people_of_each_sector(seed_store):
    rows = ask(seed_store, "sectors-at-events")
    toc = {r["sectorLabel"]: (int(r["organizations"]), int(r["people"]))
           for r in rows if r["event"].endswith("/toc-day-lahore-2024")}  # fmt: skip
    # "Mr. Muhammad Tahir Rai (Director General, National Police Bureau)" spoke at the roundtable: law
    # enforcement met there through at least that one person
    assert toc["Law enforcement"][0] >= 1 and toc["Law enforcement"][1] >= 1
