"""Scale: the synthetic graph of about two million triples (:mod:`benchmarks.synthetic`) against the shipped one.

Each step runs in a fresh interpreter, so load times and memory are those of a process that
does only that: a cold load (pyoxigraph parse and projection, then writing the pickle), a
warm reload of the pickle, the first build of the derived serving state (name index,
localization profiles) and, last, a warm start of both with the same questions asked of the
synthetic graph and of the shipped one in the same process, a few calls on each in turn (so
a change in the shared machine's load affects both alike), with the size of each answer (as
JSON): a query whose faithful answer is longer on the larger graph is also compared per kB.
Everything goes to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import ROOT, fmt, table

#: One step, in a fresh interpreter: argv[1] is the step, argv[2] a JSON list of the Turtle files.
STEP = r"""
import json, os, pickle, sys, time
from pathlib import Path
sys.path.insert(0, os.getcwd())
from benchmarks.common import rss_mb

step, files, count = sys.argv[1], [Path(p) for p in json.loads(sys.argv[2])], int(sys.argv[3])
out = {}
if step == "cold":
    from loaders.rdf import cache_file, read_fast, store_graph
    t = time.perf_counter(); kg, triples = read_fast(files); out["parse_s"] = time.perf_counter() - t
    out["rss_mb"], out["peak_mb"] = rss_mb(os.getpid()), rss_mb(os.getpid(), "VmHWM")
    path = cache_file(files, validate=False)
    t = time.perf_counter(); store_graph(kg, path); out["store_s"] = time.perf_counter() - t
    out.update(triples=triples, entities=kg.entity_count, relations=kg.relation_count, pickle_mb=path.stat().st_size / 2**20)
else:
    from api.state import AppState
    from benchmarks.common import Timing
    from graph.localize import Localizer
    from graph.search import NameIndex
    from loaders.rdf import load, load_derived

    def derive(kg):
        return NameIndex.build(kg), Localizer(kg)

    t = time.perf_counter(); kg, report = load(files, validate=False); out["reload_s"] = time.perf_counter() - t
    assert report.cached, "the cold step did not leave a cache"
    out["graph_rss_mb"] = rss_mb(os.getpid())
    t = time.perf_counter(); index, localizer = load_derived(kg, report, "bench-serving", derive)
    out["derived_s"] = time.perf_counter() - t
    out["rss_mb"] = rss_mb(os.getpid())
    if step == "warm":
        import orjson
        from benchmarks.inprocess import queries
        from graph.traversal import adjacency

        def kb(state):  # each answer's size, as JSON: what a faithful answer costs to hold
            return {q.name: len(orjson.dumps(q.domain())) / 1024 for q in queries(state) if q.domain is not None}

        t = time.perf_counter(); adjacency(kg); out["adjacency_s"] = time.perf_counter() - t  # built on first use
        out["adjacency_rss_mb"] = rss_mb(os.getpid())
        big = AppState(kg, index, report, "synthetic", localizer)
        kg, report = load(validate=False)  # the shipped graph, through the same fast path (same projection)
        index, localizer = load_derived(kg, report, "bench-serving", derive)
        small = AppState(kg, index, report, "shipped", localizer)
        out["big_kb"], out["small_kb"] = kb(big), kb(small)
        out["big"], out["small"] = {}, {}
        for on_big, on_small in zip(queries(big), queries(small)):
            if on_big.domain is None or on_small.domain is None:
                continue
            # the graphs in turn, a few calls each: the machine is shared and its load varies, so
            # both are timed under the same load and the ratio holds; the first call of each turn
            # is not timed (the other graph's calls have just filled the processor's caches)
            times = {"big": [], "small": []}
            calls = (("big", on_big.domain), ("small", on_small.domain))
            stop = time.perf_counter() + 20.0
            while len(times["big"]) < count and (len(times["big"]) < 5 or time.perf_counter() < stop):
                for side, call in calls:
                    call()
                    for _ in range(5):
                        t = time.perf_counter(); call(); times[side].append(time.perf_counter() - t)
            for side, got in times.items():
                timing = Timing.of(got)
                out[side][on_big.name] = [timing.p50, timing.p99]
print(json.dumps(out))
"""


@dataclass
class Scale:
    triples: int = 0
    entities: int = 0
    relations: int = 0
    variants: int = 0
    generate_s: float = 0.0
    parse_s: float = 0.0
    store_s: float = 0.0
    pickle_mb: float = 0.0
    parse_peak_mb: float = 0.0
    reload_s: float = 0.0
    graph_rss_mb: float = 0.0
    derive_build_s: float = 0.0
    derive_reload_s: float = 0.0
    warm_rss_mb: float = 0.0
    #: the edges indexed per node and relation (graph.traversal.adjacency), on the first query
    adjacency_s: float = 0.0
    adjacency_rss_mb: float = 0.0
    #: query → (p50 ms on the synthetic graph, p50 ms on the shipped one)
    queries: dict[str, tuple[float, float]] = field(default_factory=dict)
    p99: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: query → (kB of its answer as JSON on the synthetic graph, on the shipped one)
    sizes: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def worst_ratio(self) -> tuple[str, float]:
        ratios = {k: big / small for k, (big, small) in self.queries.items() if small > 0}
        name = max(ratios, key=lambda k: ratios[k]) if ratios else ""
        return name, ratios.get(name, float("nan"))

    def report(self) -> str:
        head = (
            f"synthetic graph: {self.triples:,} triples ({self.variants} variants of the peripheral anatomy on one spine), "
            f"{self.entities:,} entities, {self.relations:,} relations; generated in {fmt(self.generate_s)} s\n\n"
        )
        load = table(
            ["step", "s", "memory"],
            [
                ["cold: parse with pyoxigraph and project", fmt(self.parse_s), f"peak RSS {fmt(self.parse_peak_mb)} MB"],
                ["cold: write the pickle", fmt(self.store_s), f"{fmt(self.pickle_mb)} MB on disk"],
                ["warm: reload the pickle", fmt(self.reload_s), f"RSS {fmt(self.graph_rss_mb)} MB"],
                ["first start: build the name index and localization profiles", fmt(self.derive_build_s), ""],
                [
                    "warm start: graph and derived state from the cache",
                    fmt(self.reload_s + self.derive_reload_s),
                    f"RSS {fmt(self.warm_rss_mb)} MB",
                ],
                ["first query: index the edges by node", fmt(self.adjacency_s), f"RSS {fmt(self.adjacency_rss_mb)} MB"],
            ],
        )
        rows = []
        for k, (big, small) in self.queries.items():
            big_kb, small_kb = self.sizes.get(k, (0.0, 0.0))
            # cost per kB of answer: a query whose faithful answer is longer may take longer in proportion
            per_kb = f"{(big / big_kb) / (small / small_kb):.1f}×" if small and big_kb and small_kb else "n/a"
            ratio = f"{big / small:.1f}×" if small else "n/a"
            rows.append([k, fmt(small), fmt(big), ratio, f"{fmt(small_kb)} / {fmt(big_kb)}", per_kb])
        queries = table(
            ["query (domain function)", "shipped p50 ms", "synthetic p50 ms", "ratio", "answer kB shipped / synthetic", "per kB"],
            rows,
        )
        return head + load + "\n\n" + queries


def _step(step: str, files: list[Path], env: dict[str, str], count: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", STEP, step, json.dumps([str(f) for f in files]), str(count)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"scale step {step!r} failed: {out.stderr.strip()[-2000:]}")
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def run(triples: int = 2_000_000, count: int = 50) -> Scale:
    from .synthetic import generate

    result = Scale()
    with tempfile.TemporaryDirectory(prefix="radix-bench-scale-") as tmp:
        made = generate(Path(tmp) / "ttl", triples)
        result.variants, result.generate_s = made.variants, made.seconds
        env = {"RADIX_CACHE_DIR": str(Path(tmp) / "cache")}
        cold = _step("cold", made.files, env, count)
        result.triples, result.entities, result.relations = cold["triples"], cold["entities"], cold["relations"]
        result.parse_s, result.store_s, result.pickle_mb, result.parse_peak_mb = (
            cold["parse_s"],
            cold["store_s"],
            cold["pickle_mb"],
            cold["peak_mb"],
        )
        first = _step("first", made.files, env, count)
        result.derive_build_s = first["derived_s"]
        warm = _step("warm", made.files, env, count)
        result.reload_s, result.graph_rss_mb = warm["reload_s"], warm["graph_rss_mb"]
        result.derive_reload_s, result.warm_rss_mb = warm["derived_s"], warm["rss_mb"]
        result.adjacency_s, result.adjacency_rss_mb = warm["adjacency_s"], warm["adjacency_rss_mb"]
        for name, (p50, p99) in warm["big"].items():
            small = warm["small"][name]
            result.queries[name] = (p50, small[0])
            result.p99[name] = (p99, small[1])
            result.sizes[name] = (warm["big_kb"][name], warm["small_kb"][name])
    return result
