"""The built graph of a data folder: when to rebuild, how to swap a new build in safely, and how
every command opens it.

Layout of the build folder::

    build/store/CURRENT         name of the live generation (replaced atomically)
    build/store/gen-<hash>/     an Oxigraph store, built once for one fingerprint of the inputs;
                                its summary.json keeps, per level, a name, counts and a records
                                digest computed from that level's content only (what a level shows)
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
import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import to_rdf
from . import config, derived
from .records import Records, load_records
from .store import OxigraphStore, RdflibStore, Store

CODE_FILES = ("to_rdf.py", "records.py", "vocab.py", "yamlfile.py", "project.py", "store.py", "derived.py")  # what shapes a store
KEEP_GENERATIONS = 2  # the live one and the one before it, for readers still holding it open


class BuildBusy(Exception):
    pass


@dataclass
class Summary:
    triples: int
    people: int
    organizations: int
    events: int
    themes: int
    sources: int
    participations: int
    affiliations: int
    figures: int

    def lines(self) -> list[str]:
        return [f"{name:<15}{value:>9,}" for name, value in asdict(self).items()]


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


def fingerprint(data_dir: Path, base: str) -> str:
    digest = hashlib.sha256()
    digest.update(base.encode())
    package = Path(__file__).parent
    for name in CODE_FILES:
        digest.update((package / name).read_bytes())
    roots = [(config.ontology_dir(), "ontology"), (data_dir, "data")]
    for root, label in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts):
                continue
            digest.update(f"\0{label}/{relative}\0".encode())
            if not path.resolve().is_relative_to(root.resolve()):  # a link out: the records refuse it
                digest.update(os.readlink(path).encode() if path.is_symlink() else b"outside")
                continue
            digest.update(path.read_bytes())
    return digest.hexdigest()


def summarize(records: Records, triples: int) -> Summary:
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


def all_quads(records: Records, base: str) -> list[ox.Quad]:
    quads = to_rdf.record_quads(records, base)
    quads.extend(derived.derived_quads(quads, base))
    quads.extend(to_rdf.ontology_quads(config.ontology_dir(), base))
    return quads


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
    data_dir, build_dir, base = config.data_dir(data_dir), config.build_dir(build_dir), config.base_iri(base)
    shown = to_rdf.LEVEL_RANK[level]
    held: list[str] = []  # progress waits until we know whether the shown level changed
    started = time.perf_counter()
    root = store_root(build_dir)
    with _Lock(root / "build.lock", say=progress):
        fp = fingerprint(data_dir, base)
        extras = _extras_files(build_dir)
        name = "gen-" + hashlib.sha256((fp + "".join(d for _, d in extras)).encode()).hexdigest()[:16]
        live = current_generation(build_dir)
        before = _meta(live)
        if live is not None and live.name == name and not force:
            summary = Summary(**before["summary"])
            return BuildResult(live, summary, False, time.perf_counter() - started, levels=_levels(before, None))
        held.append(f"reading records in {data_dir}")
        records = load_records(data_dir)
        warnings = records.warnings
        held.append("turning records into RDF")
        target = root / name
        tmp = root / f".{name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        spilled = _Spill(tmp, base)
        deriving = derived.Collector(base)  # kg.derived: the joins the named queries need, per level
        for chunk in to_rdf.record_quad_chunks(records, base):
            spilled.add(chunk)
            deriving.add(chunk)
        spilled.add(list(to_rdf.ontology_quads(config.ontology_dir(), base)), digest=False)  # digested as files
        summary = summarize(records, spilled.total)  # records and ontology, not the graph-extras
        spilled.add(deriving.quads(), records=False)  # nor the derived graphs
        del records  # the stores below are loaded from files: free the records first
        records_digests = spilled.records_digests()
        for path, _ in extras:
            computed_from = _extras_header(path)
            if computed_from not in records_digests.values():
                if to_rdf.LEVEL_RANK.get(computed_from.split(":", 1)[0], 2) <= shown:
                    held.append(f"leaving out {path.name}: computed from other records (run the command that wrote it again)")
                continue
            spilled.add(list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)), records=False)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        level_info = spilled.level_info(records_digests, before.get("level_info") if before else None, now)
        shown_before = (before or {}).get("level_info", {}).get(level, {}).get("name")
        changed = force or shown_before != level_info[level]["name"]
        say = (progress or (lambda message: None)) if changed else (lambda message: None)
        for message in held:
            say(message)
        levels = _write_level_stores(tmp, spilled, say, shown)
        meta = {"fingerprint": fp, "base": base, "levels": levels, "data": str(data_dir.resolve()), "summary": asdict(summary),
                "built_at": now, "level_info": level_info}  # fmt: skip
        (tmp / "summary.json").write_text(json.dumps(meta, indent=2))
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
        _write_atomic(root / "CURRENT", name)
        _prune(root, keep=name, previous=live.name if live else None)
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


def level_built_at(generation: Path, level: str) -> str:
    """When the records ``level`` reads in this generation were first built (kept across rebuilds
    that changed only records above it, or only graph-extras)."""
    return _meta(generation)["level_info"][level]["built_at"]


EXTRAS_HEADER = "# kg-records-fingerprint: "


def extras_dir(build_dir) -> Path:
    return Path(build_dir) / "graph-extras"


def records_fingerprint(data_dir=None, base=None, level: str = "public") -> str:
    """What a derived graph (graph-extras) computed at ``level`` must name to be loaded with these
    records: a digest of the records readable at that level, so figures computed at ``public`` stay
    valid when only a restricted record changes. (Converts the records; use ``level_records_digest``
    on a built generation instead where one exists.)"""
    data_dir, base = config.data_dir(data_dir), config.base_iri(base)
    return _records_digests(load_records(data_dir), base)[level]


def _records_digests(records: Records, base: str) -> dict[str, str]:
    spilled = _Spill(None, base)
    for chunk in to_rdf.record_quad_chunks(records, base):
        spilled.add(chunk)
    return spilled.records_digests()


def current_extras(data_dir, build_dir, base, progress=None, level: str = "public") -> list[tuple[Path, str]]:
    """The graph-extras files computed from these records (at any level), with a digest of each;
    a stale one computed at ``level`` or below is reported to ``progress`` (for ``kg.remote``)."""
    files = _extras_files(Path(build_dir))
    if not files:
        return []
    valid = set(_records_digests(load_records(config.data_dir(data_dir)), config.base_iri(base)).values())
    out = []
    for path, digest in files:
        computed_from = _extras_header(path)
        if computed_from in valid:
            out.append((path, digest))
        elif progress and to_rdf.LEVEL_RANK.get(computed_from.split(":", 1)[0], 2) <= to_rdf.LEVEL_RANK[level]:
            progress(f"leaving out {path.name}: computed from other records (run the command that wrote it again)")
    return out


def level_records_digest(generation: Path, level: str) -> str:
    """``records_fingerprint`` of the records a built generation was made from, read from it."""
    return _meta(generation)["level_info"][level]["records_digest"]


def _extras_files(build_dir: Path) -> list[tuple[Path, str]]:
    """The derived graphs waiting to be loaded, with a digest of each file."""
    folder = extras_dir(build_dir)
    paths = sorted(folder.glob("*.nq")) if folder.is_dir() else []
    return [(path, hashlib.sha256(path.read_bytes()).hexdigest()) for path in paths]


def _extras_header(path: Path) -> str:
    with open(path, "rb") as handle:
        first = handle.readline().decode("utf-8", "replace").strip()
    return first[len(EXTRAS_HEADER):] if first.startswith(EXTRAS_HEADER) else ""


_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_COUNTED = {  # rdf:type -> Summary field, for the counts of each level
    "http://xmlns.com/foaf/0.1/Person": "people", "http://www.w3.org/ns/org#Organization": "organizations",
    "https://schema.org/CreativeWork": "sources", "https://kg.example.org/ontology#Participation": "participations",
    "http://www.w3.org/ns/org#Membership": "affiliations", "https://kg.example.org/ontology#Figure": "figures",
}  # fmt: skip
_EVENT_TYPE = "https://kg.example.org/ontology#eventType"  # one per event (sections are schema:Event too)
_SUBJECT = "http://purl.org/dc/terms/subject"
_THEME = "https://kg.example.org/theme/"


class _Spill:
    """Quads written as N-Quads into one temporary file per sensitivity rank, a chunk at a time, so
    a build never holds all quads in memory (Oxigraph's bulk loader then streams the files).

    It also keeps, per rank, a digest of the bytes written and the counts of what they hold, so each
    level gets a name and a summary computed from what that level reads and nothing above it. With
    ``folder=None`` it only digests (``records_fingerprint``)."""

    def __init__(self, folder: Path | None, base: str):
        self.folder, self.base = folder, base
        self.files: dict[int, Path] = {}
        self.counts: dict[int, int] = {}  # every quad, extras included: what each store loads
        self.total = 0
        self._handles: dict = {}
        self._rank_of: dict[str, int] = {}  # graph IRI -> rank; there are few graphs, many quads
        ranks = range(len(to_rdf.LEVEL_RANK))
        self._records = {r: hashlib.sha256() for r in ranks}  # the records' quads
        self._extras = {r: hashlib.sha256() for r in ranks}  # the graph-extras' quads
        self._triples = dict.fromkeys(ranks, 0)  # records and ontology, as Summary.triples
        self._typed = {r: dict.fromkeys(("events", *_COUNTED.values()), 0) for r in ranks}
        self._themes: dict[int, set[str]] = {r: set() for r in ranks}

    def rank(self, graph_iri: str) -> int:
        rank = self._rank_of.get(graph_iri)
        if rank is None:
            rank = self._rank_of[graph_iri] = to_rdf.LEVEL_RANK.get(to_rdf.graph_level(graph_iri, self.base) or "restricted", 2)
        return rank

    def add(self, quads: list[ox.Quad], records: bool = True, digest: bool = True) -> None:
        """``records``: quads of the records (counted and digested as such), else graph-extras;
        ``digest=False`` for the ontology, whose files are digested instead."""
        by_rank: dict[int, list[ox.Quad]] = {}
        for q in quads:
            by_rank.setdefault(self.rank(q.graph_name.value), []).append(q)
        for rank, selected in by_rank.items():
            data = ox.serialize(selected, format=ox.RdfFormat.N_QUADS)
            if self.folder is not None:
                if rank not in self._handles:
                    self.files[rank] = self.folder / f".quads-{rank}.nq"
                    self._handles[rank] = open(self.files[rank], "wb")
                    self.counts[rank] = 0
                self._handles[rank].write(data)
                self.counts[rank] += len(selected)
            if digest:
                (self._records if records else self._extras)[rank].update(data)
            if records:
                self._triples[rank] += len(selected)
                if digest:
                    self._count(rank, selected)
        self.total += len(quads)

    def _count(self, rank: int, quads: list[ox.Quad]) -> None:
        typed, themes = self._typed[rank], self._themes[rank]
        for q in quads:
            p = q.predicate.value
            if p == _TYPE:
                field_name = _COUNTED.get(q.object.value)
                if field_name:
                    typed[field_name] += 1
            elif p == _EVENT_TYPE:
                typed["events"] += 1
            elif p == _SUBJECT and q.object.value.startswith(_THEME):
                themes.add(q.object.value)

    def records_digests(self) -> dict[str, str]:
        """Level -> ``level:digest`` of what the records, ontology, base and build code put at or
        below that level (the value a graph-extras file computed at that level names)."""
        common = hashlib.sha256(self.base.encode())
        package = Path(__file__).parent
        for name in CODE_FILES:
            common.update((package / name).read_bytes())
        for path in sorted(config.ontology_dir().rglob("*")):
            if path.is_file():
                common.update(path.name.encode() + b"\0" + path.read_bytes())
        out, running = {}, common
        for rank, level in enumerate(to_rdf.LEVEL_RANK):
            running = hashlib.sha256(running.digest() + self._records[rank].digest())
            out[level] = f"{level}:{running.hexdigest()}"
        return out

    def level_info(self, records_digests: dict[str, str], before: dict | None, now: str) -> dict[str, dict]:
        """Per level: the name shown at that level, its records digest, its summary, and when the
        records it reads were first built (kept from ``before`` while they do not change)."""
        out = {}
        running = hashlib.sha256()
        triples, typed, themes = 0, dict.fromkeys(self._typed[0], 0), set()
        for rank, level in enumerate(to_rdf.LEVEL_RANK):
            running = hashlib.sha256(running.digest() + self._extras[rank].digest())
            digest = hashlib.sha256((records_digests[level] + running.hexdigest()).encode()).hexdigest()
            name = f"{level}-{digest[:16]}"
            triples += self._triples[rank]
            typed = {k: typed[k] + v for k, v in self._typed[rank].items()}
            themes |= self._themes[rank]
            summary = Summary(triples=triples, themes=len(themes), **typed)
            previous = (before or {}).get(level, {})
            built_at = previous["built_at"] if previous.get("records_digest") == records_digests[level] else now
            out[level] = {"name": name, "records_digest": records_digests[level], "summary": asdict(summary),
                          "built_at": built_at}  # fmt: skip
        return out

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()


def _write_level_stores(folder: Path, spilled: _Spill, say, shown: int = 2) -> dict[str, str]:
    """One Oxigraph store per level that has data, each holding everything readable at that level,
    so a query runs over the union of one store's graphs (a long list of allowed graphs as the
    default graph is orders of magnitude slower in Oxigraph). Returns level -> store folder name.
    Only the levels up to rank ``shown`` are reported to ``say``."""
    spilled.close()
    present = set(spilled.files)
    levels, written, loaded = {}, None, set()
    for rank, level in enumerate(to_rdf.LEVEL_RANK):
        if rank == 0 or rank in present:
            below = sorted(r for r in present if r <= rank)
            if rank <= shown:
                say(f"loading {sum(spilled.counts[r] for r in below):,} quads into the {level} store")
            if written is not None:  # start from a copy of the level below (a RocksDB checkpoint: hard links)
                store = ox.Store(str(folder / written))
                store.backup(str(folder / level))
                del store
                gc.collect()
            store = ox.Store(str(folder / level))
            for r in below:  # parsed, not bulk_load(path=): that would rename blank nodes per file
                if r not in loaded:
                    store.bulk_extend(ox.parse(path=str(spilled.files[r]), format=ox.RdfFormat.N_QUADS))
            store.flush()
            del store
            gc.collect()
            loaded.update(below)
            written = level
        levels[level] = written
    for path in spilled.files.values():
        path.unlink()
    return levels


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
    if kind in ("memory", "oxigraph-memory"):
        records = load_records(config.data_dir(data_dir))
        quads = all_quads(records, base)
        if kind == "memory":
            return RdflibStore(quads, base, level)
        return OxigraphStore.from_quads(quads, base, level)
    if kind.startswith(("http://", "https://")):
        from .remote import RemoteStore

        return RemoteStore.for_data(kind, data_dir=data_dir, base=base, level=level, progress=progress)
    if kind != "oxigraph":
        raise ValueError(f"unknown store {kind!r}: use oxigraph, memory, oxigraph-memory or an http(s) URL")
    result = build(data_dir, build_dir, base, progress=progress, level=level)
    return OxigraphStore.open(result.path, base, level)  # the generation's store for this level
