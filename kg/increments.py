"""What a build reuses from the builds before it: the records of unchanged files, the quads of
unchanged reports, and the level stores of the live generation, updated graph by graph.

* ``RecordsCache``: a file's parsed and checked records, keyed by its bytes (and, for a report, its
  source text's), its name and kg's build code. Files with a problem are never kept. The checks
  across files (every id a report names exists, no id twice) always run over the whole set.
* ``convert``: the quads of each report as N-Quads bytes per sensitivity rank, with their counts and
  what the derived graphs read from them (``kg.derived.Collector.contribution``), keyed by the
  report's records, the registries and what the report takes from other reports
  (``kg.to_rdf.Chunks.context``).
* ``StoreDelta``: what changed between the live generation and this build, applied to a checkpoint
  of each level store (``pyoxigraph.Store.backup``: hard links) instead of loading it again.

Every entry is a cache (``kg.buildcache``): unreadable or foreign entries are ignored and made again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import derived, to_rdf
from .buildcache import Entries, FileDigests
from .inputs import Spill, code_digest
from .records import Records, Report


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class RecordsCache:
    """``kg.records.load_records(data_dir, cache=...)``: reuse what an unchanged file was read into."""

    def __init__(self, build_dir, data_dir, digests: FileDigests):
        self.entries = Entries(build_dir, "records", code_digest())
        self.digests, self.root = digests, os.path.abspath(data_dir)
        self.keys: dict[str, str] = {}  # file name (as in Loc) -> digest of all it was read from
        self.used: set[str] = set()  # the entries read or written
        self.reused = 0

    def load(self, path: Path, name: str, problems: list, warnings: list, make):
        digest = self.digests.known(path)
        key = _key("records", self.root, name, digest) if digest else None
        if key is not None:
            hit = self.entries.load(key)
            if hit is not None:
                value, file_warnings, depends = hit
                if all(self.digests.known(Path(p)) == d for p, d in depends):
                    warnings.extend(file_warnings)
                    self.keys[name] = _key(key, *(d for _, d in depends))
                    self.used.add(key)
                    self.reused += 1
                    return value
        problems_before, warnings_before = len(problems), len(warnings)
        value = make()
        if key is None or value is None or len(problems) != problems_before:
            return value
        depends = []
        if isinstance(value, Report):  # the report's quotes were found in its source text
            source = os.path.abspath(os.path.join(self.root, value.source.file))
            source_digest = self.digests.known(Path(source))
            if source_digest is None:  # not among the files looked at (hidden, a link…): read it each time
                return value
            depends.append((source, source_digest))
        self.entries.save(key, (value, warnings[warnings_before:], depends))
        self.used.add(key)
        self.keys[name] = _key(key, *(d for _, d in depends))
        return value


@dataclass
class Part:
    """One report's (or the registries') quads, ready for ``Spill.add_pieces``."""

    name: str
    key: str | None
    owner: str | None  # the report's source id (None for the registries)
    pieces: list
    collected: tuple


@dataclass
class Converted:
    parts: list[Part] = field(default_factory=list)
    reused: int = 0


def convert(records: Records, base: str, build_dir, keys: dict[str, str], spill: Spill,
            collector: derived.Collector, previous: dict | None = None) -> Converted:  # fmt: skip
    """Every part's quads (the registries, then each report in order), from the cache when the part
    and what it depends on did not change; the collector gets each part's contribution. The pieces
    are kept only where an update of the live stores needs them: parts that differ from
    ``previous`` (name -> [key, owner] of the live generation); ``None``: none kept (spilled)."""
    entries = Entries(build_dir, "quads", code_digest())
    chunks = to_rdf.Chunks(records, base)
    out = Converted()
    registries = [keys.get(_name(records, f)) for f in ("people.yaml", "organizations.yaml")]
    registry_key = _key("registry", base, *registries) if all(registries) else None

    def part(name: str, key: str | None, owner: str | None, make) -> Part:
        if key is not None:
            hit = entries.load(key)
            if hit is not None:
                out.reused += 1
                return Part(name, key, owner, *hit)
        quads = make()
        value = (spill.pieces(quads), collector.contribution(quads))
        if key is not None:
            entries.save(key, value)
        return Part(name, key, owner, *value)

    out.parts.append(part("registry", registry_key, None, chunks.registry))
    for report in records.reports:
        record_key = keys.get(report.path)
        key = _key(registry_key, record_key, chunks.context(report)) if registry_key and record_key else None
        out.parts.append(part(report.path, key, report.source.id, lambda report=report: chunks.report(report)))
    for p in out.parts:
        spill.add_pieces(p.pieces)
        collector.merge(*p.collected)
        p.collected = None
        if previous is None or (p.key is not None and previous.get(p.name, [None])[0] == p.key):
            p.pieces = None  # written to the spill files, or already in the live stores
    return out


def prune(build_dir, converted: Converted, records_cache: RecordsCache) -> None:
    """Forget the cache entries this build did not use (after it became the live generation)."""
    Entries(build_dir, "quads", code_digest()).prune({p.key for p in converted.parts if p.key})
    records_cache.entries.prune(records_cache.used)


def _name(records: Records, filename: str) -> str:
    from .records.loader import _rel

    return _rel(records.data_dir, records.data_dir / filename)


def load_part(build_dir, key: str):
    """The pieces of a part kept by an earlier build, or None."""
    hit = Entries(build_dir, "quads", code_digest()).load(key)
    return hit[0] if hit is not None else None


class NotIncremental(Exception):
    """This change cannot be applied to the live stores: build them again from the quads."""

    def __init__(self, message: str, quiet: bool = False):
        super().__init__(message)
        self.quiet = quiet


_FACTS = "derived-facts.txt"


def fact_lines(facts: dict) -> set[str]:
    """The derived facts as lines ``rank<TAB>s<TAB>p<TAB>o`` (no IRI or link kind holds a tab or a
    line break): two builds' facts compare as sets of strings, fast, whatever their number."""
    return {f"{rank}\t{s}\t{p}\t{o}" for (s, p, o), rank in facts.items()}


def save_facts(generation: Path, lines: set[str]) -> str:
    """The derived facts of a generation, for the next build to update its derived graphs by;
    returns their digest (kept in summary.json: a damaged file is never used)."""
    data = "\n".join(lines).encode()
    (generation / _FACTS).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def load_facts(generation: Path, digest: str | None) -> set[str]:
    try:
        data = (generation / _FACTS).read_bytes()
    except OSError as exc:
        raise NotIncremental(f"the derived facts of {generation.name} cannot be read: {exc}") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise NotIncremental(f"the derived facts of {generation.name} are damaged")
    return set(data.decode().split("\n")) if data else set()


def _facts_of(lines) -> list[tuple[tuple[str, str, str], int]]:
    out = []
    for line in lines:
        rank, s, p, o = line.split("\t")
        out.append(((s, p, o), int(rank)))
    return out


class StoreDelta:
    """What this build changes in the live generation's stores: the quads of the reports that
    changed, came or went, the derived facts that changed, and the graph-extras."""

    def __init__(self, base: str, build_dir, live: Path, before: dict, converted: Converted, facts: set[str]):
        self.base = base
        old_parts = before["parts"]
        new_parts = {p.name: p for p in converted.parts}
        if any(p.key is None for p in converted.parts) or any(k is None for k, _ in old_parts.values()):
            raise NotIncremental("a file could not be kept in the cache", quiet=True)
        self.removed: list[tuple[str, list]] = []  # (owner, pieces)
        self.added: list[list] = []
        for name, (key, owner) in old_parts.items():
            part = new_parts.get(name)
            if part is not None and part.key == key:
                continue
            if owner is None:
                raise NotIncremental("the registries changed", quiet=True)
            pieces = load_part(build_dir, key)
            if pieces is None:
                raise NotIncremental(f"the quads of {name} as last built are no longer in the cache")
            self.removed.append((owner, pieces))
        for part in converted.parts:
            if old_parts.get(part.name, [None])[0] != part.key:
                if part.pieces is None:
                    raise NotIncremental(f"the quads of {part.name} were not kept")
                self.added.append(part.pieces)
        old_facts = load_facts(live, before.get("facts"))
        try:
            self.facts_removed, self.facts_added = _facts_of(old_facts - facts), _facts_of(facts - old_facts)
        except ValueError:
            raise NotIncremental(f"the derived facts of {live.name} are damaged") from None
        self.described = ({int(line[0]) for line in old_facts if line}, {int(line[0]) for line in facts})
        del old_facts
        self.live, self.before = live, before

    def extras(self, loaded_extras: list, chosen: list, sources: set[str]) -> None:
        """The graph-extras this build loads (``loaded_extras``: name, digest, graphs; ``chosen``: paths)."""
        before, base = self.before, self.base
        old_extras = [e[:2] for e in before.get("extras", [])]
        self.extras_changed = old_extras != [e[:2] for e in loaded_extras]
        self.old_extra_graphs = sorted({g for e in before.get("extras", []) for g in e[2]})
        ours = {"registry", "ontology", "derived"} | sources | {owner for owner, _ in self.removed}
        for graph in self.old_extra_graphs:
            if graph.startswith(base + "graph/") and graph.split("/")[-1] in ours:
                raise NotIncremental(f"the graph-extras wrote into {graph}, a graph of the records")
        self.chosen = chosen

    def apply(self, folder: Path, ranks: set[int], say, shown: int) -> dict[str, str]:
        """Each level store of the live generation, checkpointed into ``folder`` and updated.
        Returns level -> store folder name (as ``_write_level_stores``)."""
        from .levels import LEVEL_RANK

        levels = self.before["levels"]
        present = {LEVEL_RANK[level] for level, store in levels.items() if store == level}
        if present != (ranks | {0}):
            raise NotIncremental("a sensitivity level gained or lost its last quad")
        extra_quads = []
        if self.extras_changed:
            for path, _ in self.chosen:
                extra_quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        from .levels import graph_rank

        for level, store_name in levels.items():
            if store_name != level:
                continue
            rank = LEVEL_RANK[level]
            old = set()
            for owner, pieces in self.removed:
                quads = quads_of(pieces, rank)
                stray = next((q for q in quads if not owned(q, self.base, owner)), None)
                if stray is not None:
                    raise NotIncremental(f"a quad of {owner} is not in one of its graphs: {stray}")
                old |= quads
            new = set()
            for pieces in self.added:
                new |= quads_of(pieces, rank)
            remove, add = old - new, new - old
            remove.update(derived.fact_quads([(f, r) for f, r in self.facts_removed if r <= rank], self.base))
            add.update(derived.fact_quads([(f, r) for f, r in self.facts_added if r <= rank], self.base))
            was, now = self.described
            for r in range(rank + 1):
                if r in was and r not in now:
                    remove.update(derived.describe_quads(self.base, r))
                elif r in now and r not in was:
                    add.update(derived.describe_quads(self.base, r))
            if rank <= shown:
                say(f"updating the {level} store: {len(remove):,} quads out, {len(add):,} in")
            source = ox.Store.read_only(str(self.live / store_name))
            source.backup(str(folder / store_name))
            del source
            store = ox.Store(str(folder / store_name))
            if self.extras_changed:
                for graph in self.old_extra_graphs:
                    store.remove_graph(ox.NamedNode(graph))
                add.update(q for q in extra_quads if graph_rank(q.graph_name.value, self.base) <= rank)
            for quad in remove:
                store.remove(quad)
            store.extend(add)
            store.flush()
            del store
        return dict(levels)


def quads_of(pieces: list, rank_at_most: int) -> set[ox.Quad]:
    out: set[ox.Quad] = set()
    for rank, data, *_ in pieces:
        if rank <= rank_at_most:
            out.update(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    return out


def owned(quad: ox.Quad, base: str, owner: str) -> bool:
    """Whether only the report with source id ``owner`` writes this quad: it is in one of that
    report's graphs (``<base>graph/<level>/<owner>``), or in a registry graph about one of them."""
    graph = quad.graph_name.value
    prefix = base + "graph/"
    if not graph.startswith(prefix):
        return False
    local = graph[len(prefix):].split("/", 1)[-1]
    if local == owner:
        return True
    subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
    return local == "registry" and subject.startswith(prefix) and subject.rsplit("/", 1)[-1] == owner
