"""Properties of the query functions on the shipped graph, over real ids and arbitrary text (Hypothesis).

Each property holds for every input, not only the examples in the other tests: a query never fails
with anything but a domain error, respects its bounds, and every step it shows is a real edge.
(That the order of findings never changes a localization is in test_localize.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.state import AppState
from graph.errors import EntityNotFound, InvalidQuery, RadixError
from graph.findings import FINDING_KINDS
from graph.localize import MAX_CANDIDATES, FindingInput, localize
from graph.model import KnowledgeGraph, normalise_id
from graph.pathway import MAX_PATHWAY_NODES, pathway
from graph.queries import PathView, find_paths, roots_for_finding
from graph.search import search
from graph.territory import territory
from graph.traversal import MAX_PATH_LENGTH, related_by_part
from graph.vocabulary import ENTITY_CLASSES, RELATIONS

T = TypeVar("T")

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text a user could type: any unicode, and near-misses of real names and ids.
TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "RADIX:", ":", "femoral", "L5", "RADIX:RADIX:x", "https://w3id.org/radix/", "the a an", "é\u0301"]),
)


def ids(state: AppState, *types: str) -> st.SearchStrategy[str]:
    """Real entity ids of ``types`` (every entity when none are given)."""
    return st.sampled_from(sorted(e.id for e in state.kg.entities() if not types or e.type in types))


def attempt(call: Callable[[], T]) -> T | RadixError:
    """The answer, or the domain error raised instead (anything else fails the test)."""
    try:
        return call()
    except RadixError as exc:
        error = exc
    assert str(error), "a domain error says what was wrong"
    return error


def assert_real_path(kg: KnowledgeGraph, path: PathView) -> None:
    """Every step is an edge the graph stores, in its stored direction, and the steps join up."""
    assert path.length == len(path.steps) >= 1
    for step in path.steps:
        assert kg.graph.has_edge(normalise_id(step.source.id), normalise_id(step.target.id), key=step.relation), step
    for before, after in zip(path.steps, path.steps[1:], strict=False):
        assert before.target.id == after.source.id


# ---------------------------------------------------------------- search


@SETTINGS
@given(data=st.data(), query=TEXT, limit=st.integers(1, 50), offset=st.integers(0, 1_000))
def test_search_never_fails_and_returns_a_page_of_the_ranking_best_first(
    shipped: AppState, data: st.DataObject, query: str, limit: int, offset: int
) -> None:
    types = data.draw(st.none() | st.lists(st.sampled_from(ENTITY_CLASSES), min_size=1, max_size=3, unique=True))
    page, count = search(shipped.kg, shipped.index, query, types, limit, offset)
    assert len(page) <= limit
    assert len(page) == max(0, min(limit, count - offset))
    scores = [m.score for m in page]
    assert scores == sorted(scores, reverse=True)
    assert all(m.score > 0 for m in page)
    assert types is None or all(m.entity.type in types for m in page)
    whole, total = search(shipped.kg, shipped.index, query, types, limit=max(count, 1))
    assert total == count
    assert [m.entity.id for m in page] == [m.entity.id for m in whole[offset : offset + limit]]


# ---------------------------------------------------------------- paths


@SETTINGS
@given(data=st.data(), max_length=st.integers(1, 6), limit=st.integers(1, 20))
def test_paths_respect_their_bounds_and_every_step_is_a_real_edge(
    shipped: AppState, data: st.DataObject, max_length: int, limit: int
) -> None:
    kg = shipped.kg
    source = data.draw(ids(shipped, "SpinalNerve", "PlexusPart", "Plexus", "Nerve"), label="source")
    target = data.draw(ids(shipped, "Muscle", "SkinRegion", "Movement", "Reflex", "Nerve") | ids(shipped), label="target")
    relations = data.draw(st.none() | st.lists(st.sampled_from(sorted(RELATIONS)), min_size=1, max_size=4, unique=True))
    found, _ = find_paths(kg, shipped.index, source, target, max_length, limit, relations)
    assert len(found) <= limit
    lengths = [p.length for p in found]
    assert lengths == sorted(lengths)  # shortest first
    for p in found:
        assert p.length <= max_length
        assert_real_path(kg, p)
        assert normalise_id(p.steps[0].source.id) == source and normalise_id(p.steps[-1].target.id) == target
        assert relations is None or all(s.relation in relations for s in p.steps)


@SETTINGS
@given(source=TEXT, target=TEXT, relations=st.none() | TEXT)
def test_paths_between_arbitrary_text_fail_only_with_a_domain_error(
    shipped: AppState, source: str, target: str, relations: str | None
) -> None:
    attempt(lambda: find_paths(shipped.kg, shipped.index, source, target, MAX_PATH_LENGTH, 5, relations))


# ---------------------------------------------------------------- roots for a finding

SKIN_KINDS = [k for k, spec in FINDING_KINDS.items() if "SkinRegion" in spec.site_types and spec.relations]


@SETTINGS
@given(data=st.data())
def test_every_path_to_a_skin_finding_ends_at_the_site_or_within_or_around_it(shipped: AppState, data: st.DataObject) -> None:
    kg = shipped.kg
    site = data.draw(ids(shipped, "SkinRegion"), label="site")
    kind = data.draw(st.sampled_from(SKIN_KINDS), label="kind")
    answer = roots_for_finding(kg, shipped.index, kind, site)
    targets = {t.id for t in answer.finding.targets}
    assert targets == {f"RADIX:{t}" for t in related_by_part(kg, site)}
    for candidate in (*answer.roots, *answer.nerves, *answer.plexuses):
        assert candidate.paths, candidate.id
        for p in candidate.paths:
            assert_real_path(kg, p)
            assert p.steps[0].source.id == candidate.id
            assert p.steps[-1].target.id in targets
    assert all(c.type == "SpinalNerve" for c in answer.roots)
    majors = [c.contribution == "major" for c in answer.roots]
    assert majors == sorted(majors, reverse=True)  # major roots first


@SETTINGS
@given(kind=st.sampled_from(sorted(FINDING_KINDS)) | TEXT, site=TEXT)
def test_roots_for_arbitrary_text_fail_only_with_a_domain_error(shipped: AppState, kind: str, site: str) -> None:
    answer = attempt(lambda: roots_for_finding(shipped.kg, shipped.index, kind, site))
    assert not isinstance(answer, RadixError) or isinstance(answer, InvalidQuery)


# ---------------------------------------------------------------- pathway diagrams


@SETTINGS
@given(data=st.data(), max_nodes=st.integers(1, 12) | st.integers(1, MAX_PATHWAY_NODES))  # small caps truncate often
def test_a_pathway_never_exceeds_its_cap_and_every_edge_joins_two_of_its_nodes(
    shipped: AppState, data: st.DataObject, max_nodes: int
) -> None:
    kg = shipped.kg
    seed = data.draw(ids(shipped), label="seed")
    diagram = pathway(kg, shipped.index, seed, max_nodes)
    nodes = [n.id for n in diagram.nodes]
    assert 1 <= len(nodes) <= max_nodes
    assert len(set(nodes)) == len(nodes)
    assert nodes[0] == diagram.seed.id == f"RADIX:{seed}"
    for e in diagram.edges:
        assert e.source in nodes and e.target in nodes, e
        assert kg.graph.has_edge(normalise_id(e.source), normalise_id(e.target), key=e.relation), e
    if not diagram.truncated:  # the whole diagram fits: a larger cap draws the same one
        assert pathway(kg, shipped.index, seed, MAX_PATHWAY_NODES).nodes == diagram.nodes


@SETTINGS
@given(ident=TEXT)
def test_a_pathway_of_arbitrary_text_is_not_found(shipped: AppState, ident: str) -> None:
    if normalise_id(ident) in shipped.kg:
        return
    with pytest.raises(EntityNotFound):
        pathway(shipped.kg, shipped.index, ident)


# ---------------------------------------------------------------- territories


@SETTINGS
@given(data=st.data())
def test_a_territory_shades_each_region_once_fully_or_partly(shipped: AppState, data: st.DataObject) -> None:
    kg = shipped.kg
    ident = data.draw(ids(shipped, "SpinalNerve", "Dermatome", "Nerve", "PlexusPart", "Plexus"), label="entity")
    every = territory(kg, ident)
    map_ref = data.draw((st.none() | st.sampled_from([m.id for m in every.maps])) if every.maps else st.none(), label="map")
    t = territory(kg, ident, map_ref) if map_ref else every
    full, partial = set(t.shade.full), set(t.shade.partial)
    assert not full & partial
    assert list(t.shade.full) == sorted(full) and list(t.shade.partial) == sorted(partial)
    assert all(kg.entity(r).type == "SkinRegion" for r in full | partial)
    assert {normalise_id(r.region.id) for r in t.regions} <= full | partial
    if map_ref:  # one map shades no more than every map together
        assert full | partial <= set(every.shade.full) | set(every.shade.partial)


@SETTINGS
@given(ident=TEXT, map_id=st.none() | TEXT)
def test_a_territory_of_arbitrary_text_fails_only_with_a_domain_error(shipped: AppState, ident: str, map_id: str | None) -> None:
    attempt(lambda: territory(shipped.kg, ident, map_id))


# ---------------------------------------------------------------- localization


@SETTINGS
@given(
    findings=st.lists(
        st.tuples(st.sampled_from(sorted(FINDING_KINDS)), st.sampled_from(["anterior thigh", "knee extension", "thumb"]) | TEXT),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    limit=st.integers(1, MAX_CANDIDATES),
)
def test_localize_with_arbitrary_sites_answers_from_what_resolves_or_says_why_not(
    shipped: AppState, findings: list[tuple[str, str]], limit: int
) -> None:
    given_findings = [FindingInput(kind, site, True) for kind, site in findings]
    answer = attempt(lambda: localize(shipped.localizer, shipped.index, given_findings, limit))
    if isinstance(answer, RadixError):
        assert isinstance(answer, InvalidQuery)  # no finding resolves, or a kind is unknown
        return
    assert len(answer.candidates) <= limit
    assert len(answer.findings) + len(answer.unresolved) == len(findings)
    scores = [c.score for c in answer.candidates]
    assert scores == sorted(scores, reverse=True)
