"""Bad input that used to be accepted (issue 12, finding 14): each gives FILE:LINE, the field and
what to do, never a traceback; a report with no events is a warning, not an error."""

from __future__ import annotations

import textwrap

import pytest

from kg.records import RecordsInvalid, load_records

from .conftest import kg, mini_data

ORGS = """\
organizations:
  - id: example-org
    name: Example Org
    sector: civil-society
  - id: cgr
    name: Citizens' Group
    sector: civil-society
    parent: {cgr_parent}
  - id: cfhr
    name: Council for Human Rights
    sector: civil-society
    parent: {cfhr_parent}
"""


def problems_of(data) -> list:
    with pytest.raises(RecordsInvalid) as caught:
        load_records(data)
    return caught.value.problems


def validate_output(data):
    result = kg("validate", "--data", data)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("cgr_parent, cfhr_parent, cycle", [
    ("cfhr", "cgr", ["cgr", "cfhr"]),          # cgr <-> cfhr
    ("cgr", "example-org", ["cgr"]),           # its own parent
])  # fmt: skip
def test_a_circular_parent_is_refused_at_its_line(tmp_path, cgr_parent, cfhr_parent, cycle):
    data = mini_data(tmp_path, orgs=ORGS.format(cgr_parent=cgr_parent, cfhr_parent=cfhr_parent))
    found = [p for p in problems_of(data) if p.field.endswith(".parent")]
    lines = {"cgr": 8, "cfhr": 12}  # the `parent:` lines above
    assert sorted((p.file, p.line) for p in found) == sorted(("data/organizations.yaml", lines[o]) for o in cycle)
    for p in found:
        assert "circular" in p.message and p.hint
    result = validate_output(data)
    assert result.exit_code == 1 and "data/organizations.yaml:8: organizations[1].parent: " in result.output


def test_a_parent_chain_without_a_loop_is_fine(tmp_path):
    data = mini_data(tmp_path, orgs=ORGS.format(cgr_parent="cfhr", cfhr_parent="example-org"))
    assert load_records(data).organizations["cgr"].parent == "cfhr"


@pytest.mark.parametrize("name, shown", [
    ('"Asha\\0Khan"', "U+0000"),       # NUL
    ('"Asha\\x07Khan"', "U+0007"),     # a bell
    ('"Asha\\tKhan"', "U+0009"),       # a tab in a name
    ('"Asha\\nKhan"', "U+000A"),       # a line break in a name
    ('"Asha\\x85Khan"', "U+0085"),     # a C1 control (mis-decoded text)
])  # fmt: skip
def test_a_control_character_in_a_name_is_refused(tmp_path, name, shown):
    people = f"people:\n  - id: asha-khan\n    name: {name}\n    honorific: Ms.\n    aliases: [Ms. Khan]\n"
    data = mini_data(tmp_path, people=people)
    found = [p for p in problems_of(data) if p.field == "people[0].name"]
    assert len(found) == 1 and found[0].file == "data/people.yaml" and found[0].line == 3
    assert shown in found[0].message and found[0].hint
    assert validate_output(data).exit_code == 1


def test_a_control_character_in_an_alias_or_an_event_name_is_refused(tmp_path):
    people = 'people:\n  - id: asha-khan\n    name: Asha Khan\n    aliases: ["Ms.\\0Khan"]\n'
    data = mini_data(tmp_path, people=people)
    assert [p.field for p in problems_of(data) if "U+0000" in p.message] == ["people[0].aliases[0]"]
    report = (data / "reports" / "mini.yaml").read_text().replace(
        "name: Workshop on human trafficking", 'name: "Workshop\\0 on human trafficking"')
    (data / "people.yaml").write_text("people:\n  - id: asha-khan\n    name: Asha Khan\n    aliases: [Ms. Khan]\n")
    (data / "reports" / "mini.yaml").write_text(report)
    assert [p.field for p in problems_of(data) if "U+0000" in p.message] == ["events[0].name"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "JavaScript:alert(1)", "ftp://example.org/report", "file:///etc/passwd",
                                 "//example.org/report", "https://", "https://exa mple.org/"])  # fmt: skip
def test_a_source_url_that_is_not_http_is_refused(tmp_path, url):
    data = mini_data(tmp_path)
    report = (data / "reports" / "mini.yaml").read_text().replace(
        "  file: sources/mini.txt\n", f"  file: sources/mini.txt\n  url: '{url}'\n")
    (data / "reports" / "mini.yaml").write_text(report)
    found = [p for p in problems_of(data) if p.field == "source.url"]
    assert len(found) == 1 and found[0].file == "data/reports/mini.yaml" and found[0].line == 5
    assert "http" in found[0].hint
    assert validate_output(data).exit_code == 1


def test_http_and_https_urls_are_accepted(tmp_path):
    for url in ("https://example.org/a?b=c#d", "http://example.org/"):
        data = mini_data(tmp_path / url.split(":")[0])
        report = (data / "reports" / "mini.yaml").read_text().replace(
            "  file: sources/mini.txt\n", f"  file: sources/mini.txt\n  url: '{url}'\n")
        (data / "reports" / "mini.yaml").write_text(report)
        assert load_records(data).reports[0].source.url == url


EMPTY_REPORT = textwrap.dedent("""\
    source:
      id: empty
      title: A report not yet read
      file: sources/mini.txt
    """)


def test_a_report_with_no_events_is_a_warning(tmp_path):
    data = mini_data(tmp_path)
    (data / "reports" / "empty.yaml").write_text(EMPTY_REPORT)
    records = load_records(data)  # still valid
    assert [(w.file, w.line, w.field) for w in records.warnings] == [("data/reports/empty.yaml", 1, "events")]
    assert records.warnings[0].hint
    result = validate_output(data)
    assert result.exit_code == 0, result.output
    assert "warning: data/reports/empty.yaml:1: events: " in result.output and "No problems found." in result.output
    built = kg("build", "--data", data, "--build-dir", tmp_path / "build")
    assert built.exit_code == 0 and "warning: data/reports/empty.yaml:1: events: " in built.output


def test_the_seed_data_has_no_warnings():
    from .conftest import DATA

    assert load_records(DATA).warnings == []
