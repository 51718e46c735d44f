from __future__ import annotations

from pathlib import Path

from loaders.tables import build, read_modules, stale_modules

HEADERS = {
    "sources.tsv": "id\tcitation\turl\ttier\n",
    "entities.tsv": "id\ttype\tlabel\tsynonyms\tdefinition\texact_match\tclose_match\n",
    "relations.tsv": "subject\tpredicate\tobject\tcontribution\tmap\tsources\tnote\n",
}


def write_module(root: Path, rows: dict[str, str]) -> Path:
    folder = root / "tables" / "m"
    folder.mkdir(parents=True)
    for name, header in HEADERS.items():
        (folder / name).write_text(header + rows.get(name, ""), encoding="utf-8")
    return root / "tables"


GOOD_ENTITIES = (
    "nerve_a\tNerve\tnerve a\t\tA test nerve.\t\t\n"
    "muscle_b\tMuscle\tmuscle b\t\tA test muscle.\t\t\n"
    "spinal_nerve_L9\tSpinalNerve\tL9 spinal nerve\t\tA test root.\t\t\n"
)
GOOD_SOURCE = "s1\tA book\thttps://example.org/book\tA\n"


def test_shipped_turtle_is_what_the_tables_compile_to() -> None:
    assert stale_modules() == []


def test_shipped_tables_have_no_problems() -> None:
    _, problems = build(write=False)
    assert [str(p) for p in problems] == []


def test_a_relation_row_compiles_to_a_triple_and_a_sourced_axiom(tmp_path: Path) -> None:
    tables = write_module(
        tmp_path,
        {
            "sources.tsv": GOOD_SOURCE,
            "entities.tsv": GOOD_ENTITIES,
            "relations.tsv": "nerve_a\troot_value\tspinal_nerve_L9\tminor\t\ts1\tonly one book says so\n",
        },
    )
    compiled, problems = build(write=False, tables=tables)
    assert problems == []
    text = compiled["m.ttl"]
    assert "RADIX:nerve_a RADIX:root_value RADIX:spinal_nerve_L9 ." in text
    assert 'RADIX:contribution "minor"' in text
    assert "dcterms:source src:s1" in text
    assert 'rdfs:comment "only one book says so"' in text


def problems_for(tmp_path: Path, relation_row: str, sources: str = GOOD_SOURCE) -> list[str]:
    tables = write_module(tmp_path, {"sources.tsv": sources, "entities.tsv": GOOD_ENTITIES, "relations.tsv": relation_row})
    _, problems = build(write=False, tables=tables)
    return [str(p) for p in problems]


def test_unknown_relation_is_named_with_the_known_ones(tmp_path: Path) -> None:
    [msg] = problems_for(tmp_path, "nerve_a\tinervates\tmuscle_b\t\t\ts1\t\n")
    assert "relations.tsv:2" in msg
    assert "unknown relation 'inervates'" in msg
    assert "innervates" in msg


def test_relation_without_source_is_refused(tmp_path: Path) -> None:
    [msg] = problems_for(tmp_path, "nerve_a\tinnervates\tmuscle_b\t\t\t\t\n")
    assert "no source" in msg


def test_unlisted_source_is_refused(tmp_path: Path) -> None:
    [msg] = problems_for(tmp_path, "nerve_a\tinnervates\tmuscle_b\t\t\tnot_listed\t\n")
    assert "source 'not_listed' is not listed" in msg


def test_wrong_range_is_refused_with_the_classes_needed(tmp_path: Path) -> None:
    [msg] = problems_for(tmp_path, "nerve_a\tinnervates\tspinal_nerve_L9\t\t\ts1\t\n")
    assert "innervates needs a object of class Muscle; spinal_nerve_L9 is a SpinalNerve" in msg


def test_root_value_needs_a_contribution(tmp_path: Path) -> None:
    [msg] = problems_for(tmp_path, "nerve_a\troot_value\tspinal_nerve_L9\t\t\ts1\t\n")
    assert "root_value rows need a contribution" in msg


def test_undefined_entity_is_refused(tmp_path: Path) -> None:
    [msg] = problems_for(tmp_path, "nerve_a\tinnervates\tno_such_muscle\t\t\ts1\t\n")
    assert "object 'no_such_muscle' is not defined" in msg


def test_a_source_id_cannot_point_to_two_urls(tmp_path: Path) -> None:
    msgs = problems_for(tmp_path, "", sources=GOOD_SOURCE + "s1\tAnother\thttps://example.org/other\tB\n")
    assert any("already used for https://example.org/book" in m for m in msgs)


def test_every_shipped_module_has_its_three_tables() -> None:
    modules, problems = read_modules()
    assert problems == []
    assert {m.name for m in modules} >= {"core", "spine", "nerves", "skin", "muscles_hip_thigh", "muscles_leg_foot"}
