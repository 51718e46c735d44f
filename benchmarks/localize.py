"""In-process latency of POST /localize's work for ten findings (median and p99), and the one-off build.

Run: ``python benchmarks/localize.py``. The machine is shared: read medians, not single runs.
"""

from __future__ import annotations

import statistics
import time

from api.state import Settings, open_state
from graph.localize import FindingInput, Localizer, localize

#: Ten findings of a proximal femoral neuropathy (anatomy only; any ten would do).
TEN_FINDINGS = [
    FindingInput("pain", "groin"),
    FindingInput("numbness", "anterior thigh"),
    FindingInput("numbness", "medial thigh"),
    FindingInput("numbness", "medial leg"),
    FindingInput("weakness", "knee extension"),
    FindingInput("weakness", "hip flexion"),
    FindingInput("weakness", "hip adduction", present=False),
    FindingInput("weakness", "ankle dorsiflexion", present=False),
    FindingInput("reflex_reduced", "patellar reflex"),
    FindingInput("reflex_reduced", "Achilles reflex", present=False),
]


def main(runs: int = 300) -> None:
    state = open_state(Settings())
    builds = []
    for _ in range(5):
        started = time.perf_counter()
        Localizer(state.kg)
        builds.append(time.perf_counter() - started)
    localize(state.localizer, state.index, TEN_FINDINGS)  # warm the path caches once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        localize(state.localizer, state.index, TEN_FINDINGS)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"profiles: {len(state.localizer.profiles)}; localizer build median {statistics.median(builds):.2f} s")
    print(f"localize, 10 findings, {runs} runs: p50 {statistics.median(times):.2f} ms, p99 {times[int(runs * 0.99) - 1]:.2f} ms")


if __name__ == "__main__":
    main()
