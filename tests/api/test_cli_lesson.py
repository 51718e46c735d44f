"""``radix lesson``: an entity's or a localization's lesson on standard output or in a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli import main


def test_an_entity_lesson_in_markdown_on_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson", "RADIX:femoral_nerve"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# femoral nerve\n") and "```mermaid" in out and "## References" in out
    assert "| femoral nerve `RADIX:femoral_nerve` | `innervates` | quadriceps femoris `RADIX:quadriceps_femoris` |" in out


def test_a_dermatome_map_and_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "l5.html"
    assert main(["lesson", "spinal_nerve_L5", "--map", "map_keegan_garrett", "--format", "html", "-o", str(target)]) == 0
    assert capsys.readouterr().err.startswith(f"wrote {target}:")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "on the Keegan and Garrett map" in page
    assert '<script type="application/json" id="pathway-data">' in page


def test_a_localization_lesson_from_findings(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["lesson", "--finding", "numbness:anterior thigh", "--finding", "weakness:knee extension"]
    assert main([*argv, "--normal", "weakness:hip adduction", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "# Where is the lesion?" in out and "normal: weakness at hip adduction" in out
    assert "| 1 | femoral nerve at the inguinal ligament `RADIX:femoral_nerve` | nerve |" in out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["lesson"], "give an entity id"),
        (["lesson", "femoral_nerve", "--format", "pdf"], "unknown lesson format 'pdf'; use one of: markdown, html"),
        (["lesson", "no_such_thing"], "no entity with id 'no_such_thing'"),
        (["lesson", "femoral_nerve", "--finding", "numbness:thigh"], "not both"),
        (["lesson", "--finding", "numbness"], "a finding is KIND:SITE"),
        (["lesson", "--finding", "numbness:nowhere at all"], "no finding could be resolved"),
        (["lesson", "spinal_nerve_L5", "--map", "map_nobody"], "unknown dermatome map"),
    ],
)
def test_bad_input_exits_2_with_a_message(argv: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert says in captured.err and "Traceback" not in captured.err and not captured.out


def test_an_unwritable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson", "femoral_nerve", "-o", str(tmp_path / "missing" / "x.md")]) == 2
    assert "cannot write" in capsys.readouterr().err
