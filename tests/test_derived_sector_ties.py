"""sector-ties-per-year over the derived organization pairs (kg.derived: kgd:metIn, kgd:sectors): the same
answer as the direct text (tests/derived_direct/sector-ties-per-year.rq) at every level and on both embedded
engines, the first year of a pair taken across the derived graphs of several levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import derived, generations, sparql

from .conftest import mini_data
from .test_derived import ORGS, PEOPLE  # the same two organizations and people

DIRECT = Path(__file__).parent / "derived_direct" / "sector-ties-per-year.rq"
LEVELS = ("public", "internal", "restricted")

# Example Org meets Other Office at the 2023 roundtable only through Asha Khan, whose affiliation is
# restricted; below restricted their first meeting is the 2024 workshop (Example Org organizes it).
SOURCE = """Mini report

The roundtable on cybercrime was held in Lahore on 5 May 2023.
Ms. Asha Khan (Director, Example Org) spoke at the roundtable.
Mr. Omar Ali (Other Office) spoke at the roundtable too.
The workshop on human trafficking was held in Karachi on 1 March 2024.
Mr. Omar Ali (Other Office) spoke at the workshop.
"""
REPORT = """\
source:
  id: mini
  title: Mini report
  file: sources/mini.txt
events:
  - id: mini-roundtable
    name: Roundtable on cybercrime
    type: roundtable
    start_date: 2023-05-05
    quotes:
      name: The roundtable on cybercrime was held in Lahore on 5 May 2023.
    participants:
      - person: asha-khan
        role: speaker
        quote: Ms. Asha Khan (Director, Example Org) spoke at the roundtable.
      - person: omar-ali
        role: speaker
        quote: Mr. Omar Ali (Other Office) spoke at the roundtable too.
  - id: mini-workshop
    name: Workshop on human trafficking
    type: workshop
    start_date: 2024-03-01
    organizers: [example-org]
    quotes:
      name: The workshop on human trafficking was held in Karachi on 1 March 2024.
    participants:
      - person: omar-ali
        role: speaker
        quote: Mr. Omar Ali (Other Office) spoke at the workshop.
affiliations:
  - person: asha-khan
    organization: example-org
    title: Director
    quote: Ms. Asha Khan (Director, Example Org) spoke at the roundtable.
    sensitivity: restricted
  - person: omar-ali
    organization: other-office
    quote: Mr. Omar Ali (Other Office) spoke at the workshop.
"""


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    root = tmp_path_factory.mktemp("sector-ties")
    data = mini_data(root, people=PEOPLE, orgs=ORGS, report=REPORT)
    (data / "sources" / "mini.txt").write_text(SOURCE)
    return data, root / "build"


def _rows(store, text: str) -> tuple[bytes, list]:
    answer = sparql.run(store, text)
    return answer.render("csv", store.base), [tuple(c["value"] for c in row) for row in answer.rows]


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_first_year_of_a_pair_follows_the_level(two_years, kind):
    data, build = two_years
    expected = {"public": "2024", "internal": "2024", "restricted": "2023"}
    for level in LEVELS:
        with generations.open_store(data, build, level=level, store=kind) as store:
            direct, _ = _rows(store, DIRECT.read_text())
            rewritten, rows = _rows(store, sparql.named_query("sector-ties-per-year").text)
            assert rewritten == direct, level
            assert rows == [(expected[level], "civil-society", "government", "1")], level


def test_a_pair_meeting_in_two_years_has_both_and_one_sector_pair(two_years):
    data, build = two_years
    with generations.open_store(data, build, level="restricted") as store:
        rows = store.query("SELECT ?pair ?year WHERE { ?pair <%smetIn> ?year }" % derived.KGD)
        years = sorted(str(year) for _, year in rows)
        combos = store.query("SELECT ?a ?b WHERE { ?pair <%(k)ssectors> ?c . ?c <%(k)ssectorA> ?a ; <%(k)ssectorB> ?b }"
                             % {"k": derived.KGD})  # fmt: skip
        pairs = {str(p) for p, _ in rows}
    assert years == ["2023", "2024"] and len(pairs) == 1
    # Example Org's IRI sorts before Other Office's: its sector is the first of the pair
    assert [(str(a).rsplit("/", 1)[1], str(b).rsplit("/", 1)[1]) for a, b in combos] == [("civil-society", "government")]
