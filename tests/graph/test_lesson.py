"""Lessons on the shipped graph: what an entity and a localization lesson contain, numbering, Markdown."""

from __future__ import annotations

import re

import pytest

from api.state import AppState
from graph.errors import EntityNotFound, InvalidQuery
from graph.lesson import (
    Cell,
    Lesson,
    build_entity_lesson,
    candidate_pathway,
    entity_lesson,
    lesson_filename,
    localization_lesson,
    to_markdown,
)
from graph.localize import FindingInput, localize
from graph.pathway import Pathway, PathwayEdge, PathwayNode
from graph.queries import DISCLAIMER, EntityDetail, Ref
from graph.territory import territory
from tests import FEMORAL, QUADRICEPS, root

KEEGAN = "RADIX:map_keegan_garrett"
FEMORAL_FINDINGS = [
    FindingInput("numbness", "anterior thigh"),
    FindingInput("weakness", "knee extension"),
    FindingInput("weakness", "hip adduction", present=False),
]
#: a citation mark in Markdown: [3], but not an escaped \[3\] from a label
CITE = re.compile(r"(?<!\\)\[(\d+)\]")


@pytest.fixture(scope="module")
def femoral(shipped: AppState) -> Lesson:
    return entity_lesson(shipped.kg, shipped.index, FEMORAL)


@pytest.fixture(scope="module")
def femoral_md(femoral: Lesson) -> str:
    return to_markdown(femoral)


def references_of(markdown: str) -> dict[int, str]:
    """The numbered lines of the References section."""
    part = markdown.split("\n## References\n", 1)[1].split("\n---\n", 1)[0]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^(\d+)\. (.*)$", part, re.MULTILINE)}


def body_of(markdown: str) -> str:
    return markdown.split("\n## References\n", 1)[0]


# ---------------------------------------------------------------- an entity


def test_the_femoral_nerve_lesson_has_the_quadriceps_innervation_with_a_cited_source(femoral: Lesson, shipped: AppState) -> None:
    row = next(f for f in femoral.facts if f.relation == "innervates" and f.object.id == QUADRICEPS)
    assert row.subject.id == FEMORAL and row.contribution == "major" and row.sources
    by_number = {r.number: r for r in femoral.references}
    cited = {by_number[n].id for n in row.sources}
    assert "radiopaedia_quadriceps" in cited  # one of the sources the graph gives for it
    for n in row.sources:
        assert by_number[n].citation == shipped.kg.sources[by_number[n].id].citation
        assert by_number[n].url.startswith("http") and by_number[n].tier in "ABC"


def test_the_facts_are_every_relation_both_ways(femoral: Lesson) -> None:
    pairs = {(f.subject.id, f.relation, f.object.id) for f in femoral.facts}
    assert (FEMORAL, "root_value", root("L3")) in pairs
    assert ("RADIX:lumbar_plexus", "forms", FEMORAL) in pairs  # incoming
    assert (FEMORAL, "passes_under", "RADIX:inguinal_ligament") in pairs  # context relations too
    minor = next(f for f in femoral.facts if f.relation == "root_value" and f.object.id == root("L1"))
    assert minor.contribution == "minor" and "L2-L4" in minor.note  # the disagreement is kept with its note


def test_the_lesson_has_its_parts_in_reading_order(femoral: Lesson) -> None:
    keys = [s.key for s in femoral.sections]
    assert keys == ["definition", "synonyms", "xrefs", "diagram", "territory", "facts"]
    xrefs = femoral.section("xrefs")
    assert xrefs is not None
    assert {(i.code, i.url) for i in xrefs.items} >= {("UBERON:0001267", "http://purl.obolibrary.org/obo/UBERON_0001267")}
    assert femoral.disclaimer == DISCLAIMER and femoral.curie == FEMORAL and femoral.title == "femoral nerve"
    assert lesson_filename(femoral, "markdown") == "femoral_nerve-lesson.md"


def test_references_are_numbered_in_order_of_first_use(femoral: Lesson, femoral_md: str) -> None:
    assert [r.number for r in femoral.references] == list(range(1, len(femoral.references) + 1))
    first_use = list(dict.fromkeys(int(n) for n in CITE.findall(body_of(femoral_md))))
    assert first_use == list(range(1, len(femoral.references) + 1))


def test_every_number_in_the_markdown_resolves_to_a_full_reference(femoral: Lesson, femoral_md: str) -> None:
    refs = references_of(femoral_md)
    used = {int(n) for n in CITE.findall(body_of(femoral_md))}
    assert used and used == set(refs)  # every number resolves, every reference is used
    for r in femoral.references:
        line = refs[r.number]
        assert f"<{r.url}>" in line and f"tier {r.tier}" in line
    quadriceps = next(line for line in femoral_md.splitlines() if "| `innervates` | quadriceps femoris" in line)
    for n in map(int, CITE.findall(quadriceps)):
        assert femoral.references[n - 1].citation.split(":")[0] in refs[n]


def test_the_markdown_carries_a_mermaid_flowchart_of_the_pathway(femoral_md: str) -> None:
    block = femoral_md.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    lines = block.splitlines()
    assert lines[0] == "flowchart LR"
    assert '    RADIX_femoral_nerve["femoral nerve"]' in lines
    assert "    RADIX_femoral_nerve -->|innervates| RADIX_quadriceps_femoris" in lines
    assert "    RADIX_quadriceps_femoris -->|acts_in| RADIX_knee_extension" in lines
    assert any("-.->|" in line for line in lines)  # minor links dotted
    assert "renders as a drawing on GitHub, GitLab and other Mermaid viewers" in femoral_md


def test_the_markdown_has_title_disclaimer_territory_and_tables(femoral_md: str) -> None:
    assert femoral_md.startswith("# femoral nerve\n\nNerve · `RADIX:femoral_nerve`\n")
    assert "not medical advice" in femoral_md.lower()
    assert "| region | contribution | via | sources |" in femoral_md
    assert re.search(r"^\| anterior thigh `RADIX:anterior_thigh` \| major \| anterior cutaneous branches", femoral_md, re.M)
    assert "| subject | relation | object | contribution | map | sources | note |" in femoral_md
    assert "## References" in femoral_md


def test_a_map_narrows_a_dermatome_lesson_to_that_maps_regions(shipped: AppState) -> None:
    lesson = entity_lesson(shipped.kg, shipped.index, "spinal_nerve_L5", "map_keegan_garrett")
    section = lesson.section("territory")
    assert section is not None and section.table is not None
    expected = territory(shipped.kg, "spinal_nerve_L5", KEEGAN)
    assert [row[0].code for row in section.table.rows] == [r.region.id for r in expected.regions]
    assert all(row[1] == Cell("Keegan and Garrett map") for row in section.table.rows)
    every_map = territory(shipped.kg, "spinal_nerve_L5")
    assert len(every_map.regions) > len(expected.regions)  # the map did narrow it
    assert lesson.pathway is not None
    covers = [e for e in lesson.pathway.edges if e.relation == "covers"]
    assert covers and all(any(m.id == KEEGAN for m in e.maps) for e in covers)
    ids = {n.id for n in lesson.pathway.nodes}
    assert all(e.source in ids and e.target in ids for e in lesson.pathway.edges)
    dermatome = entity_lesson(shipped.kg, shipped.index, "dermatome_L5", KEEGAN)
    assert dermatome.facts and all(f.map is None or f.map.id == KEEGAN for f in dermatome.facts)


def test_every_map_lists_its_maps_per_region(shipped: AppState) -> None:
    lesson = entity_lesson(shipped.kg, shipped.index, "dermatome_L5")
    section = lesson.section("territory")
    assert section is not None and section.table is not None
    assert section.table.columns == ("region", "maps", "contribution", "via", "sources")
    assert any("," in row[1].text for row in section.table.rows)  # a region drawn by several maps
    assert {f.map.id for f in lesson.facts if f.map} > {KEEGAN}


def test_an_exact_name_finds_the_entity_and_an_unknown_id_names_the_closest(shipped: AppState) -> None:
    assert entity_lesson(shipped.kg, shipped.index, "femoral nerve").id == "femoral_nerve"
    with pytest.raises(EntityNotFound) as err:
        entity_lesson(shipped.kg, shipped.index, "RADIX:femoral_nerv")
    assert ("femoral_nerve", "femoral nerve") in err.value.closest


def test_an_unknown_map_is_refused_naming_the_maps(shipped: AppState) -> None:
    with pytest.raises(InvalidQuery, match=r"known maps: .*map_keegan_garrett"):
        entity_lesson(shipped.kg, shipped.index, "spinal_nerve_L5", "map_nobody")


def test_an_entity_without_a_territory_has_none(shipped: AppState) -> None:
    lesson = entity_lesson(shipped.kg, shipped.index, QUADRICEPS)
    assert lesson.section("territory") is None and lesson.section("diagram") is not None
    assert any(f.relation == "innervates" and f.subject.id == FEMORAL for f in lesson.facts)


# ---------------------------------------------------------------- a localization


def test_the_localization_lesson_ranks_what_localize_ranks_first(shipped: AppState) -> None:
    answer = localize(shipped.localizer, shipped.index, FEMORAL_FINDINGS, 10)
    assert answer.candidates[0].id == FEMORAL  # the graph's answer
    lesson = localization_lesson(shipped.localizer, shipped.index, FEMORAL_FINDINGS)
    table = lesson.section("candidates")
    assert table is not None and table.table is not None
    first = table.table.rows[0]
    assert first[0].text == "1" and first[1].code == FEMORAL and first[1].text == answer.candidates[0].description
    assert "numbness at anterior thigh" in first[4].text and "hip adduction" in first[5].text
    assert lesson.section("red_flags") is None
    assert lesson.pathway is not None and lesson.pathway.seed.id == FEMORAL
    assert {"RADIX:anterior_thigh", "RADIX:knee_extension"} <= set(lesson.highlight)


def test_the_localization_lesson_explains_the_leaders_step_by_step(shipped: AppState) -> None:
    lesson = localization_lesson(shipped.localizer, shipped.index, FEMORAL_FINDINGS)
    markdown = to_markdown(lesson)
    why = [s for s in lesson.sections if s.key == "paths"]
    assert len(why) == 3 and why[0].title.startswith("1. femoral nerve")
    steps = [c for item in why[0].items for path in item.children for c in path.children]
    assert any("—innervates→ quadriceps femoris" in s.text and s.sources for s in steps)
    assert "      1. femoral nerve —innervates→ quadriceps femoris [" in markdown
    used = {int(n) for n in CITE.findall(body_of(markdown))}
    assert used == set(references_of(markdown)) == {r.number for r in lesson.references}
    assert "To tell the leading candidates apart" in markdown and "patellar reflex" in markdown


def test_red_flags_come_first_and_urgent(shipped: AppState) -> None:
    findings = [*FEMORAL_FINDINGS, FindingInput("numbness", "saddle area"), FindingInput("numbness", "saddle")]
    lesson = localization_lesson(shipped.localizer, shipped.index, findings)
    first = lesson.sections[0]
    assert first.key == "red_flags" and first.urgent
    assert {i.lead for i in first.items} >= {"cauda equina syndrome:"}
    assert all(i.sources for i in first.items)
    unresolved = lesson.section("unresolved")
    assert unresolved is not None and "saddle area" in unresolved.items[0].text  # the closest name
    markdown = to_markdown(lesson)
    assert markdown.index("## ⚠ URGENT: Red flags") < markdown.index("## Findings") < markdown.index("## Candidate lesion sites")
    assert "- **cauda equina syndrome:** Emergency" in markdown


def test_no_resolvable_finding_is_refused(shipped: AppState) -> None:
    with pytest.raises(InvalidQuery, match="no finding could be resolved"):
        localization_lesson(shipped.localizer, shipped.index, [FindingInput("numbness", "nowhere at all")])


def test_the_first_candidates_diagram_has_the_pathway_shape(shipped: AppState) -> None:
    answer = localize(shipped.localizer, shipped.index, FEMORAL_FINDINGS, 3)
    diagram = candidate_pathway(shipped.kg, answer.candidates[0])
    assert isinstance(diagram, Pathway) and diagram.direction == "distal"
    ids = {n.id for n in diagram.nodes}
    assert {FEMORAL, QUADRICEPS, "RADIX:knee_extension", "RADIX:anterior_thigh"} <= ids
    assert all(e.source in ids and e.target in ids for e in diagram.edges)
    assert {s.id for s in diagram.sources} == {i for e in diagram.edges for i in e.sources}


# ---------------------------------------------------------------- Markdown safety


def test_labels_cannot_break_the_markdown(shipped: AppState) -> None:
    odd = Ref("RADIX:odd", "odd | [7] *nerve* <b>", "Nerve")
    detail = EntityDetail(odd.id, odd.label, "Nerve", ("a|b",), "# not a heading", (), (), (), (), ())
    edge = PathwayEdge(odd.id, odd.id, "branches_into", "major", (), ())
    diagram = Pathway(odd, "distal", (PathwayNode(odd.id, 'say "hi" [x]', "Nerve"),), (edge,), (), False, "")
    markdown = to_markdown(build_entity_lesson(shipped.kg, detail, diagram, None))
    assert markdown.startswith("# odd \\| \\[7\\] \\*nerve\\* \\<b\\>\n")
    assert "\\# not a heading" in markdown and "- a\\|b" in markdown
    assert 'RADIX_odd["say #quot;hi#quot; #91;x#93;"]' in markdown
    assert not CITE.findall(body_of(markdown) if "## References" in markdown else markdown)
