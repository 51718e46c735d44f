from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from loaders.diff import diff_graphs, to_text

from .common import print_json

INPUT_HELP = "a Turtle file, or a folder: its *.ttl, or ontology.ttl and modules/*.ttl when it has a modules/ folder"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "diff",
        help="relations (with their sources), entities and sources added, removed or changed between two versions",
        description="Compare two versions of the graph, e.g. an old release's graph/ folder with the current one. "
        "Each relation is listed with its sources and qualifiers; a changed relation shows them before and after.",
        epilog="Exit status: 0 when the two are identical, 1 when they differ, 2 on error (like diff(1)).",
    )
    p.add_argument("old", type=Path, help=INPUT_HELP)
    p.add_argument("new", type=Path, help="the same, for the newer version")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    diff = diff_graphs([args.old], [args.new])  # a missing file or bad Turtle raises RadixError: exit 2
    if args.json:
        print_json({"identical": diff.identical, **asdict(diff)})
    else:
        sys.stdout.write(to_text(diff))
    return 0 if diff.identical else 1
