"""``radix localize`` and ``radix eval``: rank lesion sites for findings, and score cases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.errors import InvalidQuery
from graph.evaluation import evaluate, load_cases
from graph.localize import Localization, localize, parse_finding

from .common import load_state, path_line, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("localize", help="rank lesion sites for a set of findings")
    p.add_argument(
        "--finding",
        action="append",
        default=[],
        metavar="KIND:SITE",
        help='a finding that is present, e.g. numbness:"anterior thigh" (repeatable)',
    )
    p.add_argument(
        "--normal", action="append", default=[], metavar="KIND:SITE", help="a finding examined and normal (repeatable)"
    )
    p.add_argument("--limit", type=int, default=5, help="candidates shown (default 5)")
    p.add_argument("--json", action="store_true", help="print the full answer as JSON")
    p.set_defaults(run=run_localize)

    p = sub.add_parser("eval", help="run localization cases and print accuracy figures")
    p.add_argument("cases", type=Path, help="a cases file in the shared format (cases.json)")
    p.add_argument("--json", action="store_true", help="print the figures and misses as JSON")
    p.set_defaults(run=run_eval)


def run_localize(args: argparse.Namespace) -> int:
    findings = [parse_finding(f) for f in args.finding] + [parse_finding(f, present=False) for f in args.normal]
    if not findings:
        raise InvalidQuery("give findings with --finding KIND:SITE (and --normal KIND:SITE for normal ones)")
    state = load_state()
    answer = localize(state.localizer, state.index, findings, args.limit)
    if args.json:
        print_json(answer)
    else:
        print_localization(answer)
    return 0


def print_localization(answer: Localization) -> None:
    for flag in answer.red_flags:
        print(f"RED FLAG — {flag.condition.label}: {flag.message}")
    if answer.red_flags:
        print()
    for u in answer.unresolved:
        near = ", ".join(r.label for r in u.closest)
        print(f"not used: {u.kind} at {u.site!r} ({u.reason.split(';')[0]}); closest: {near}")
    for rank, c in enumerate(answer.candidates, 1):
        conditions = f"  conditions: {', '.join(x.label for x in c.conditions[:6])}" if c.conditions else ""
        print(f"\n{rank}. {c.description}  [{c.level}, score {c.score:g}]")
        if c.members:
            print(f"   roots: {', '.join(m.label for m in c.members)}")
        for e in c.explains:
            print(f"   + {e.finding.kind} {e.finding.site.label} ({e.contribution})")
            for p in e.paths[:1]:
                print(f"       {path_line(p)}")
        for e in c.contradicts:
            print(
                f"   - normal {e.finding.kind} {e.finding.site.label}, "
                f"predicted {'abnormal' if e.contribution == 'major' else 'abnormal in part'}"
            )
        for f in c.unexplained:
            print(f"   ? not explained: {f.kind} {f.site.label}")
        if conditions:
            print(conditions)
    if answer.discriminators:
        print("\nTo tell the leading candidates apart:")
        for d in answer.discriminators:
            print(f"  - {d.text}")
    print(f"\n{answer.disclaimer}")


def run_eval(args: argparse.Namespace) -> int:
    try:
        cases = load_cases(args.cases)
    except (OSError, ValueError) as exc:
        print(f"radix: cannot read cases from {args.cases}: {exc}", file=sys.stderr)
        return 2
    state = load_state()
    report = evaluate(state.localizer, state.index, cases)
    if args.json:
        print_json(report)
        return 0
    print(f"vignettes: {report.vignettes}")
    print(f"top-1 accuracy:  {report.top1:.0%} ({report.top1_hits}/{report.vignettes})")
    print(f"level accuracy:  {report.level:.0%}")
    print(f"root recall:     {report.root_recall:.0%}")
    print(f"red-flag recall: {report.red_flag_recall:.0%} (false alarms: {report.red_flag_false_alarms})")
    print(f"not_top first:   {report.not_top_first}")
    if report.queries:
        print(
            f"queries: {report.queries}; root recall {report.query_root_recall:.0%}, nerve recall {report.query_nerve_recall:.0%}"
        )
    if report.misses:
        print("\nmisses:")
        for m in report.misses:
            print(f"  {m.id} {m.title}: {m.problem}")
    if report.level_mismatches:
        print("\nacceptable first answers of another level:")
        for m in report.level_mismatches:
            print(f"  {m.id} {m.title}: {m.problem}")
    return 0
