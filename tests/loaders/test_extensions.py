"""Extensions: validated like the shipped graph; a conflict with it is reported with both sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.cli import main
from api.state import Settings, open_state
from graph.errors import GraphInvalid
from graph.model import Assertion
from loaders.validate import check_files

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "sternohyoid.ttl"
CONFLICT = ROOT / "tests" / "input" / "extensions" / "conflicting-root.ttl"


def test_the_readme_example_extension_validates_and_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    violations, _ = check_files([EXAMPLE])
    assert violations == []
    monkeypatch.setenv("RADIX_CACHE_DIR", str(tmp_path))
    state = open_state(Settings(extra_files=(EXAMPLE,)))
    relation = next(r for r in state.kg.outgoing("sternohyoid") if r.object == "spinal_nerve_C2")
    assert relation.assertions == (Assertion(("pharmacynotebook_sternohyoid", "wikipedia_sternohyoid_mirror"), "major"),)
    assert state.kg.sources["wikipedia_sternohyoid_mirror"].tier == "C"


def test_a_conflicting_root_value_is_reported_with_both_sides_sources() -> None:
    violations, _ = check_files([CONFLICT])
    conflicts = {v.entity: v for v in violations if v.rule == "extension-conflict"}
    added = conflicts["RADIX:quadriceps_femoris"]
    assert "spinal_nerve_L5 (major) [source:test_disagreeing_source]" in added.message
    assert "spinal_nerve_L3 (major) [source:cns_asia_motor" in added.message  # the shipped side, with its sources
    assert added.file == str(CONFLICT) and added.line == 14
    changed = conflicts["RADIX:femoral_nerve"]
    assert "L1 (major)" in changed.message and "L1 (minor) [source:anatomyapp_femoral]" in changed.message
    assert "graph/tables/" in changed.fix


def test_a_conflicting_extension_is_refused_not_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADIX_CACHE_DIR", str(tmp_path))
    with pytest.raises(GraphInvalid, match=r"conflicting-root\.ttl:14: error: RADIX:quadriceps_femoris: \[extension-conflict\]"):
        open_state(Settings(extra_files=(CONFLICT,)))


def test_a_missing_extension_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--extend", "no/such.ttl"]) == 2
    assert "extension file not found: no/such.ttl" in capsys.readouterr().err


def test_restating_a_shipped_relation_the_same_way_is_no_conflict(tmp_path: Path) -> None:
    same = tmp_path / "same.ttl"
    same.write_text(
        CONFLICT.read_text(encoding="utf-8")
        .replace(
            "RADIX:quadriceps_femoris RADIX:root_value RADIX:spinal_nerve_L5",
            "RADIX:quadriceps_femoris RADIX:root_value RADIX:spinal_nerve_L3",
        )
        .replace("owl:annotatedTarget RADIX:spinal_nerve_L5", "owl:annotatedTarget RADIX:spinal_nerve_L3"),
        encoding="utf-8",
    )
    violations, _ = check_files([same])
    assert {v.entity for v in violations if v.rule == "extension-conflict"} == {"RADIX:femoral_nerve"}


def test_check_lists_every_rule_with_what_it_requires(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rules"]) == 0
    out = capsys.readouterr().out
    shapes = (ROOT / "graph" / "shapes.ttl").read_text(encoding="utf-8")
    for name in set(re.findall(r'sh:name "([\w-]+)"', shapes)) - {
        "entity-has-label-and-definition",
        "spinal-nerve-exit",
        "nerve-origin",
        "reflex-arc",
        "dermatome-root",
        "source-citation",
        "cord-segment-level",
    }:  # node shapes whose property shapes carry the messages
        assert f" {name}: " in out, name
    assert "extension-conflict: an extension may not give a root_value" in out
    assert "relation-without-source: every asserted relation carries at least one source" in out
