"""The built graph of a data folder: when to rebuild, how to swap a new build in safely, and how
every command opens it.

Layout of the build folder::

    build/store/CURRENT         name of the live generation (replaced atomically)
    build/store/gen-<hash>/     an Oxigraph store, built once for one fingerprint of the inputs
    build/store/build.lock      held while a build runs
    build/graph-extras/*.nq     derived graphs to load with the records (e.g. metrics written back
                                by `kg metrics --into-graph`); each names the records fingerprint it
                                was computed from on its first line, and is left out when stale

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
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import to_rdf
from . import config
from .records import Records, load_records
from .store import OxigraphStore, RdflibStore, Store

CODE_FILES = ("to_rdf.py", "records.py", "vocab.py", "yamlfile.py", "project.py", "store.py")  # what shapes a store
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
class BuildResult:
    path: Path | None
    summary: Summary
    rebuilt: bool
    seconds: float
    warnings: list = field(default_factory=list)  # kg.records.Problem: valid records worth a look (on a rebuild)


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
    quads.extend(to_rdf.ontology_quads(config.ontology_dir(), base))
    return quads


class _Lock:
    """An exclusive lock on the build folder; the second builder waits and says so."""

    def __init__(self, path: Path, wait_seconds: float = 600):
        self.path = path
        self.wait_seconds = wait_seconds

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            print(f"kg: another build is running on {self.path.parent} ({holder}); waiting for it to finish…",
                  file=sys.stderr)  # fmt: skip
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


def build(data_dir=None, build_dir=None, base=None, force: bool = False, progress=None) -> BuildResult:
    """Build the on-disk store from the records when they changed (or when ``force``).

    Raises ``kg.records.RecordsInvalid`` with every problem when the records are not valid; the
    previous build then stays in place untouched.
    """
    data_dir, build_dir, base = config.data_dir(data_dir), config.build_dir(build_dir), config.base_iri(base)
    say = progress or (lambda message: None)
    started = time.perf_counter()
    root = store_root(build_dir)
    with _Lock(root / "build.lock"):
        fp = fingerprint(data_dir, base)
        extras = _current_extras(build_dir, fp, say)
        name = "gen-" + hashlib.sha256((fp + "".join(d for _, d in extras)).encode()).hexdigest()[:16]
        live = current_generation(build_dir)
        if live is not None and live.name == name and not force:
            summary = Summary(**json.loads((live / "summary.json").read_text())["summary"])
            return BuildResult(live, summary, False, time.perf_counter() - started)
        say(f"reading records in {data_dir}")
        records = load_records(data_dir)
        warnings = records.warnings
        say("turning records into RDF")
        target = root / name
        tmp = root / f".{name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        spilled = _Spill(tmp, base)
        for chunk in to_rdf.record_quad_chunks(records, base):
            spilled.add(chunk)
        spilled.add(list(to_rdf.ontology_quads(config.ontology_dir(), base)))
        summary = summarize(records, spilled.total)  # records and ontology, not the graph-extras
        del records  # the stores below are loaded from files: free the records first
        for path, _ in extras:
            spilled.add(list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))
        levels = _write_level_stores(tmp, spilled, say)
        meta = {"fingerprint": fp, "base": base, "levels": levels, "data": str(data_dir.resolve()), "summary": asdict(summary),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}  # fmt: skip
        (tmp / "summary.json").write_text(json.dumps(meta, indent=2))
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
        _write_atomic(root / "CURRENT", name)
        _prune(root, keep=name, previous=live.name if live else None)
        return BuildResult(target, summary, True, time.perf_counter() - started, warnings)


EXTRAS_HEADER = "# kg-records-fingerprint: "


def extras_dir(build_dir) -> Path:
    return Path(build_dir) / "graph-extras"


def records_fingerprint(data_dir=None, base=None) -> str:
    """The fingerprint a derived graph (graph-extras) must name to be loaded with these records."""
    return fingerprint(config.data_dir(data_dir), config.base_iri(base))


def _current_extras(build_dir: Path, fp: str, say) -> list[tuple[Path, str]]:
    """Derived graphs computed from these very records, with a digest of each."""
    out = []
    folder = extras_dir(build_dir)
    for path in sorted(folder.glob("*.nq")) if folder.is_dir() else []:
        with open(path, "rb") as handle:
            first = handle.readline().decode("utf-8", "replace").strip()
        if first != EXTRAS_HEADER + fp:
            say(f"leaving out {path.name}: computed from other records (run the command that wrote it again)")
            continue
        out.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
    return out


class _Spill:
    """Quads written as N-Quads into one temporary file per sensitivity rank, a chunk at a time, so
    a build never holds all quads in memory (Oxigraph's bulk loader then streams the files)."""

    def __init__(self, folder: Path, base: str):
        self.folder, self.base = folder, base
        self.files: dict[int, Path] = {}
        self.counts: dict[int, int] = {}
        self.total = 0
        self._handles: dict = {}
        self._rank_of: dict[str, int] = {}  # graph IRI -> rank; there are few graphs, many quads

    def rank(self, graph_iri: str) -> int:
        rank = self._rank_of.get(graph_iri)
        if rank is None:
            rank = self._rank_of[graph_iri] = to_rdf.LEVEL_RANK.get(to_rdf.graph_level(graph_iri, self.base) or "restricted", 2)
        return rank

    def add(self, quads: list[ox.Quad]) -> None:
        by_rank: dict[int, list[ox.Quad]] = {}
        for q in quads:
            by_rank.setdefault(self.rank(q.graph_name.value), []).append(q)
        for rank, selected in by_rank.items():
            if rank not in self._handles:
                self.files[rank] = self.folder / f".quads-{rank}.nq"
                self._handles[rank] = open(self.files[rank], "wb")
                self.counts[rank] = 0
            ox.serialize(selected, self._handles[rank], ox.RdfFormat.N_QUADS)
            self.counts[rank] += len(selected)
        self.total += len(quads)

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()


def _write_level_stores(folder: Path, spilled: _Spill, say) -> dict[str, str]:
    """One Oxigraph store per level that has data, each holding everything readable at that level,
    so a query runs over the union of one store's graphs (a long list of allowed graphs as the
    default graph is orders of magnitude slower in Oxigraph). Returns level -> store folder name."""
    spilled.close()
    present = set(spilled.files)
    levels, written, loaded = {}, None, set()
    for rank, level in enumerate(to_rdf.LEVEL_RANK):
        if rank == 0 or rank in present:
            below = sorted(r for r in present if r <= rank)
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
    result = build(data_dir, build_dir, base, progress=progress)
    return OxigraphStore.open(result.path, base, level)  # the generation's store for this level
