"""Answers kept per build generation: a slow query asked again is read back, not computed again.

A generation of the store never changes once built (``kg.generations``: a new build writes a new
``gen-…`` folder and switches ``CURRENT``), so what a query answered on it stays true until the
next build. ``kept`` runs a query through ``compute`` and, when it took at least ``KG_KEEP_ANSWERS_OVER``
seconds (default 0.5), keeps the answer in ``<build>/store/gen-…/answers/<level>/``; the next
identical ask reads it back.

"Identical" is everything the answer depends on, all of it in the key and stored inside the entry,
compared when read: the generation (its folder and a digest of its ``summary.json``), the level the
store reads, the query text after prefixes and bindings, and the options of the run (literal
spelling, base IRI, dataset, row limit). An answer is never read at another level or from another
generation. An entry is checked before use (BLAKE2b of its bytes, before unpickling, with nothing
but plain lists, dicts and strings allowed in it); a damaged or foreign one is ignored and computed
again. Writes go to a temporary file renamed into place (two processes asking at once both write the
same answer). A folder that cannot be written is skipped silently. Answers cut at a row limit are
not kept; the answers of one generation are capped at ``KG_KEEP_ANSWERS_MAX_BYTES`` (default 256 MB,
the least recently used out first).

``KG_KEEP_ANSWERS=0`` turns it off (nothing read, nothing written); deleting
``build/store/gen-*/answers`` clears what was kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import time
import weakref
from pathlib import Path

from ..answers import Answer

FORMAT = 1  # bump when the layout of an entry changes
FOLDER = "answers"
DEFAULT_OVER = 0.5
DEFAULT_MAX_BYTES = 256 * 1024 * 1024

_tokens: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> its generation's identity


def enabled() -> bool:
    return os.environ.get("KG_KEEP_ANSWERS", "1").strip().lower() not in ("0", "no", "off", "false")


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def generation_token(store) -> str | None:
    """The identity of the generation ``store`` reads, taken once per opened store (None: not a built one)."""
    if getattr(store, "kind", None) != "oxigraph" or getattr(store, "generation", None) is None:
        return None
    try:
        return _tokens[store]
    except (KeyError, TypeError):
        pass
    try:
        summary = (Path(store.generation) / "summary.json").read_bytes()
    except OSError:
        return None
    token = f"{Path(store.generation).resolve()}:{hashlib.sha256(summary).hexdigest()}"
    try:
        _tokens[store] = token
    except TypeError:
        pass
    return token


def kept(store, text, options: dict, compute) -> Answer:
    """``compute()``'s answer to ``text`` (the query as the engine runs it, or a function giving it)
    on ``store`` with ``options``: read back when kept, kept when it was slow."""
    token = generation_token(store) if enabled() else None
    if token is None:
        return compute()
    text = text() if callable(text) else text
    material = json.dumps([FORMAT, token, store.level, text, options], sort_keys=True)
    folder = Path(store.generation) / FOLDER / store.level
    path = folder / f"{hashlib.sha256(material.encode()).hexdigest()}.pickle"
    found = _load(path, material)
    if found is not None:
        return found
    started = time.perf_counter()
    answer = compute()
    if time.perf_counter() - started >= _number("KG_KEEP_ANSWERS_OVER", DEFAULT_OVER):
        _save(path, material, answer, int(_number("KG_KEEP_ANSWERS_MAX_BYTES", DEFAULT_MAX_BYTES)))
    return answer


class _PlainUnpickler(pickle.Unpickler):
    """Lists, dicts, strings, numbers, None: an entry naming any class or function is refused."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"a kept answer may not name {module}.{name}")


def _load(path: Path, material: str) -> Answer | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    check, payload = data[:32], data[32:]
    if hashlib.blake2b(payload, digest_size=32).digest() != check:
        return None  # damaged: never unpickled
    try:
        saved = _PlainUnpickler(io.BytesIO(payload)).load()
        fmt, key, kind, variables, rows, boolean = saved
    except Exception:  # noqa: BLE001 - anything unreadable is computed again
        return None
    if fmt != FORMAT or key != material or kind not in ("SELECT", "ASK"):
        return None
    try:
        os.utime(path)  # recently used: the last to go when the cap is reached
    except OSError:
        pass
    return Answer(kind, variables=variables, rows=rows, boolean=boolean)


def _save(path: Path, material: str, answer: Answer, max_bytes: int) -> None:
    if answer.truncated or answer.kind not in ("SELECT", "ASK"):
        return  # cut at a row limit: not the whole answer; graphs (CONSTRUCT) are not kept
    payload = pickle.dumps((FORMAT, material, answer.kind, answer.variables, answer.rows, answer.boolean),
                           protocol=pickle.HIGHEST_PROTOCOL)
    data = hashlib.blake2b(payload, digest_size=32).digest() + payload
    if len(data) > max_bytes:
        return
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{time.monotonic_ns()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a read-only build folder, a full disk: only slower next time
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return
    _cap(path.parent.parent, max_bytes)


def _cap(root: Path, max_bytes: int) -> None:
    """Remove the least recently used entries of a generation until they fit in ``max_bytes``."""
    entries = []
    try:
        for level in os.scandir(root):
            if level.is_dir():
                for entry in os.scandir(level.path):
                    if entry.name.endswith(".pickle") and not entry.name.startswith("."):
                        stat = entry.stat()
                        entries.append((stat.st_mtime_ns, stat.st_size, entry.path))
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    for _, size, name in sorted(entries):
        if total <= max_bytes:
            break
        try:
            os.unlink(name)
        except OSError:
            pass
        total -= size
