"""Start-up: time from spawning ``radix serve`` to a ready server (``/health`` answers), cold and warm, and RSS.

Cold parses and validates the Turtle and derives the serving state in a fresh cache folder
(``RADIX_CACHE_DIR``); warm reuses that folder, so it only unpickles. The breakdown times each
phase of a warm start in a fresh interpreter, to show where the time goes. The checkout's
bytecode is written first, as ``pip install`` does for an installed package.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from .common import ROOT, fmt, free_port, radix_command, rss_mb, server, table

#: A warm start, phase by phase, in a fresh interpreter (printed as one JSON line). The collector is
#: paused while modules load, as ``radix`` does (api/cli/__init__.py).
PHASES = """
import gc, json, time
t0 = time.perf_counter()
gc.disable()
import fastapi, pydantic, uvicorn
t1 = time.perf_counter()
import networkx
t2 = time.perf_counter()
from api.cli import parser
parser("serve")  # what `radix serve` imports: the app, its routers, the graph code
gc.freeze()
gc.enable()
from api.app import create_app
from api.state import Settings, open_state
t3 = time.perf_counter()
state = open_state(Settings.from_env())
t4 = time.perf_counter()
create_app(Settings.from_env(), state=state)
t5 = time.perf_counter()
print(json.dumps({"framework imports": t1 - t0, "networkx import": t2 - t1, "radix imports": t3 - t2,
                  "graph and derived state": t4 - t3, "app": t5 - t4,
                  "graph load (from its report)": state.report.seconds, "cached": state.report.cached}))
"""


@dataclass(frozen=True)
class Startup:
    cold_s: list[float]
    warm_s: list[float]
    rss_mb: float  # one worker, warm, just after ready
    cold_rss_mb: float
    phases: dict[str, float]  # median seconds of each warm-start phase

    @property
    def cold(self) -> float:
        return statistics.median(self.cold_s)

    @property
    def warm(self) -> float:
        return statistics.median(self.warm_s)

    def report(self) -> str:
        rows = [
            ["cold (parse, validate, derive)", fmt(self.cold), f"{len(self.cold_s)}", fmt(self.cold_rss_mb)],
            ["warm (unpickle graph and derived state)", fmt(self.warm), f"{len(self.warm_s)}", fmt(self.rss_mb)],
        ]
        out = table(["`radix serve` to ready", "median s", "runs", "RSS MB"], rows)
        if self.phases:
            out += "\n\nwarm start by phase (fresh interpreter, median):\n\n"
            out += table(["phase", "s"], [[k, fmt(v)] for k, v in self.phases.items()])
        return out


def time_to_ready(env: dict[str, str], port: int | None = None) -> tuple[float, float]:
    """Seconds from spawning ``radix serve`` to ``/health`` answering, and the server's RSS (MB) then."""
    port = port or free_port()
    command = [*radix_command(), "serve", "--port", str(port), "--log-level", "warning"]
    with server(command, port, env) as (process, seconds):
        return seconds, rss_mb(process.pid)


def phases(env: dict[str, str], runs: int) -> dict[str, float]:
    found: list[dict[str, float]] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PHASES], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True
        )
        found.append(json.loads(out.stdout.strip().splitlines()[-1]))
    keys = [k for k in found[0] if k != "cached"]
    return {k: statistics.median(f[k] for f in found) for k in keys}


def compile_checkout() -> None:
    """Write the bytecode of the checkout's packages, as ``pip install`` does when it installs them.

    Otherwise, with PYTHONDONTWRITEBYTECODE set (as on the project's machine, and in the Docker image,
    whose installed package has its bytecode), every start of a source checkout compiles Radix's
    modules again: about 0.05 s that no installed copy pays.
    """
    for package in ("api", "graph", "loaders"):
        compileall.compile_dir(ROOT / package, quiet=1)


def run(cold_runs: int = 3, warm_runs: int = 5) -> Startup:
    compile_checkout()
    with tempfile.TemporaryDirectory(prefix="radix-bench-cache-") as cache:
        cold: list[float] = []
        cold_rss = 0.0
        for i in range(max(1, cold_runs)):
            folder = os.path.join(cache, f"cold{i}")  # a fresh cache each time: nothing to reuse
            seconds, cold_rss = time_to_ready({"RADIX_CACHE_DIR": folder})
            cold.append(seconds)
        env = {"RADIX_CACHE_DIR": folder}  # the last cold run filled it
        warm: list[float] = []
        rss = 0.0
        for _ in range(max(1, warm_runs)):
            seconds, rss = time_to_ready(env)
            warm.append(seconds)
        return Startup(cold, warm, rss, cold_rss, phases(env, max(1, warm_runs)))
