"""The pool of query workers: a query waits for a free one; one that runs over time is replaced."""

from __future__ import annotations

import asyncio
import os

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


class Pool:
    """Worker processes; a query waits for a free one, and a worker that runs over time is replaced.

    A long query must not starve the short ones on a small machine. When a query has run for
    ``SLOW_SECONDS``, its worker is lowered to the least CPU priority (nice 19) and a warm spare
    worker joins the idle ones (up to four times the configured number), so short queries keep both
    a free worker and the CPU. A lowered worker is retired when its query ends or is stopped, and
    the spare replaces it at once, without waiting for a new process to start."""

    SLOW_SECONDS = 0.3

    def __init__(self, settings: Settings):
        self.settings = settings
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.spares: asyncio.Queue[Worker] = asyncio.Queue()
        self.all: set[Worker] = set()
        self.spares_starting = 0
        self.stopped_queries = 0

    async def start(self) -> None:
        await asyncio.gather(*(self._add(self.idle) for _ in range(self.settings.workers)), self._add(self.spares))

    async def _add(self, queue: "asyncio.Queue[Worker]") -> None:
        spare = queue is self.spares
        self.spares_starting += spare
        try:
            worker = await anyio.to_thread.run_sync(Worker, self.settings)
        finally:
            self.spares_starting -= spare
        worker.spare = spare
        self.all.add(worker)
        if await anyio.to_thread.run_sync(worker.wait_ready):
            await queue.put(worker)
        else:  # pragma: no cover - a worker that cannot even start
            self.all.discard(worker)
            worker.stop()

    def serving(self) -> list[Worker]:
        """The workers that answer queries (busy or idle), not the warm spare."""
        return [w for w in self.all if not w.spare]

    async def run(self, job: dict) -> tuple:
        """The worker's reply (status, media type, body, headers); raises Busy, Stopped or Crashed."""
        try:
            worker = await asyncio.wait_for(self.idle.get(), timeout=self.settings.queue_timeout)
        except asyncio.TimeoutError:
            raise Busy() from None
        reply, failure = None, Stopped
        try:
            worker.conn.send(job)
            first = min(self.SLOW_SECONDS, self.settings.timeout)
            done = await anyio.to_thread.run_sync(worker.conn.poll, first)
            if not done:  # a long query: lower it, and let the spare serve the others meanwhile
                _lower_priority(worker)
                self._lend_spare()
                done = await anyio.to_thread.run_sync(worker.conn.poll, self.settings.timeout - first)
            if done:
                reply = worker.conn.recv()
        except (EOFError, OSError):
            failure = Crashed
        finally:  # also when the request is cancelled: never lose a worker, never leave one running
            if reply is not None and not getattr(worker, "lowered", False):
                self._release(worker)
            else:
                self._replace(worker, stopped=reply is None and failure is Stopped)
        if reply is None:
            raise failure()
        return reply

    def _keep_a_spare(self) -> None:
        if self.spares.empty() and not self.spares_starting:
            asyncio.get_running_loop().create_task(self._add(self.spares))

    def _lend_spare(self) -> None:
        if self.spares.empty() or len(self.serving()) >= 4 * self.settings.workers:
            return
        spare = self.spares.get_nowait()
        spare.spare = False
        self.idle.put_nowait(spare)
        self._keep_a_spare()

    def _release(self, worker: Worker) -> None:
        """A worker that answered goes back to the idle ones, or away if the pool had grown."""
        if len(self.serving()) > self.settings.workers:
            self.all.discard(worker)
            worker.stop()
        else:
            self.idle.put_nowait(worker)

    def _replace(self, worker: Worker, stopped: bool) -> None:
        self.stopped_queries += stopped
        self.all.discard(worker)
        worker.stop()  # SIGKILL: the query inside pyoxigraph cannot be interrupted any other way
        if len(self.serving()) < self.settings.workers:
            if not self.spares.empty():
                spare = self.spares.get_nowait()
                spare.spare = False
                self.idle.put_nowait(spare)
            else:
                asyncio.get_running_loop().create_task(self._add(self.idle))
        self._keep_a_spare()

    def close(self) -> None:
        for worker in list(self.all):
            worker.stop()
        self.all.clear()
