"""Scoring localization against cases in the shared format (``eval/README.md``): accuracy figures and misses."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RadixError
from .localize import CandidateView, FindingInput, Localizer, localize
from .queries import roots_for_finding
from .search import NameIndex, normalise


@dataclass(frozen=True)
class Miss:
    id: str
    title: str
    problem: str


@dataclass(frozen=True)
class Report:
    vignettes: int
    top1_hits: int
    top1: float
    level: float
    root_recall: float
    red_flag_recall: float
    red_flag_false_alarms: int
    not_top_first: int
    queries: int
    query_root_recall: float
    query_nerve_recall: float
    misses: tuple[Miss, ...]
    #: first answers that are acceptable but of another level than the case names
    level_mismatches: tuple[Miss, ...] = ()


def load_cases(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("vignettes", []), list):
        raise ValueError("expected an object with a 'vignettes' list (and optionally 'queries')")
    return data


def names_of(localizer: Localizer, c: CandidateView) -> set[str]:
    """Every name a candidate answers to: its label and description, its entity's synonyms, its conditions'."""
    kg = localizer.kg
    out = {normalise(c.label), normalise(c.description)}
    local = c.id.split(":", 1)[-1]
    if local in kg:
        out |= {normalise(s) for s in kg.entity(local).synonyms}
    for cond in c.conditions:
        e = kg.entity(cond.id)
        out |= {normalise(e.label), *(normalise(s) for s in e.synonyms)}
    return out


def _level_code(label: str) -> str:
    return label.split()[0]


def _share(hit: int, total: int) -> float:
    return hit / total if total else 1.0


def evaluate(localizer: Localizer, index: NameIndex, cases: dict[str, Any]) -> Report:
    vignettes: Sequence[dict[str, Any]] = cases.get("vignettes", [])
    misses: list[Miss] = []
    level_mismatches: list[Miss] = []
    top1 = level = root_hit = root_total = flag_hit = flag_total = false_alarms = not_top_first = 0
    for v in vignettes:
        expect = v.get("expect", {})
        title = v.get("title", "")
        try:
            answer = localize(
                localizer, index, [FindingInput(f["kind"], f["site"], f.get("present", True)) for f in v["findings"]]
            )
        except RadixError as exc:
            misses.append(Miss(v.get("id", "?"), title, f"refused: {exc}"))
            root_total += len(expect.get("roots", []))
            flag_total += bool(expect.get("red_flag"))
            continue
        first = answer.candidates[0] if answer.candidates else None
        names = names_of(localizer, first) if first else set()
        wanted = {normalise(n) for n in expect.get("top", [])}
        problems: list[str] = []
        if first and names & wanted:
            top1 += 1
        else:
            problems.append(f"first is {first.description if first else 'nothing'!r}, expected one of {expect.get('top')}")
        if first and first.level == expect.get("level"):
            level += 1
        elif first:
            level_mismatches.append(
                Miss(
                    v.get("id", "?"),
                    title,
                    f"first is {first.description!r} ({first.level}), the case names {expect.get('level')}",
                )
            )
        if first and names & {normalise(n) for n in expect.get("not_top", [])}:
            not_top_first += 1
            problems.append("a not_top answer is first")
        found_roots = [_level_code(r.label) for c in answer.candidates for r in c.roots]
        missing = [r for r in expect.get("roots", []) if r not in found_roots]
        root_total += len(expect.get("roots", []))
        root_hit += len(expect.get("roots", [])) - len(missing)
        if missing:
            problems.append(f"roots missing: {', '.join(missing)}")
        if expect.get("red_flag"):
            flag_total += 1
            if answer.red_flags:
                flag_hit += 1
            else:
                problems.append("red flag not raised")
        elif answer.red_flags:
            false_alarms += 1
            problems.append("red flag raised where none is expected")
        if problems:
            misses.append(Miss(v.get("id", "?"), title, "; ".join(problems)))
    q_roots = q_root_total = q_nerves = q_nerve_total = 0
    queries: Sequence[dict[str, Any]] = cases.get("queries", [])
    for q in queries:
        f, expect = q["finding"], q.get("expect", {})
        try:
            roots = roots_for_finding(localizer.kg, index, f["kind"], f["site"])
        except RadixError as exc:
            misses.append(Miss(q.get("id", "?"), q.get("question", ""), f"refused: {exc}"))
            q_root_total += len(expect.get("roots", []))
            q_nerve_total += len(expect.get("nerves", []))
            continue
        got_roots = {_level_code(r.label) for r in roots.roots}
        got_nerves = set(_names(localizer, (n.id for n in roots.nerves)))
        missing_roots = [r for r in expect.get("roots", []) if r not in got_roots]
        missing_nerves = [n for n in expect.get("nerves", []) if normalise(n) not in got_nerves]
        q_root_total += len(expect.get("roots", []))
        q_roots += len(expect.get("roots", [])) - len(missing_roots)
        q_nerve_total += len(expect.get("nerves", []))
        q_nerves += len(expect.get("nerves", [])) - len(missing_nerves)
        if missing_roots or missing_nerves:
            misses.append(
                Miss(q.get("id", "?"), q.get("question", ""), f"missing roots {missing_roots}, nerves {missing_nerves}")
            )
    n = len(vignettes)
    return Report(
        n,
        top1,
        _share(top1, n),
        _share(level, n),
        _share(root_hit, root_total),
        _share(flag_hit, flag_total),
        false_alarms,
        not_top_first,
        len(queries),
        _share(q_roots, q_root_total),
        _share(q_nerves, q_nerve_total),
        tuple(misses),
        tuple(level_mismatches),
    )


def _names(localizer: Localizer, ids: Iterable[str]) -> Iterable[str]:
    for i in ids:
        e = localizer.kg.entity(i)
        yield normalise(e.label)
        yield from (normalise(s) for s in e.synonyms)
