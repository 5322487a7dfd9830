"""The loop, measured (issue 17, item 5): every shared report goes through `kg extract --data` -> an
automatic stand-in for review (its gold file: people the gold does not list are removed, REVIEW notes are
taken as checked) -> `kg merge` -> `kg validate` -> `kg build`, one after the other into one copy of data/.
Nobody may be duplicated, and nothing already in data/ may change except by additions. Reports already
in data/ must be refused (merging them again would copy their events)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kg.extract.evaluate import person_key
from kg.records import load_records, name_key

from .conftest import ROOT, copy_data, kg

# the eight shared reports: their texts are in data/sources/ (they joined data/ through this loop) and
# their gold files, copied unchanged from shared/reports/, in tests/gold/; the seed's own report is not one
GOLD = ROOT / "tests" / "gold"
SEED_REPORT = "000_c47be61159dfac83"
REPORTS = sorted(ROOT / "data" / "sources" / (g.name.removesuffix(".gold.yaml") + ".txt")
                 for g in GOLD.glob("*.gold.yaml") if not g.name.startswith(SEED_REPORT))  # fmt: skip
ON_RECORD = {"01-sharp-act-workshop-karachi", "03-ssdo-shrc-tip-experts-session-karachi", "08-fia-regional-som-workshop-islamabad"}


def _drop_review_notes(node):
    if isinstance(node, dict):
        if "REVIEW:" in str(node.get("note", "")):
            del node["note"]
        for value in node.values():
            _drop_review_notes(value)
    elif isinstance(node, list):
        for value in node:
            _drop_review_notes(value)


def review_by_gold(draft: Path, gold: Path) -> None:
    """What a reviewer does with the text and the gold file at hand: remove people the gold does not
    list (and their facts), and settle every REVIEW note."""
    wanted = {person_key(p["name"]) for p in yaml.safe_load(gold.read_text())["people"]}
    people_file = draft / "people.yaml"
    people = yaml.safe_load(people_file.read_text())["people"]
    drop = {p["id"] for p in people if person_key(p["name"]) not in wanted and not p.get("note", "").startswith("matched existing")}
    docs = {people_file: {"people": [p for p in people if p["id"] not in drop]},
            draft / "organizations.yaml": yaml.safe_load((draft / "organizations.yaml").read_text())}
    for path in (draft / "reports").glob("*.yaml"):
        report = yaml.safe_load(path.read_text())
        for event in report["events"]:
            if "participants" in event:
                event["participants"] = [p for p in event["participants"] if p["person"] not in drop]
        report["affiliations"] = [a for a in report.get("affiliations", []) if a["person"] not in drop]
        if not report["affiliations"]:
            del report["affiliations"]
        docs[path] = report
    for path, doc in docs.items():
        _drop_review_notes(doc)
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100_000))


def without_new_reports(data: Path) -> None:
    """data/ as it was before the five new reports joined it (issue 17 item 6): their report and source
    files removed, and the registry entries only they name (the others, and their parents, stay)."""
    for path in list((data / "reports").glob("*.yaml")):
        source = yaml.safe_load(path.read_text())["source"]["file"]
        if Path(source).stem not in ON_RECORD and Path(source).stem in {r.stem for r in REPORTS}:
            path.unlink()
            (data / source).unlink()
    text = "\n".join(p.read_text() for p in (data / "reports").glob("*.yaml"))
    for filename, key in (("people.yaml", "people"), ("organizations.yaml", "organizations")):
        doc = yaml.safe_load((data / filename).read_text())
        named = {e["id"] for e in doc[key] if re.search(rf"(?<![\w-]){re.escape(e['id'])}(?![\w-])", text)}
        while True:  # the parents of what stays
            parents = {e["parent"] for e in doc[key] if e["id"] in named and e.get("parent")} - named
            if not parents:
                break
            named |= parents
        if len(named) < len(doc[key]):
            doc[key] = [e for e in doc[key] if e["id"] in named]
            (data / filename).write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100_000))


def entries(data: Path, filename: str, key: str) -> list[dict]:
    return yaml.safe_load((data / filename).read_text())[key]


def test_every_shared_report_through_extract_review_merge_validate_build(tmp_path):
    assert len(REPORTS) == 8 and all(r.is_file() for r in REPORTS)
    data = copy_data(tmp_path)
    without_new_reports(data)
    assert kg("validate", "--data", data, "--no-shacl").exit_code == 0
    original = {f: (data / f).read_bytes() for f in ("people.yaml", "organizations.yaml")}
    original_files = {str(p.relative_to(data)): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    events_before = sum(len(r.events) for r in load_records(data).reports)
    merged = []
    for report in REPORTS:
        draft = tmp_path / "drafts" / report.stem
        result = kg("extract", report, "--out", draft, "--data", data)
        assert result.exit_code == 0, result.output
        review_by_gold(draft, GOLD / f"{report.stem}.gold.yaml")
        result = kg("merge", draft, "--into", data)
        if report.stem in ON_RECORD:
            assert result.exit_code != 0 and "this report is on record" in result.output, result.output
            continue
        assert result.exit_code == 0, f"{report.name}: {result.output}"
        merged.append(report.stem)
        assert kg("validate", "--data", data, "--no-shacl").exit_code == 0
    assert len(merged) == 5
    result = kg("validate", "--data", data)
    assert result.exit_code == 0, result.output
    result = kg("build", "--data", data, "--build-dir", tmp_path / "build")
    assert result.exit_code == 0, result.output
    records = load_records(data)
    assert sum(len(r.events) for r in records.reports) == events_before + 5
    # nobody duplicated: every name and alias of a person belongs to one id
    owner: dict[str, str] = {}
    for person in records.people.values():
        for n in {name_key(person.name), *(name_key(a) for a in person.aliases)}:
            assert owner.setdefault(n, person.id) == person.id, f"{n!r} is both {owner[n]} and {person.id}"
    # the gold people of every merged report are on record
    for stem in merged:
        for p in yaml.safe_load((GOLD / f"{stem}.gold.yaml").read_text())["people"]:
            assert any(person_key(p["name"]) == person_key(q.name) for q in records.people.values()), p["name"]
    # nothing already in data/ changed except by additions
    for rel, content in original_files.items():
        if rel not in original:
            assert (data / rel).read_bytes() == content, f"{rel} changed"
    for filename, key in (("people.yaml", "people"), ("organizations.yaml", "organizations")):
        before = yaml.safe_load(original[filename])[key]
        after = entries(data, filename, key)
        assert [e["id"] for e in after[: len(before)]] == [e["id"] for e in before]  # order kept, new ones after
        for old, new in zip(before, after):
            for k, v in old.items():
                if k in ("aliases", "acronyms"):
                    assert set(v) <= set(new[k]), (old["id"], k)
                else:
                    assert new[k] == v, (old["id"], k)
        comments = [ln for ln in original[filename].decode().splitlines() if ln.lstrip().startswith("#")]
        text = (data / filename).read_text()
        assert all(c in text for c in comments)
