from __future__ import annotations

import argparse

from graph.findings import FINDING_KINDS
from graph.queries import DISCLAIMER, entity_detail, find_paths, roots_for_finding
from graph.search import search

from .common import load_state, path_line, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("roots", help="which roots and nerves can cause a finding")
    p.add_argument("kind", help=f"one of: {', '.join(FINDING_KINDS)}")
    p.add_argument("site", help="body region, movement, muscle or reflex (name or id)")
    p.add_argument("--json", action="store_true", help="print the full answer as JSON")
    p.add_argument("--paths", type=int, default=2, help="paths shown per root or nerve (default 2)")
    p.set_defaults(run=run_roots)

    p = sub.add_parser("entity", help="show one entity with its relations and sources")
    p.add_argument("id", help="CURIE or local name, e.g. RADIX:femoral_nerve")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_entity)

    p = sub.add_parser("search", help="find entities by label or synonym")
    p.add_argument("query")
    p.add_argument("--type", default=None)
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(run=run_search)

    p = sub.add_parser("paths", help="paths from one entity to another")
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("--max-length", type=int, default=8)
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--relations", default=None, help="comma-separated relations to follow")
    p.set_defaults(run=run_paths)


def run_roots(args: argparse.Namespace) -> int:
    state = load_state()
    answer = roots_for_finding(state.kg, state.index, args.kind, args.site)
    if args.json:
        print_json(answer)
        return 0
    f = answer.finding
    print(f"{f.kind} at {f.site.label} ({f.site.id})")
    if answer.note:
        print(answer.note)
    for title, group in (("Roots", answer.roots), ("Nerves", answer.nerves), ("Plexuses", answer.plexuses)):
        if not group:
            continue
        print(f"\n{title}:")
        for c in group:
            maps = f"; maps: {', '.join(m.label for m in c.maps)}" if c.maps else ""
            print(f"  {c.label} ({c.contribution}{maps})")
            for p in c.paths[: args.paths]:
                print(f"      {path_line(p)}")
            print(f"      sources: {', '.join(s.id for s in c.sources)}")
    print(f"\n{DISCLAIMER}")
    return 0


def run_entity(args: argparse.Namespace) -> int:
    state = load_state()
    d = entity_detail(state.kg, args.id)
    if args.json:
        print_json(d)
        return 0
    print(f"{d.label} ({d.id}, {d.type})")
    if d.synonyms:
        print(f"  also: {', '.join(d.synonyms)}")
    print(f"  {d.definition}")
    if d.exact_match or d.close_match:
        print(f"  cross-references: {', '.join(d.exact_match + tuple('~' + x for x in d.close_match))}")
    for title, rels, arrow in (("Relations", d.outgoing, "→"), ("Pointed to by", d.incoming, "←")):
        if rels:
            print(f"\n{title}:")
            for r in rels:
                srcs = sorted({s for a in r.assertions for s in a.sources})
                print(f"  {r.relation} {arrow} {r.entity.label} ({r.contribution}) [{', '.join(srcs)}]")
    print("\nSources:")
    for s in d.sources:
        print(f"  {s.id}: {s.citation} <{s.url}>")
    return 0


def run_search(args: argparse.Namespace) -> int:
    state = load_state()
    matches, count = search(state.kg, state.index, args.query, [args.type] if args.type else None, args.limit)
    for m in matches:
        print(f"{m.entity.curie}\t{m.entity.type}\t{m.entity.label}")
    print(f"({count} match{'es' if count != 1 else ''})")
    return 0


def run_paths(args: argparse.Namespace) -> int:
    state = load_state()
    found, truncated = find_paths(state.kg, state.index, args.source, args.target, args.max_length, args.limit, args.relations)
    for p in found:
        print(path_line(p))
    if not found:
        print("no path within the bounds")
    if truncated:
        print("(more paths exist beyond the limit)")
    return 0
