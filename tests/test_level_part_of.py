"""A public event that is part of a restricted one must not name it at public level (issue 12, finding 8)."""

from __future__ import annotations

from .conftest import kg, mini_data

SOURCE = """Mini report

The workshop on human trafficking was held in Karachi on 1 March 2024.
It was part of the closed-door consultation series.
Ms. Asha Khan (Director, Example Org) opened the workshop.
"""

REPORT = """\
source:
  id: mini
  title: Mini report
  file: sources/mini.txt
events:
  - id: secret-consultations
    name: Closed-door consultation series
    type: meeting
    sensitivity: restricted
    quotes:
      name: It was part of the closed-door consultation series.
  - id: mini-workshop
    name: Workshop on human trafficking
    type: workshop
    start_date: 2024-03-01
    city: Karachi
    part_of: secret-consultations
    organizers: [example-org]
    themes: [human-trafficking]
    quotes:
      name: The workshop on human trafficking was held in Karachi on 1 March 2024.
      part_of: It was part of the closed-door consultation series.
    participants:
      - person: asha-khan
        role: opening-speaker
        title: Director, Example Org
        quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
"""


def test_part_of_a_restricted_event_stays_restricted(tmp_path):
    data = mini_data(tmp_path, report=REPORT)
    (data / "sources" / "mini.txt").write_text(SOURCE)
    build = tmp_path / "build"
    exports = {}
    for level in ("public", "restricted"):
        out = tmp_path / f"{level}.nq"
        result = kg("export", "--data", data, "--build-dir", build, "--level", level, "--format", "nq", "-o", out)
        assert result.exit_code == 0, result.output
        exports[level] = out.read_text(encoding="utf-8")
    assert "event/mini-workshop" in exports["public"]
    assert "secret-consultations" not in exports["public"]
    assert "secret-consultations> " in exports["restricted"] and "superEvent" in exports["restricted"]
