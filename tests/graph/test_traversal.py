"""The walking rules, on the hand-written test graph (tests/input/mini_tables); browsing, on the shipped graph."""

from __future__ import annotations

import networkx as nx
import pytest

from api.state import AppState
from graph.errors import InvalidQuery, UnknownKind
from graph.findings import MOTOR, SENSORY
from graph.model import KnowledgeGraph
from graph.queries import find_paths, roots_for_finding
from graph.traversal import MAX_PATH_LENGTH, Path, Step, Walk, adjacency, browse, related_by_part, walk
from graph.vocabulary import RELATIONS


def test_a_root_reaches_only_through_structures_that_carry_its_segment(mini: AppState) -> None:
    kg = mini.kg
    l2 = walk(kg, "spinal_nerve_L2", ["knee_extension"], MOTOR)
    assert [p.nodes for p in l2.paths] == [
        ("spinal_nerve_L2", "lumbar_plexus", "femoral_nerve", "quadriceps", "knee_extension"),
        ("spinal_nerve_L2", "lumbar_plexus", "femoral_nerve", "muscular_branch", "vastus", "knee_extension"),
    ]
    # L1 enters the lumbar plexus but not the femoral nerve, which carries L2 only.
    l1 = walk(kg, "spinal_nerve_L1", ["knee_extension"], MOTOR)
    assert l1.paths == ()


def test_a_plexus_lesion_takes_every_fibre_in_it(mini: AppState) -> None:
    w = walk(mini.kg, "lumbar_plexus", ["groin", "upper_anterior_thigh"], SENSORY)
    assert {p.nodes[-1] for p in w.paths} == {"groin", "upper_anterior_thigh"}


def test_a_lesion_carries_only_its_own_segments_distally(mini: AppState) -> None:
    # the ilioinguinal nerve carries L1 only; the femoral nerve L2 only: no path joins them,
    # and browsing (segmental=False) still shows every stored relation.
    assert walk(mini.kg, "ilioinguinal_nerve", ["knee_extension"], MOTOR).paths == ()
    assert walk(mini.kg, "lumbar_plexus", ["knee_extension"], MOTOR).paths
    assert walk(mini.kg, "lumbar_plexus", ["knee_extension"], MOTOR, segmental=False).paths


def test_a_site_counts_with_its_parts_and_what_contains_it(mini: AppState) -> None:
    assert related_by_part(mini.kg, "anterior_thigh") == {"anterior_thigh", "upper_anterior_thigh", "thigh"}
    assert related_by_part(mini.kg, "thigh") == {"thigh", "anterior_thigh", "medial_thigh", "upper_anterior_thigh"}


def test_roots_for_numbness_follow_dermatomes_and_cutaneous_nerves(mini: AppState) -> None:
    answer = roots_for_finding(mini.kg, mini.index, "numbness", "front of thigh")
    assert answer.finding.site.id == "RADIX:anterior_thigh"
    assert [r.id for r in answer.roots] == ["RADIX:spinal_nerve_L2"]
    [l2] = answer.roots
    ends = {p.steps[-1].target.id for p in l2.paths}
    assert ends == {"RADIX:anterior_thigh", "RADIX:upper_anterior_thigh"}
    assert [n.id for n in answer.nerves] == ["RADIX:cutaneous_branch", "RADIX:femoral_nerve"]
    assert [p.id for p in answer.plexuses] == ["RADIX:lumbar_plexus"]
    assert all(s.id == "test_source" for s in l2.sources)


def test_a_minor_link_makes_the_path_and_the_root_minor(mini: AppState) -> None:
    answer = roots_for_finding(mini.kg, mini.index, "numbness", "medial thigh")
    [l2] = answer.roots
    assert l2.contribution == "minor"
    assert [m.label for m in l2.maps] == ["test map"]


def test_reflexes_follow_the_nerve_that_carries_the_arc(mini: AppState) -> None:
    answer = roots_for_finding(mini.kg, mini.index, "reflex_reduced", "knee jerk")
    assert [r.id for r in answer.roots] == ["RADIX:spinal_nerve_L2"]
    assert "RADIX:femoral_nerve" in [n.id for n in answer.nerves]


def test_an_increased_reflex_names_no_root_and_says_why(mini: AppState) -> None:
    answer = roots_for_finding(mini.kg, mini.index, "reflex_increased", "patellar reflex")
    assert answer.roots == () and answer.nerves == ()
    assert "upper motor neuron" in answer.note


def test_unknown_kind_lists_the_allowed_ones(mini: AppState) -> None:
    with pytest.raises(UnknownKind, match="allowed kinds: numbness, paresthesia, pain, weakness"):
        roots_for_finding(mini.kg, mini.index, "itching", "groin")


def test_a_site_of_the_wrong_class_for_the_kind_is_refused(mini: AppState) -> None:
    with pytest.raises(
        InvalidQuery, match="weakness needs a site that is a Movement or Muscle or PelvicFunction; 'groin' is a SkinRegion"
    ):
        roots_for_finding(mini.kg, mini.index, "weakness", "groin")


def test_paths_are_shortest_first_and_bounded(mini: AppState) -> None:
    paths, _ = find_paths(mini.kg, mini.index, "L2 spinal nerve", "knee extension")
    assert paths[0].length == 4
    assert [s.relation for s in paths[0].steps] == ["forms", "forms", "innervates", "acts_in"]
    assert find_paths(mini.kg, mini.index, "L2 spinal nerve", "knee extension", max_length=3)[0] == []
    with pytest.raises(InvalidQuery, match=f"max_length must be between 1 and {MAX_PATH_LENGTH}"):
        find_paths(mini.kg, mini.index, "L2", "knee extension", max_length=MAX_PATH_LENGTH + 1)


def test_paths_can_be_narrowed_to_some_relations(mini: AppState) -> None:
    paths, _ = find_paths(mini.kg, mini.index, "spinal_nerve_L2", "anterior_thigh", relations="has_dermatome,covers")
    assert [[s.relation for s in p.steps] for p in paths] == [["has_dermatome", "covers"]]
    with pytest.raises(InvalidQuery, match="unknown relation"):
        find_paths(mini.kg, mini.index, "spinal_nerve_L2", "anterior_thigh", relations="covers,touches")


def test_a_branch_without_root_values_carries_its_parents_segments(mini: AppState) -> None:
    kg = mini.kg
    assert kg.segments_of("muscular_branch") is None
    # L2 reaches the vastus through the branch; L1 is stopped at the femoral nerve before it.
    assert walk(kg, "spinal_nerve_L2", ["vastus"], MOTOR).paths
    assert walk(kg, "spinal_nerve_L1", ["vastus"], MOTOR).paths == ()
    assert walk(kg, "muscular_branch", ["knee_extension"], MOTOR).paths


# ---------------------------------------------------------------- browsing (/paths), on the shipped graph


def every_path(kg: KnowledgeGraph, start: str, target: str, relations: frozenset[str], max_length: int, limit: int) -> Walk:
    """What :func:`walk` answers without the segmental rule, by listing every simple path (networkx) and ranking them."""
    view = nx.subgraph_view(kg.graph, filter_edge=lambda u, v, k: k in relations)
    every = list(nx.all_simple_edge_paths(view, start, target, cutoff=max_length)) if start != target else []

    def rank(edges: list[tuple[str, str, str]]) -> tuple[int, bool, list[str], list[tuple[str, str]]]:
        minor = any(kg.graph.edges[e]["relation"].contribution == "minor" for e in edges)
        return len(edges), minor, [kg.entity(n).label for n in (start, *(v for _, v, _ in edges))], [(k, v) for _, v, k in edges]

    every.sort(key=rank)
    shortest_enough = next((n for n in range(1, max_length + 1) if sum(len(e) <= n for e in every) >= limit), max_length)
    kept = [e for e in every if len(e) <= shortest_enough]
    paths = tuple(
        Path(
            tuple(Step(u, k, v, kg.graph.edges[u, v, k]["relation"].contribution, (), ()) for u, v, k in e),
            "minor" if rank(e)[1] else "major",
        )
        for e in kept[:limit]
    )
    return Walk(paths, len(kept) > limit)


def bare(w: Walk) -> list[tuple[str, tuple[tuple[str, str, str, str], ...]]]:
    return [(p.contribution, tuple((s.subject, s.predicate, s.object, s.contribution) for s in p.steps)) for p in w.paths]


BROWSED = [
    ("spinal_nerve_L3", "anterior_thigh", 5, 10),
    ("spinal_nerve_L5", "extensor_hallucis_longus", 5, 20),
    ("brachial_plexus", "thenar_eminence", 6, 5),
    ("spinal_nerve_C5", "deltoid", 4, 200),
    ("femoral_nerve", "knee_extension", 5, 3),
    ("lumbar_plexus", "medial_leg", 6, 10),
    ("sciatic_nerve", "spinal_nerve_L5", 3, 10),
    ("deltoid", "femoral_nerve", 4, 10),
]


@pytest.mark.parametrize(("start", "target", "max_length", "limit"), BROWSED)
def test_browsing_finds_the_best_paths_of_all(shipped: AppState, start: str, target: str, max_length: int, limit: int) -> None:
    kg = shipped.kg
    for relations in (frozenset(RELATIONS), frozenset({"forms", "branches_into", "innervates", "acts_in", "root_value"})):
        expected = every_path(kg, start, target, relations, max_length, limit)
        found = walk(kg, start, [target], relations, segmental=False, max_length=max_length, limit=limit)
        assert (bare(found), found.truncated) == (bare(expected), expected.truncated)
        # looking forwards from every node instead of backwards from the target changes nothing
        forwards = browse(kg, start, frozenset({target}), relations, max_length, limit, backward_edges=0)
        assert (bare(forwards), forwards.truncated) == (bare(expected), expected.truncated)


def test_the_adjacency_lists_each_node_s_edges_in_the_walks_order(shipped: AppState) -> None:
    kg = shipped.kg
    adj = adjacency(kg)
    every = frozenset(RELATIONS)
    for node in kg.graph:
        assert [(k, n) for k, n, _ in adj.steps(node, every)] == sorted((k, n) for _, n, k in kg.graph.out_edges(node, keys=True))
        assert sorted(adj.previous(node, every)) == sorted(p for p, _ in kg.graph.in_edges(node))
    for kind in ("SpinalNerve", "Muscle"):
        assert adj.of_type(kind) == [e.id for e in kg.of_type(kind)]
    assert adj.of_type("Nerve", "Plexus") == [e.id for e in kg.of_type("Nerve", "Plexus")]
    assert adjacency(kg) is adj  # built once per graph
