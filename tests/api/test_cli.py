from __future__ import annotations

import json

import pytest

from api.cli import main
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
