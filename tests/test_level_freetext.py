"""Free text the build writes is checked against the names above its level (issue 12, finding 10):
a source's title, URL and file name, an event's city, an organization's name or alias, a public
person's alias — when one names a restricted person, the public graph holds a marker in its place,
and the text itself is only in the graph of that person's level. The names are invented.
"""

from __future__ import annotations

import textwrap

import pytest

from kg import export
from kg.records import name_key

from .conftest import kg, mini_data

PEOPLE = """\
people:
  - id: asha-khan
    name: Asha Khan
    honorific: Ms.
    aliases: [Ms. Khan, "Zoe Quimby-Restricted's colleague"]
  - id: zoe-quimby
    name: Zoë Quimby-Restricted
    sensitivity: restricted
"""
ORGS = """\
organizations:
  - id: example-org
    name: Example Org
    sector: civil-society
    aliases: [Zoe Quimby Restricted Trust]
"""
REPORT = """\
source:
  id: mini
  title: "Interview with Zoë Quimby-Restricted"
  url: https://example.org/reports/zo%C3%AB-quimby-restricted.html
  file: sources/zoe_quimby_restricted.txt
events:
  - id: mini-workshop
    name: Workshop on human trafficking
    type: workshop
    city: Zoë Quimby-Restricted Park
    quotes:
      name: The workshop on human trafficking was held in Karachi on 1 March 2024.
    participants:
      - person: asha-khan
        role: opening-speaker
        quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
"""
MARKER = "[withheld: this text names someone recorded at the restricted level]"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("freetext")
    data = mini_data(root, people=PEOPLE, orgs=ORGS, report=textwrap.dedent(REPORT))
    (data / "sources" / "mini.txt").rename(data / "sources" / "zoe_quimby_restricted.txt")
    assert kg("validate", "--no-shacl", "--data", data).exit_code == 0
    return data, root / "b"


def _export(built, fmt, level):
    data, build_dir = built
    result = kg("export", "--format", fmt, "--level", level, "--data", data, "--build-dir", build_dir)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_no_free_text_names_the_restricted_person_at_public_level(built, fmt):
    public = _export(built, fmt, "public")
    assert "quimby" not in name_key(public)  # nowhere, however written: title, URL, file, city, aliases
    assert MARKER in public
    assert "Example Org" in public and "Asha Khan" in public and "Workshop on human trafficking" in public


def test_each_field_is_whole_at_the_restricted_level(built):
    full = _export(built, "nq", "restricted")
    for text in ("Interview with Zoë Quimby-Restricted", "https://example.org/reports/zo%C3%AB-quimby-restricted.html",
                 "sources/zoe_quimby_restricted.txt", "Zoë Quimby-Restricted Park", "Zoe Quimby Restricted Trust",
                 "Zoe Quimby-Restricted's colleague"):  # fmt: skip
        assert text in full, text


def test_the_source_keeps_its_place_at_public_level(built):
    """Redacting the title does not drop the source: its facts still cite it, and it says it has a title."""
    data, build_dir = built
    query = """SELECT ?title WHERE { ?s a <https://schema.org/CreativeWork> ; <http://purl.org/dc/terms/title> ?title .
               ?e <http://purl.org/dc/terms/source> ?s }"""
    result = kg("query", query, "--format", "csv", "--data", data, "--build-dir", build_dir)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [MARKER]


def test_a_source_id_naming_the_person_takes_the_source_up(tmp_path):
    report = textwrap.dedent(REPORT).replace("id: mini\n", "id: zoe-quimby-restricted-interview\n", 1)
    data = mini_data(tmp_path, people=PEOPLE, orgs=ORGS, report=report)
    (data / "sources" / "mini.txt").rename(data / "sources" / "zoe_quimby_restricted.txt")
    result = kg("export", "--format", "nq", "--data", data, "--build-dir", tmp_path / "b")
    assert result.exit_code == 0, result.output
    assert "quimby" not in name_key(result.stdout)
    assert "Workshop on human trafficking" not in result.stdout  # its event went up with it
