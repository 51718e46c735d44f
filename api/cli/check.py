from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.validate import check_files


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="validate the shipped graph plus any extra Turtle files")
    p.add_argument("files", nargs="*", type=Path, help="extra Turtle files to validate with the shipped graph")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"radix check: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    violations, triples = check_files(args.files)
    for v in violations:
        print(v)
    errors = sum(1 for v in violations if v.severity == "error")
    print(f"{triples} triples checked: {errors} error(s), {len(violations) - errors} warning(s)")
    return 1 if errors else 0
