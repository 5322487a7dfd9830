"""kg merge (issue 17, item 4): a reviewed draft goes into the records in one command, appended with
comments and order kept, aliases added to existing entries, ids checked, everything validated first,
REVIEW notes refused unless accepted, and --dry-run prints a diff."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from kg.merge import MergeError, plan_merge, review_notes

from .conftest import kg, mini_data

REPORT = """Seminar on migrant smuggling

The seminar on migrant smuggling was held in Lahore on 3 May 2024.
Ms. Asha Khan (Director, Example Org) opened the seminar.
Mr. Bilal Nadeem Rana (Coordinator, Border Watch Society) spoke on smuggling routes.
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def reviewed_draft(tmp_path: Path, data: Path, text: str = REPORT, name: str = "seminar.txt") -> Path:
    """`kg extract --data`, then a stand-in for review: every REVIEW note removed."""
    report = tmp_path / name
    report.write_text(text)
    out = tmp_path / f"draft-{Path(name).stem}"
    result = kg("extract", report, "--out", out, "--data", data)
    assert result.exit_code == 0, result.output
    for path in out.rglob("*.yaml"):
        lines = [ln for ln in path.read_text().splitlines() if "REVIEW:" not in ln or ln.lstrip().startswith("#")]
        path.write_text("\n".join(lines) + "\n")
    return out


@pytest.fixture
def data(tmp_path) -> Path:
    d = mini_data(tmp_path / "records")
    people = d / "people.yaml"
    people.write_text("# the people of the mini records: keep this comment\n" + people.read_text())
    return d


def test_merge_appends_keeps_comments_and_order_and_the_new_event_is_in_the_graph(tmp_path, data):
    before = snapshot(data)
    draft = reviewed_draft(tmp_path, data)
    result = kg("merge", draft, "--into", data)
    assert result.exit_code == 0, result.output
    assert "new person bilal-nadeem-rana: Bilal Nadeem Rana" in result.output
    people = (data / "people.yaml").read_text()
    assert people.startswith(before["people.yaml"].decode().rstrip("\n"))  # nothing above the additions changed
    assert people.count("id: asha-khan") == 1 and "id: bilal-nadeem-rana" in people
    assert "id: border-watch-society" in (data / "organizations.yaml").read_text()
    after = snapshot(data)
    assert set(after) - set(before) == {"reports/seminar.yaml", "sources/seminar.txt"}
    assert after["sources/seminar.txt"] == REPORT.encode()
    assert kg("validate", "--data", data, "--no-shacl").exit_code == 0
    answer = kg("query", "--data", data, "--build-dir", tmp_path / "build",
                "SELECT ?n WHERE { ?e a schema:Event ; schema:name ?n }")
    assert answer.exit_code == 0, answer.output
    assert "Seminar on migrant smuggling" in answer.output or "seminar on migrant smuggling" in answer.output.lower()


def test_a_new_alias_joins_the_existing_entry(tmp_path, data):
    draft = reviewed_draft(tmp_path, data, REPORT.replace("Ms. Asha Khan (Director", "Ms. Asha Khan (Director").replace(
        "opened the seminar.", "opened the seminar. Ms. Asha Noor Khan thanked everyone."))
    people = (draft / "people.yaml").read_text()
    assert "Asha Noor Khan" in people
    result = kg("merge", draft, "--into", data)
    assert result.exit_code == 0, result.output
    assert "aliases of asha-khan: Asha Noor Khan" in result.output
    text = (data / "people.yaml").read_text()
    assert re.search(r"aliases: \[Ms\. Khan, Asha Noor Khan\]", text)
    assert text.startswith("# the people of the mini records: keep this comment\n")


def test_a_first_alias_goes_after_the_name_and_the_layout_stays(tmp_path):
    data = mini_data(tmp_path / "records", people="""\
        people:
          # first group
          - id: asha-khan
            name: Asha Khan
            honorific: Ms.
            note: Director of Example Org.

          - id: omar-ali
            name: Omar Ali
        """)
    draft = reviewed_draft(tmp_path, data, REPORT.replace("opened the seminar.", "opened the seminar. Ms. Asha Noor Khan thanked everyone."))
    assert kg("merge", draft, "--into", data).exit_code == 0
    text = (data / "people.yaml").read_text()
    assert ("  - id: asha-khan\n    name: Asha Khan\n    honorific: Ms.\n    aliases: [Asha Noor Khan]\n"
            "    note: Director of Example Org.\n\n  - id: omar-ali\n") in text


def test_refuses_while_review_notes_remain_listing_file_and_line(tmp_path, data):
    report = tmp_path / "seminar.txt"
    report.write_text(REPORT)
    draft = tmp_path / "draft"
    assert kg("extract", report, "--out", draft, "--data", data).exit_code == 0
    before = snapshot(data)
    result = kg("merge", draft, "--into", data)
    assert result.exit_code != 0
    assert re.search(r"organizations\.yaml:\d+: note: .*REVIEW: sector guessed", result.output)
    assert "REVIEW note(s) remain" in result.output and "Nothing was changed" in result.output
    assert snapshot(data) == before
    assert len(review_notes(draft)) >= 2
    accepted = kg("merge", draft, "--into", data, "--accept-review")
    assert accepted.exit_code == 0, accepted.output


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path, data):
    draft = reviewed_draft(tmp_path, data)
    before = snapshot(data)
    result = kg("merge", draft, "--into", data, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "--- a/people.yaml" in result.output and "+  - id: bilal-nadeem-rana" in result.output
    assert "--- /dev/null" in result.output and "+++ b/reports/seminar.yaml" in result.output
    assert "new file sources/seminar.txt" in result.output
    assert snapshot(data) == before


def test_an_id_used_by_someone_else_is_refused_with_a_suggested_id(tmp_path, data):
    other = mini_data(tmp_path / "other", people="""\
        people:
          - id: asha-khan
            name: Asha Khan
        """)
    draft = reviewed_draft(tmp_path, other, REPORT)
    # the draft's asha-khan is renamed to another person that keeps the id
    people = draft / "people.yaml"
    people.write_text(people.read_text().replace("name: Asha Khan", "name: Asha Karim"))
    before = snapshot(data)
    with pytest.raises(MergeError) as caught:
        plan_merge(draft, data, accept_review=True)
    assert any("id 'asha-khan' is Asha Khan" in p and "e.g. 'asha-khan-2'" in p for p in caught.value.places)
    assert all(re.match(r".+people\.yaml:\d+: ", p) for p in caught.value.places)
    assert snapshot(data) == before


def test_someone_on_record_under_another_id_is_refused(tmp_path, data):
    draft = reviewed_draft(tmp_path, data)
    people = draft / "people.yaml"
    people.write_text(people.read_text().replace("id: bilal-nadeem-rana", "id: bnr"))
    report = next((draft / "reports").glob("*.yaml"))
    report.write_text(report.read_text().replace("bilal-nadeem-rana", "bnr"))
    other = draft / "people.yaml"
    other.write_text(other.read_text() + textwrap.indent("- id: asha-k\n  name: Asha Khan\n", ""))
    with pytest.raises(MergeError) as caught:
        plan_merge(draft, data)
    assert any("'Asha Khan' is already on record as asha-khan" in p for p in caught.value.places)


def test_the_same_report_twice_is_refused(tmp_path, data):
    draft = reviewed_draft(tmp_path, data)
    assert kg("merge", draft, "--into", data).exit_code == 0
    before = snapshot(data)
    result = kg("merge", draft, "--into", data)
    assert result.exit_code != 0 and "already exists" in result.output and "event id" in result.output
    assert snapshot(data) == before


def test_the_merged_folder_is_validated_before_anything_is_written(tmp_path, data, monkeypatch):
    import kg.merge as merge_module

    draft = reviewed_draft(tmp_path, data)
    real = merge_module._merge_registry

    def drop_new_people(plan, draft, into, filename, key, ids, label):  # a merge step that loses the new person
        if filename != "people.yaml":
            real(plan, draft, into, filename, key, ids, label)

    monkeypatch.setattr(merge_module, "_merge_registry", drop_new_people)
    before = snapshot(data)
    result = kg("merge", draft, "--into", data)
    assert result.exit_code != 0
    assert re.search(r"reports/seminar\.yaml:\d+: .*bilal-nadeem-rana", result.output), result.output
    assert "nothing was changed" in result.output
    assert snapshot(data) == before


def test_a_draft_that_does_not_validate_is_refused(tmp_path, data):
    draft = reviewed_draft(tmp_path, data)
    report = next((draft / "reports").glob("*.yaml"))
    report.write_text(report.read_text().replace("type: workshop", "type: picnic").replace("type: seminar", "type: picnic").replace("type: session", "type: picnic"))
    before = snapshot(data)
    result = kg("merge", draft, "--into", data)
    assert result.exit_code != 0 and "picnic" in result.output
    assert snapshot(data) == before
