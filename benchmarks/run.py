"""Run the benchmark parts and print their figures and the issue's targets, met or missed.

``radix bench`` calls :func:`main`; ``python -m benchmarks.run`` does the same from the checkout.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .common import Target

PARTS = ("startup", "inprocess", "http", "soak", "scale")


@dataclass(frozen=True)
class Options:
    parts: tuple[str, ...] = PARTS
    count: int = 200  # in-process samples per query
    runs: int = 5  # warm start-ups (cold: about half as many)
    duration: float = 10.0  # seconds per wrk run
    soak: float = 60.0  # seconds of the soak's one wrk run
    connections: int = 32
    triples: int = 2_000_000


def add_arguments(p: argparse.ArgumentParser) -> None:
    d = Options()
    p.add_argument(
        "--only",
        default=",".join(PARTS),
        metavar="PARTS",
        help=f"comma-separated parts to run, of {', '.join(PARTS)} (default: all)",
    )
    p.add_argument("--count", type=int, default=d.count, help=f"in-process samples per query (default {d.count})")
    p.add_argument("--runs", type=int, default=d.runs, help=f"warm start-ups to time; cold ones are half (default {d.runs})")
    p.add_argument(
        "--duration",
        type=float,
        default=None,  # each part has its own default
        help=f"seconds of each wrk run (default {d.duration:g}; the soak's one run: {d.soak:g})",
    )
    p.add_argument("--connections", type=int, default=d.connections, help=f"wrk connections (default {d.connections})")
    p.add_argument("--triples", type=int, default=d.triples, help=f"size of the synthetic graph (default {d.triples:,})")


def options(args: argparse.Namespace) -> Options:
    parts = tuple(p.strip() for p in args.only.split(",") if p.strip())
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise ValueError(f"unknown part(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(PARTS)}")
    duration: float | None = args.duration
    if args.count < 1 or args.runs < 1 or (duration is not None and duration <= 0) or args.connections < 1 or args.triples < 1:
        raise ValueError("--count, --runs, --duration, --connections and --triples must be positive")
    d = Options()
    return Options(parts, args.count, args.runs, duration or d.duration, duration or d.soak, args.connections, args.triples)


def run(opts: Options) -> list[Target]:
    """Run the parts asked for, printing each as it ends; the targets they measured."""
    from .common import Target, fmt, machine

    started = time.perf_counter()
    print(f"# Radix benchmark\n\n{machine().line()}\n", flush=True)
    targets: list[Target] = []
    if "startup" in opts.parts:
        from . import startup

        print("## Start-up: `radix serve` until /health answers\n", flush=True)
        s = startup.run(cold_runs=max(1, opts.runs // 2), warm_runs=opts.runs)
        print(s.report() + "\n", flush=True)
        targets.append(Target("warm start", s.warm, 0.5, "s"))
    if "inprocess" in opts.parts:
        from api.state import Settings, open_state

        from . import inprocess

        print("## In-process latency (ms)\n", flush=True)
        i = inprocess.run(open_state(Settings()), opts.count)
        print(i.report() + "\n", flush=True)
        roots, loc = i.row("roots"), i.row("localize")
        if roots.domain and roots.api:
            targets.append(Target("roots p50 in-process, domain function (computed)", roots.domain.p50, 1, "ms"))
            targets.append(Target("roots p50 in-process, through the app (answer kept)", roots.api.p50, 1, "ms"))
        if loc.domain and loc.api:
            targets.append(Target("localize p50 in-process, domain function", loc.domain.p50, 10, "ms"))
            targets.append(Target("localize p50 in-process, through the app", loc.api.p50, 10, "ms"))
    if "http" in opts.parts:
        from . import http

        print("## HTTP under load (wrk, loopback)\n", flush=True)
        h = http.run(opts.duration, opts.connections)
        print(h.report() + "\n", flush=True)
        for workers in sorted({r.workers for r in h.runs}):
            targets.append(
                Target(f"/roots throughput, {workers} worker(s)", h.share("/roots", workers), 70, "% of /health", True)
            )
            targets.append(
                Target(f"/localize throughput, {workers} worker(s)", h.share("/localize", workers), 40, "% of /health", True)
            )
        for r in h.runs:
            if r.endpoint == "/finding-kinds":
                continue  # a reference, not a target
            targets.append(Target(f"p99 {r.endpoint}, {r.workers} worker(s), {h.connections} connections", r.p99_ms, 50, "ms"))
    if "soak" in opts.parts:
        from . import soak

        print("## Soak: mixed load, then the graph checked unchanged\n", flush=True)
        so = soak.run(opts.soak, opts.connections)
        print(so.report() + "\n", flush=True)
        if not so.skipped:
            targets.append(Target(f"soak: unexpected errors in {so.requests:,} requests", so.errors, 1, "errors"))
            targets.append(Target("soak: graph unchanged (items that differ before and after)", len(so.changes()), 1, "items"))
    if "scale" in opts.parts:
        from . import scale

        print(f"## Scale: a synthetic graph of about {opts.triples:,} triples\n", flush=True)
        sc = scale.run(opts.triples, min(opts.count, 50))
        print(sc.report() + "\n", flush=True)
        targets.append(Target("synthetic graph: cold load (parse and project)", sc.parse_s, 10, "s"))
        targets.append(Target("synthetic graph: warm reload of the pickled graph", sc.reload_s, 10, "s"))
        for name, (big, small) in sc.queries.items():
            targets.append(Target(f"synthetic graph: {name} p50 vs shipped", big / small if small else float("nan"), 10, "×"))
    print("## Targets\n")
    for t in targets:
        print(f"- {t.line()}")
    met = sum(t.met for t in targets)
    print(f"\n{met} of {len(targets)} targets met; the run took {fmt(time.perf_counter() - started)} s.", flush=True)
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    add_arguments(p)
    args = p.parse_args(argv)
    try:
        opts = options(args)
    except ValueError as exc:
        p.error(str(exc))
    run(opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
