from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

from loaders.import_table import import_table

from . import check
from .common import load_state


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="compile a muscle table (TSV, or CSV) into a Turtle extension file")
    p.add_argument("table", type=Path, help="one row per muscle: muscle, nerve, roots, source, ... (graph/templates/muscles.tsv)")
    p.add_argument("--output", "-o", type=Path, help="write the Turtle to this file (default: standard output)")
    p.add_argument("--check", action="store_true", help="also validate the result with the shipped graph, as `radix check` does")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.table.is_file():
        print(f"radix import: no such file: {args.table}", file=sys.stderr)
        return 2
    state = load_state()
    turtle = import_table(args.table, state.kg, state.index)
    if args.output:
        args.output.write_text(turtle, encoding="utf-8")
    else:
        sys.stdout.write(turtle)
    if not args.check:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        target: Path = args.output or Path(tmp) / f"{args.table.stem}.ttl"
        target.write_text(turtle, encoding="utf-8")
        # The report goes to stderr when stdout carries the Turtle, so the Turtle stays parseable.
        with contextlib.redirect_stdout(sys.stdout if args.output else sys.stderr):
            return check.report([target])
