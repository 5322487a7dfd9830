"""The built graph of a data folder: when to rebuild, how to swap a new build in safely, and how
every command opens it.

Layout of the build folder::

    build/store/CURRENT         name of the live generation (replaced atomically)
    build/store/gen-<hash>/     an Oxigraph store, built once for one fingerprint of the inputs;
                                its summary.json keeps, per level, a name, counts and a records
                                digest computed from that level's content only (what a level shows)
    build/store/gen-<hash>/quads/   built from nothing: <rank>.nq, the N-Quads its stores were loaded
                                from (the Turtle and N-Triples exports read these, not the store)
    build/store/build.lock      held while a build runs
    build/graph-extras/*.nq     derived graphs to load with the records (e.g. metrics written back
                                by `kg metrics --into-graph`); each names, on its first line, the
                                digest of the records of the level it was computed at, and is left
                                out when stale

A build writes a new generation under a temporary name, renames it, then replaces CURRENT. A build
killed at any point leaves CURRENT pointing at the last good generation; readers never see a
half-built store. The fingerprint covers the records, the ontology, the base IRI and the code that
turns records into RDF, so no command answers from stale data.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import buildcache, config, lazy, storeload
from .inputs import (  # noqa: F401 - the names below were defined here before kg.inputs; callers still use them
    CODE_FILES, EXTRAS_HEADER, BuildInputs, Spill, Summary, all_quads, current_extras, extras_dir, fingerprint,
    records_fingerprint, select_extras,
)  # fmt: skip
from .levels import LEVEL_RANK, LEVELS
from .store import OxigraphStore, RdflibStore, Store

# what only a rebuild runs, imported when one does (a no-change check loads neither the records nor rdflib)
derived, increments, to_rdf = lazy.module("kg.derived"), lazy.module("kg.increments"), lazy.module("kg.to_rdf")

KEPT_QUADS = "quads"  # in a generation built from nothing: <rank>.nq, the N-Quads its stores were loaded from
KEEP_GENERATIONS = 2  # the live one and the one before it, for readers still holding it open


class BuildBusy(Exception):
    pass


@dataclass
class Level:
    """What one level can read in a generation: its name (a digest of that level's content only),
    what it holds, when that content was first built, and whether this build changed it."""

    name: str
    summary: Summary
    built_at: str
    changed: bool = False


@dataclass
class BuildResult:
    path: Path | None
    summary: Summary  # the records, all levels: for whoever holds the data folder
    rebuilt: bool
    seconds: float
    warnings: list = field(default_factory=list)  # kg.records.Problem: valid records worth a look (on a rebuild)
    levels: dict[str, Level] = field(default_factory=dict)

    def at(self, level: str) -> Level:
        """The generation as seen at ``level``: print this, not ``summary``, where only that level may be seen."""
        return self.levels[level]


def summarize(records, triples: int) -> Summary:
    themes = {t for r in records.reports for e in r.events for t in e.themes}
    themes |= {t for r in records.reports for e in r.events for p in e.participants for t in p.themes}
    return Summary(
        triples=triples,
        people=len(records.people),
        organizations=len(records.organizations),
        events=sum(len(r.events) for r in records.reports),
        themes=len(themes),
        sources=len(records.reports),
        participations=sum(len(e.participants) for r in records.reports for e in r.events),
        affiliations=sum(len(r.affiliations) for r in records.reports),
        figures=sum(len(r.figures) for r in records.reports),
    )


class _Lock:
    """An exclusive lock on the build folder; the second builder waits and says so (through ``say``)."""

    def __init__(self, path: Path, wait_seconds: float = 600, say=None):
        self.path = path
        self.wait_seconds = wait_seconds
        self.say = say or (lambda message: None)

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.say(f"another build is running on {self.path.parent} ({holder}); waiting for it to finish")
            deadline = time.monotonic() + self.wait_seconds
            while True:
                try:
                    fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        self.handle.close()
                        raise BuildBusy(f"another build still holds {self.path} after {self.wait_seconds:.0f} s ({holder})") from None
                    time.sleep(0.2)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}")
        self.handle.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def store_root(build_dir: Path) -> Path:
    return Path(build_dir) / "store"


def build_dir_of(generation: Path) -> Path:
    """The build folder a generation lives in (``<build>/store/gen-…``)."""
    return Path(generation).parent.parent


def current_generation(build_dir: Path) -> Path | None:
    pointer = store_root(build_dir) / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    path = store_root(build_dir) / name
    return path if name and (path / "summary.json").is_file() else None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def build(data_dir=None, build_dir=None, base=None, force: bool = False, progress=None,
          level: str = "public") -> BuildResult:  # fmt: skip
    """Build the on-disk store from the records when they changed (or when ``force``).

    ``level`` is the level the caller shows: ``progress`` hears only about that level and the ones
    below, and nothing at all when the build changed only what is above it (so a rebuild forced by
    a restricted record is silent at ``public``; see ``BuildResult.at``).

    Raises ``kg.records.RecordsInvalid`` with every problem when the records are not valid; the
    previous build then stays in place untouched.
    """
    inputs = BuildInputs(data_dir, build_dir, base)
    build_dir = inputs.build_dir
    started = time.perf_counter()
    root = store_root(build_dir)
    with _Lock(root / "build.lock", say=progress):
        extras = inputs.extras_files()
        name = "gen-" + inputs.key(extras)[:16]
        fp = inputs.fingerprint()
        live = current_generation(build_dir)
        inputs.file_digests().save()  # what was hashed (if anything) need not be hashed again
        before = _meta(live)
        if live is not None and live.name == name and not force:
            summary = Summary(**before["summary"])
            return BuildResult(live, summary, False, time.perf_counter() - started, levels=_levels(before, None))
        static = inputs.static_key()
        reusable = not force and before is not None and before.get("static") == static and "parts" in before
        job = dict(inputs=inputs, live=live, before=before, extras=extras, name=name, fp=fp, force=force,
                   progress=progress, level=level, started=started)  # fmt: skip
        collecting = gc.isenabled()
        gc.disable()  # millions of small objects that form no cycles: collections would only cost time
        try:
            if reusable:
                try:
                    return _rebuild(**job, incremental=True)
                except increments.NotIncremental as why:
                    if progress and not why.quiet:
                        progress(f"building the stores again ({why})")
            return _rebuild(**job, incremental=False)
        finally:
            buildcache.wait_for_writes()  # the cache entries this build made are on disk when it returns
            if collecting:
                gc.enable()


class _Told(list):
    """Progress that is not held: each message is told at once, and none is left to tell later."""

    def __init__(self, progress):
        super().__init__()
        self._progress = progress

    def append(self, message: str) -> None:
        self._progress(message)


def _rebuild(inputs: BuildInputs, live, before, extras, name, fp, force, progress, level, started,
             incremental: bool) -> BuildResult:  # fmt: skip
    """A new generation: the live one's stores updated (``incremental``; raises
    ``increments.NotIncremental`` when they cannot be) or stores loaded from the quads."""
    data_dir, build_dir, base = inputs.data_dir, inputs.build_dir, inputs.base
    shown = LEVEL_RANK[level]
    held: list[str] = []  # progress waits until we know whether the shown level changed
    shown_before = (before or {}).get("level_info", {}).get(level, {}).get("name")
    if progress and (force or shown_before is None):  # no shown level before (a build from nothing): it changes
        held = _Told(progress)
    root = store_root(build_dir)
    static = inputs.static_key()
    held.append(f"reading records in {data_dir}")
    if inputs._records_cache is None:  # kept for a second attempt (it knows each file's key)
        inputs._records_cache = increments.RecordsCache(build_dir, data_dir, inputs.file_digests())
    records_cache = inputs._records_cache
    records = inputs.records(records_cache)
    warnings = records.warnings
    held.append("turning records into RDF")
    target = root / name
    tmp = root / f".{name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    box = [records]  # handed over, so the stores below are loaded without the records in memory
    del records
    # updating the live stores: nothing to spill; else the public store loads while the quads are made
    early = None if incremental else storeload.BackgroundLoad(tmp / LEVELS[0])
    spilled = Spill(None if incremental else tmp, base, early=early)
    try:
        return _write_generation(inputs, box, records_cache, live, before, extras, name, fp, force, progress,
                                 level, started, incremental, tmp, target, static, held, warnings, shown,
                                 spilled)  # fmt: skip
    finally:
        spilled.discard()  # nothing left running in the folder removed below
        shutil.rmtree(tmp, ignore_errors=True)  # renamed into place when the build succeeded


def _write_generation(inputs, box, records_cache, live, before, extras, name, fp, force, progress, level,
                      started, incremental, tmp, target, static, held, warnings, shown, spilled) -> BuildResult:  # fmt: skip
    data_dir, build_dir, base = inputs.data_dir, inputs.build_dir, inputs.base
    root = store_root(build_dir)
    records = box.pop()
    previous = before.get("parts") if incremental else None
    index = increments.load_state(live, before.get("index")) if incremental else None  # what the live one holds
    converted = increments.convert(records, base, build_dir, records_cache.keys, spilled, previous,
                                   index["pieces"] if index else None)  # fmt: skip
    spilled.add(list(to_rdf.ontology_quads(config.ontology_dir(), base)), digest=False)  # digested as files
    summary = summarize(records, spilled.total)  # records and ontology, not the graph-extras
    # kg.derived: the joins the named queries need, per level; only the changed parts' when incremental. From
    # nothing, the public graph's facts go to its store (loading in the background) as they are derived
    def add_derived(rank: int, data: bytes, n: int) -> None:  # not digested: they follow from the records
        spilled.add_pieces([(rank, data, n, None, None)], records=False, digest=False)

    early = None if incremental else derived.Early(base, add_derived)
    facts = increments.derive_facts(converted, base, build_dir, live, before, index, early)
    del index
    facts.state["pieces"] = {p.name: p.summary for p in converted.parts}
    index_digest = increments.save_state(tmp, facts.state)
    delta = None
    if incremental:
        delta = increments.StoreDelta(base, build_dir, live, before, converted, facts)
    else:
        for piece in derived.nquads(facts.facts, base, above=0):  # the other levels' derived graphs
            add_derived(*piece)
    spilled.ranks.update(facts.ranks)
    del facts
    sources = {r.source.id for r in records.reports}
    inputs._records = None
    del records  # the stores below are loaded from files: free the records first
    records_digests = spilled.records_digests()
    chosen = select_extras(extras, set(records_digests.values()), held.append, level)
    loaded_extras = []
    for path, digest in chosen:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        spilled.add(quads, records=False)
        loaded_extras.append([path.name, digest, sorted({q.graph_name.value for q in quads})])
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    level_info = spilled.level_info(records_digests, before.get("level_info") if before else None, now)
    shown_before = (before or {}).get("level_info", {}).get(level, {}).get("name")
    changed = force or shown_before != level_info[level]["name"]
    say = (progress or (lambda message: None)) if changed else (lambda message: None)
    for message in held:
        say(message)
    if delta is not None:
        delta.extras(loaded_extras, chosen, sources)
        levels = delta.apply(tmp, spilled.ranks, say, shown)
        kept_quads = {}  # the live stores updated in place: no file holds all their quads
    else:
        levels, kept_quads = _write_level_stores(tmp, spilled, say, shown)
    meta = {"fingerprint": fp, "base": base, "levels": levels, "data": str(data_dir.resolve()), "summary": asdict(summary),
            "built_at": now, "level_info": level_info, "static": static, "extras": loaded_extras, "index": index_digest,
            "parts": {p.name: [p.key, p.owner] for p in converted.parts}, "quads": kept_quads}  # fmt: skip
    (tmp / "summary.json").write_text(json.dumps(meta, indent=2))
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)
    _write_atomic(root / "CURRENT", name)
    _prune(root, keep=name, previous=live.name if live else None)
    increments.prune(build_dir, converted, records_cache)
    return BuildResult(target, summary, True, time.perf_counter() - started, warnings=warnings,
                       levels=_levels(meta, before, True, force))


def _meta(generation: Path | None) -> dict | None:
    return json.loads((generation / "summary.json").read_text()) if generation is not None else None


def _levels(meta: dict, before: dict | None, rebuilt: bool = False, force: bool = False) -> dict[str, Level]:
    """Each level's view of a generation; ``changed`` when this build changed what it reads."""
    old = (before or {}).get("level_info", {})
    out = {}
    for level, info in meta.get("level_info", {}).items():
        changed = rebuilt and (force or old.get(level, {}).get("name") != info["name"])
        out[level] = Level(info["name"], Summary(**info["summary"]), info["built_at"], changed)
    return out


def generation_name(generation: Path, level: str) -> str:
    """The name of a generation as shown at ``level``: a digest of what that level reads, so it
    changes only when that level's content does (the folder's own name covers every record)."""
    return (_meta(generation) or {}).get("level_info", {}).get(level, {}).get("name")


def level_records_digest(generation: Path, level: str) -> str:
    """``records_fingerprint`` of the records a built generation was made from, read from it."""
    return _meta(generation)["level_info"][level]["records_digest"]


def level_built_at(generation: Path, level: str) -> str:
    """When the records ``level`` reads in this generation were first built (kept across rebuilds
    that changed only records above it, or only graph-extras)."""
    return _meta(generation)["level_info"][level]["built_at"]


def _write_level_stores(folder: Path, spilled: Spill, say, shown: int = 2) -> tuple[dict[str, str], dict[str, list]]:
    """One Oxigraph store per level that has data, each holding everything readable at that level,
    so a query runs over the union of one store's graphs (a long list of allowed graphs as the
    default graph is orders of magnitude slower in Oxigraph). Returns level -> store folder name, and
    the N-Quads files the stores were loaded from, kept in the generation (``KEPT_QUADS``): rank ->
    [file name, size in bytes]. Only the levels up to rank ``shown`` are reported to ``say``."""
    spilled.close()
    present = set(spilled.counts)
    levels, written, loaded = {}, None, {0} if spilled.early is not None else set()
    for rank, level in enumerate(LEVEL_RANK):
        if rank == 0 or rank in present:
            below = sorted(r for r in present if r <= rank)
            if rank <= shown:
                say(f"loading {sum(spilled.counts[r] for r in below):,} quads into the {level} store")
            if rank == 0 and spilled.early is not None:
                spilled.early.finish()  # loaded in the background while the quads were made
            if written is not None:  # start from a copy of the level below (a RocksDB checkpoint: hard links)
                store = ox.Store(str(folder / written))
                store.backup(str(folder / level))
                del store
                gc.collect()
            store = ox.Store(str(folder / level))
            loads = sum(storeload.load_file(store, spilled.files[r]) for r in below if r not in loaded)
            store.flush()
            storeload.compact(store, loads)
            del store
            gc.collect()
            loaded.update(below)
            written = level
        levels[level] = written
    # kept: a generation never changes, so they stay exactly what its stores hold, and kg.export reads them
    # instead of decoding every term from the store (at 10,000 events 48 s of CPU against a few)
    kept = folder / KEPT_QUADS
    kept.mkdir()
    quads = {}
    for rank, path in sorted(spilled.files.items()):
        os.replace(path, kept / f"{rank}.nq")
        quads[str(rank)] = [f"{rank}.nq", (kept / f"{rank}.nq").stat().st_size]
    return levels, quads


def kept_quads(generation, level: str) -> list[Path] | None:
    """The N-Quads files a generation's store at ``level`` was loaded from, every quad it holds (those
    of ``level`` and the levels below); None when the generation does not keep them whole (its stores
    were updated from the live ones, or the files were removed or changed since)."""
    generation = Path(generation)
    quads = (_meta(generation) or {}).get("quads") or {}
    paths = []
    for rank, (name, size) in sorted(quads.items()):
        if int(rank) <= LEVEL_RANK[level]:
            path = generation / KEPT_QUADS / name
            try:
                if path.stat().st_size != size:
                    return None
            except OSError:
                return None
            paths.append(path)
    return paths or None


def _prune(root: Path, keep: str, previous: str | None) -> None:
    """Remove old generations and leftovers of killed builds, keeping the live and previous one."""
    for path in root.iterdir():
        if path.is_dir() and path.name not in (keep, previous) and (path.name.startswith("gen-") or ".tmp-" in path.name):
            shutil.rmtree(path, ignore_errors=True)


def open_store(data_dir=None, build_dir=None, base=None, level: str = "public", store: str | None = None,
               progress=None) -> Store:  # fmt: skip
    """Open the graph of a data folder for reading, building it first when the records changed.

    ``store``: ``"oxigraph"`` (default; on disk under the build folder), ``"memory"`` (rdflib's
    in-memory engine, built in this process), ``"oxigraph-memory"`` (pyoxigraph in memory), or the
    URL of a SPARQL 1.1 endpoint (see ``kg.remote``). The default comes from ``KG_STORE``.
    """
    kind = store or os.environ.get("KG_STORE") or "oxigraph"
    base = config.base_iri(base)
    if kind in ("memory", "oxigraph-memory"):  # the same quads as the on-disk build, derived graphs included
        quads = BuildInputs(data_dir, build_dir, base).quads(progress, level)
        if kind == "memory":
            return RdflibStore(quads, base, level)
        return OxigraphStore.from_quads(quads, base, level)
    if kind.startswith(("http://", "https://")):
        from .remote import RemoteStore

        return RemoteStore.for_data(kind, data_dir=data_dir, base=base, level=level, progress=progress, build_dir=build_dir)
    if kind != "oxigraph":
        raise ValueError(f"unknown store {kind!r}: use oxigraph, memory, oxigraph-memory or an http(s) URL")
    result = build(data_dir, build_dir, base, progress=progress, level=level)
    return OxigraphStore.open(result.path, base, level)  # the generation's store for this level
