from __future__ import annotations

import argparse

from graph.stats import compute_stats

from .common import load_state, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("stats", help="counts by class, sourced relations, cross-references")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    state = load_state()
    s = compute_stats(state.kg)
    if args.json:
        print_json(s.as_dict())
        return 0
    print(f"entities: {s.entities}   relations: {s.relations}   sources: {s.sources}")
    print(f"relations with a source: {s.relations_with_source}/{s.relations} ({s.share_relations_sourced:.1%})")
    print(
        f"entities with cross-references: {s.entities_with_xref}/{s.entities} ({s.share_entities_with_xref:.1%}); "
        f"UBERON {s.entities_with_uberon}, FMA {s.entities_with_fma}"
    )
    print("\nentities by class:")
    for cls, n in s.entities_by_class.items():
        print(f"  {cls:<22} {n}")
    print("\nrelations by predicate:")
    for pred, n in s.relations_by_predicate.items():
        print(f"  {pred:<22} {n}")
    return 0
