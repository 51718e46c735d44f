from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import MODULES, main, parser
from tests import FEMORAL


def test_roots_prints_roots_nerves_paths_and_the_disclaimer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roots", "numbness", "anterior thigh"]) == 0
    out = capsys.readouterr().out
    assert "numbness at anterior thigh" in out
    assert "L2 spinal nerve (major" in out and "L3 spinal nerve (major" in out
    assert "femoral nerve" in out and "—forms→ lumbar plexus" in out
    assert "not medical advice" in out


def test_roots_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roots", "weakness", "knee extension", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert FEMORAL in [n["id"] for n in body["nerves"]]


def test_roots_bad_site_exits_2_with_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roots", "numbness", "anterior thihg"]) == 2
    err = capsys.readouterr().err
    assert "unknown site 'anterior thihg'" in err and "'anterior thigh'" in err


def test_entity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["entity", "femoral_nerve"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("femoral nerve (RADIX:femoral_nerve, Nerve)")
    assert "root_value → L3 spinal nerve" in out and "Sources:" in out


def test_unknown_entity_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["entity", "no_such_thing"]) == 2
    assert "no entity with id 'no_such_thing'" in capsys.readouterr().err


def test_stats_json_reports_sourcing_and_cross_references(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["share_relations_sourced"] == 1.0
    assert s["entities_by_class"]["SpinalNerve"] == 31
    assert s["entities_by_class"]["Muscle"] >= 150
    assert 0 < s["share_entities_with_xref"] <= 1


def test_build_check_passes_on_the_shipped_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--check"]) == 0
    assert "match the tables" in capsys.readouterr().out


def test_localize_prints_the_ranked_answer_with_paths(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "localize",
        "--finding",
        "numbness:anterior thigh",
        "--finding",
        "weakness:knee extension",
        "--normal",
        "weakness:hip adduction",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.index("1. femoral nerve") < out.index("2. ")
    assert "—supplies_skin_of→ anterior thigh" in out
    assert "To tell the leading candidates apart" in out and "not medical advice" in out


def test_localize_without_findings_or_with_a_bad_one_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["localize"]) == 2
    assert "--finding" in capsys.readouterr().err
    assert main(["localize", "--finding", "numbness"]) == 2
    assert "KIND:SITE" in capsys.readouterr().err


def test_eval_prints_figures_and_refuses_an_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(
        json.dumps(
            {
                "vignettes": [
                    {
                        "id": "T1",
                        "title": "femoral",
                        "findings": [
                            {"kind": "numbness", "site": "anterior thigh"},
                            {"kind": "weakness", "site": "knee extension"},
                            {"kind": "weakness", "site": "hip adduction", "present": False},
                        ],
                        "expect": {
                            "level": "nerve",
                            "top": ["femoral nerve"],
                            "roots": [],
                            "not_top": ["L3 spinal nerve"],
                            "red_flag": False,
                        },
                    }
                ]
            }
        )
    )
    assert main(["eval", str(cases)]) == 0
    out = capsys.readouterr().out
    assert "top-1 accuracy:  100% (1/1)" in out and "red-flag recall" in out
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert main(["eval", str(bad)]) == 2
    assert "cannot read cases" in capsys.readouterr().err


def commands(p: argparse.ArgumentParser) -> list[str]:
    sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def test_each_command_is_found_in_the_module_table() -> None:
    """``radix X`` imports only X's module, found through MODULES; a command missing there would run, slowly."""
    assert commands(parser()) == [c for listed in MODULES.values() for c in listed]
    for listed in MODULES.values():
        assert commands(parser(listed[0])) == list(listed)


def test_serving_imports_none_of_the_loaders_and_renderers_it_does_not_use() -> None:
    """A warm `radix serve` reads the cache: rdflib, pyparsing, jinja2 and validation would only slow its start."""
    code = (
        "import sys; from api.cli import parser; parser('serve'); from api.app import create_app; create_app(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'rdflib', 'pyparsing', 'jinja2', 'pyshacl'} "
        "or m in {'loaders.validate', 'loaders.tables', 'loaders.diff', 'graph.evaluation', 'benchmarks.run'}))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
