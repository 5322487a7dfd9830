"""A query worker process: opens the live store read-only and answers one job at a time.

Before it opens anything, a worker confines itself: a memory limit (RLIMIT_DATA, so a query that
sorts or concatenates without end fails in its own process) and, on Linux, its own user and network
namespaces with no interface but a loopback that is down, so whatever a query asks for (a SERVICE
call that got past ``kg.sparql.inspect``) cannot reach any address, on this host or beyond."""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import resource
import signal
import sys
from pathlib import Path

from .. import query_errors, sparql
from ..sparql.kept import kept
from .media import choose_format
from .settings import Settings


@functools.lru_cache(maxsize=256)
def inspect_cached(query: str) -> bool:
    """``kg.sparql.inspect`` remembered per worker (it may parse with rdflib, which is slow)."""
    return sparql.inspect(query)


def answer_query(store, job: dict, max_rows: int) -> tuple[int, str, bytes, dict]:
    """Run one request's query on an opened ``OxigraphStore``: (status, media type, body, headers).

    All per-query work happens here, in the worker and under its time limit, never in the web server:
    the project's prefixes are added, the query is inspected, then run with the data's base IRI (so
    ``<s>`` means ``{base}s``) over its dataset, which is, as the SPARQL 1.1 Protocol says, the
    protocol's ``default-graph-uri``/``named-graph-uri`` when the request gives them (over any
    ``FROM`` in the query), else the query's own ``FROM``/``FROM NAMED``, else the union of the graphs.
    The store holds only the graphs readable at its level: a graph named above it is simply empty."""
    query = sparql.with_prefixes(job["query"], store.base)
    try:  # a long query is not remembered: 256 of a megabyte each would hold a quarter of a GiB
        ordered = inspect_cached(query) if len(query) < 20_000 else sparql.inspect(query)
    except sparql.Refused as exc:
        return 403, "text/plain; charset=utf-8", f"{exc}\n".encode(), {}
    given = job["default_graphs"] or job["named_graphs"]
    dataset = (job["default_graphs"], job["named_graphs"]) if given else None
    own_dataset = not given and sparql.has_dataset_clause(query)

    def compute():  # the store's own spelling of literals, as the protocol carries them (normalize=False)
        answer = store.answer(query, normalize=False, base_iri=store.base, max_rows=max_rows, dataset=dataset,
                              own_dataset=own_dataset)  # fmt: skip
        if answer.kind == "SELECT" and not ordered:
            answer.rows = sparql.sort_rows(answer.rows)
        return answer

    options = {"normalize": False, "base_iri": store.base, "max_rows": max_rows, "dataset": dataset,
               "own_dataset": own_dataset}  # everything the answer depends on besides the text (kg.sparql.kept)
    try:
        answer = kept(store, query, options, compute)
    except SyntaxError as exc:  # positioned in the text as sent, before the prefixes were added
        message = query_errors.explain(job["query"], store.base, str(exc))
        return 400, "text/plain; charset=utf-8", f"{message}\n".encode(), {}
    headers = {"X-KG-Truncated": "true", "X-KG-Row-Limit": str(max_rows)} if answer.truncated else {}
    key, media = choose_format(answer.kind, job["accept"], job["format"])
    return 200, media, answer.render(key, store.base), headers


MEMORY_EXIT = 75  # a worker's exit status when Python ran out of its memory limit
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


def isolate_network() -> str:
    """Move this process into new user and network namespaces: "on", or why the platform does not allow it.

    Must run while the process has a single thread (a forked worker, before the store starts
    RocksDB's threads). The pipe to the server is a file descriptor and keeps working; sockets
    can still be made, but there is no route to anything. The new user namespace drops every
    capability in the host's namespaces, so even a worker of a root server cannot join them back."""
    if not sys.platform.startswith("linux"):
        return f"unavailable: {sys.platform} has no network namespaces"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0
    except (OSError, AttributeError) as exc:
        return f"unavailable: unshare() cannot be called ({exc})"
    if failed:
        errno = ctypes.get_errno()
        return (f"unavailable: unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: {os.strerror(errno)} "
                "(are unprivileged user namespaces disabled, or is this a container without them?)")  # fmt: skip
    return "on"


def limit_memory(limit: int) -> str:
    """Cap this process's data memory (heap and private mappings) at ``limit`` bytes; 0 leaves it."""
    if not limit:
        return "off"
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))  # the hard limit too: a query cannot raise it
    except (ValueError, OSError) as exc:
        return f"unavailable: {exc}"
    return "on"


def limit_cpu(seconds: float) -> None:
    """Let this process use at most ``seconds`` more CPU time; past it the kernel ends it (SIGXCPU).
    The server kills a worker at the time limit; this stops one whose server died first (a server
    killed with SIGKILL never stops its workers), so no query runs on for ever."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(usage.ru_utime + usage.ru_stime + seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _worker_main(conn, base: str, level: str, max_rows: int, memory: int = 0, isolate: bool = True,
                 build_dir: str | None = None, timeout: float | None = None) -> None:  # fmt: skip
    """A worker: confine itself, open the live store read-only, answer jobs from ``conn`` until it closes."""
    from ..generations import current_generation
    from ..store import OxigraphStore

    network = isolate_network() if isolate else "off"
    os.environ["RUST_BACKTRACE"] = "0"  # at the memory limit the store aborts: one line in the log, not pages
    memory_limit = limit_memory(memory)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a worker ended at a limit leaves no core file
    store, path = None, None
    live = current_generation(Path(build_dir)) if build_dir else None
    if live is not None:  # opened now, so that the first query is as quick as the others
        try:
            store, path = OxigraphStore.open(str(live), base, level), str(live)
        except Exception:  # noqa: BLE001 - a rebuild may have just replaced it: the first job opens the live one
            store, path = None, None
    conn.send(("ready", {"network_isolation": network, "memory_limit": memory_limit}))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if timeout:
                limit_cpu(3 * timeout + 1)
            if job["store"] != path:
                store, path = OxigraphStore.open(job["store"], base, level), job["store"]
            reply = answer_query(store, job, max_rows)
        except MemoryError:  # the limit was hit in Python; the server answers 503 and replaces this worker
            os._exit(MEMORY_EXIT)
        except Exception as exc:  # noqa: BLE001 - a worker answers every job
            reply = (500, "text/plain; charset=utf-8", f"the query failed: {type(exc).__name__}: {exc}\n".encode(), {})
        conn.send(reply)


@functools.lru_cache(maxsize=1)
def _worker_context():
    """Workers come from a fork server started once with kg already imported: a new worker (one
    killed at the time limit is replaced) then costs a fork, not a fresh interpreter importing
    everything; and the threaded web server itself is never forked."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.serve.worker", "kg.store", "pyoxigraph", "kg.serve.warm"])
    return context


class Worker:
    def __init__(self, settings: Settings):
        context = _worker_context()
        self.conn, child = context.Pipe()
        self.memory = settings.worker_memory
        self.confinement: dict = {}  # what the worker could apply: {"network_isolation": "on" | why not, …}
        self.lowered = False
        self.preempted = False  # killed to make room in the long lane (kg.serve.pool)
        self.waiter = None  # the pool's record of the query it runs
        self.process = context.Process(target=_worker_main, args=(child, settings.base, settings.level, settings.max_rows,
                                                                  settings.worker_memory, settings.isolate_network,
                                                                  str(settings.build_dir), settings.timeout),
                                       daemon=True, name="kg-serve-worker")  # fmt: skip
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float = 60) -> bool:
        if not self.conn.poll(seconds):
            return False
        message = self.conn.recv()
        if isinstance(message, tuple) and message[0] == "ready":
            self.confinement = message[1]
            return True
        return False

    def ran_out_of_memory(self) -> bool:
        """Whether this worker, now gone, ended at its memory limit: Python's MemoryError, or the abort
        of the store's Rust or C++ code when an allocation fails."""
        self.process.join(2)
        return bool(self.memory) and self.process.exitcode in (MEMORY_EXIT, -signal.SIGABRT)

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()
