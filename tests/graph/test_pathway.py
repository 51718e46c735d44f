"""Pathway diagrams on the shipped graph: the anatomy each diagram must and must not show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import deque
from dataclasses import asdict
from pathlib import Path

import pytest

from api.state import AppState
from graph.errors import EntityNotFound, InvalidQuery
from graph.pathway import DEFAULT_PATHWAY_NODES, MAX_PATHWAY_NODES, Pathway, pathway
from graph.vocabulary import DISTAL_RELATIONS
from tests import ANTERIOR_THIGH, FEMORAL, KNEE_EXTENSION, PATELLAR_REFLEX, QUADRICEPS, SCIATIC, root

HAMSTRINGS = ("RADIX:biceps_femoris", "RADIX:semitendinosus", "RADIX:semimembranosus")
DERMATOME_L5 = "RADIX:dermatome_L5"
DORSUM_OF_FOOT = "RADIX:dorsum_of_foot"


def draw(state: AppState, ident: str, max_nodes: int = DEFAULT_PATHWAY_NODES) -> Pathway:
    return pathway(state.kg, state.index, ident, max_nodes)


def node_ids(p: Pathway) -> set[str]:
    return {n.id for n in p.nodes}


def edge_keys(p: Pathway) -> set[tuple[str, str, str]]:
    return {(e.source, e.relation, e.target) for e in p.edges}


def assert_well_formed(p: Pathway) -> None:
    """Seed first, no duplicate nodes or edges, every edge between drawn nodes, every source described."""
    ids = [n.id for n in p.nodes]
    assert ids[0] == p.seed.id
    assert len(ids) == len(set(ids))
    assert len(p.edges) == len(edge_keys(p))
    assert all(e.source in ids and e.target in ids for e in p.edges)
    assert all(e.contribution in ("major", "minor") for e in p.edges)
    described = {s.id for s in p.sources}
    assert {s for e in p.edges for s in e.sources} == described
    assert p.note.endswith(".") and p.note[0].isupper()


def reachable(p: Pathway, start: str, forward: bool = True) -> set[str]:
    """The nodes reached from ``start`` along the diagram's edges (forward) or against them."""
    nxt: dict[str, list[str]] = {}
    for e in p.edges:
        a, b = (e.source, e.target) if forward else (e.target, e.source)
        nxt.setdefault(a, []).append(b)
    seen = {start}
    queue = deque([start])
    while queue:
        for other in nxt.get(queue.popleft(), []):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


# ---------------------------------------------------------------- distal


def test_femoral_nerve_reaches_the_quadriceps_and_anterior_thigh_not_the_hamstrings(shipped: AppState) -> None:
    p = draw(shipped, FEMORAL)
    assert p.direction == "distal" and not p.truncated
    assert_well_formed(p)
    assert (FEMORAL, "innervates", QUADRICEPS) in edge_keys(p)
    assert (QUADRICEPS, "acts_in", KNEE_EXTENSION) in edge_keys(p)
    assert (FEMORAL, "mediates", PATELLAR_REFLEX) in edge_keys(p)
    assert ANTERIOR_THIGH in node_ids(p)
    assert not node_ids(p) & set(HAMSTRINGS)
    assert "RADIX:knee_flexion" not in node_ids(p) or all(
        e.contribution == "minor" for e in p.edges if e.target == "RADIX:knee_flexion"
    )  # only sartorius helps flex the knee
    assert all(e.relation in DISTAL_RELATIONS for e in p.edges)
    assert reachable(p, FEMORAL) == node_ids(p)  # one tree from the seed


def test_sciatic_nerve_reaches_the_hamstrings(shipped: AppState) -> None:
    p = draw(shipped, SCIATIC)
    assert set(HAMSTRINGS) <= node_ids(p)
    assert QUADRICEPS not in node_ids(p)


def test_l5_reaches_its_dermatome_with_the_maps_and_its_muscles(shipped: AppState) -> None:
    p = draw(shipped, root("L5"))
    assert p.direction == "distal" and not p.truncated
    assert_well_formed(p)
    edges = {(e.source, e.relation, e.target): e for e in p.edges}
    assert (root("L5"), "has_dermatome", DERMATOME_L5) in edges
    dorsum = edges[(DERMATOME_L5, "covers", DORSUM_OF_FOOT)]
    assert [m.id for m in dorsum.maps] == ["RADIX:map_clinical_tables"]
    isncsci = edges[(DERMATOME_L5, "covers", "RADIX:dorsum_of_foot_at_third_mtp_joint")]
    assert [m.id for m in isncsci.maps] == ["RADIX:map_isncsci"]
    assert {"RADIX:tibialis_anterior", "RADIX:ankle_dorsiflexion", "RADIX:great_toe_extension"} <= node_ids(p)
    assert {"RADIX:gluteus_medius", "RADIX:hip_abduction"} <= node_ids(p)
    assert QUADRICEPS not in node_ids(p) and PATELLAR_REFLEX not in node_ids(p)
    assert all(e.maps == () for e in p.edges if e.relation != "covers")
    assert "L5 spinal nerve" in p.note


def test_l1_does_not_reach_the_quadriceps_through_the_lumbar_plexus(shipped: AppState) -> None:
    p = draw(shipped, root("L1"))
    ids = node_ids(p)
    assert "RADIX:lumbar_plexus" in ids and FEMORAL in ids  # the plexus is on the way ...
    assert QUADRICEPS not in ids and KNEE_EXTENSION not in ids and PATELLAR_REFLEX not in ids  # ... not a free hub


def test_a_plexus_part_keeps_only_its_segments(shipped: AppState) -> None:
    """The lumbosacral trunk (L4-L5) enters the sacral plexus but not the pudendal nerve (S2-S4)."""
    ids = node_ids(draw(shipped, "RADIX:lumbosacral_trunk"))
    assert {"RADIX:sacral_plexus", SCIATIC, "RADIX:tibialis_anterior"} <= ids
    assert "RADIX:pudendal_nerve" not in ids


def test_lateral_cord_reaches_the_musculocutaneous_nerve_and_biceps(shipped: AppState) -> None:
    p = draw(shipped, "RADIX:lateral_cord_of_brachial_plexus")
    assert {"RADIX:musculocutaneous_nerve", "RADIX:biceps_brachii", "RADIX:elbow_flexion"} <= node_ids(p)
    assert "RADIX:radial_nerve" not in node_ids(p)  # the posterior cord's


def test_the_brachial_plexus_is_drawn_from_its_parts(shipped: AppState) -> None:
    p = draw(shipped, "brachial_plexus")
    assert p.direction == "distal"
    assert_well_formed(p)
    trunks = {f"RADIX:{t}_trunk_of_brachial_plexus" for t in ("upper", "middle", "lower")}
    assert {(t, "part_of", "RADIX:brachial_plexus") for t in trunks} <= edge_keys(p)
    assert {"RADIX:median_nerve", "RADIX:radial_nerve", "RADIX:ulnar_nerve"} <= node_ids(p)
    assert reachable(p, "RADIX:brachial_plexus", forward=False) >= trunks


def test_a_cord_segment_goes_on_through_its_spinal_nerve(shipped: AppState) -> None:
    segment = draw(shipped, "cord_segment_L5")
    nerve = draw(shipped, root("L5"))
    assert segment.direction == "distal"
    assert ("RADIX:cord_segment_L5", "gives_rise_to", root("L5")) in edge_keys(segment)
    assert node_ids(segment) == node_ids(nerve) | {"RADIX:cord_segment_L5"}


def test_a_dermatome_shows_the_regions_it_covers(shipped: AppState) -> None:
    p = draw(shipped, DERMATOME_L5)
    assert p.direction == "distal"
    assert {e.relation for e in p.edges} == {"covers"}
    assert all(e.maps for e in p.edges)
    assert DORSUM_OF_FOOT in node_ids(p)


def test_a_branch_with_nothing_beyond_it_falls_back_to_its_neighbourhood(shipped: AppState) -> None:
    p = draw(shipped, "muscular_branches_of_femoral_nerve")
    assert p.direction == "neighbourhood"
    assert (FEMORAL, "branches_into", "RADIX:muscular_branches_of_femoral_nerve") in edge_keys(p)


# ---------------------------------------------------------------- proximal


def test_anterior_thigh_is_explained_by_its_roots_and_nerves(shipped: AppState) -> None:
    p = draw(shipped, ANTERIOR_THIGH)
    assert p.direction == "proximal"
    assert_well_formed(p)
    ids = node_ids(p)
    assert {root("L2"), root("L3"), FEMORAL, "RADIX:anterior_cutaneous_branches_of_femoral_nerve"} <= ids
    assert root("S1") not in ids and "RADIX:brachial_plexus" not in ids
    assert ("RADIX:dermatome_L2", "covers", ANTERIOR_THIGH) in edge_keys(p)
    # every node explains the site: each leads to it along the diagram's edges (nested regions by part_of)
    assert reachable(p, ANTERIOR_THIGH, forward=False) == ids
    assert ("RADIX:upper_anterior_thigh", "part_of", ANTERIOR_THIGH) in edge_keys(p)
    assert "numbness of the anterior thigh" in p.note


def test_patellar_reflex_is_explained_by_l2_to_l4_and_the_femoral_nerve(shipped: AppState) -> None:
    p = draw(shipped, PATELLAR_REFLEX)
    assert p.direction == "proximal"
    roots = {n.id for n in p.nodes if n.type == "SpinalNerve"}
    assert root("L3") in roots and root("L4") in roots
    assert not roots & {root("L5"), root("S1")}
    assert (FEMORAL, "mediates", PATELLAR_REFLEX) in edge_keys(p)


def test_knee_extension_weakness_comes_through_the_quadriceps(shipped: AppState) -> None:
    p = draw(shipped, KNEE_EXTENSION)
    assert (QUADRICEPS, "acts_in", KNEE_EXTENSION) in edge_keys(p)
    assert not node_ids(p) & set(HAMSTRINGS)
    assert reachable(p, KNEE_EXTENSION, forward=False) == node_ids(p)


def test_a_joint_is_explained_by_the_nerves_that_supply_it(shipped: AppState) -> None:
    p = draw(shipped, "hip_joint")
    assert p.direction == "proximal"
    assert (FEMORAL, "innervates_joint", "RADIX:hip_joint") in edge_keys(p)
    assert "pain in the hip joint" in p.note


# ---------------------------------------------------------------- neighbourhood


def test_a_disc_shows_its_neighbours_both_ways_without_root_values(shipped: AppState) -> None:
    p = draw(shipped, "RADIX:disc_L4_L5")
    assert p.direction == "neighbourhood"
    assert_well_formed(p)
    assert (root("L5"), "traverses", "RADIX:disc_L4_L5") in edge_keys(p)
    assert ("RADIX:disc_herniation_L4_L5_paracentral", "occurs_at", "RADIX:disc_L4_L5") in edge_keys(p)
    assert ("RADIX:disc_herniation_L4_L5_paracentral", "affects", root("L5")) in edge_keys(p)  # among the neighbours too
    assert all(e.relation != "root_value" for e in draw(shipped, "RADIX:vertebra_L4").edges)


# ---------------------------------------------------------------- bounds, errors, determinism


@pytest.mark.parametrize("level", ["C7", "C8", "L5", "S1"])
def test_the_big_roots_are_whole_at_the_default(shipped: AppState, level: str) -> None:
    p = draw(shipped, root(level))
    assert not p.truncated and 80 < len(p.nodes) <= DEFAULT_PATHWAY_NODES


@pytest.mark.parametrize("cap", [1, 2, 10, 60])
def test_max_nodes_cuts_the_diagram_and_keeps_it_connected(shipped: AppState, cap: int) -> None:
    p = draw(shipped, root("L5"), cap)
    assert p.truncated and p.direction == "distal"
    assert len(p.nodes) == cap
    assert_well_formed(p)
    assert reachable(p, root("L5")) == node_ids(p)
    assert f"cut at {cap} nodes" in p.note
    whole = draw(shipped, root("L5"))
    assert node_ids(p) <= node_ids(whole) and edge_keys(p) <= edge_keys(whole)


def test_max_nodes_cuts_a_proximal_tree_by_whole_paths(shipped: AppState) -> None:
    p = draw(shipped, ANTERIOR_THIGH, 8)
    assert p.truncated and len(p.nodes) <= 8
    assert reachable(p, ANTERIOR_THIGH, forward=False) == node_ids(p)


@pytest.mark.parametrize("cap", [0, MAX_PATHWAY_NODES + 1])
def test_max_nodes_out_of_bounds_is_refused(shipped: AppState, cap: int) -> None:
    with pytest.raises(InvalidQuery, match=f"between 1 and {MAX_PATHWAY_NODES}"):
        draw(shipped, FEMORAL, cap)


def test_unknown_id_names_the_closest(shipped: AppState) -> None:
    with pytest.raises(EntityNotFound) as err:
        draw(shipped, "RADIX:femoral_nerv")
    assert "femoral_nerve" in [i for i, _ in err.value.closest]
    assert "no entity with id 'RADIX:femoral_nerv'" in str(err.value)


SCRIPT = """
import json
from dataclasses import asdict
from graph.pathway import pathway
from graph.search import NameIndex
from loaders.rdf import load
kg, _ = load()
index = NameIndex.build(kg)
print(json.dumps([asdict(pathway(kg, index, i)) for i in {seeds!r}]))
"""


def test_the_same_question_gives_the_same_answer_whatever_the_hash_seed(shipped: AppState) -> None:
    seeds = ["spinal_nerve_L5", "brachial_plexus", "anterior_thigh", "disc_L4_L5"]
    here = json.loads(json.dumps([asdict(draw(shipped, s)) for s in seeds]))
    root_dir = Path(__file__).resolve().parents[2]
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(seeds=seeds)], cwd=root_dir, env=env, capture_output=True, text=True, check=True
        )
        assert json.loads(out.stdout) == here
