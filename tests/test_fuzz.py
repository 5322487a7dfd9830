"""Bad input, found by machine: generated record folders thrown at the loader and the builder.

Each example starts from a small valid folder (tests/conftest.mini_data) and breaks it: wrong types,
missing and extra fields, unknown references, deep nesting, huge strings, odd Unicode (RTL marks,
combining marks, NUL, lone surrogates), YAML anchors and aliases ("billion laughs"), non-UTF-8
bytes, source paths that climb out of data/ and symlinks that point outside. For every example,
``kg.validate.validate(..., shacl=False)`` and ``kg.generations.build`` must each end in either a valid
graph or ``RecordsInvalid`` whose problems all name file, line, field and message — never another
exception, never a hang (a per-example alarm), never a file opened outside the data folder (an
audit hook on ``open`` events). The budget is fixed and the examples derandomized, so CI sees the
same few hundred examples every run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from kg import config, generations
from kg.records import RecordsInvalid
from kg.validate import validate

from .conftest import MINI_SOURCE, kg, mini_data

FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])  # fmt: skip
EXAMPLE_SECONDS = 15  # far above any honest example (~0.1 s); a hang fails instead of blocking CI


# --- watching for reads outside the data folder ----------------------------------------------------


class _Watch:
    """An audit hook (installed once, it cannot be removed) that records every file opened while
    ``active`` is set, except under the allowed roots."""

    def __init__(self):
        self.active = False
        self.allowed: tuple[str, ...] = ()
        self.outside: list[str] = []
        self._busy = threading.local()
        sys.addaudithook(self._hook)

    def _hook(self, event, args):
        if not self.active or event != "open" or getattr(self._busy, "on", False):
            return
        path = args[0]
        if isinstance(path, int) or path is None:
            return
        self._busy.on = True
        try:
            try:
                real = os.path.realpath(os.fsdecode(path))
            except (ValueError, OSError):
                real = repr(path)
            if not real.startswith(self.allowed):
                self.outside.append(real)
        finally:
            self._busy.on = False

    @contextlib.contextmanager
    def watching(self, *roots: Path):
        python = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
        kg_package = Path(generations.__file__).parent
        roots = [*roots, kg_package, config.ontology_dir(), *map(Path, python), Path("/dev")]
        self.allowed = tuple(os.path.realpath(r) + os.sep for r in roots)
        self.outside = []
        self.active = True
        try:
            yield self.outside
        finally:
            self.active = False


WATCH = _Watch()


class Hang(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds: float):
    def fire(signum, frame):
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the check every example goes through ----------------------------------------------------------


def _problems_are_clear(exc: RecordsInvalid, data: Path) -> None:
    assert exc.problems, "RecordsInvalid without problems"
    for p in exc.problems:
        assert isinstance(p.file, str) and p.file.strip(), p
        assert isinstance(p.line, int) and p.line >= 0, p
        assert isinstance(p.field, str) and p.field.strip(), p
        assert isinstance(p.message, str) and p.message.strip(), p
        assert p.file.startswith(("data", str(data))), p  # names a file of the folder, not elsewhere
        str(p).encode("utf-8")  # printable on a UTF-8 terminal (no lone surrogate in the message)


def outcome(root: Path, data: Path) -> str:
    """Run validate then build on ``data``; returns "valid" or "invalid", or fails the test."""
    results = []
    for step in ("validate", "build"):
        with WATCH.watching(data, root / "build") as outside, alarm(EXAMPLE_SECONDS):
            try:
                if step == "validate":
                    problems = validate(data, shacl=False)
                    if problems:
                        _problems_are_clear(RecordsInvalid(problems), data)
                    results.append("invalid" if problems else "valid")
                else:
                    result = generations.build(data, root / "build")
                    results.append("valid")
            except RecordsInvalid as exc:
                _problems_are_clear(exc, data)
                results.append("invalid")
        assert outside == [], f"{step} opened files outside {data}: {sorted(set(outside))[:5]}"
    assert results[0] == results[1], f"validate said {results[0]} but build said {results[1]}"
    if currently_in_test_context():
        event(f"outcome: {results[0]}")  # shown by --hypothesis-show-statistics
    if results[1] == "valid":
        with generations.OxigraphStore.open(result.path, config.base_iri()) as store:
            assert len(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")) == 1
    return results[0]


@contextlib.contextmanager
def folder():
    """A fresh valid mini folder (hypothesis runs many examples in one test call)."""
    root = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))
    try:
        (root / "outside").mkdir()
        (root / "outside" / "secret.txt").write_text(MINI_SOURCE)  # would make quotes match, if read
        yield root, mini_data(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- strategies ------------------------------------------------------------------------------------

ODD = ["\u202e", "\u200f", "\u0301", "\u0000", "\u200d", "\ufeff", "\ud800", "\udfff", "\U0001f600",
       "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "e\u0301\u0301\u0301", "\u2028", "\x85", "\t", "\r"]  # fmt: skip
odd_text = st.lists(st.one_of(st.sampled_from(ODD), st.characters(exclude_categories=())), max_size=40).map("".join)
IDS = ["asha-khan", "example-org", "mini-workshop", "mini", "human-trafficking", "nobody", "no-such-org",
       "Asha Khan", "a" * 300, "x--y", "-x", ""]  # fmt: skip
QUOTES = [MINI_SOURCE.splitlines()[2], MINI_SOURCE.splitlines()[3], "not in the source", "Mini report"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), odd_text, st.sampled_from(IDS), st.sampled_from(QUOTES),
    st.sampled_from(["2024-02-30", "2024-13", "99999", "P", "PT2H", "restricted", "secret", "unveiler"]),
    st.integers(1, 40).map(lambda n: "x" * (n * 1000)),  # up to 40k characters
)  # fmt: skip
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(odd_text, st.sampled_from(IDS)), inner, max_size=4)),
    max_leaves=12)  # fmt: skip


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def dump(doc) -> str:
    return yaml.dump(doc, Dumper=_NoAliases, allow_unicode=False, sort_keys=False)


FILES = ["people.yaml", "organizations.yaml", "reports/mini.yaml"]


@settings(FUZZ, max_examples=160)
@given(st.data())
def test_mutated_records(data_strategy):
    """Replace, delete or add one value anywhere in one record file (up to three edits)."""
    with folder() as (root, data):
        for _ in range(data_strategy.draw(st.integers(1, 3), label="edits")):
            name = data_strategy.draw(st.sampled_from(FILES), label="file")
            doc = yaml.safe_load((data / name).read_text())
            parent, key = None, None
            node = doc
            while isinstance(node, (dict, list)) and node and data_strategy.draw(st.booleans(), label="descend"):
                keys = list(node) if isinstance(node, dict) else list(range(len(node)))
                parent, key = node, data_strategy.draw(st.sampled_from(keys), label="key")
                node = parent[key]
            op = data_strategy.draw(st.sampled_from(["replace", "delete", "extra"]), label="op")
            if parent is None:
                doc = data_strategy.draw(values, label="whole file")
            elif op == "replace":
                parent[key] = data_strategy.draw(values, label="value")
            elif op == "delete":
                del parent[key]
            elif isinstance(node, dict):
                node[data_strategy.draw(st.one_of(odd_text, st.sampled_from(IDS)), label="extra key")] = data_strategy.draw(values)
            elif isinstance(node, list):
                node.append(data_strategy.draw(values, label="extra item"))
            (data / name).write_text(dump(doc), encoding="utf-8")
        outcome(root, data)


def billion_laughs(levels: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev = chr(ord("a") + i - 1)
        lines.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{','.join(['*' + prev] * 9)}]")
    return "people:\n" + "\n".join("  " + line for line in ["- id: x", "  name: y"]) + "\nextra:\n" + \
        "\n".join("  " + line for line in lines) + "\n"  # fmt: skip


raw_texts = st.one_of(
    st.integers(2, 12).map(billion_laughs),
    st.integers(1, 9).map(lambda n: "people:\n  - &p {id: a, name: b}\n" + "  - *p\n" * n),
    st.integers(10, 5000).map(lambda n: "people: " + "[" * n + "]" * n + "\n"),
    st.integers(10, 400).map(lambda n: "people:\n" + "".join("  " * i + f"k{i}:\n" for i in range(n))),
    st.integers(1, 200).map(lambda n: "people:\n  - {id: a, name: " + "{x: " * n + "1" + "}" * n + "}\n"),
    st.sampled_from([
        "!!python/object/apply:os.system ['echo pwned']\n", "people: !!binary aGVsbG8=\n",
        "people: !!set {a, b}\n", "people: !!omap [a: 1]\n", "people:\n  - id: a\n    id: b\n    name: c\n",
        "people: [{id: a, name: b, sensitivity: !!float nan}]\n", "%YAML 1.1\n---\npeople: []\n...\n---\nx: 1\n",
        "people: [{? [a, b] : c}]\n", "\ufeffpeople: []\n", "people: '\\ud800'\n", 'people: ["\\ud800\\x00"]\n',
        "", "\n\n", "---\n", "people: null\n", "[]\n", "12\n", "people: {}\n",
    ]),
    values.map(dump),
)  # fmt: skip
raw_bytes = st.one_of(
    st.binary(max_size=300),
    raw_texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(raw_texts, st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xfe\xff"])).map(
        lambda tb: tb[0].encode("utf-8", "surrogatepass") + tb[1]),
    st.sampled_from(["utf-16", "latin-1", "cp1252"]).map(lambda c: "people: [{id: a, name: Zoë}]\n".encode(c)),
)  # fmt: skip


@settings(FUZZ, max_examples=100)
@given(st.sampled_from([*FILES, "sources/mini.txt"]), raw_bytes)
def test_raw_file_bytes(name, content):
    """Any bytes in any file of the folder: memory bombs, deep nesting, tags, encodings."""
    with folder() as (root, data):
        (data / name).write_bytes(content)
        outcome(root, data)


LINKS = {  # name under data/ -> where it points, relative to the example's root
    "sources/out.txt": "outside/secret.txt",
    "sources/loop.txt": "data/sources/loop.txt",
    "sources/outdir": "outside",
    "sources/back.txt": "data/sources/mini.txt",
}
SOURCE_FILES = ["../../etc/passwd", "/etc/passwd", "../outside/secret.txt", "sources/../../outside/secret.txt",
                "sources/out.txt", "sources/loop.txt", "sources/outdir/secret.txt", "sources/back.txt",
                "sources", "sources/", ".", "..", "~/secret.txt", "sources/missing.txt", "file:///etc/passwd",
                "sources/mini.txt\x00.png", "sources/" + "a" * 5000 + ".txt", "sources/" + "a/" * 3000,
                "C:\\Windows\\win.ini", "sources\\mini.txt", "\u202esources/mini.txt", "/proc/self/environ",
                "sources/mini.txt"]  # fmt: skip


@settings(FUZZ, max_examples=60)
@given(st.sampled_from(SOURCE_FILES), st.sampled_from([None, *FILES, "reports", "sources"]))
def test_paths_that_leave_the_data_folder(source_file, linked_out):
    """A source ``file:`` that climbs out, is absolute, or is a symlink pointing outside; and record
    files or folders that are themselves symlinks to copies outside."""
    with folder() as (root, data):
        for name, target in LINKS.items():
            (data / name).symlink_to(root / target)
        report = data / "reports" / "mini.yaml"
        doc = yaml.safe_load(report.read_text())
        doc["source"]["file"] = source_file
        report.write_text(dump(doc), encoding="utf-8")
        if linked_out:  # move the real file or folder outside and leave a symlink in its place
            outside = root / "outside" / linked_out.replace("/", "_")
            shutil.move(data / linked_out, outside)
            (data / linked_out).symlink_to(outside)
        result = outcome(root, data)
        if source_file != "sources/mini.txt" and source_file != "sources/back.txt":
            assert result == "invalid", source_file


def test_file_over_the_size_limit_is_refused_unread(tmp_path):
    data = mini_data(tmp_path)
    with open(data / "people.yaml", "ab") as handle:
        handle.truncate(21 * 1024 * 1024)
    assert outcome(tmp_path, data) == "invalid"


def test_fuzzed_folder_through_the_command_line(tmp_path):
    """The same kinds of input through `kg validate` and `kg build`: a message, never a traceback."""
    data = mini_data(tmp_path)
    (data / "people.yaml").write_text(billion_laughs(9))
    (data / "reports" / "mini.yaml").write_bytes(b"source: {id: mini, title: \xff}\n")
    for command in ("validate", "build"):
        result = kg(command, "--data", data, "--build-dir", tmp_path / "b")
        assert result.exit_code == 1
        assert "Traceback" not in result.output and "unexpected error" not in result.output, result.output
        assert "data/people.yaml:" in result.stderr and "anchors (&name) are not allowed" in result.stderr
