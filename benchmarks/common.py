"""What every benchmark part shares: timings, the machine, processes, ports and the targets."""

from __future__ import annotations

import datetime
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: The checkout the benchmarks run from (the folder holding ``benchmarks/``, ``api/``, ``graph/``).
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    """Milliseconds: median and 99th percentile of ``n`` samples."""

    p50: float
    p99: float
    n: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Timing:
        ms = sorted(s * 1000 for s in seconds)
        return cls(statistics.median(ms), percentile(ms, 99), len(ms))


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of already sorted values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile(list(map(float, range(1, 101))), 99)
    (2.0, 99.0)
    """
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))
    return ordered[int(rank) - 1]


def sample(call: Callable[[], object], count: int, budget_s: float) -> list[float]:
    """Seconds per call of ``count`` calls (after one warm-up call), fewer if ``budget_s`` runs out (at least 5)."""
    call()
    out: list[float] = []
    stop = time.perf_counter() + budget_s
    while len(out) < count and (len(out) < 5 or time.perf_counter() < stop):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


@dataclass(frozen=True)
class Machine:
    date: str
    cpu: str
    cores: int
    memory_gb: float
    python: str
    system: str

    def line(self) -> str:
        return f"{self.date} · {self.cpu}, {self.cores} cores, {self.memory_gb:.0f} GB · Python {self.python} · {self.system}"


def machine() -> Machine:
    cpu = platform.processor() or platform.machine()
    memory = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / 1024 / 1024
                break
    except OSError:
        pass
    return Machine(
        datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        cpu,
        os.cpu_count() or 1,
        memory,
        platform.python_version(),
        f"{platform.system()} {platform.release()}",
    )


# ---------------------------------------------------------------- processes


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process in MB (``VmRSS``, or ``VmHWM`` for its peak), from /proc; 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (uvicorn's workers)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            out.append(int(entry.name))
    return sorted(out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def radix_command() -> list[str]:
    """How to run ``radix``: the console script beside this interpreter, else the same entry point through it."""
    script = Path(sys.executable).parent / "radix"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]


def get(url: str, timeout: float = 2.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # loopback only
        body: bytes = response.read()
        return body


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 120.0) -> float:
    """Poll ``url`` until it answers 200; the seconds waited. Raises if the process dies or time runs out."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was ready")
        try:
            get(url, timeout=1.0)
            return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.005)
    raise RuntimeError(f"the server was not ready within {timeout_s:.0f} s")


@contextmanager
def server(
    command: Sequence[str], port: int, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """A server process started with ``command``, once ``/health`` answers on ``port``; stopped on exit."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/health", process)
        yield process, time.perf_counter() - started
    except RuntimeError as exc:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise RuntimeError(f"{exc}: {err.decode(errors='replace').strip()[-2000:]}") from None
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """One of the issue's targets, with the figure measured against it."""

    name: str
    measured: float
    limit: float
    unit: str
    at_least: bool = False  # the figure must reach the limit (a throughput share) rather than stay under it

    @property
    def met(self) -> bool:
        return self.measured >= self.limit if self.at_least else self.measured < self.limit

    def line(self) -> str:
        sign = "≥" if self.at_least else "<"
        verdict = "met" if self.met else "MISSED"
        return f"{self.name}: {fmt(self.measured)} {self.unit} (target {sign} {fmt(self.limit)} {self.unit}) — {verdict}"


def fmt(value: float) -> str:
    """A figure with sensible digits.

    >>> fmt(0.01234), fmt(1.234), fmt(12.34), fmt(1234.5), fmt(1.0)
    ('0.012', '1.23', '12.3', '1,234', '1')
    """
    if value != value:  # NaN
        return "n/a"
    if math.isfinite(value) and value == int(value):  # a count or a whole limit: no digits that say nothing
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.2g}" if value else "0"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (pasteable into the README)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
