from __future__ import annotations

from pathlib import Path

import pytest

from api.state import AppState
from graph.vocabulary import RELATIONS
from loaders.paths import shipped_turtle_files
from loaders.rdf import content_key, load
from tests import FEMORAL, root


def test_literals_are_attributes_and_only_schema_relations_are_edges(shipped: AppState) -> None:
    kg = shipped.kg
    femoral = kg.entity(FEMORAL)
    assert femoral.label == "femoral nerve"
    assert femoral.definition
    # no literal, source or class became a node
    assert all(isinstance(n, str) and not n.startswith(("http", '"')) for n in kg.graph.nodes)
    assert "Source" not in {kg.entity(n).type for n in kg.graph.nodes}
    keys = {k for _, _, k in kg.graph.edges(keys=True)}
    assert keys <= set(RELATIONS)
    assert {"forms", "innervates", "covers", "root_value", "part_of"} <= keys


def test_every_edge_carries_its_sources(shipped: AppState) -> None:
    for relation in shipped.kg.relations():
        assert relation.sources, relation
        assert all(s in shipped.kg.sources for s in relation.sources), relation


def test_root_values_become_segmental_supply(shipped: AppState) -> None:
    segments = shipped.kg.segments_of("femoral_nerve")
    assert segments is not None
    for level in ("L2", "L3", "L4"):
        assert segments[root(level).split(":")[1]] == "major"


def test_second_load_comes_from_the_cache_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADIX_CACHE_DIR", str(tmp_path))
    cold, first = load()
    warm, second = load()
    assert not first.cached and second.cached
    assert first.triples and first.triples > 5000
    assert cold.entity_count == warm.entity_count and cold.relation_count == warm.relation_count
    assert list(tmp_path.glob("*.pickle"))


def test_the_cache_key_changes_with_the_content(tmp_path: Path) -> None:
    files = shipped_turtle_files()
    copy = tmp_path / files[-1].name
    copy.write_text(files[-1].read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert content_key(files) != content_key([*files[:-1], copy])
