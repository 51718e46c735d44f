from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.export import DIRECTIONS, EXPORT_FORMATS, MAX_DEPTH, MAX_NODES, export, export_format, parse_relations, subgraph

from .common import load_state


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="write the subgraph around an entity (json, mermaid, turtle, ...)")
    p.add_argument("--seed", required=True, help="CURIE or local name, e.g. RADIX:femoral_nerve")
    p.add_argument("--depth", type=int, default=1, help=f"hops from the seed, 0 to {MAX_DEPTH} (default 1)")
    p.add_argument("--format", default="json", help=f"one of: {', '.join(EXPORT_FORMATS)} (default json)")
    p.add_argument("--direction", default="both", help=f"one of: {', '.join(DIRECTIONS)} (default both)")
    p.add_argument("--relations", default=None, help="comma-separated relations to follow (default: all but root_value)")
    p.add_argument("--max-nodes", type=int, default=MAX_NODES, help=f"node cap (default {MAX_NODES})")
    p.add_argument("--output", "-o", type=Path, default=None, help="write to this file instead of standard output")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    export_format(args.format)  # fail on a bad format before loading the graph
    state = load_state()
    sub = subgraph(state.kg, args.seed, args.depth, args.direction, parse_relations(args.relations), args.max_nodes)
    data = export(sub, args.format, state.rdf.get)
    if args.output is None:
        sys.stdout.write(data.decode())
        return 0
    args.output.write_bytes(data)
    print(f"wrote {args.output}: {len(sub.nodes)} nodes, {len(sub.relations)} relations", file=sys.stderr)
    return 0
