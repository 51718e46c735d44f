"""Roots for a finding, on the shipped graph: the anatomy a teacher would check."""

from __future__ import annotations

from typing import Any

import pytest

from api.state import AppState
from graph.queries import RootsAnswer, roots_for_finding
from tests import ANTERIOR_THIGH, COMMON_FIBULAR, DEEP_FIBULAR, FEMORAL, GENITOFEMORAL, LFCN, SCIATIC, root

ORDER = (
    [f"C{i}" for i in range(1, 9)]
    + [f"T{i}" for i in range(1, 13)]
    + ["L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5", "Co1"]
)
LUMBOSACRAL = set(ORDER[ORDER.index("T12") :])


def near(level: str, levels: set[str]) -> bool:
    """Within one segment of an expected level: segmental supply varies by a level between people."""
    i = ORDER.index(level)
    return any(abs(i - ORDER.index(x)) <= 1 for x in levels)


def answer(state: AppState, kind: str, site: str) -> RootsAnswer:
    return roots_for_finding(state.kg, state.index, kind, site)


def contributions(a: RootsAnswer) -> dict[str, str]:
    return {r.id: r.contribution for r in a.roots}


def test_anterior_thigh_numbness(shipped: AppState) -> None:
    a = answer(shipped, "numbness", "anterior thigh")
    assert a.finding.site.id == ANTERIOR_THIGH
    roots = contributions(a)
    assert roots[root("L2")] == "major" and roots[root("L3")] == "major"
    assert root("L1") in roots and root("L4") in roots  # per the maps the graph records
    assert not {root(x) for x in ("L5", "S1", "S2")} & set(roots)
    nerves = [n.id for n in a.nerves]
    assert {FEMORAL, LFCN, GENITOFEMORAL} <= set(nerves)
    for candidate in (*a.roots, *a.nerves):
        assert candidate.paths and candidate.sources
        for path in candidate.paths:
            assert all(step.sources for step in path.steps)


def test_the_femoral_path_explains_l3_through_the_plexus(shipped: AppState) -> None:
    a = answer(shipped, "numbness", "anterior thigh")
    [l3] = [r for r in a.roots if r.id == root("L3")]
    chains = [[s.target.id for s in p.steps] for p in l3.paths]
    assert any("RADIX:lumbar_plexus" in c and FEMORAL in c for c in chains), chains
    assert any("RADIX:dermatome_L3" in c for c in chains), chains


def test_a_root_lacking_the_segment_does_not_reach_the_quadriceps(shipped: AppState) -> None:
    a = answer(shipped, "weakness", "knee extension")
    assert root("S1") not in contributions(a)
    assert FEMORAL in [n.id for n in a.nerves]


def test_foot_drop_roots_and_nerves(shipped: AppState) -> None:
    a = answer(shipped, "weakness", "ankle dorsiflexion")
    assert contributions(a)[root("L4")] == "major" or contributions(a)[root("L5")] == "major"
    assert {DEEP_FIBULAR, COMMON_FIBULAR, SCIATIC} <= {n.id for n in a.nerves}


def test_achilles_reflex_is_s1(shipped: AppState) -> None:
    a = answer(shipped, "reflex_reduced", "ankle jerk")
    assert contributions(a)[root("S1")] == "major"
    assert root("L2") not in contributions(a)


def _level(rid: str) -> str:
    return rid.rsplit("_", 1)[-1]


def _lumbosacral_queries(cases: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for q in cases["queries"] if set(q["expect"]["roots"]) <= LUMBOSACRAL]


def test_there_are_lumbosacral_shared_queries(cases: dict[str, Any]) -> None:
    assert len(_lumbosacral_queries(cases)) >= 4


def test_every_shared_query_is_answered_as_expected(shipped: AppState, cases: dict[str, Any]) -> None:
    misses = []
    for q in cases["queries"]:
        f = q["finding"]
        a = answer(shipped, f["kind"], f["site"])
        got_roots = {_level(r.id) for r in a.roots}
        got_nerves = {n.label for n in a.nerves}
        missing_roots = set(q["expect"]["roots"]) - got_roots
        missing_nerves = set(q["expect"]["nerves"]) - got_nerves
        allowed = set(q["expect"]["roots"]) | set(q["expect"].get("roots_also", []))
        if missing_roots or missing_nerves:
            misses.append(f"{q['id']} {f}: missing roots {sorted(missing_roots)}, nerves {sorted(missing_nerves)}")
        far = {_level(r.id) for r in a.roots if r.contribution == "major" and not near(_level(r.id), allowed)}
        if far:
            misses.append(f"{q['id']} {f}: major roots more than a segment from the expected: {sorted(far)}")
    assert misses == []


@pytest.mark.parametrize(
    ("kind", "site"),
    [("numbness", "saddle region"), ("sphincter_dysfunction", "bladder function"), ("reflex_reduced", "anal reflex")],
)
def test_sacral_findings_point_to_sacral_roots(shipped: AppState, kind: str, site: str) -> None:
    roots = contributions(answer(shipped, kind, site))
    assert {root("S3"), root("S4")} & set(roots)
    assert not {root("L2"), root("L3")} & set(roots)


def test_a_plexus_part_reaches_only_what_its_segments_supply(shipped: AppState) -> None:
    a = answer(shipped, "weakness", "shoulder abduction")
    parts = {p.id for p in a.plexuses}
    assert "RADIX:upper_trunk_of_brachial_plexus" in parts
    assert "RADIX:lower_trunk_of_brachial_plexus" not in parts
    assert {"RADIX:axillary_nerve", "RADIX:suprascapular_nerve"} <= {n.id for n in a.nerves}


def test_skin_roots_are_judged_by_their_dermatome(shipped: AppState) -> None:
    # C8 fibres run in the median nerve, but the thumb is C6 skin on every map the graph holds.
    roots = contributions(answer(shipped, "numbness", "thumb"))
    assert roots[root("C6")] == "major"
    assert roots[root("C8")] == "minor"


def test_a_region_that_only_contains_the_site_explains_it_in_part(shipped: AppState) -> None:
    # dermatomes drawn over the whole back or chest do not make T1-T6 umbilical dermatomes
    roots = contributions(answer(shipped, "pain", "umbilical region"))
    assert roots[root("T10")] == "major"
    assert all(roots[root(f"T{i}")] == "minor" for i in range(1, 7) if root(f"T{i}") in roots)
