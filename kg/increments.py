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

import copy
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import derived, to_rdf
from .buildcache import Entries, FileDigests
from .inputs import Spill, code_digest
from .records import Records, Report, workers


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
        self._hits: dict[str, tuple] = {}  # file name -> its usable entry, taken by ``prefetch``
        self._read: dict[str, tuple] = {}  # file name -> what worker processes read from it (``prefetch``)

    def prefetch(self, data_dir: Path, files: list[tuple[Path, str]]) -> None:
        """Take each file's usable entry now, and read the files without one in worker processes, all at
        once (a build from nothing, many files changed, or a new version of kg); ``load`` then uses both."""
        missing = []
        for path, name in files:
            key = self._key(path, name)
            hit = self._usable(key)
            if hit is not None:
                self._hits[name] = hit
            else:
                missing.append((path, name))
        read = workers.read_reports(data_dir, [path for path, _ in missing])
        if read is not None:
            self._read = {name: made for (_, name), made in zip(missing, read)}

    def _key(self, path: Path, name: str) -> str | None:
        digest = self.digests.known(path)
        return _key("records", self.root, name, digest) if digest else None

    def _usable(self, key: str | None) -> tuple | None:
        """The entry of ``key`` when it was made from the files as they are now."""
        if key is None:
            return None
        hit = self.entries.load(key)
        if hit is None or not all(self.digests.known(Path(p)) == d for p, d in hit[2]):
            return None
        return hit

    def _make(self, name: str, problems: list, warnings: list, make):
        read = self._read.pop(name, None)
        if read is None:
            return make()
        value, file_problems, file_warnings = read
        problems.extend(file_problems)
        warnings.extend(file_warnings)
        return value

    def load(self, path: Path, name: str, problems: list, warnings: list, make):
        key = self._key(path, name)
        hit = self._hits.pop(name, None) or (None if name in self._read else self._usable(key))
        if hit is not None:
            value, file_warnings, depends = hit
            warnings.extend(file_warnings)
            self.keys[name] = _key(key, *(d for _, d in depends))
            self.used.add(key)
            self.reused += 1
            return value
        problems_before, warnings_before = len(problems), len(warnings)
        value = self._make(name, problems, warnings, make)
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
    pieces: list | None
    collected: tuple | None  # what the derived graphs read (None: not read from the cache, see ``collected_of``)
    summary: list = field(default_factory=list)  # ``Spill.add_pieces``'s summaries, kept in the index


@dataclass
class Converted:
    parts: list[Part] = field(default_factory=list)
    reused: int = 0
    facts_keys: set[str] = field(default_factory=set)  # the "facts" entries this build uses (``derive_facts``)


def convert(records: Records, base: str, build_dir, keys: dict[str, str], spill: Spill,
            previous: dict | None = None, summaries: dict | None = None) -> Converted:  # fmt: skip
    """Every part's quads (the registries, then each report in order), from the cache when the part
    and what it depends on did not change, with what the derived graphs read from them
    (``Part.collected``, for ``derive_facts``). The pieces are kept only where an update of the live
    stores needs them: parts that differ from ``previous`` (name -> [key, owner] of the live
    generation); ``None``: none kept (spilled). A part unchanged since the live generation whose
    summary is in ``summaries`` (its index) is counted from that, without reading its cache entry."""
    entries = Entries(build_dir, "quads", code_digest())
    summaries = summaries or {}
    chunks = to_rdf.Chunks(records, base)
    collector = derived.Collector(base)
    out = Converted()
    registries = [keys.get(_name(records, f)) for f in ("people.yaml", "organizations.yaml")]
    registry_key = _key("registry", base, *registries) if all(registries) else None

    def part(name: str, key: str | None, owner: str | None, make) -> Part:
        if key is not None and previous and previous.get(name, [None])[0] == key and name in summaries:
            out.reused += 1
            return Part(name, key, owner, None, None, summaries[name])  # in the live stores as it is
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

    def spilled(p: Part) -> None:
        # handed on as soon as it is made: the public store loads in the background (kg.storeload) while the
        # next reports are converted, and only the pieces an update needs stay in memory
        if p.pieces is None:
            spill.add_summaries(p.summary)
        else:
            p.summary = spill.add_pieces(p.pieces)
        if previous is None or (p.key is not None and previous.get(p.name, [None])[0] == p.key):
            p.pieces = None  # written to the spill files, or already in the live stores
        out.parts.append(p)

    spilled(part("registry", registry_key, None, chunks.registry))
    for report in records.reports:
        record_key = keys.get(report.path)
        key = _key(registry_key, record_key, chunks.context(report)) if registry_key and record_key else None
        spilled(part(report.path, key, report.source.id, lambda report=report: chunks.report(report)))
    return out


def prune(build_dir, converted: Converted, records_cache: RecordsCache) -> None:
    """Forget the cache entries this build did not use (after it became the live generation)."""
    Entries(build_dir, "quads", code_digest()).prune({p.key for p in converted.parts if p.key})
    Entries(build_dir, "facts", code_digest()).prune(converted.facts_keys)
    records_cache.entries.prune(records_cache.used)


def _name(records: Records, filename: str) -> str:
    from .records.loader import _rel

    return _rel(records.data_dir, records.data_dir / filename)


def collected_of(build_dir, part: Part) -> tuple:
    """What the derived graphs read from a part (from its cache entry when ``convert`` did not read it)."""
    if part.collected is None:
        hit = Entries(build_dir, "quads", code_digest()).load(part.key)
        if hit is None:
            raise NotIncremental(f"the quads of {part.name} are no longer in the cache")
        part.collected = hit[1]
    return part.collected


def load_part(build_dir, key: str):
    """The pieces of a part kept by an earlier build, or None."""
    hit = Entries(build_dir, "quads", code_digest()).load(key)
    return hit[0] if hit is not None else None


class NotIncremental(Exception):
    """This change cannot be applied to the live stores: build them again from the quads."""

    def __init__(self, message: str, quiet: bool = False):
        super().__init__(message)
        self.quiet = quiet


_STATE = "index.pickle"  # per generation: what the next build reads instead of every cache entry


@dataclass
class DerivedFacts:
    """The derived facts of a build (``kg.derived``): every fact when the stores are loaded from
    nothing, else what changed since the live generation; and what the next build starts from."""

    facts: dict | None  # fact -> rank, all of them (None when only the change was worked out)
    removed: list  # (fact, rank) no longer in the store
    added: list  # (fact, rank) new in the store
    ranks: dict[int, int]  # rank -> how many facts go into the derived graph of that rank
    state: dict  # the global relations, the facts more than one part derives, ``ranks``

    @property
    def described(self) -> tuple[set[int], set[int]]:
        """The ranks with a derived graph before (as far as ``removed`` and ``added`` tell) and now."""
        now = {r for r, n in self.ranks.items() if n}
        was = dict(self.ranks)
        for _, rank in self.removed:
            was[rank] = was.get(rank, 0) + 1
        for _, rank in self.added:
            was[rank] -= 1
        return {r for r, n in was.items() if n}, now


def save_state(generation: Path, state: dict) -> str:
    """What the next build needs of this generation (the global relations, the counts of the derived
    facts, each part's ``Spill`` summary); returns its digest (kept in summary.json: a damaged file
    is never used)."""
    data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    (generation / _STATE).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def load_state(generation: Path, digest: str | None) -> dict:
    try:
        data = (generation / _STATE).read_bytes()
    except OSError as exc:
        raise NotIncremental(f"the derived facts of {generation.name} cannot be read: {exc}") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise NotIncremental(f"the derived facts of {generation.name} are damaged")
    return pickle.loads(data)  # noqa: S301 - written by the build into the build folder, digest checked above


def derive_facts(converted: Converted, base: str, build_dir, live: Path | None = None, before: dict | None = None,
                 state: dict | None = None, early: derived.Early | None = None) -> DerivedFacts:  # fmt: skip
    """The derived facts, per part (``kg.derived.derive_local``) and from the global relations
    (``derive_global``), each part's cached as an entry "facts" keyed by the part and the global
    relations. With the live generation (``live``, its summary ``before`` and ``state``, its
    ``load_state``): only the parts that changed, came or went are derived again, and the facts that
    change are found by counting, per fact and rank, the parts that derive it (a fact no changed part
    derived before is looked up in the live store). When the global relations changed, every part is
    derived again. From nothing, ``early`` (if given) gets each fact of rank 0 as soon as it is known."""
    entries = Entries(build_dir, "facts", code_digest())
    old_parts = before["parts"] if state is not None else {}
    new_parts = {p.name: p for p in converted.parts}
    old_entries: dict[str, tuple] = {}
    applied: list[tuple] = []  # (contribution, sign) applied to the live generation's global relations
    globals_ = derived.Globals()
    if state is not None:
        if any(p.key is None for p in converted.parts) or any(k is None for k, _ in old_parts.values()):
            raise NotIncremental("a file could not be kept in the cache", quiet=True)
        globals_ = derived.Globals(state["globals"])  # updated in place (the state is this build's own copy)
        for name, (key, _) in old_parts.items():
            part = new_parts.get(name)
            if part is not None and part.key == key:
                continue
            hit = entries.load(_key(key, state["digest"]))
            if hit is None:
                raise NotIncremental(f"the derived facts of {name} as last built are no longer in the cache")
            old_entries[name] = hit
            applied.append((hit[0], -1))
    changed = [p for p in converted.parts if state is None or old_parts.get(p.name, [None])[0] != p.key]
    local, shared = {}, {}
    for p in changed:
        local[p.name], shared[p.name] = derived.split(*collected_of(build_dir, p))
        applied.append((shared[p.name], 1))
    for contribution, sign in applied:
        globals_.add(contribution, sign)
    digest = globals_.digest()
    joins = derived.Joins(globals_.tables())
    again = state is not None and digest != state["digest"]
    if again:  # every part joins the global relations: derive them all again
        for p in converted.parts:
            if p.name not in local:
                hit = entries.load(_key(p.key, state["digest"]))
                if hit is None:
                    raise NotIncremental(f"the derived facts of {p.name} as last built are no longer in the cache")
                old_entries[p.name] = hit
                local[p.name], shared[p.name] = derived.split(*collected_of(build_dir, p))
        changed = list(converted.parts)
    for p in converted.parts:
        if p.key is not None:
            converted.facts_keys.add(_key(p.key, digest))

    def derived_again():  # each changed part's facts, saved as they are made (one part in memory at a time)
        for p in changed:
            entry = (shared.pop(p.name), derived.derive_local(local.pop(p.name), joins, base))
            p.collected = None
            if p.key is not None:
                entries.save(_key(p.key, digest), entry)
            yield entry[1]

    if state is None:
        return _from_nothing(globals_, digest, derived_again(), derived.derive_global(joins, base), early)
    old = [e[1] for e in old_entries.values()]
    new = list(derived_again())
    if again:
        old_globals = derived.Globals(copy.deepcopy(globals_.counts))
        for contribution, sign in reversed(applied):
            old_globals.add(contribution, -sign)
        old.append(derived.derive_global(derived.Joins(old_globals.tables()), base))
        new.append(derived.derive_global(joins, base))
    return _counted(globals_, digest, state, old, new, _Lookup(live, before, base))


def _from_nothing(globals_: derived.Globals, digest: str, parts, global_facts: dict,
                  early: derived.Early | None = None) -> DerivedFacts:  # fmt: skip
    """Every fact at its lowest rank over ``global_facts`` and ``parts`` (an iterable of each part's
    facts), with the counts of the facts more than one of them derives (none in kg's rules today).
    ``early`` gets each fact once, when its rank becomes 0 (no rank is lower: it stays there)."""
    public = early.add if early is not None else lambda fact: None
    facts = dict(global_facts)
    for fact, rank in global_facts.items():
        if rank == 0:
            public(fact)
    shared: dict = {}  # fact -> {rank: how many parts derive it at that rank}
    for part in parts:
        for fact, rank in part.items():
            was = facts.get(fact)
            if was is None:
                facts[fact] = rank
                if rank == 0:
                    public(fact)
                continue
            counts = shared.get(fact)
            if counts is None:  # the first part to derive it is the only one so far: ``was`` is its rank
                counts = shared[fact] = {was: 1}
            counts[rank] = counts.get(rank, 0) + 1
            if rank < was:
                facts[fact] = rank
                if rank == 0:
                    public(fact)
    if early is not None:
        early.close()
    ranks: dict[int, int] = {}
    for rank in facts.values():
        ranks[rank] = ranks.get(rank, 0) + 1
    state = {"globals": globals_.counts, "digest": digest, "shared": shared, "ranks": ranks}
    return DerivedFacts(facts, [], [], ranks, state)


class _Lookup:
    """The rank of a derived fact in the live generation (the derived graphs of its highest level
    store hold every rank), or None: for a fact no changed part derived before."""

    def __init__(self, live: Path, before: dict, base: str):
        from .levels import LEVEL_RANK

        present = [level for level, store in before["levels"].items() if store == level]
        top = max(present, key=LEVEL_RANK.__getitem__)
        self.path = live / top
        self.graphs = {derived.graph_iri(base, level): rank for level, rank in LEVEL_RANK.items()}
        self.store = None

    def __call__(self, fact) -> int | None:
        if self.store is None:
            self.store = ox.Store.read_only(str(self.path))
        ranks = [self.graphs[q.graph_name.value] for q in self.store.quads_for_pattern(*derived._terms(fact), None)
                 if q.graph_name.value in self.graphs]  # fmt: skip
        return min(ranks) if ranks else None


def _counted(globals_: derived.Globals, digest: str, state: dict, old: list[dict], new: list[dict],
             lookup) -> DerivedFacts:
    """What changes when the parts' facts ``old`` are replaced by ``new``: per fact, the parts deriving
    it at each rank (``state["shared"]`` for facts more than one part derives; else the one changed part
    that derived it, or the live store), before and after."""
    shared = copy.copy(state["shared"])
    ranks = dict(state["ranks"])
    touched: dict = {}
    for sign, group in ((-1, old), (1, new)):
        for part in group:
            for fact, rank in part.items():
                touched.setdefault(fact, []).append((sign, rank))
    removed, added = [], []
    for fact, changes in touched.items():
        counts = shared.get(fact)
        if counts is not None:
            counts = dict(counts)
        else:
            gone = [rank for sign, rank in changes if sign < 0]
            if len(gone) > 1:  # two parts derived it, yet it was not counted as shared
                raise NotIncremental("the derived facts' counts disagree with the cache")
            if gone:  # the one part that derived it is among those changed
                counts = {gone[0]: 1}
            else:
                found = lookup(fact)
                counts = {found: 1} if found is not None else {}
        before = min(counts) if counts else None
        for sign, rank in changes:
            counts[rank] = counts.get(rank, 0) + sign
            if counts[rank] < 0:
                raise NotIncremental("the derived facts' counts disagree with the cache")
            if not counts[rank]:
                del counts[rank]
        after = min(counts) if counts else None
        if sum(counts.values()) > 1:
            shared[fact] = counts
        else:
            shared.pop(fact, None)
        if before != after:
            if before is not None:
                removed.append((fact, before))
                ranks[before] -= 1
            if after is not None:
                added.append((fact, after))
                ranks[after] = ranks.get(after, 0) + 1
    ranks = {r: n for r, n in ranks.items() if n}
    new_state = {"globals": globals_.counts, "digest": digest, "shared": shared, "ranks": ranks}
    return DerivedFacts(None, removed, added, ranks, new_state)


class StoreDelta:
    """What this build changes in the live generation's stores: the quads of the reports that
    changed, came or went, the derived facts that changed, and the graph-extras."""

    def __init__(self, base: str, build_dir, live: Path, before: dict, converted: Converted, facts: DerivedFacts):
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
        self.facts_removed, self.facts_added = facts.removed, facts.added
        self.described = facts.described
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
