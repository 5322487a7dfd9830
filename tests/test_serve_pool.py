"""The pool of `kg serve` under attack: no client starves the rest, memory is bounded, workers have no network.

Each test reproduces an attack of issue 12 against a real server (or a real worker process):
20 clients looping a cross join (finding 3), a query that sorts or concatenates without end
(finding 4), and a SERVICE call that got past the guard (defence in depth of finding 1)."""

from __future__ import annotations

import http.client
import multiprocessing
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from email.message import Message
from pathlib import Path

import pytest
import requests

from kg.generations import current_generation
from kg.serve import worker as worker_module
from kg.serve.settings import Settings

from . import test_serve
from .conftest import DATA, require

BASE = "https://kg.example.org/id/"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # can only end at the time limit
SORTED_CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?i"  # grows without end
DOUBLING = ("SELECT (STRLEN(?a29) AS ?n) WHERE { BIND(\"x\" AS ?a0) "
            + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(29)) + " }")  # a 2^29-character string
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?p a schema:Person }"


class Server(test_serve.Server):
    """`kg serve` on the seed with the given options (they override tests.test_serve's limits)."""

    def __init__(self, build_dir: Path, *options: str):
        super().__init__(DATA, build_dir, *options)

    def status(self) -> dict:
        return requests.get(self.url + "/status.json", timeout=10).json()

    def post(self, query: str, source: str | None = None, timeout: float = 60) -> tuple[int, Message, str]:
        """One form POST from loopback address ``source`` (each client of a test has its own)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)  # fmt: skip
        try:
            conn.request("POST", "/sparql", urllib.parse.urlencode({"query": query}),
                         {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})  # fmt: skip
            response = conn.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()
            self.process.wait(15)


def _pool_back_to(server: Server, workers: int, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        status = server.status()
        if len(status["workers"]) >= workers and status["idle_workers"] >= workers or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


# --- finding 3: a few clients must not starve everyone ----------------------------------------------------


def test_a_cheap_query_is_answered_while_20_clients_loop_a_cross_join(seed_build):
    """Before: 20 clients looping a cross join left 0 of 3 cheap queries answered (503 after the queue
    timeout). Now each client address gets its share and long queries never hold every worker."""
    server = Server(seed_build, "--timeout", "4", "--queue-timeout", "5", "--workers", "2")
    stop = threading.Event()
    attacks: list[int] = []

    def attacker(n: int) -> None:
        while not stop.is_set():
            try:
                attacks.append(server.post(CROSS_JOIN, source=f"127.0.0.{n + 2}", timeout=30)[0])
            except OSError:  # the server stopped under it at the end of the test
                return

    threads = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(20)]
    try:
        for t in threads:
            t.start()
        # the attack under way: every attacker has had its cross join stopped once, so the pool knows them
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            status = server.status()
            if status.get("long_queries") == status.get("long_lane") and status["idle_workers"] == 2:
                break
            time.sleep(0.2)
        answers = [server.post(CHEAP, source="127.0.0.100", timeout=30) for _ in range(3)]
        status = server.status()
    finally:
        stop.set()
        for t in threads:  # each ends with its query, at the latest at the time limit
            t.join(15)
        server.stop()
    assert [a[0] for a in answers] == [200, 200, 200], [a[2] for a in answers]
    assert all(int(a[2].splitlines()[1]) >= 30 for a in answers)  # the real answer: the seed's people
    assert status["long_queries"] <= status["long_lane"] == 6, status
    assert attacks and set(attacks) <= {503}  # the cross joins were stopped, none answered


def test_one_address_gets_at_most_per_client_workers(seed_build):
    """Six cross joins at once from one address: two run (--per-client 2), the others wait their turn
    (and are answered 503 at the queue timeout), so another address still finds a worker."""
    server = Server(seed_build, "--timeout", "3", "--queue-timeout", "2", "--workers", "2", "--per-client", "2")
    results: list[int] = []
    try:
        threads = [threading.Thread(target=lambda: results.append(server.post(CROSS_JOIN, source="127.0.0.2")[0]))
                   for _ in range(6)]  # fmt: skip
        for t in threads:
            t.start()
        time.sleep(1)
        status = server.status()
        cheap = server.post(CHEAP, source="127.0.0.3")
        for t in threads:
            t.join(30)
    finally:
        server.stop()
    assert status["long_queries"] == 2 and status["waiting"] == 4, status
    assert cheap[0] == 200, cheap
    assert sorted(results) == [503] * 6  # two stopped at the time limit, four never started


# --- finding 4: memory is bounded -------------------------------------------------------------------------


def test_a_query_over_the_memory_limit_gets_a_clear_503_and_the_pool_goes_on(seed_build):
    """Before: one ORDER BY over a cross join grew the server from 315 MiB to 2.9 GiB in 10 s, and a
    CONCAT doubling to 2^29 took 1.9 GiB. With a limit per worker (1 GiB by default; 256 MiB here, to
    be quick) each is stopped there."""
    server = Server(seed_build, "--timeout", "30", "--workers", "2", "--worker-memory", "256MiB")
    try:
        before = server.status()
        assert before["worker_memory_bytes"] == 256 * 2**20 and before["memory_limit"] == "on", before
        for n, attack in enumerate((SORTED_CROSS_JOIN, DOUBLING)):
            started = time.monotonic()
            status, headers, text = server.post(attack, source=f"127.0.0.{n + 2}")
            assert status == 503, text
            assert headers.get("X-KG-Stopped") == "memory-limit", headers
            assert "memory limit of 256 MiB" in text and "narrow it" in text, text
            assert time.monotonic() - started < 25  # the memory limit stopped it, not the time limit
            cheap = server.post(CHEAP, source="127.0.0.10")
            assert cheap[0] == 200, cheap
        after = _pool_back_to(server, 2)
    finally:
        server.stop()
    assert len(after["workers"]) == 2 and after["stopped_queries"] == before["stopped_queries"], after


def test_worker_memory_option(seed_build):
    from kg.serve.settings import parse_size

    assert Settings(build_dir=seed_build, base=BASE).worker_memory == 2**30  # the default of the library and of the CLI
    assert parse_size("1GiB") == 2**30 and parse_size("512MiB") == 2**29 and parse_size("0") == 0
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--worker-memory", "lots"])
    assert result.exit_code == 2 and "--worker-memory" in result.output and "not a size" in result.output
    result = CliRunner().invoke(main, ["serve", "--worker-memory", "100MiB"])
    assert result.exit_code == 2 and "at least 256MiB" in result.output
    assert "[default: 1GiB]" in CliRunner().invoke(main, ["serve", "--help"]).output


# --- finding 1, defence in depth: a worker reaches no address ---------------------------------------------


class Listener:
    """A TCP listener on loopback that counts the connections it receives."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.closed.set()
        self.thread.join(5)
        self.sock.close()


def _unshare_works() -> bool:
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


def _service_through_a_worker(seed_build, monkeypatch, isolate: bool) -> tuple[int, tuple, dict]:
    """Ask a real worker process a SERVICE query with the guard switched off, so only the worker's
    own confinement stands between the query and a listener on loopback."""
    listener = Listener()
    # a plain fork of this process carries the switched-off guard into the worker (the fork server would not)
    monkeypatch.setattr(worker_module, "_worker_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(worker_module, "inspect_cached", lambda query: False)
    settings = Settings(build_dir=seed_build, base=BASE, isolate_network=isolate)
    worker = worker_module.Worker(settings)
    try:
        assert worker.wait_ready(30)
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        worker.conn.send({"query": query, "accept": [], "format": None, "store": str(current_generation(seed_build)),
                          "default_graphs": [], "named_graphs": []})  # fmt: skip
        assert worker.conn.poll(30), "the worker did not answer"
        reply = worker.conn.recv()
        time.sleep(0.3)  # a connection in flight is counted too
        return listener.connections, reply, worker.confinement
    finally:
        worker.stop()
        listener.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces are Linux's")
def test_a_worker_cannot_reach_a_loopback_listener(seed_build, monkeypatch):
    require(_unshare_works(), "unprivileged user and network namespaces (unshare -rn)")
    connections, reply, confinement = _service_through_a_worker(seed_build, monkeypatch, isolate=True)
    assert confinement["network_isolation"] == "on", confinement
    assert connections == 0, f"the worker reached the listener: {reply}"
    assert reply[0] == 500, reply  # the SERVICE call failed inside the worker


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces are Linux's")
def test_without_isolation_the_same_worker_reaches_the_listener(seed_build, monkeypatch):
    """The control: the test above would see a connection if the worker had a network."""
    connections, reply, confinement = _service_through_a_worker(seed_build, monkeypatch, isolate=False)
    assert confinement["network_isolation"] == "off"
    assert connections >= 1, reply


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces are Linux's")
def test_the_server_says_whether_its_workers_are_isolated(seed_build):
    require(_unshare_works(), "unprivileged user and network namespaces (unshare -rn)")
    server = Server(seed_build, "--timeout", "5")
    try:
        status = server.status()
        answer = server.post(CHEAP)
    finally:
        server.stop()
    assert status["network_isolation"] == "on", status
    assert answer[0] == 200, answer  # the pipe to the server survived the new namespaces


def test_isolation_unavailable_is_said_with_the_reason(monkeypatch):
    """Where unshare fails (user namespaces disabled, or not Linux) the reason is given, not hidden."""

    class NoUnshare:
        def unshare(self, flags):
            return -1

    monkeypatch.setattr(worker_module.ctypes, "CDLL", lambda *a, **k: NoUnshare())
    monkeypatch.setattr(worker_module.ctypes, "get_errno", lambda: 1)
    monkeypatch.setattr(worker_module.sys, "platform", "linux")
    assert worker_module.isolate_network().startswith("unavailable: unshare(CLONE_NEWUSER|CLONE_NEWNET) failed")
    monkeypatch.setattr(worker_module.sys, "platform", "darwin")
    assert worker_module.isolate_network() == "unavailable: darwin has no network namespaces"


def test_the_pool_says_what_it_could_not_apply(seed_build):
    from kg.serve.pool import Pool

    pool = Pool(Settings(build_dir=seed_build, base=BASE))
    pool.confinement = {"network_isolation": "unavailable: darwin has no network namespaces", "memory_limit": "on"}
    assert pool.unconfined() == ["query workers run without network isolation (unavailable: darwin has no network "
                                 "namespaces); they keep serving"]  # fmt: skip
    assert pool.describe()["network_isolation"].startswith("unavailable: darwin")


def test_a_full_lane_makes_room_by_stopping_the_heaviest_known_query(seed_build):
    """When a query not known to run long turns long and the lane is full, a query the pool knows as
    heavy (stopped before for its client) gives way: the one of the client that used most."""
    from types import SimpleNamespace

    from kg.serve.pool import Pool, _Waiter

    killed = []

    class LaneWorker:  # what the pool reads of a Worker in the lane
        def __init__(self, client: str, heavy: bool):
            self.waiter = _Waiter(client, "q", 0, None, share=(client, heavy))
            self.preempted = False
            self.process = SimpleNamespace(kill=lambda: killed.append(client))

    lane_worker = LaneWorker

    pool = Pool(Settings(build_dir=seed_build, base=BASE, workers=1))
    honest, light_attacker, heavy_attacker = lane_worker("honest", False), lane_worker("a", True), lane_worker("b", True)
    pool.long = {honest, light_attacker, heavy_attacker}
    now = time.monotonic()
    pool.usage = {"honest": (100.0, now), "a": (5.0, now), "b": (50.0, now)}
    pool._preempt_heavy()
    assert killed == ["b"] and heavy_attacker.preempted and pool.long == {honest, light_attacker}
    pool._preempt_heavy()
    pool._preempt_heavy()  # only the honest query is left: it is not known as heavy, so it stays
    assert killed == ["b", "a"] and pool.long == {honest}


def test_a_worker_whose_server_died_stops_by_itself(seed_build):
    """A server killed with SIGKILL cannot stop its workers: a worker ends its query by itself once it
    has used three times the time limit in CPU (before, a cross join ran on for ever at nice 19)."""
    import signal

    settings = Settings(build_dir=seed_build, base=BASE, timeout=0.5)
    worker = worker_module.Worker(settings)
    try:
        assert worker.wait_ready(30)
        worker.conn.send({"query": CROSS_JOIN, "accept": [], "format": None, "store": str(current_generation(seed_build)),
                          "default_graphs": [], "named_graphs": []})  # fmt: skip
        worker.process.join(60)  # nobody kills it: the server is "gone"
        assert worker.process.exitcode == -signal.SIGXCPU, worker.process.exitcode
    finally:
        worker.stop()
