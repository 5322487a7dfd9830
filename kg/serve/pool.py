"""The pool of query workers, shared fairly: no client, and no kind of query, can starve the others."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field

import anyio

from .settings import Settings
from .worker import Worker


def _lower_priority(worker: Worker) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, 19)
        worker.lowered = True
    except OSError:  # the worker just ended: nothing to lower
        pass


class Stopped(Exception):
    """The query ran past the time limit and its worker was killed."""


class Crashed(Exception):
    """The worker process died while answering (it is replaced)."""


class Busy(Exception):
    """No worker came free within the time limit."""


class Unavailable(Exception):
    """A query refused or stopped to keep the server answering others: a 503 with this message."""

    def __init__(self, message: str, **headers: str):
        super().__init__(message)
        self.headers = headers


class OutOfMemory(Unavailable):
    """The query's worker reached its memory limit (it is replaced)."""


class Crowded(Unavailable):
    """The query ran long while the long-query workers were all taken: it was stopped early."""


@dataclass(eq=False)
class _Waiter:
    client: str
    query: str  # a hash of the query's text, whitespace folded: a query stopped before is known again
    seq: int
    future: asyncio.Future = field(repr=False)
    heavy: bool = False  # set when it is given a worker (and cleared when it reaches the lane)
    share: tuple = ()  # (client, heavy) whose running count it holds


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 2**30 else f"{n / 2**30:g} GiB"


class Pool:
    """Worker processes; a query waits for a free one, and a worker that runs over time is replaced.

    Fair on a small machine under attack:

    * ``settings.workers`` *fresh* workers stay for new queries. A query still running after
      ``SLOW_SECONDS`` moves to the *long lane*: its worker is lowered to the least CPU priority
      (nice 19) and a warm spare takes its place among the fresh ones. The lane holds at most
      ``long_lane`` queries. One that turns long when it is full takes the place of a heavy query
      there (below), which is stopped; if there is none, it is stopped itself (503). So long queries
      never hold every worker, and an attacker's known queries cannot keep honest long ones out.
    * Free workers go first to the waiting client address that used the fewest worker-seconds lately.
    * A query that a client had stopped (time limit, memory limit, full lane) is *heavy* from that
      client for ``HEAVY_SECONDS``: it starts only when the lane has room, in the warm spare,
      straight into the lane, and so never takes a fresh worker from the others.
    * A client address has at most ``settings.per_client`` heavy queries and as many others running;
      more wait their turn.
    """

    SLOW_SECONDS = 0.3
    HEAVY_SECONDS = 60.0
    USAGE_HALF_LIFE = 30.0  # seconds: how long a client's use of workers counts against it

    def __init__(self, settings: Settings):
        self.settings = settings
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()  # free fresh workers (never waited on: see _dispatch)
        self.spares: asyncio.Queue[Worker] = asyncio.Queue()
        self.all: set[Worker] = set()
        self.long: set[Worker] = set()  # workers whose query runs in the long lane
        self.long_lane = 3 * settings.workers
        self.heavy_starting = 0  # heavy queries given a worker, not yet in the lane
        self.spares_starting = 0
        self.stopped_queries = 0
        self.waiting: list[_Waiter] = []
        self.running: Counter[tuple[str, bool]] = Counter()  # (client, heavy): queries running
        self.usage: dict[str, tuple[float, float]] = {}  # client: (worker-seconds, when)
        self.heavy_until: dict[tuple[str, str], float] = {}  # (client, query): until when it is heavy
        self.confinement: dict = {}
        self._seq = itertools.count()

    async def start(self) -> None:
        await asyncio.gather(*(self._add(self.idle) for _ in range(self.settings.workers)), self._add(self.spares))
        for message in self.unconfined():  # said on start (and in /status.json), not hidden
            logging.getLogger("kg.serve").warning("kg serve: %s", message)

    def unconfined(self) -> list[str]:
        """What the workers could not apply on this platform, one sentence each."""
        return [f"query workers run without {what.replace('_', ' ')} ({state}); they keep serving"
                for what, state in self.confinement.items() if state.startswith("unavailable")]  # fmt: skip

    async def _add(self, queue: "asyncio.Queue[Worker]") -> None:
        spare = queue is self.spares
        self.spares_starting += spare
        try:
            worker = await anyio.to_thread.run_sync(Worker, self.settings)
            worker.spare = spare
            self.all.add(worker)
            ready = await anyio.to_thread.run_sync(worker.wait_ready)
        finally:
            self.spares_starting -= spare
        if ready:
            self.confinement = worker.confinement
            queue.put_nowait(worker)
            self._dispatch()
        else:  # pragma: no cover - a worker that cannot even start
            self.all.discard(worker)
            worker.stop()

    def serving(self) -> list[Worker]:
        """The workers that answer queries (busy or idle), not the warm spare."""
        return [w for w in self.all if not w.spare]

    def describe(self) -> dict:
        """What /status.json tells of the pool's limits and confinement."""
        return {"long_queries": len(self.long), "long_lane": self.long_lane, "per_client": self.settings.per_client,
                "waiting": len(self.waiting), "worker_memory_bytes": self.settings.worker_memory or None,
                "network_isolation": self.confinement.get("network_isolation", "unknown"),
                "memory_limit": self.confinement.get("memory_limit", "unknown")}  # fmt: skip

    # --- who goes next -------------------------------------------------------------------------

    def _usage(self, client: str, now: float) -> float:
        seconds, when = self.usage.get(client, (0.0, now))
        return seconds * 0.5 ** ((now - when) / self.USAGE_HALF_LIFE)

    def _charge(self, waiter: _Waiter, seconds: float, stopped: bool) -> None:
        now = time.monotonic()
        self.usage[waiter.client] = (self._usage(waiter.client, now) + seconds, now)
        if stopped:
            self.heavy_until[waiter.client, waiter.query] = now + self.HEAVY_SECONDS
        if len(self.usage) > 10_000:  # forget clients long gone
            self.usage = {c: v for c, v in self.usage.items() if self._usage(c, now) > 0.01}
        if len(self.heavy_until) > 10_000:
            self.heavy_until = {k: t for k, t in self.heavy_until.items() if t > now}

    def _heavy(self, waiter: _Waiter, now: float) -> bool:
        return self.heavy_until.get((waiter.client, waiter.query), 0.0) > now

    def _dispatch(self) -> None:
        """Give free workers to waiting queries: fewest recent worker-seconds first, within the caps.
        A light query gets a fresh worker; a heavy one the warm spare, when the lane has room."""
        now = time.monotonic()
        while self.waiting:
            light_ok = not self.idle.empty()
            heavy_ok = not self.spares.empty() and len(self.long) + self.heavy_starting < self.long_lane
            ready = []
            for w in self.waiting:
                heavy = self._heavy(w, now)
                if self.running[w.client, heavy] >= self.settings.per_client:
                    continue
                if heavy_ok if heavy else light_ok:
                    ready.append((heavy, self._usage(w.client, now), w.seq, w))
            if not ready:
                return
            heavy, _, _, waiter = min(ready, key=lambda r: r[:3])
            waiter.heavy, waiter.share = heavy, (waiter.client, heavy)
            self.waiting.remove(waiter)
            self.running[waiter.share] += 1
            self.heavy_starting += heavy
            if heavy:
                worker = self.spares.get_nowait()
                worker.spare = False
                self._keep_a_spare()
            else:
                worker = self.idle.get_nowait()
            worker.waiter = waiter
            waiter.future.set_result(worker)

    def _done(self, waiter: _Waiter) -> None:
        self.running[waiter.share] -= 1
        if not self.running[waiter.share]:
            del self.running[waiter.share]

    async def _acquire(self, client: str, query: str) -> tuple[Worker, _Waiter]:
        fingerprint = hashlib.blake2b(" ".join(query.split()).encode(), digest_size=16).hexdigest()
        waiter = _Waiter(client, fingerprint, next(self._seq), asyncio.get_running_loop().create_future())
        self.waiting.append(waiter)
        self._dispatch()
        try:
            await asyncio.wait([waiter.future], timeout=self.settings.queue_timeout)
        except BaseException:  # the request was cancelled: give back a worker it may have been given
            self._forget(waiter)
            raise
        if not waiter.future.done():
            self._forget(waiter)
            raise Busy()
        return waiter.future.result(), waiter

    def _forget(self, waiter: _Waiter) -> None:
        if waiter.future.done() and not waiter.future.cancelled():
            self._done(waiter)
            self.heavy_starting -= waiter.heavy
            worker = waiter.future.result()
            if waiter.heavy:  # a spare given to it: the lane's, not a fresh one
                self.long.add(worker)
                self._retire(worker, stopped=False)
            else:
                self.idle.put_nowait(worker)
        else:
            waiter.future.cancel()
            self.waiting.remove(waiter)
        self._dispatch()

    # --- one query -----------------------------------------------------------------------------

    async def run(self, job: dict, client: str = "-") -> tuple:
        """The worker's reply (status, media type, body, headers) to ``job`` sent by ``client`` (its
        address); raises Busy, Stopped, Crashed or Unavailable (OutOfMemory, Crowded)."""
        worker, waiter = await self._acquire(client, job["query"])
        started = time.monotonic()
        reply, failure = None, None
        try:
            worker.conn.send(job)
            first = 0 if waiter.heavy else min(self.SLOW_SECONDS, self.settings.timeout)
            done = await anyio.to_thread.run_sync(worker.conn.poll, first)
            if not done and not waiter.heavy and len(self.long) + self.heavy_starting >= self.long_lane:
                self._preempt_heavy()  # a query known to run long gives way to one that is not known
            if not done and not waiter.heavy and len(self.long) + self.heavy_starting >= self.long_lane:
                failure = Crowded(f"the server is busy with {len(self.long)} long queries, the most it runs at once, "
                                  f"so this one was stopped after {first:g} s to keep answering short ones; "
                                  "narrow it (LIMIT, more specific patterns) or try again later", **{"Retry-After": "10"})  # fmt: skip
            elif not done:  # a long query: into the lane, lowered; a spare takes its fresh worker's place
                self.long.add(worker)
                _lower_priority(worker)
                if waiter.heavy:  # it came in the spare: no fresh worker to replace
                    self.heavy_starting -= 1
                    waiter.heavy = False
                else:
                    self._fill_fresh()
                done = await anyio.to_thread.run_sync(worker.conn.poll, self.settings.timeout - first)
            if done:
                reply = worker.conn.recv()
        except (EOFError, OSError):
            failure = Crashed()
            if worker.preempted:
                failure = Crowded("the server is busy with long queries, and this one, stopped for this client before, "
                                  "gave way to one not known to run long; narrow it (LIMIT, more specific patterns) "
                                  "or try again later", **{"Retry-After": "10"})  # fmt: skip
            elif await anyio.to_thread.run_sync(worker.ran_out_of_memory):
                failure = OutOfMemory(f"the query needed more than the worker's memory limit of "
                                      f"{_mib(self.settings.worker_memory)} and was stopped; narrow it (LIMIT, "
                                      "fewer rows to sort or group, shorter strings) and try again", **{"X-KG-Stopped": "memory-limit"})  # fmt: skip
            elif worker.process.exitcode == -signal.SIGXCPU:  # its own CPU backstop (kg.serve.worker.limit_cpu)
                failure = None
        finally:  # also when the request is cancelled: never lose a worker, never leave one running
            if waiter.heavy:  # ended before it reached the lane: still the lane's worker, not a fresh one
                self.heavy_starting -= 1
                self.long.add(worker)
            self._done(waiter)
            if reply is None and failure is None:
                failure = Stopped()
            self._charge(waiter, time.monotonic() - started, stopped=reply is None)
            if reply is not None and worker not in self.long and not worker.preempted:
                self.idle.put_nowait(worker)
            else:
                self._retire(worker, stopped=isinstance(failure, Stopped))
            self._dispatch()
        if reply is None:
            raise failure
        return reply

    # --- keeping the pool whole ----------------------------------------------------------------

    def _keep_a_spare(self) -> None:
        if self.spares.empty() and not self.spares_starting:
            asyncio.get_running_loop().create_task(self._add(self.spares))

    def _fill_fresh(self) -> None:
        """One more fresh worker: the warm spare at once, else a new one."""
        if not self.spares.empty():
            spare = self.spares.get_nowait()
            spare.spare = False
            self.idle.put_nowait(spare)
        else:
            asyncio.get_running_loop().create_task(self._add(self.idle))
        self._keep_a_spare()

    def _retire(self, worker: Worker, stopped: bool) -> None:
        """Kill a worker that was stopped, died or was lowered; a fresh one is replaced, a long one not."""
        self.stopped_queries += stopped
        self.all.discard(worker)
        worker.stop()  # SIGKILL: the query inside pyoxigraph cannot be interrupted any other way
        if worker in self.long:
            self.long.discard(worker)
        elif not worker.preempted:  # a preempted one left the lane already
            self._fill_fresh()

    def _preempt_heavy(self) -> None:
        """Free a place in the full lane by killing a heavy query there: the one of the client that used most."""
        now = time.monotonic()
        heavy = [w for w in self.long if w.waiter is not None and w.waiter.share[1]]
        if heavy:
            victim = max(heavy, key=lambda w: self._usage(w.waiter.client, now))
            victim.preempted = True
            self.long.discard(victim)
            victim.process.kill()  # its own request ends with a 503 (Crowded) and retires the worker

    def close(self) -> None:
        for worker in list(self.all):
            worker.stop()
        self.all.clear()
