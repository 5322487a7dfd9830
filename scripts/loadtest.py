#!/usr/bin/env python3
"""Load test of the SPARQL endpoint: concurrent clients for a bounded time, on loopback only.

Starts ``kg serve`` itself on a free loopback port (or uses ``--url`` of one already running on
127.0.0.1, localhost or [::1]; any other host is refused), then runs ``--clients`` threads for
``--duration`` seconds. Each request is either a *cheap* query — one of the named queries of
kg/queries/*.rq with its default parameters, as ``/queries.json`` serves them — or, with probability
``--expensive-ratio``, an *expensive* one (a cross join over all triples) that can only end at the
server's time limit. It reports, separately for cheap and expensive queries, the number of
requests, answers, "stopped at limit" (a 503 carrying ``X-KG-Stopped: time-limit``: the limit
working, not an error), errors, p50/p95/p99/max latency and throughput. The script stops by itself and
stops the server it started.

``--expensive-clients K`` adds K clients that loop expensive queries only (the starvation attack);
``--memory-attack`` first sends, one after the other, an ORDER BY over a cross join and a CONCAT doubling
a string to 2^29 characters, and reports each one's status and the server's peak memory (the RSS of
the server's process tree). Each client connects from its own loopback source address
(127.0.0.2, 127.0.0.3, …) as distinct clients would; ``--shared-address`` makes them all 127.0.0.1.

Examples::

    .venv/bin/python scripts/loadtest.py                         # 8 clients x 20 s on data/
    .venv/bin/python scripts/loadtest.py --clients 16 --duration 60 --expensive-ratio 0.2 --json out.json
    .venv/bin/python scripts/loadtest.py --url http://127.0.0.1:7878/sparql
    .venv/bin/python scripts/loadtest.py --clients 1 --expensive-ratio 0 --expensive-clients 20 --server-timeout 10

Exit status 0 when no cheap query failed and every expensive one ended at the limit (or answered), 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client as httpclient
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ROOT = Path(__file__).resolve().parent.parent
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEMORY_HOGS = {  # each grows without end: a sort of a cross join, a string doubled 29 times (2^29 characters)
    "order-by": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?i",
    "concat": "SELECT (STRLEN(?a29) AS ?n) WHERE { BIND(\"x\" AS ?a0) "
              + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(29)) + " }",
}


def loopback_url(url: str) -> str:
    """The /sparql URL of a loopback endpoint; raises ValueError for any other host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise ValueError(f"{url}: only http://127.0.0.1, http://localhost or http://[::1] may be load-tested")
    path = parts.path if parts.path.endswith("/sparql") else parts.path.rstrip("/") + "/sparql"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 60):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()  # an email.message.Message: get() ignores case


def post(url: str, query: str, source: str | None, timeout: float):
    """(status, headers, body) of one form POST of ``query``, connecting from loopback address ``source``."""
    parts = urllib.parse.urlsplit(url)
    conn = httpclient.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout,
                                      source_address=(source, 0) if source else None)  # fmt: skip
    try:
        conn.request("POST", parts.path, urllib.parse.urlencode({"query": query}),
                     {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})  # fmt: skip
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def tree_rss(pid: int) -> int:
    """Bytes of resident memory of process ``pid`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


class Server:
    """`kg serve` in a subprocess on a free loopback port, stopped on exit."""

    def __init__(self, args):
        port = free_port()
        command = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--data", args.data,
                   "--build-dir", args.build_dir, "--port", str(port), "--timeout", str(args.server_timeout),
                   "--workers", str(args.server_workers), *args.server_options.split()]  # fmt: skip
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        self.url = f"http://127.0.0.1:{port}/sparql"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"kg serve exited: {self.proc.stderr.read().decode(errors='replace')}")
            try:
                if http(self.url.replace("/sparql", "/status.json"), timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("kg serve did not answer within 120 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # answered (200)
    stopped: list[float] = field(default_factory=list)  # 503 X-KG-Stopped: time-limit
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.stopped) + sum(self.errors.values())


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def source_address(n: int, args) -> str | None:
    """Client n's own loopback source address (127.0.0.2 …), or None (the system's choice)."""
    if args.shared_address or urllib.parse.urlsplit(args.url_used).hostname != "127.0.0.1" or sys.platform != "linux":
        return None
    return f"127.0.{(n + 2) // 256}.{(n + 2) % 256}"


def client(n: int, url: str, cheap: list[str], args, deadline: float, tallies: dict, lock: threading.Lock,
           ratio: float) -> None:  # fmt: skip
    rng = random.Random(args.seed * 1000 + n)
    source = source_address(n, args)
    while time.monotonic() < deadline:
        kind = "expensive" if rng.random() < ratio else "cheap"
        query = EXPENSIVE if kind == "expensive" else rng.choice(cheap)
        started = time.perf_counter()
        try:
            status, headers, body = post(url, query, source, args.request_timeout)
            outcome = ("ok" if status == 200 else "stopped" if headers.get("X-KG-Stopped") == "time-limit"
                       else f"HTTP {status}: {body.decode(errors='replace')[:40]}…")  # fmt: skip
        except OSError as exc:
            outcome = f"{type(exc).__name__}"
        seconds = time.perf_counter() - started
        with lock:
            tally = tallies[kind]
            if outcome == "ok":
                tally.latencies.append(seconds)
            elif outcome == "stopped":
                tally.stopped.append(seconds)
            else:
                tally.errors[outcome] = tally.errors.get(outcome, 0) + 1


def summarize(tallies: dict, seconds: float) -> dict:
    out = {}
    for kind, t in tallies.items():
        ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
        out[kind] = {"requests": t.requests, "answered": len(t.latencies), "stopped_at_limit": len(t.stopped),
                     "errors": sum(t.errors.values()), "error_kinds": t.errors,
                     "p50_ms": ms(percentile(t.latencies, 50)), "p95_ms": ms(percentile(t.latencies, 95)), "p99_ms": ms(percentile(t.latencies, 99)),
                     "max_ms": ms(max(t.latencies, default=None)),
                     "stopped_p50_ms": ms(percentile(t.stopped, 50)),
                     "answers_per_s": round(len(t.latencies) / seconds, 1)}  # fmt: skip
    return out


def memory_attack(url: str, server, args) -> dict:
    return {name: memory_hog(url, server, args, name, query) for name, query in MEMORY_HOGS.items()}


def memory_hog(url: str, server, args, name: str, query: str) -> dict:
    """Send ``query`` once while sampling the server tree's memory: its status, seconds and peak RSS."""
    pid = server.proc.pid if server else None
    before = tree_rss(pid) if pid else None
    peak, done = before or 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, tree_rss(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if pid:
        sampler.start()
    started = time.perf_counter()
    try:
        status, _, body = post(url, query, None, args.request_timeout)
        answer = body.decode(errors="replace").strip()[:200]
    except OSError as exc:
        status, answer = None, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    done.set()
    mib = lambda b: None if b is None else round(b / 2**20)  # noqa: E731
    out = {"status": status, "seconds": round(seconds, 1), "answer": answer, "rss_before_mib": mib(before),
           "rss_peak_mib": mib(peak) if pid else None}  # fmt: skip
    print(f"memory attack {name}: HTTP {status} after {seconds:.1f} s, server tree {out['rss_before_mib']} MiB -> peak "
          f"{out['rss_peak_mib']} MiB: {answer}", file=sys.stderr)  # fmt: skip
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running endpoint on loopback (default: start `kg serve` here)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--expensive-ratio", type=float, default=0.05, help="share of expensive queries")
    parser.add_argument("--expensive-clients", type=int, default=0, help="more clients that loop expensive queries only")
    parser.add_argument("--shared-address", action="store_true", help="every client connects from 127.0.0.1")
    parser.add_argument("--memory-attack", action="store_true",
                        help="first send two queries that grow without end; report their status and the peak memory")  # fmt: skip
    parser.add_argument("--server-options", default="", help="more `kg serve` options for the started server")
    parser.add_argument("--data", default=str(ROOT / "data"))
    parser.add_argument("--build-dir", default=str(ROOT / "build"))
    parser.add_argument("--server-timeout", type=float, default=2.0, help="--timeout of the started server")
    parser.add_argument("--server-workers", type=int, default=2, help="--workers of the started server")
    parser.add_argument("--request-timeout", type=float, default=90.0, help="client-side limit per request")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not (1 <= args.clients + args.expensive_clients <= 256 and 0 < args.duration <= 3600 and 0 <= args.expensive_ratio <= 1):
        parser.error("--clients 1..256, --duration 0..3600 s, --expensive-ratio 0..1")

    server = None
    try:
        if args.url:
            try:
                url = loopback_url(args.url)
            except ValueError as exc:
                parser.error(str(exc))
        else:
            server = Server(args)
            url = server.url
        status, _, body = http(url.replace("/sparql", "/queries.json"))
        if status != 200:
            raise SystemExit(f"{url}: /queries.json answered {status}")
        cheap = [q["query"] for q in json.loads(body)]
        args.url_used = url
        memory = memory_attack(url, server, args) if args.memory_attack else None
        print(f"{len(cheap)} named queries; {args.clients} clients (+{args.expensive_clients} looping expensive "
              f"queries) for {args.duration:g} s against {url}", file=sys.stderr)  # fmt: skip
        tallies = {"cheap": Tally(), "expensive": Tally()}
        lock = threading.Lock()
        started = time.monotonic()
        deadline = started + args.duration
        ratios = [args.expensive_ratio] * args.clients + [1.0] * args.expensive_clients
        threads = [threading.Thread(target=client, args=(n, url, cheap, args, deadline, tallies, lock, ratio), daemon=True)
                   for n, ratio in enumerate(ratios)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.duration + args.request_timeout + 5)
        seconds = time.monotonic() - started
        status, _, body = http(url.replace("/sparql", "/status.json"))
        server_status = json.loads(body) if status == 200 else {}
    finally:
        if server:
            server.stop()

    figures = {"clients": args.clients, "expensive_clients": args.expensive_clients, "duration_s": args.duration, "elapsed_s": round(seconds, 1),
               "expensive_ratio": args.expensive_ratio, "server_timeout_s": server_status.get("timeout_seconds"),
               "server_workers": args.server_workers if server else len(server_status.get("workers", [])) or None, "cpus": os.cpu_count(),
               "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "memory_attack": memory,
               **summarize(tallies, seconds)}  # fmt: skip
    print(f"{'':10} {'requests':>9} {'answered':>9} {'stopped':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'answers/s':>10}")  # fmt: skip
    for kind in ("cheap", "expensive"):
        f = figures[kind]
        cell = lambda v: "-" if v is None else f"{v:,}"  # noqa: E731
        print(f"{kind:10} {f['requests']:>9,} {f['answered']:>9,} {f['stopped_at_limit']:>8,} {f['errors']:>7,} "
              f"{cell(f['p50_ms']):>8} {cell(f['p95_ms']):>8} {cell(f['p99_ms']):>8} {cell(f['max_ms']):>8} {f['answers_per_s']:>10}")  # fmt: skip
        if f["error_kinds"]:
            print(f"{'':10} errors: {f['error_kinds']}")
    print(json.dumps({k: v for k, v in figures.items() if k not in ("cheap", "expensive")}))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    ok = figures["cheap"]["errors"] == 0 and figures["expensive"]["errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
