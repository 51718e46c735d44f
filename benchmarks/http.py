"""HTTP under load on loopback: wrk against ``radix serve`` with one and with two workers.

Each endpoint gets a short warm-up run (which also fills the answer caches of every worker),
then a measured run of ``duration`` seconds at ``connections`` connections from one wrk
thread. A Lua ``done`` hook prints wrk's own figures as one JSON line, so nothing is scraped
from its human-readable output. Throughputs are compared with ``/health`` of the same server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .common import ROOT, children, fmt, free_port, radix_command, rss_mb, server, table
from .inprocess import LOCALIZE_BODY

INSTALL_HINT = "wrk is not installed: on Debian or Ubuntu `apt-get install -y wrk` (or see https://github.com/wg/wrk)"

#: (name, method, path); the bodies of POSTs are LOCALIZE_BODY. /finding-kinds touches neither the graph nor a
#: dependency: it shows the framework's own floor beside /health, which reads the graph's size.
ENDPOINTS = (
    ("/health", "GET", "/health"),
    ("/roots", "GET", "/roots?kind=numbness&site=anterior%20thigh"),
    ("/localize", "POST", "/localize"),
    ("/finding-kinds", "GET", "/finding-kinds"),
)

DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RADIX {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,'
    .. '"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class Load:
    endpoint: str
    workers: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and non-2xx answers
    requests: int


@dataclass
class Http:
    connections: int
    duration_s: float
    launcher: str
    runs: list[Load] = field(default_factory=list)
    rss_mb: dict[int, list[float]] = field(default_factory=dict)  # workers → RSS of each process
    skipped: str = ""

    def get(self, endpoint: str, workers: int) -> Load | None:
        return next((r for r in self.runs if r.endpoint == endpoint and r.workers == workers), None)

    def share(self, endpoint: str, workers: int) -> float:
        """Throughput of ``endpoint`` as a percentage of ``/health``'s on the same server."""
        base, this = self.get("/health", workers), self.get(endpoint, workers)
        return 100 * this.rps / base.rps if base and this and base.rps else float("nan")

    def report(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        rows = [
            [
                r.endpoint,
                str(r.workers),
                fmt(r.rps),
                "100%" if r.endpoint == "/health" else f"{self.share(r.endpoint, r.workers):.0f}%",
                fmt(r.p50_ms),
                fmt(r.p99_ms),
                str(r.errors),
            ]
            for r in self.runs
        ]
        out = f"wrk, 1 thread, {self.connections} connections, {fmt(self.duration_s)} s per run; server: {self.launcher}\n\n"
        out += table(["endpoint", "workers", "requests/s", "of /health", "p50 ms", "p99 ms", "errors"], rows)
        for workers, sizes in sorted(self.rss_mb.items()):
            out += f"\n\nRSS with {workers} worker(s): " + ", ".join(f"{fmt(s)} MB" for s in sizes)
            if workers > 1:
                out += " (supervisor first, then each worker)"
        return out


def workers_of(pid: int) -> list[int]:
    """uvicorn's worker processes under ``pid`` (spawned interpreters), not multiprocessing's helpers."""
    found = children(pid)
    spawned = []
    for child in found:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                spawned.append(child)
        except OSError:
            pass
    return spawned or found


def has_workers_option() -> bool:
    out = subprocess.run([*radix_command(), "serve", "--help"], cwd=ROOT, capture_output=True, text=True, check=False)
    return "--workers" in out.stdout


def launch(workers: int, port: int, use_radix: bool) -> list[str]:
    if use_radix:
        return [*radix_command(), "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    from api import app

    factory = "api.app:create_app_from_env" if hasattr(app, "create_app_from_env") else "api.app:create_app"
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        factory,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",  # never asyncio with several workers (DESIGN §7)
        "--http",
        "httptools",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def script(folder: Path, method: str) -> Path:
    """The wrk Lua script: the ``done`` hook, and for a POST its method, headers and body."""
    text = DONE
    if method == "POST":
        body = json.dumps(LOCALIZE_BODY)
        text = f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\nwrk.headers["Content-Type"] = "application/json"\n' + text
    path = folder / f"{method.lower()}.lua"
    path.write_text(text, encoding="utf-8")
    return path


def wrk(url: str, lua: Path, connections: int, seconds: float) -> dict[str, int]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(lua), url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RADIX ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {out.stdout[-500:]} {out.stderr[-500:]}")
    figures: dict[str, int] = json.loads(line[len("RADIX ") :])
    return figures


def run(duration_s: float = 10.0, connections: int = 32, workers: tuple[int, ...] = (1, 2)) -> Http:
    use_radix = has_workers_option()
    launcher = "`radix serve --workers N`" if use_radix else "`python -m uvicorn --factory api.app:... --loop uvloop`"
    result = Http(connections, duration_s, launcher)
    if shutil.which("wrk") is None:
        result.skipped = INSTALL_HINT
        return result
    warmup = max(1.0, min(2.0, duration_s / 5))
    with tempfile.TemporaryDirectory(prefix="radix-bench-wrk-") as tmp:
        lua = {m: script(Path(tmp), m) for m in ("GET", "POST")}
        for n in workers:
            port = free_port()
            with server(launch(n, port, use_radix), port) as (process, _):
                for name, method, path in ENDPOINTS:
                    url = f"http://127.0.0.1:{port}{path}"
                    wrk(url, lua[method], connections, warmup)
                    f = wrk(url, lua[method], connections, duration_s)
                    seconds = f["duration_us"] / 1e6
                    errors = f["connect"] + f["read"] + f["write"] + f["status"] + f["timeout"]
                    result.runs.append(
                        Load(name, n, f["requests"] / seconds, f["p50_us"] / 1000, f["p99_us"] / 1000, errors, f["requests"])
                    )
                pids = [process.pid, *workers_of(process.pid)] if n > 1 else [process.pid]
                result.rss_mb[n] = [rss_mb(p) for p in pids]
    return result
