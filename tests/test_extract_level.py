"""`kg extract --data` at a level: a draft is passed around, so it holds only what the level allows.

The attack: a registry with a restricted person and a restricted parent organization; a new report
that names them. Before the fix the public draft carried their ids, their registry-only aliases and
`sensitivity: restricted`, telling anyone who reads the draft who is recorded above the level.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import kg, mini_data

PEOPLE = """\
people:
  - id: asha-khan
    name: Asha Khan
    honorific: Ms.
  - id: zelda-quimby-restricted
    name: Zelda Quimby
    aliases: [Codename Heron]
    sensitivity: restricted
"""
ORGS = """\
organizations:
  - id: example-org
    name: Example Org
    sector: civil-society
    parent: shadow-network
  - id: shadow-network
    name: Shadow Network Trust
    aliases: [The Quiet Fund]
    sector: civil-society
    sensitivity: restricted
"""
REPORT = """A talk on migrant smuggling in Karachi

The talk on migrant smuggling was held in Karachi on 2 May 2024 by Example Org.
Ms. Zelda Quimby (Director, Example Org) and Ms. Asha Khan (Director, Example Org) spoke.
"""


def _draft(tmp: Path, data: Path, name: str, *extra: str) -> tuple[dict[str, str], str]:
    report = tmp / "talk.txt"
    report.write_text(REPORT)
    out = tmp / name
    result = kg("extract", report, "--out", out, "--data", data, *extra)
    assert result.exit_code == 0, result.output
    files = {str(p.relative_to(out)): p.read_text() for p in sorted(out.rglob("*.yaml"))}
    return files, result.output


def test_a_public_draft_holds_nothing_of_the_entries_above_public(tmp_path):
    data = mini_data(tmp_path / "full", people=PEOPLE, orgs=ORGS)
    draft, said = _draft(tmp_path, data, "public-draft")
    text = "".join(draft.values())
    for secret in ("zelda-quimby-restricted", "Codename Heron", "shadow-network", "Quiet Fund", "restricted"):
        assert secret not in text
    assert "asha-khan" in draft["people.yaml"]  # the public person is still linked
    # the person who ran it is told what was left out (on the terminal, not in the draft)
    assert "Left out of the draft: 2 registry entries above the public level" in said
    assert "zelda-quimby-restricted" in said


def test_the_public_draft_is_the_draft_of_the_public_registry_alone(tmp_path):
    full = mini_data(tmp_path / "full", people=PEOPLE, orgs=ORGS)
    public_people = PEOPLE.split("  - id: zelda-quimby-restricted")[0]
    public_orgs = ORGS.replace("    parent: shadow-network\n", "").split("  - id: shadow-network")[0]
    alone = mini_data(tmp_path / "alone", people=public_people, orgs=public_orgs)
    assert _draft(tmp_path, full, "from-full")[0] == _draft(tmp_path, alone, "from-alone")[0]


def test_at_restricted_level_the_entries_are_linked_and_copied(tmp_path):
    data = mini_data(tmp_path / "full", people=PEOPLE, orgs=ORGS)
    draft, said = _draft(tmp_path, data, "restricted-draft", "--level", "restricted")
    assert "id: zelda-quimby-restricted" in draft["people.yaml"]
    assert "sensitivity: restricted" in draft["people.yaml"]
    assert "id: shadow-network" in draft["organizations.yaml"]  # the parent, copied with its child
    assert "Left out" not in said
