"""Incremental derived facts (kg.derived per report, kg.increments.derive_facts): the facts are exactly
those ``derive_ranked`` derives over everything, at the same ranks, and an edit derives again only the
report it changed, yet leaves every level store as a build from nothing would."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from kg import config, derived, increments, synth, to_rdf
from kg.records import load_records

from .conftest import DATA
from .test_incremental import assert_same_as_from_nothing, build, edit_title, updated


def parts_of(data: Path) -> list[tuple[dict, dict]]:
    """Each part's contribution (the registries, then each report), as a build collects them."""
    records, base = load_records(data), config.base_iri()
    chunks = to_rdf.Chunks(records, base)
    collector = derived.Collector(base)
    registry = collector.contribution(chunks.registry())  # first, as a build makes them
    return [registry, *(collector.contribution(chunks.report(r)) for r in records.reports)]


def everything(parts) -> dict:
    collector = derived.Collector(config.base_iri())
    for part in parts:
        collector.merge(*part)
    return collector.facts()


def per_part(parts) -> dict:
    base = config.base_iri()
    globals_ = derived.Globals()
    for part in parts:
        globals_.add(derived.split(*part)[1])
    joins = derived.Joins(globals_.tables())
    local = [derived.derive_local(derived.split(*part)[0], joins, base) for part in parts]
    return increments._from_nothing(globals_, globals_.digest(), local, derived.derive_global(joins, base)).facts


@pytest.fixture(scope="module")
def synth_30_levels(tmp_path_factory) -> Path:
    """30 synthetic events, one report recorded at the internal level (so an internal store exists)."""
    data = tmp_path_factory.mktemp("synth-levels") / "data"
    synth.synthesize(30, data, seed=5)
    internal = sorted((data / "reports").glob("*.yaml"))[1]
    text = internal.read_text(encoding="utf-8")
    text = text.replace("  type: report\n", "  type: report\n  sensitivity: internal\n", 1)
    internal.write_text(text, encoding="utf-8")
    return data


@pytest.mark.parametrize("which", ["seed", "synth"])
def test_per_report_facts_are_those_derived_over_everything(which, synth_30_levels):
    parts = parts_of(DATA if which == "seed" else synth_30_levels)
    reference = everything(parts)
    assert reference and len({rank for rank in reference.values()}) >= (1 if which == "seed" else 2)
    assert per_part(parts) == reference  # the same facts at the same ranks


def test_counting_finds_what_changes_when_two_parts_derive_a_fact_at_different_ranks():
    """kg's rules never make two reports derive one fact today, but the counts must hold if one does:
    random parts over a few facts, edited at random, compared with deriving everything again."""
    rng = random.Random(7)
    facts = [(f"s{i}", "p", f"o{i % 3}") for i in range(12)]
    globals_ = derived.Globals()

    def union(parts: list[dict]) -> dict:
        out: dict = {}
        for part in parts:
            for fact, rank in part.items():
                out[fact] = min(rank, out.get(fact, 99))
        return out

    def random_part(pool=facts) -> dict:
        return {f: rng.randrange(3) for f in rng.sample(pool, rng.randrange(0, 6))}

    parts = [random_part(facts[1:]) for _ in range(6)]
    parts[0][facts[0]], parts[1][facts[0]] = 2, 0  # one fact from two parts at two ranks
    state = increments._from_nothing(globals_, "", parts[1:], parts[0]).state
    assert state["shared"][facts[0]] == {2: 1, 0: 1}
    for step in range(40):
        live = union(parts)
        changed = rng.sample(range(len(parts)), rng.randrange(1, 3)) if step else [1]
        new_parts = list(parts)
        for i in changed:
            new_parts[i] = {} if step == 0 else random_part()  # step 0: the lower of the two ranks goes
        result = increments._counted(globals_, "", state, [parts[i] for i in changed], [new_parts[i] for i in changed],
                                     live.get)  # fmt: skip
        after = union(new_parts)
        updated_store = {f: r for f, r in live.items() if (f, r) not in set(result.removed)}
        updated_store.update(dict(result.added))
        assert updated_store == after, step
        assert result.ranks == {r: n for r in set(after.values()) if (n := list(after.values()).count(r))}
        if step == 0:
            assert result.removed == [(facts[0], 0)] and result.added == [(facts[0], 2)]
        parts, state = new_parts, result.state


def test_the_public_facts_handed_on_early_are_those_written_at_the_end(monkeypatch):
    """A build from nothing hands the public derived graph's facts to its store as they are derived
    (``kg.derived.Early``): with the other ranks written after, the same quads as writing every rank at the
    end, each once, also for a fact first derived at a higher rank and then at rank 0."""
    monkeypatch.setattr(derived, "NQUADS_BATCH", 3)  # several pieces
    rng = random.Random(11)
    facts = [(f"https://example.org/s{i}", "https://example.org/p", f"https://example.org/o{i % 4}") for i in range(30)]
    parts = [{f: rng.randrange(3) for f in rng.sample(facts, rng.randrange(3, 12))} for _ in range(8)]
    for part in parts:
        part.pop(facts[0], None)
    parts[2][facts[0]], parts[5][facts[0]] = 2, 0  # first derived at rank 2, lowered to 0 by a later part
    base, pieces = config.base_iri(), []
    early = derived.Early(base, lambda *piece: pieces.append(piece))
    result = increments._from_nothing(derived.Globals(), "", parts[1:], parts[0], early)
    assert {rank for rank, _, _ in pieces} == {0} and len(pieces) > 2

    def lines(of) -> list[bytes]:
        return [line for _, data, _ in of for line in data.splitlines()]

    handed_on = lines(pieces)
    assert len(handed_on) == len(set(handed_on)) == sum(n for _, _, n in pieces)
    assert sorted(handed_on + lines(derived.nquads(result.facts, base, above=0))) == sorted(
        lines(derived.nquads(result.facts, base)))
    assert f"<{facts[0][0]}>".encode() in b"".join(handed_on)


def first_participant_lines(lines: list[str]) -> tuple[int, int]:
    """The lines of the first participant of the first event: [start, end)."""
    start = lines.index("  participants:\n") + 1
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    return start, end


def test_edits_that_add_remove_and_change_derivations(synth_30_levels, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(synth_30_levels, data)
    build_dir = tmp_path / "build"
    build(data, build_dir)
    reports = sorted((data / "reports").glob("*.yaml"))
    derived_again = []
    real = derived.derive_local
    monkeypatch.setattr(derived, "derive_local", lambda *a: derived_again.append(1) or real(*a))

    def edit(path: Path, change) -> int:
        """Edit, build; returns how many parts were derived again."""
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        change(lines)
        path.write_text("".join(lines), encoding="utf-8")
        derived_again.clear()
        result, told = build(data, build_dir)
        again = len(derived_again)
        assert result.rebuilt and updated(told), told
        assert_same_as_from_nothing(data, build_dir, tmp_path)
        return again

    def remove_participant(lines):
        start, end = first_participant_lines(lines)
        del lines[start:end]

    def participant_internal(lines):  # its facts move up a level: the same facts at another rank
        start, _ = first_participant_lines(lines)
        lines.insert(start + 1, "    sensitivity: internal\n")

    def add_organizer(lines):
        at = lines.index("  organizers:\n") + 1
        lines.insert(at, "  - org-1\n")

    assert edit(reports[3], remove_participant) == 1  # only the edited report was derived again
    assert edit(reports[4], participant_internal) == 1
    assert edit(reports[5], add_organizer) == 1
    def retitle(lines):  # no derived fact changes
        at = next(i for i, line in enumerate(lines) if line.startswith("  title:"))
        lines[at] = "  title: Edited by the derived-facts test\n"

    assert edit(reports[6], retitle) == 1

    def move_affiliation(lines):  # org:memberOf changes: participations in other reports count for others
        at = next(i for i, line in enumerate(lines) if line.startswith("  organization: "))
        lines[at] = "  organization: org-2\n"

    affiliated = next(r for r in reports if "\naffiliations:\n" in r.read_text(encoding="utf-8"))
    assert edit(affiliated, move_affiliation) == len(reports) + 1  # the global relations changed: every part
    reports[-1].unlink()
    result, told = build(data, build_dir)
    assert result.rebuilt and updated(told), told
    assert_same_as_from_nothing(data, build_dir, tmp_path)


def test_a_lost_facts_entry_builds_the_stores_again(synth_30_levels, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(synth_30_levels, data)
    build_dir = tmp_path / "build"
    build(data, build_dir)
    for path in (build_dir / "cache" / "entries" / "facts").iterdir():
        path.unlink()
    edit_title(sorted((data / "reports").glob("*.yaml"))[2])
    result, told = build(data, build_dir)
    assert result.rebuilt and any("derived facts of" in m and "no longer in the cache" in m for m in told), told
    assert_same_as_from_nothing(data, build_dir, tmp_path)
    edit_title(sorted((data / "reports").glob("*.yaml"))[3])  # the cache was made again by that build
    result, told = build(data, build_dir)
    assert updated(told), told
