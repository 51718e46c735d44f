from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.cli import main
from loaders.validate import check_files, named_checks

BROKEN = sorted((Path(__file__).parents[1] / "input" / "broken").glob("*.ttl"))


def expectation(path: Path) -> tuple[str, str | None]:
    m = re.match(r"# expect: (\S+)(?: (\S+))?", path.read_text(encoding="utf-8"))
    assert m, f"{path} must start with '# expect: RULE ENTITY'"
    return m.group(1), m.group(2)


def test_the_shipped_graph_passes_every_check() -> None:
    violations, triples = check_files()
    assert [str(v) for v in violations] == []
    assert triples > 5000


def test_every_named_check_says_its_rule_and_fix() -> None:
    checks = named_checks()
    assert len(checks) >= 7
    for check in checks:
        assert check.rule and check.fix and check.severity == "error", check.name


@pytest.mark.parametrize("path", [p for p in BROKEN if expectation(p)[0] != "syntax"], ids=lambda p: p.stem)
def test_each_broken_file_is_caught_with_rule_entity_and_place(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule, entity = expectation(path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if f"[{rule}]" in line]
    assert lines, f"no [{rule}] violation in:\n{out}"
    assert any(entity and f": {entity}: " in line for line in lines), out
    # A violation of an entity defined in the broken file names that file and line.
    if any(str(path) in line for line in lines):
        assert re.search(re.escape(str(path)) + r":\d+: error:", out)


def test_a_turtle_syntax_error_names_the_file_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    [path] = [p for p in BROKEN if expectation(p)[0] == "syntax"]
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "not valid Turtle" in err


def test_a_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "no/such/file.ttl"]) == 2
    assert "no such file: no/such/file.ttl" in capsys.readouterr().err


def test_the_shipped_graph_checks_clean_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "0 error(s)" in capsys.readouterr().out
