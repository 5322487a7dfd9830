"""Identity across reports (issue 17, item 3): a close spelling links to a person on record only with a
second signal (same organization, same title, an alias on record); otherwise the draft keeps a new person
with a REVIEW question naming the candidates, and every decision is reported."""

from __future__ import annotations

import yaml

from kg.extract import extract
from kg.extract.draft import build_draft
from kg.records import load_records

from .conftest import DATA, kg


def draft_people(text: str):
    decisions: list[str] = []
    docs = build_draft(extract(f"A talk\n\n{text}"), "talk.txt", load_records(DATA), decisions)
    return {p["id"]: p for p in docs["people.yaml"]["people"]}, decisions


def test_close_spelling_with_the_same_organization_links_for_review():
    people, decisions = draft_people("Mr. Tariq Khossa (Director, CGR) opened the talk.")
    assert "tariq-khosa" in people and "tariq-khossa" not in people
    note = people["tariq-khosa"]["note"]
    assert note.startswith("REVIEW: matched existing person tariq-khosa") and "same organization (cgr)" in note
    assert decisions == ["Tariq Khossa: linked to tariq-khosa (close spelling and same organization (cgr))"]


def test_close_spelling_with_nothing_else_in_common_is_a_question_not_a_merge():
    people, decisions = draft_people("Mr. Tariq Khossa (Inspector, Sindh Police) opened the talk.")
    assert "tariq-khossa" in people and "tariq-khosa" not in people
    note = people["tariq-khossa"]["note"]
    assert "REVIEW: close to existing tariq-khosa ('tariq khosa', score 0.96), not linked" in note
    assert decisions[0].startswith("Tariq Khossa: new person (the spelling differs")


def test_close_spelling_with_the_same_title_links():
    people, _ = draft_people("Mr. Tariq Khossa, Director, spoke about the alliance.")
    assert "same title ('Director')" in people["tariq-khosa"]["note"]


def test_exact_name_links_without_a_second_signal():
    people, decisions = draft_people("Mr. Tariq Khosa (Inspector, Sindh Police) opened the talk.")
    assert people["tariq-khosa"]["note"].startswith("matched existing person tariq-khosa (same name")
    assert decisions == ["Tariq Khosa: linked to tariq-khosa (same name or alias on record)"]


def test_the_cli_prints_the_linking_decisions(tmp_path):
    report = tmp_path / "talk.txt"
    report.write_text("A talk\n\nMr. Tariq Khossa (Inspector, Sindh Police) opened the talk.\n")
    result = kg("extract", report, "--out", tmp_path / "draft", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert "Tariq Khossa: new person" in result.output
    people = yaml.safe_load((tmp_path / "draft" / "people.yaml").read_text())["people"]
    assert any("not linked" in p.get("note", "") for p in people)
