from __future__ import annotations

import argparse
import sys

from loaders.tables import build, stale_modules


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("build", help="compile graph/tables/*/ into graph/modules/*.ttl")
    p.add_argument("--check-tables", action="store_true", help="only check the tables; write nothing")
    p.add_argument("--check", action="store_true", help="fail if the shipped Turtle differs from the tables")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    compiled, problems = build(write=not (args.check_tables or args.check))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the tables; nothing written", file=sys.stderr)
        return 1
    if args.check:
        stale = stale_modules()
        if stale:
            print(f"graph/modules out of date with the tables: {', '.join(stale)} (run `radix build`)", file=sys.stderr)
            return 1
        print(f"graph/modules match the tables ({len(compiled)} modules)")
        return 0
    print(f"{'checked' if args.check_tables else 'compiled'} {len(compiled)} modules")
    return 0
