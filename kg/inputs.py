"""What a build is made from, in one object: the records' fingerprint, the derived graphs waiting in
``build/graph-extras`` (e.g. metrics written back by ``kg metrics --into-graph``) and the quads.

The on-disk build (``kg.generations.build``), the upload to a SPARQL server (``kg.remote``) and the
in-memory stores (``--store memory``, ``oxigraph-memory``) all start from a ``BuildInputs``, so they
load the same quads, derived graphs included, and agree on when the inputs changed.

A derived graph names, on its first line (``EXTRAS_HEADER``), the digest of the records readable at
the level it was computed at (``records_digests``); it is loaded only with those records, so a
figure never outlives the facts it was computed from.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import config, lazy
from .buildcache import FileDigests, sha256_file
from .levels import LEVEL_RANK, LEVELS, graph_rank, label_rank

if TYPE_CHECKING:
    from .records import Records
# what reading and converting the records needs, imported when they are read (not by a no-change check)
derived, to_rdf, load_records = lazy.module("kg.derived"), lazy.module("kg.to_rdf"), lazy.function("kg.records", "load_records")

# What shapes a store: a change to any of these files rebuilds.
CODE_FILES = ("to_rdf.py", "records/__init__.py", "records/model.py", "records/checks.py", "records/loader.py",
              "records/references.py", "records/names.py", "vocab.py", "yamlfile.py", "generations.py", "store.py",
              "levels.py", "inputs.py", "derived.py", "buildcache.py", "increments.py", "storeload.py",
              "records/workers.py")  # fmt: skip


def _code():
    package = Path(__file__).parent
    for name in CODE_FILES:
        yield (package / name).read_bytes()


_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A digest of the build code (``CODE_FILES``): a cache entry made by other code is never used."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        digest = hashlib.sha256()
        for data in _code():
            digest.update(hashlib.sha256(data).digest())
        _CODE_DIGEST = digest.hexdigest()
    return _CODE_DIGEST


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


def fingerprint(data_dir: Path, base: str, digests: FileDigests | None = None) -> str:
    """A digest of the base IRI, the build code, the ontology and every file of the data folder (its
    path and content). With ``digests`` (``kg.buildcache.FileDigests``) a file whose size and
    modification time did not change since the last look is not read again."""
    parts = [base, code_digest()]
    for root, label in ((config.ontology_dir(), "ontology"), (Path(data_dir), "data")):
        for relative, path, entry in input_files(root):
            parts.append(f"\0{label}/{relative}\0")
            if entry is None:  # a link out of the folder: the records refuse it
                parts.append(os.readlink(path) if os.path.islink(path) else "outside")
            elif digests is not None:
                parts.append(digests.digest_entry(entry))
            else:
                parts.append(sha256_file(path))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def input_files(root: Path) -> list[tuple[str, str, os.DirEntry | None]]:
    """Every file under ``root`` that is not hidden (nor in a hidden folder), sorted by its relative
    path: (relative path, absolute path, its directory entry, or None when it is a link to a file
    outside ``root``). Links to folders are not followed (as ``Path.rglob``)."""
    out: list = []
    resolved_root = None

    def walk(folder: str, prefix: tuple[str, ...]) -> None:
        nonlocal resolved_root
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            parts = (*prefix, entry.name)
            if entry.is_symlink():
                path = Path(entry.path)
                if not path.is_file():
                    continue
                resolved_root = resolved_root or Path(root).resolve()
                out.append((parts, entry.path, entry if path.resolve().is_relative_to(resolved_root) else None))
            elif entry.is_dir(follow_symlinks=False):
                walk(entry.path, parts)
            elif entry.is_file(follow_symlinks=False):
                out.append((parts, entry.path, entry))

    walk(os.path.abspath(root), ())
    out.sort(key=lambda item: item[0])
    return [("/".join(parts), path, entry) for parts, path, entry in out]


def all_quads(records: Records, base: str) -> list[ox.Quad]:
    quads = to_rdf.record_quads(records, base)
    quads.extend(derived.derived_quads(quads, base))
    quads.extend(to_rdf.ontology_quads(config.ontology_dir(), base))
    return quads


EXTRAS_HEADER = "# kg-records-fingerprint: "


def extras_dir(build_dir) -> Path:
    return Path(build_dir) / "graph-extras"


def records_fingerprint(data_dir=None, base=None, level: str = "public") -> str:
    """What a derived graph (graph-extras) computed at ``level`` must name to be loaded with these
    records: a digest of the records readable at that level, so figures computed at ``public`` stay
    valid when only a restricted record changes. (Converts the records; use ``level_records_digest``
    on a built generation instead where one exists.)"""
    data_dir, base = config.data_dir(data_dir), config.base_iri(base)
    return records_digests(load_records(data_dir), base)[level]


def records_digests(records: Records, base: str) -> dict[str, str]:
    spilled = Spill(None, base)
    for chunk in to_rdf.record_quad_chunks(records, base):
        spilled.add(chunk)
    return spilled.records_digests()


def extras_files(build_dir: Path, digests: FileDigests | None = None) -> list[tuple[Path, str]]:
    """The derived graphs waiting to be loaded, with a digest of each file."""
    folder = extras_dir(build_dir)
    paths = sorted(folder.glob("*.nq")) if folder.is_dir() else []
    return [(path, digests.digest(path) if digests is not None else sha256_file(path)) for path in paths]


def _extras_header(path: Path) -> str:
    with open(path, "rb") as handle:
        first = handle.readline().decode("utf-8", "replace").strip()
    return first[len(EXTRAS_HEADER):] if first.startswith(EXTRAS_HEADER) else ""


STALE = "leaving out {name}: computed from other records (run the command that wrote it again)"


def select_extras(files: list[tuple[Path, str]], valid: set[str], say: Callable[[str], None] | None = None,
                  level: str = "public") -> list[tuple[Path, str]]:  # fmt: skip
    """The derived graphs among ``files`` computed from records whose digest is in ``valid``; a stale
    one computed at ``level`` or below is reported to ``say`` (nothing above ``level`` shows)."""
    out = []
    for path, digest in files:
        computed_from = _extras_header(path)
        if computed_from in valid:
            out.append((path, digest))
        elif say and label_rank(computed_from) <= LEVEL_RANK[level]:
            say(STALE.format(name=path.name))
    return out


class BuildInputs:
    """The inputs of one build of a data folder: read lazily, each at most once.

    Examples
    --------
    >>> inputs = BuildInputs("data", "build")              # doctest: +SKIP
    >>> store = OxigraphStore.from_quads(inputs.quads(), inputs.base, "public")  # doctest: +SKIP
    """

    def __init__(self, data_dir=None, build_dir=None, base=None):
        self.data_dir, self.build_dir, self.base = config.data_dir(data_dir), config.build_dir(build_dir), config.base_iri(base)
        self._fingerprint: str | None = None
        self._records: Records | None = None
        self._records_cache = None  # the kg.increments.RecordsCache the records were read with (a build's)
        self._digests: dict[str, str] | None = None
        self._files: FileDigests | None = None

    def file_digests(self) -> FileDigests:
        """The digests of the input files, by size and modification time first (``kg.buildcache``)."""
        if self._files is None:
            self._files = FileDigests(self.build_dir)
        return self._files

    def fingerprint(self) -> str:
        """A digest of the records, the ontology, the base IRI and the build code (not the extras)."""
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.data_dir, self.base, self.file_digests())
        return self._fingerprint

    def records(self, cache=None) -> Records:
        """The checked records; ``cache`` (``kg.increments.RecordsCache``) reuses unchanged files."""
        if self._records is None:
            self._records = load_records(self.data_dir, cache)
        return self._records

    def static_key(self) -> str:
        """A digest of what every part of a build depends on: the base IRI, the build code and the
        ontology (after ``fingerprint``, which looked at the ontology's files)."""
        digests = self.file_digests()
        files = [(relative, digests.known(path) or "") for relative, path, _ in input_files(config.ontology_dir())]
        return hashlib.sha256(repr((self.base, code_digest(), files)).encode()).hexdigest()

    def extras_files(self) -> list[tuple[Path, str]]:
        """Every derived graph waiting in the build folder, fresh or stale, with a digest of each."""
        return extras_files(self.build_dir, self.file_digests())

    def key(self, extras: list[tuple[Path, str]]) -> str:
        """A digest of the fingerprint and of the derived graphs ``extras`` loaded with it."""
        return hashlib.sha256((self.fingerprint() + "".join(d for _, d in extras)).encode()).hexdigest()

    def records_digests(self) -> dict[str, str]:
        """Level -> the digest a derived graph computed at that level names (converts the records once)."""
        if self._digests is None:
            self._digests = records_digests(self.records(), self.base)
        return self._digests

    def current_extras(self, say=None, level: str = "public") -> list[tuple[Path, str]]:
        """The derived graphs computed from these records (at any level); stale ones are told to ``say``."""
        files = self.extras_files()
        if not files:
            return []
        return select_extras(files, set(self.records_digests().values()), say, level)

    def quads(self, say=None, level: str = "public", extras: list[tuple[Path, str]] | None = None) -> list[ox.Quad]:
        """The records' quads, the ontology's, then those of the current derived graphs (or ``extras``)."""
        extras = self.current_extras(say, level) if extras is None else extras
        quads = all_quads(self.records(), self.base)
        for path, _ in extras:
            quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        return quads


def current_extras(data_dir, build_dir, base, progress=None, level: str = "public") -> list[tuple[Path, str]]:
    """``BuildInputs(data_dir, build_dir, base).current_extras(progress, level)``."""
    return BuildInputs(data_dir, build_dir, base).current_extras(progress, level)


_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_COUNTED = {  # rdf:type -> Summary field, for the counts of each level
    "http://xmlns.com/foaf/0.1/Person": "people", "http://www.w3.org/ns/org#Organization": "organizations",
    "https://schema.org/CreativeWork": "sources", "https://kg.example.org/ontology#Participation": "participations",
    "http://www.w3.org/ns/org#Membership": "affiliations", "https://kg.example.org/ontology#Figure": "figures",
}  # fmt: skip
_EVENT_TYPE = "https://kg.example.org/ontology#eventType"  # one per event (sections are schema:Event too)
_SUBJECT = "http://purl.org/dc/terms/subject"
_THEME = "https://kg.example.org/theme/"


class Spill:
    """Quads written as N-Quads into one temporary file per sensitivity rank, a chunk at a time, so
    a build never holds all quads in memory (Oxigraph's bulk loader then streams the files).

    It also keeps, per rank, a digest of the bytes written and the counts of what they hold, so each
    level gets a name and a summary computed from what that level reads and nothing above it. With
    ``folder=None`` it only digests (``records_fingerprint``). With ``early`` (a ``kg.storeload.BackgroundLoad``),
    rank 0's quads also go to that store as they come."""

    def __init__(self, folder: Path | None, base: str, early=None):
        self.folder, self.base, self.early = folder, base, early
        self.files: dict[int, Path] = {}  # the ranks written to files; rank 0 is not one of them with ``early``
        self.ranks: set[int] = set()  # the ranks that hold any quad (each has a store)
        self.counts: dict[int, int] = {}  # every quad, extras included: what each store loads
        self.total = 0
        self._handles: dict = {}
        self._rank_of: dict[str, int] = {}  # graph IRI -> rank; there are few graphs, many quads
        ranks = range(len(LEVELS))
        self._records = {r: hashlib.sha256() for r in ranks}  # the records' quads
        self._extras = {r: hashlib.sha256() for r in ranks}  # the graph-extras' quads
        self._triples = dict.fromkeys(ranks, 0)  # records and ontology, as Summary.triples
        self._typed = {r: dict.fromkeys(("events", *_COUNTED.values()), 0) for r in ranks}
        self._themes: dict[int, set[str]] = {r: set() for r in ranks}

    def rank(self, graph_iri: str) -> int:
        rank = self._rank_of.get(graph_iri)
        if rank is None:
            rank = self._rank_of[graph_iri] = graph_rank(graph_iri, self.base)
        return rank

    def add(self, quads: list[ox.Quad], records: bool = True, digest: bool = True) -> None:
        """``records``: quads of the records (counted and digested as such), else graph-extras;
        ``digest=False`` for the ontology, whose files are digested instead."""
        self.add_pieces(self.pieces(quads, count=records and digest), records, digest)

    def pieces(self, quads: list[ox.Quad], count: bool = True) -> list[tuple]:
        """``quads`` as what ``add_pieces`` takes: per rank, the N-Quads bytes, how many quads, and
        (with ``count``) the counts of what they hold. A build keeps these per report."""
        by_rank: dict[int, list[ox.Quad]] = {}
        for q in quads:
            by_rank.setdefault(self.rank(q.graph_name.value), []).append(q)
        out = []
        for rank, selected in by_rank.items():
            typed, themes = self._counted(selected) if count else (None, None)
            out.append((rank, ox.serialize(selected, format=ox.RdfFormat.N_QUADS), len(selected), typed, themes))
        return out

    def add_pieces(self, pieces: list[tuple], records: bool = True, digest: bool = True) -> list[tuple]:
        """Returns, for the records' pieces (``records`` and ``digest``), what ``add_summaries`` needs
        to count them again without their bytes: (rank, sha256 of the bytes, quads, counts, themes)."""
        summaries = []
        for rank, data, n, typed, themes in pieces:
            if rank == 0 and self.early is not None:
                self.early.feed(data)
            if self.folder is not None:  # every rank, rank 0 too: the generation keeps them (``kg.export``)
                if rank not in self._handles:
                    self.files[rank] = self.folder / f".quads-{rank}.nq"
                    self._handles[rank] = open(self.files[rank], "wb")
                self._handles[rank].write(data)
            if self.folder is not None or (rank == 0 and self.early is not None):
                self.counts[rank] = self.counts.get(rank, 0) + n
            if digest and not records:
                self._extras[rank].update(data)
            if records and digest:
                summaries.append((rank, hashlib.sha256(data).digest(), n, typed, themes))
            else:
                self.ranks.add(rank)
                self.total += n
                if records:
                    self._triples[rank] += n
        self.add_summaries(summaries)
        return summaries

    def add_summaries(self, summaries: list[tuple]) -> None:
        """Count and digest records' pieces by their summaries (``add_pieces``): a report's quads that
        are already in the live stores need not be read again. A level's records digest covers the
        digest of each piece, in order."""
        for rank, piece_digest, n, typed, themes in summaries:
            self.ranks.add(rank)
            self._records[rank].update(piece_digest)
            self._triples[rank] += n
            for key, value in typed.items():
                self._typed[rank][key] += value
            self._themes[rank] |= themes
            self.total += n

    @staticmethod
    def _counted(quads: list[ox.Quad]) -> tuple[dict[str, int], set[str]]:
        typed, themes = dict.fromkeys(("events", *_COUNTED.values()), 0), set()
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
        return typed, themes

    def records_digests(self) -> dict[str, str]:
        """Level -> ``level:digest`` of what the records, ontology, base and build code put at or
        below that level (the value a graph-extras file computed at that level names)."""
        common = hashlib.sha256(self.base.encode())
        for data in _code():
            common.update(data)
        for path in sorted(config.ontology_dir().rglob("*")):
            if path.is_file():
                common.update(path.name.encode() + b"\0" + path.read_bytes())
        out, running = {}, common
        for rank, level in enumerate(LEVELS):
            running = hashlib.sha256(running.digest() + self._records[rank].digest())
            out[level] = f"{level}:{running.hexdigest()}"
        return out

    def level_info(self, records_digests: dict[str, str], before: dict | None, now: str) -> dict[str, dict]:
        """Per level: the name shown at that level, its records digest, its summary, and when the
        records it reads were first built (kept from ``before`` while they do not change)."""
        out = {}
        running = hashlib.sha256()
        triples, typed, themes = 0, dict.fromkeys(self._typed[0], 0), set()
        for rank, level in enumerate(LEVELS):
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

    def discard(self) -> None:
        """After a failed build: the files closed, rank 0's load stopped where it is."""
        for handle in self._handles.values():
            handle.close()
        if self.early is not None:
            self.early.cancel()
