from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.validate import check_files, rules


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="validate the shipped graph plus any extra Turtle files")
    p.add_argument("files", nargs="*", type=Path, help="extra Turtle files to validate with the shipped graph")
    p.add_argument("--rules", action="store_true", help="list every rule a contribution is checked against, and stop")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.rules:
        for rule in rules():
            print(f"{rule.kind:9} {rule.name}: {rule.says}")
        return 0
    return report(args.files)


def report(files: list[Path]) -> int:
    """Validate ``files`` with the shipped graph, print each violation and a count; 1 on an error."""
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        print(f"radix check: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    violations, triples = check_files(files)
    for v in violations:
        print(v)
    errors = sum(1 for v in violations if v.severity == "error")
    print(f"{triples} triples checked: {errors} error(s), {len(violations) - errors} warning(s)")
    return 1 if errors else 0
