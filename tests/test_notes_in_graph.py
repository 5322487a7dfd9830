"""The curator's notes reach the graph (issue 18, item 6): a record's `note:` becomes
``skos:editorialNote`` on the node its record made (person, organization, source, event, section,
participation, membership, statement, figure), in the graph of that fact's level. A note on a
restricted fact is absent at public; a note on a public fact that names a restricted person is
withheld there like any free text. ``provenance`` and the page's panel show them. Names are invented.
"""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from kg.records import name_key

from .conftest import kg, mini_data

SOURCE = """Mini report

The workshop on human trafficking was held in Karachi on 1 March 2024.
Ms. Asha Khan (Director, Example Org) opened the workshop.
Ms. Zoe Quimby spoke in private.
Example Org counted over 40 cases in 2022 and 2023.
"""
PEOPLE = """\
people:
  - id: asha-khan
    name: Asha Khan
    honorific: Ms.
    note: Registry note on Asha.
  - id: zoe-quimby
    name: Zoe Quimby
    sensitivity: restricted
    note: Registry note on the restricted person.
"""
ORGS = """\
organizations:
  - id: example-org
    name: Example Org
    sector: civil-society
    note: Registry note on Example Org.
"""
REPORT = """\
source:
  id: mini
  title: Mini report
  file: sources/mini.txt
  note: Note on the source.
events:
  - id: mini-workshop
    name: Workshop on human trafficking
    type: workshop
    organizers: [example-org]
    quotes:
      name: The workshop on human trafficking was held in Karachi on 1 March 2024.
    note: No venue is written, so none is recorded.
    sections:
      - id: opening
        name: Opening
        note: Note on the section.
    participants:
      - person: asha-khan
        role: opening-speaker
        section: opening
        quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
        note: Note on the public participation that names Zoe Quimby.
      - person: asha-khan
        role: speaker
        quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
        sensitivity: restricted
        note: Note on the restricted participation.
      - person: zoe-quimby
        role: speaker
        quote: Ms. Zoe Quimby spoke in private.
        note: Note on the participation of the restricted person.
affiliations:
  - person: asha-khan
    organization: example-org
    title: Director
    quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
    note: Note on the membership.
relations:
  - subject: asha-khan
    predicate: member-of
    object: example-org
    quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
    note: Note on the statement.
figures:
  - about: example-org
    value: 40
    qualifier: over
    unit: cases
    quote: Example Org counted over 40 cases in 2022 and 2023.
    note: Note on the figure.
"""
PUBLIC_NOTES = ["Registry note on Asha.", "Registry note on Example Org.", "Note on the source.",
                "No venue is written, so none is recorded.", "Note on the section.", "Note on the membership.",
                "Note on the statement.", "Note on the figure."]  # fmt: skip
RESTRICTED_NOTES = ["Registry note on the restricted person.", "Note on the restricted participation.",
                    "Note on the participation of the restricted person.",
                    "Note on the public participation that names Zoe Quimby."]  # fmt: skip
MARKER = "[withheld: this text names someone recorded at the restricted level]"
NOTE = "<http://www.w3.org/2004/02/skos/core#editorialNote>"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("notes")
    data = mini_data(root, people=PEOPLE, orgs=ORGS, report=textwrap.dedent(REPORT))
    (data / "sources" / "mini.txt").write_text(SOURCE)
    result = kg("validate", "--data", data, "--build-dir", root / "b")
    assert result.exit_code == 0, result.output  # SHACL included
    return data, root / "b"


def _nq(built, level: str) -> list[str]:
    data, build_dir = built
    result = kg("export", "--format", "nq", "--level", level, "--data", data, "--build-dir", build_dir)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def _notes(lines: list[str]) -> dict[str, set[str]]:
    """note text -> the subjects it is written on."""
    found: dict[str, set[str]] = {}
    for line in lines:
        if NOTE in line:
            subject = line.split(" ", 1)[0].strip("<>")
            text = json.loads(re.search(r'"((?:[^"\\]|\\.)*)"', line).group(0))
            found.setdefault(text, set()).add(subject.rsplit("/id/", 1)[-1])
    return found


def test_every_note_is_on_the_node_of_its_record(built):
    notes = _notes(_nq(built, "restricted"))
    assert notes["Registry note on Asha."] == {"person/asha-khan"}
    assert notes["Registry note on Example Org."] == {"org/example-org"}
    assert notes["Note on the source."] == {"source/mini"}
    assert notes["No venue is written, so none is recorded."] == {"event/mini-workshop"}
    assert notes["Note on the section."] == {"event/mini-workshop/opening"}
    assert notes["Note on the membership."] == {"membership/asha-khan/example-org/director"}
    assert notes["Note on the public participation that names Zoe Quimby."] == {
        "participation/mini-workshop/asha-khan/opening-speaker"}
    assert notes["Note on the restricted participation."] == {"participation/mini-workshop/asha-khan/speaker"}
    assert {s.split("/")[0] for s in notes["Note on the statement."]} == {"statement"}
    assert {s.split("/")[0] for s in notes["Note on the figure."]} == {"figure"}


def test_a_note_on_a_restricted_fact_is_absent_at_public(built):
    public = _nq(built, "public")
    notes = _notes(public)
    for text in PUBLIC_NOTES:
        assert text in notes, text
    for text in RESTRICTED_NOTES:
        assert text not in notes, text
    assert "quimby" not in name_key("\n".join(public))
    # the public participation keeps a note, but its text names the restricted person: withheld there
    assert notes[MARKER] >= {"participation/mini-workshop/asha-khan/opening-speaker"}


def test_notes_follow_the_levels(built):
    internal = _notes(_nq(built, "internal"))
    assert "Note on the restricted participation." not in internal
    restricted = _notes(_nq(built, "restricted"))
    for text in PUBLIC_NOTES + RESTRICTED_NOTES:
        assert text in restricted, text


def _provenance(built, about: str, level: str) -> list[dict]:
    data, build_dir = built
    result = kg("query", "--name", "provenance", "--param", f"about={about}", "--format", "json", "--level", level,
                "--data", data, "--build-dir", build_dir)  # fmt: skip
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def test_provenance_shows_the_note_of_each_fact(built):
    rows = _provenance(built, "asha-khan", "public")
    notes = {(r["kind"], r.get("note")) for r in rows}
    assert ("membership", "Note on the membership.") in notes
    assert ("statement", "Note on the statement.") in notes
    assert ("participation", MARKER) in notes
    assert "Note on the restricted participation." not in {r.get("note") for r in rows}
    event = _provenance(built, "mini-workshop", "public")
    assert {r.get("note") for r in event if r["kind"] == "event"} == {"No venue is written, so none is recorded."}
    figure = _provenance(built, "example-org", "public")
    assert ("figure", "Note on the figure.") in {(r["kind"], r.get("note")) for r in figure}
    full = _provenance(built, "asha-khan", "restricted")
    assert "Note on the restricted participation." in {r.get("note") for r in full}


def test_the_page_shows_the_notes_escaped_and_only_at_their_level(built, tmp_path):
    data, build_dir = built
    page = tmp_path / "page.html"
    result = kg("viz", "--data", data, "--build-dir", build_dir, "--level", "public", "-o", page)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "Note on the membership." in html and "Registry note on Asha." in html
    assert "No venue is written, so none is recorded." in html
    assert "Note on the restricted participation." not in html and "quimby" not in name_key(html)
    script = (page.parent / page.name).read_text(encoding="utf-8")
    assert "Curator's notes" in script  # the panel's section for notes on the node itself


def test_a_note_with_markup_stays_text_on_the_page(tmp_path):
    people = PEOPLE.replace("Registry note on Asha.", "'<img src=x onerror=alert(1)></script><b>bold</b>'")
    data = mini_data(tmp_path, people=people, orgs=ORGS, report=textwrap.dedent(REPORT))
    (data / "sources" / "mini.txt").write_text(SOURCE)
    page = tmp_path / "page.html"
    result = kg("viz", "--data", data, "--build-dir", tmp_path / "b", "-o", page)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "</script><b>" not in html  # serialized as inert JSON text
    assert "onerror=alert(1)" in html  # the note is there, only escaped


def test_the_panel_shows_the_notes_as_text_in_a_browser(tmp_path):
    from .conftest import offline_chromium
    from .test_viz_browser import Opened

    hostile = "<img src=x onerror=\"window.__xss=1;alert(1)\">"
    people = PEOPLE.replace("Registry note on Asha.", "'" + hostile + "'")
    report = textwrap.dedent(REPORT).replace("Note on the membership.", "'Membership " + hostile + "'")
    data = mini_data(tmp_path, people=people, orgs=ORGS, report=report)
    (data / "sources" / "mini.txt").write_text(SOURCE)
    page = tmp_path / "page.html"
    assert kg("viz", "--data", data, "--build-dir", tmp_path / "b", "-o", page).exit_code == 0
    with offline_chromium() as browser:
        opened = Opened(browser, page)
        try:
            opened.page.locator("#kg-search").fill("Asha Khan")
            opened.page.locator("#kg-search").press("Enter")
            panel = opened.page.locator("#kg-panel").inner_text()
            assert "curator's notes" in panel.lower() and hostile in panel  # the person's own note, as text
            assert "Curator's note: Membership " + hostile in panel  # the note on her title
            assert "Note on the restricted participation." not in panel
            assert opened.page.locator("#kg-panel img").count() == 0 and opened.js("window.__xss") is None
            assert opened.dialogs == [] and opened.errors == [] and opened.requests == []
        finally:
            opened.page.close()
