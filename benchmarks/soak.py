"""A soak: a minute of mixed load on ``radix serve --workers 2``, then the graph checked unchanged.

wrk runs ``benchmarks/soak.lua``: every connection cycles through thirteen requests (entity,
search, roots, paths, ``POST /localize``, a SPARQL count, the web page, a lesson, ... and one
deliberate 404), and the script tallies the answers by kind and status. Only the deliberate
404s are expected; any other status, a socket error or a timeout is an error.

Before and after the load, each worker is asked over one kept-alive connection (so every
answer comes from that worker) for ``/health``, the SPARQL count of all triples, a few
entities and ``/ontology?format=ntriples``. The N-Triples differ between workers (each labels
its blank nodes), so the snapshots are compared worker by worker, found by the pid
``/ready`` gives; a worker replaced during the load shows as a pid missing afterwards.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import shutil
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import fmt, free_port, server, table
from .http import INSTALL_HINT, launch

SCRIPT = Path(__file__).with_name("soak.lua")
#: Entities whose JSON answers are compared before and after.
ENTITIES = ("femoral_nerve", "spinal_nerve_L5", "anterior_thigh")
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: A snapshot: worker pid → what it answered (short answers as they are, long ones as their sha256).
Snapshot = dict[int, dict[str, str]]


@dataclass(frozen=True)
class Kind:
    """One of the script's requests and the statuses it was answered with."""

    name: str
    method: str
    path: str
    expect: int
    statuses: dict[int, int]  # status → answers

    @property
    def answers(self) -> int:
        return sum(self.statuses.values())

    @property
    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != self.expect)


@dataclass
class Soak:
    duration_s: float
    connections: int
    workers: int
    launcher: str
    threads: int = 0
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    socket_errors: dict[str, int] = field(default_factory=dict)  # connect, read, write, timeout
    kinds: list[Kind] = field(default_factory=list)
    unknown: dict[int, int] = field(default_factory=dict)  # answers that did not echo a kind: status → answers
    before: Snapshot = field(default_factory=dict)
    after: Snapshot = field(default_factory=dict)
    skipped: str = ""

    @property
    def errors(self) -> int:
        """Everything but the expected answers: other statuses, answers of no known kind, socket errors."""
        return sum(k.unexpected for k in self.kinds) + sum(self.unknown.values()) + sum(self.socket_errors.values())

    @property
    def deliberate(self) -> int:
        """The answers expected to be errors (the deliberate 404s), answered as expected."""
        return sum(k.statuses.get(k.expect, 0) for k in self.kinds if k.expect != 200)

    def changes(self) -> list[str]:
        """What differs between the snapshots before and after the load; empty when the graph is unchanged."""
        if not self.before:
            return ["no snapshot was taken"]
        out = [] if len(self.before) >= self.workers else [f"only {len(self.before)} of {self.workers} workers were compared"]
        for pid in sorted(self.before.keys() | self.after.keys()):
            if pid not in self.after:
                out.append(f"worker {pid} did not answer after the load (replaced?)")
            elif pid not in self.before:
                out.append(f"worker {pid} was not there before the load")
            else:
                out += [f"worker {pid}: {item}" for item, value in self.before[pid].items() if self.after[pid].get(item) != value]
        return out

    @property
    def unchanged(self) -> bool:
        return not self.changes()

    def report(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        rows = [
            [
                k.name,
                f"`{k.method} {k.path}`",
                f"{k.answers:,}",
                _statuses(k.statuses),
                str(k.unexpected),
            ]
            for k in self.kinds
        ]
        if self.unknown:
            total = sum(self.unknown.values())
            rows.append(["(no kind)", "", f"{total:,}", _statuses(self.unknown), str(total)])
        out = f"wrk, {self.threads} threads, {self.connections} connections, {fmt(self.seconds)} s; server: {self.launcher}\n\n"
        out += table(["kind", "request", "answers", "statuses", "unexpected"], rows) + "\n\n"
        socket = ", ".join(f"{name} {n}" for name, n in self.socket_errors.items())
        out += table(
            ["requests", "requests/s", "p50 ms", "p99 ms", "socket errors", "errors", "graph unchanged"],
            [
                [
                    f"{self.requests:,}",
                    fmt(self.requests / self.seconds if self.seconds else float("nan")),
                    fmt(self.p50_ms),
                    fmt(self.p99_ms),
                    f"{sum(self.socket_errors.values())} ({socket})",
                    f"{self.errors} (besides {self.deliberate:,} deliberate 404s)",
                    "yes" if self.unchanged else "NO",
                ]
            ],
        )
        pids = ", ".join(map(str, sorted(self.before)))
        items = ", ".join(next(iter(self.before.values()), {}))
        out += f"\n\nCompared in each worker (pids {pids}), before and after: {items}."
        for change in self.changes():
            out += f"\n- changed: {change}"
        return out


def _statuses(counts: dict[int, int]) -> str:
    return ", ".join(f"{status} × {n:,}" for status, n in sorted(counts.items())) or "none"


def _get(conn: http.client.HTTPConnection, path: str, accept: str = "application/json") -> bytes:
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
    return body


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _state_of(conn: http.client.HTTPConnection) -> tuple[int, dict[str, str]]:
    """The worker behind ``conn``: its pid and what it answers about the graph."""
    pid = int(json.loads(_get(conn, "/ready"))["pid"])
    count = json.loads(_get(conn, "/sparql?" + urllib.parse.urlencode({"query": COUNT_ALL}), "application/sparql-results+json"))
    state = {
        "/health": _get(conn, "/health").decode(),
        "triples (SPARQL COUNT)": count["results"]["bindings"][0]["n"]["value"],
        **{f"sha256 /entities/RADIX:{e}": _digest(_get(conn, f"/entities/RADIX:{e}")) for e in ENTITIES},
        "sha256 /ontology?format=ntriples": _digest(_get(conn, "/ontology?format=ntriples", "application/n-triples")),
    }
    # http.client silently reconnects if the server closed the connection: make sure it was one worker throughout
    if int(json.loads(_get(conn, "/ready"))["pid"]) != pid:
        raise RuntimeError("the connection moved to another worker while the snapshot was taken")
    return pid, state


def snapshot(port: int, workers: int, within_s: float = 30.0) -> Snapshot:
    """What each worker answers about the graph, found by opening connections until each has answered one.

    Tried for a while, not a number of times: right after the load one worker may still be busy
    for a second, and the idle one accepts every connection opened meanwhile.
    """
    found: Snapshot = {}
    deadline = time.monotonic() + within_s
    while len(found) < workers and time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            pid = int(json.loads(_get(conn, "/ready"))["pid"])
            if pid not in found:
                pid, found[pid] = _state_of(conn)
            else:
                time.sleep(0.05)
        finally:
            conn.close()
    return found


def parse(stdout: str) -> dict[str, Any]:
    """The JSON line the script's ``done`` prints."""
    line = next((x for x in stdout.splitlines() if x.startswith("RADIX ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {stdout[-500:]}")
    figures: dict[str, Any] = json.loads(line[len("RADIX ") :])
    return figures


def run(duration_s: float = 60.0, connections: int = 32, workers: int = 2, threads: int = 2) -> Soak:
    result = Soak(duration_s, connections, workers, f"`radix serve --workers {workers}`")
    if shutil.which("wrk") is None:
        result.skipped = INSTALL_HINT
        return result
    threads = max(1, min(threads, connections))  # wrk needs a connection per thread
    port = free_port()
    with server(launch(workers, port, use_radix=True), port):
        result.before = snapshot(port, workers)
        seconds = f"{max(1, round(duration_s))}s"
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}",
                "--timeout",
                "10s",
                "-s",
                str(SCRIPT),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"wrk exited with {out.returncode}: {out.stdout[-500:]} {out.stderr[-500:]}")
        result.after = snapshot(port, workers)
    f = parse(out.stdout)
    tally: dict[str, dict[str, int]] = f["tally"]
    result.threads = f["threads"]
    result.requests = f["requests"]
    result.seconds = f["duration_us"] / 1e6
    result.p50_ms, result.p99_ms = f["p50_us"] / 1000, f["p99_us"] / 1000
    result.socket_errors = {name: f[name] for name in ("connect", "read", "write", "timeout")}
    result.kinds = [
        Kind(k["kind"], k["method"], k["path"], k["expect"], {int(s): n for s, n in tally.pop(k["kind"], {}).items()})
        for k in f["kinds"]
    ]
    for by_status in tally.values():  # what is left did not echo one of the script's kinds
        for status, n in by_status.items():
            result.unknown[int(status)] = result.unknown.get(int(status), 0) + n
    return result
