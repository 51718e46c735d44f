"""``radix lesson``: an entity or a localization as a lesson, in Markdown or as a printable HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.errors import InvalidQuery
from graph.lesson import LESSON_CANDIDATES, LESSON_FORMATS, entity_lesson, lesson_format, localization_lesson, to_markdown
from graph.localize import parse_finding

from .common import load_state


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "lesson",
        help="export an entity or a localization as a lesson (Markdown, or a printable HTML page)",
        description=(
            "An entity's lesson (radix lesson RADIX:femoral_nerve) or a localization's "
            '(radix lesson --finding numbness:"anterior thigh" --normal weakness:"hip adduction"). '
            "The HTML page draws its diagram with the app's scripts under /static/, so open it from "
            "`radix serve` (/lessons/...) to see the diagram; saved elsewhere it prints without it."
        ),
    )
    p.add_argument("id", nargs="?", help="an entity: CURIE, local name or exact name, e.g. RADIX:femoral_nerve")
    p.add_argument("--map", default=None, help="a dermatome map for a spinal nerve or dermatome, e.g. map_keegan_garrett")
    p.add_argument("--finding", action="append", default=[], metavar="KIND:SITE", help="a present finding (repeatable)")
    p.add_argument(
        "--normal", action="append", default=[], metavar="KIND:SITE", help="a finding examined and normal (repeatable)"
    )
    p.add_argument(
        "--limit", type=int, default=LESSON_CANDIDATES, help=f"candidates in a localization lesson (default {LESSON_CANDIDATES})"
    )
    p.add_argument("--format", default="markdown", help=f"one of: {', '.join(LESSON_FORMATS)} (default markdown)")
    p.add_argument("--output", "-o", type=Path, default=None, help="write to this file instead of standard output")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lesson_format(args.format)  # fail on bad input before loading the graph
    findings = [parse_finding(f) for f in args.finding] + [parse_finding(f, present=False) for f in args.normal]
    if args.id and findings:
        raise InvalidQuery("give either an entity id or findings (--finding/--normal), not both")
    if not args.id and not findings:
        raise InvalidQuery("give an entity id (radix lesson RADIX:femoral_nerve) or findings (--finding KIND:SITE)")
    if findings and args.map:
        raise InvalidQuery("--map applies to an entity's lesson (a spinal nerve or dermatome), not to a localization")
    state = load_state()
    if args.id:
        lesson = entity_lesson(state.kg, state.index, args.id, args.map)
    else:
        lesson = localization_lesson(state.localizer, state.index, findings, args.limit)
    if args.format == "html":
        from ..lesson_html import render_html  # Jinja2 only for the page

        text = render_html(lesson)
    else:
        text = to_markdown(lesson)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"radix: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {args.output}: {len(lesson.sections)} sections, {len(lesson.facts)} facts, {len(lesson.references)} references",
        file=sys.stderr,
    )
    return 0
