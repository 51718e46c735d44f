from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from graph.model import Assertion
from loaders.diff import GraphDiff, NoTurtleFiles, diff_graphs, to_text, turtle_files
from loaders.paths import graph_dir, shipped_turtle_files
from loaders.rdf import TurtleSyntaxError

DIFF = Path(__file__).parents[1] / "input" / "diff"
OLD, NEW, BROKEN = DIFF / "old.ttl", DIFF / "new.ttl", DIFF / "broken.ttl"


@pytest.fixture(scope="module")
def diff() -> GraphDiff:
    return diff_graphs([OLD], [NEW])


def test_added_and_removed_relations_carry_their_sources(diff: GraphDiff) -> None:
    [added] = diff.relations.added
    assert (added.subject, added.predicate, added.object) == ("test_nerve_beta", "root_value", "test_spinal_nerve_2")
    assert added.assertions == (Assertion(("test_source_b",), "minor"),)
    [removed] = diff.relations.removed
    assert (removed.subject, removed.predicate, removed.object) == ("test_nerve_alpha", "root_value", "test_spinal_nerve_2")
    assert removed.sources == ("test_source_a",)


def test_a_changed_relation_shows_its_assertions_before_and_after(diff: GraphDiff) -> None:
    [changed] = diff.relations.changed
    assert (changed.subject, changed.object) == ("test_nerve_alpha", "test_spinal_nerve_1")
    assert changed.before == (Assertion(("test_source_a",), "major"),)
    assert changed.after == (Assertion(("test_source_a", "test_source_b"), "minor"),)
    assert (changed.qualifiers_before, changed.qualifiers_after) == ("major", "minor")
    assert changed.sources_added == ("test_source_b",)
    assert changed.sources_removed == ()
    assert not changed.notes_changed


def test_entities_and_sources(diff: GraphDiff) -> None:
    assert [(e.id, e.type, e.label) for e in diff.entities.added] == [("test_nerve_beta", "Nerve", "test nerve beta")]
    assert diff.entities.removed == ()
    [changed] = diff.entities.changed
    assert changed.id == "test_nerve_alpha"
    assert [(f.field, f.before, f.after) for f in changed.changes] == [("label", ("test nerve alpha",), ("alpha test nerve",))]
    assert [(s.id, s.tier) for s in diff.sources.added] == [("test_source_b", "B")]
    assert diff.sources.removed == ()
    assert diff.sources.changed == ()
    assert diff.other.empty  # the unchanged innervates relation and every other statement are the same
    assert not diff.identical


def test_the_text_report_lists_each_change_by_section(diff: GraphDiff) -> None:
    text = to_text(diff)
    assert "+ RADIX:test_nerve_beta root_value RADIX:test_spinal_nerve_2 (minor) [sources: test_source_b]\n" in text
    assert "- RADIX:test_nerve_alpha root_value RADIX:test_spinal_nerve_2 (minor) [sources: test_source_a]\n" in text
    assert (
        "~ RADIX:test_nerve_alpha root_value RADIX:test_spinal_nerve_1: contribution major → minor; sources + test_source_b\n"
        in text
    )
    assert "+ RADIX:test_nerve_beta (test nerve beta, Nerve)\n" in text
    assert '~ RADIX:test_nerve_alpha (alpha test nerve): label "test nerve alpha" → "alpha test nerve"\n' in text
    assert "+ test_source_b: Test source B, made up for the diff tests <https://example.org/radix-test/source-b>\n" in text
    assert "innervates" not in text
    assert [line for line in text.splitlines() if line[:1].isupper()] == ["Relations (3)", "Entities (2)", "Sources (1)"]
    assert text.splitlines()[-1] == (
        "relations +1 −1 ~1 (3 → 3); entities +1 −0 ~1 (4 → 5); sources +1 −0 ~0 (1 → 2); other statements +0 −0"
    )


def test_identical_inputs_give_an_empty_diff() -> None:
    same = diff_graphs([OLD], [OLD])
    assert same.identical
    assert to_text(same).splitlines()[-1].startswith("identical: relations +0 −0 ~0 (3 → 3)")


def test_a_graph_folder_means_its_ontology_and_modules() -> None:
    assert turtle_files(graph_dir()) == shipped_turtle_files()  # not shapes.ttl
    assert turtle_files(DIFF) == [BROKEN, NEW, OLD]
    assert turtle_files(OLD) == [OLD]


def test_a_syntax_error_names_the_file_and_line() -> None:
    with pytest.raises(TurtleSyntaxError, match=r"broken\.ttl: not valid Turtle: line \d+"):
        diff_graphs([OLD], [BROKEN])


def test_missing_inputs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NoTurtleFiles, match="no such file or directory"):
        diff_graphs([OLD], [tmp_path / "nope.ttl"])
    with pytest.raises(NoTurtleFiles, match=r"no Turtle \(\*\.ttl\) files"):
        diff_graphs([tmp_path], [OLD])


def test_cli_exits_1_on_differences_and_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(OLD), str(NEW)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"--- {OLD}\n+++ {NEW}\n")
    assert "contribution major → minor; sources + test_source_b" in out


def test_cli_exits_0_on_identical_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(NEW), str(NEW)]) == 0
    assert "identical: " in capsys.readouterr().out


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(OLD), str(NEW), "--json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["identical"] is False
    assert [r["subject"] for r in body["relations"]["added"]] == ["test_nerve_beta"]
    assert body["relations"]["changed"][0]["after"] == [
        {"sources": ["test_source_a", "test_source_b"], "contribution": "minor", "map": None, "note": None}
    ]
    assert body["entities"]["changed"][0]["changes"] == [
        {"field": "label", "before": ["test nerve alpha"], "after": ["alpha test nerve"]}
    ]


def test_cli_exits_2_with_a_message_on_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.ttl"
    assert main(["diff", str(OLD), str(missing)]) == 2
    assert capsys.readouterr().err == f"radix: {missing}: no such file or directory\n"


def test_cli_exits_2_naming_the_file_on_a_syntax_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BROKEN), str(OLD)]) == 2
    assert f"radix: {BROKEN}: not valid Turtle: line " in capsys.readouterr().err
