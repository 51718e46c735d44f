from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.sssom import to_sssom

from .common import load_state


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("mappings", help="write the UBERON/FMA cross-references as SSSOM/TSV")
    p.add_argument("--output", type=Path, default=None, help="file to write (default: standard output)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = to_sssom(load_state().kg)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        rows = sum(1 for line in text.splitlines() if line and not line.startswith("#")) - 1
        print(f"wrote {rows} mappings to {args.output}")
    return 0
