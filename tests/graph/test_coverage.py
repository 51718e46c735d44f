"""The scope a teacher expects: the whole spine, every plexus, names that resolve, muscles with nerves."""

from __future__ import annotations

import pytest

from api.state import AppState
from graph.search import resolve, search
from tests import root

LEVELS = (
    [f"C{i}" for i in range(1, 9)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
    + ["Co1"]
)


def test_all_31_spinal_nerves_and_cord_segments(shipped: AppState) -> None:
    kg = shipped.kg
    assert sorted(e.id for e in kg.of_type("SpinalNerve")) == sorted(f"spinal_nerve_{x}" for x in LEVELS)
    assert sorted(e.id for e in kg.of_type("SpinalCordSegment")) == sorted(f"cord_segment_{x}" for x in LEVELS)
    for level in LEVELS:
        out = {(r.predicate, r.subject) for r in kg.incoming(f"spinal_nerve_{level}")}
        assert ("gives_rise_to", f"cord_segment_{level}") in out, level


def test_every_vertebra_and_disc_from_c1_to_the_coccyx(shipped: AppState) -> None:
    kg = shipped.kg
    vertebrae = {e.id for e in kg.of_type("Vertebra")}
    assert {f"vertebra_C{i}" for i in range(1, 8)} | {f"vertebra_T{i}" for i in range(1, 13)} | {
        f"vertebra_L{i}" for i in range(1, 6)
    } <= vertebrae
    assert {"sacrum", "coccyx"} <= vertebrae
    discs = {e.id for e in kg.of_type("IntervertebralDisc")}
    assert len(discs) == 23
    assert {"disc_C2_C3", "disc_C7_T1", "disc_T12_L1", "disc_L5_S1"} <= discs


@pytest.mark.parametrize(
    ("level", "foramen"),
    [
        ("C1", None),
        ("C6", "foramen_C5_C6"),
        ("C7", "foramen_C6_C7"),
        ("C8", "foramen_C7_T1"),
        ("T1", "foramen_T1_T2"),
        ("L4", "foramen_L4_L5"),
    ],
)
def test_exit_rules(shipped: AppState, level: str, foramen: str | None) -> None:
    exits = [r.object for r in shipped.kg.outgoing(f"spinal_nerve_{level}", frozenset({"exits_at"}))]
    assert exits
    if foramen:
        assert exits == [foramen]


def test_the_conus_lies_at_the_thoracolumbar_junction(shipped: AppState) -> None:
    levels = {r.object for r in shipped.kg.outgoing("conus_medullaris", frozenset({"lies_at"}))}
    assert levels & {"vertebra_T12", "vertebra_L1", "disc_T12_L1", "disc_L1_L2", "vertebra_L2"}


def test_every_muscle_shows_its_innervation(shipped: AppState) -> None:
    kg = shipped.kg
    part_of = frozenset({"part_of"})
    missing = []
    for m in kg.of_type("Muscle"):
        related = {m.id} | {r.subject for r in kg.incoming(m.id, part_of)} | {r.object for r in kg.outgoing(m.id, part_of)}
        if not any(kg.incoming(x, frozenset({"innervates"})) for x in related):
            missing.append(m.id)
    assert missing == []


TEACHER_NAMES = [
    "brachial plexus",
    "upper trunk",
    "lateral cord",
    "posterior cord",
    "medial cord",
    "median nerve",
    "ulnar nerve",
    "radial nerve",
    "axillary nerve",
    "musculocutaneous nerve",
    "long thoracic nerve",
    "suprascapular nerve",
    "anterior interosseous nerve",
    "posterior interosseous nerve",
    "phrenic nerve",
    "great auricular nerve",
    "intercostobrachial nerve",
    "carpal tunnel",
    "Guyon canal",
    "cubital tunnel",
    "spiral groove",
    "arcade of Frohse",
    "quadrangular space",
    "thoracic outlet",
    "deltoid",
    "supraspinatus",
    "biceps brachii",
    "triceps brachii",
    "abductor pollicis brevis",
    "first dorsal interosseous",
    "flexor pollicis longus",
    "diaphragm",
    "rectus abdominis",
    "erector spinae",
    "C5 root",
    "T1 root",
    "C6 dermatome",
    "biceps reflex",
    "triceps reflex",
    "brachioradialis reflex",
    "Hoffmann sign",
    "abdominal reflex",
    "plantar reflex",
    "conus medullaris",
    "cauda equina",
    "atlas",
    "axis",
    "C5/C6 disc",
    "shoulder joint",
    "elbow joint",
    "wrist joint",
    "thumb",
    "index finger",
    "little finger",
    "medial forearm",
    "lateral arm",
    "shoulder abduction",
    "elbow flexion",
    "wrist extension",
    "finger abduction",
    "femoral nerve",
    "common peroneal nerve",
    "sciatic nerve",
    "knee jerk",
    "ankle jerk",
    "saddle area",
]


@pytest.mark.parametrize("name", TEACHER_NAMES)
def test_a_name_a_teacher_looks_up_is_found_first(shipped: AppState, name: str) -> None:
    matches, _ = search(shipped.kg, shipped.index, name, limit=3)
    assert matches, name
    assert matches[0].score >= 100, f"{name!r} first match is {matches[0].entity.label!r} ({matches[0].matched!r})"


def test_root_names_resolve_to_spinal_nerves(shipped: AppState) -> None:
    assert resolve(shipped.kg, shipped.index, "C5 root").curie == root("C5")
    assert resolve(shipped.kg, shipped.index, "C8").curie == root("C8")
