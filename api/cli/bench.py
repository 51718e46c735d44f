from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: The checkout this package runs from (an editable install): benchmarks/ lives beside api/.
CHECKOUT = Path(__file__).resolve().parents[2]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "bench",
        help="benchmark start-up, latency, HTTP load, a soak and scale (from a source checkout)",
        description="Measure start-up, in-process latency, HTTP under load (wrk), a minute's soak of mixed load and a "
        "2-million-triple graph in one run; print the figures with the date and machine, and each target met or "
        "missed. About 5 minutes with the defaults; --only and smaller --duration, --runs, --count make it shorter.",
    )
    if _importable():
        from benchmarks.run import add_arguments  # argparse only: cheap for every other command

        add_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from graph.errors import RadixError

    if not _importable():
        raise RadixError(f"radix bench needs the source checkout (no benchmarks/ beside {CHECKOUT / 'api'})")
    from benchmarks.run import options
    from benchmarks.run import run as bench

    try:
        opts = options(args)
    except ValueError as exc:
        raise RadixError(str(exc)) from None
    bench(opts)
    return 0


def _importable() -> bool:
    """Whether ``benchmarks`` can be imported, adding the checkout to the end of the path when it is there."""
    if not (CHECKOUT / "benchmarks" / "run.py").is_file():
        return False
    if str(CHECKOUT) not in sys.path:
        sys.path.append(str(CHECKOUT))  # last: it never shadows an installed module
    return True
