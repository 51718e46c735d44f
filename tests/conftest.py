"""Session fixtures: the shipped graph (parsed once), a tiny hand-written graph, an app client."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.state import AppState, LazyRdf, Settings, open_state
from graph.localize import Localizer
from graph.search import NameIndex
from graph.sparql import SparqlEndpoint
from loaders.paths import ontology_file
from loaders.rdf import load
from loaders.tables import build

INPUT = Path(__file__).parent / "input"
SHARED = Path(os.environ.get("RADIX_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))


@pytest.fixture(scope="session")
def shipped() -> AppState:
    return open_state(Settings())


@pytest.fixture(scope="session")
def mini(tmp_path_factory: pytest.TempPathFactory) -> AppState:
    """The hand-written test graph of tests/input/mini_tables, compiled and loaded like the real one."""
    out = tmp_path_factory.mktemp("mini")
    _, problems = build(write=True, tables=INPUT / "mini_tables", modules_out=out)
    assert not problems, problems
    files = (ontology_file(), *sorted(out.glob("*.ttl")))
    kg, report = load(files, use_cache=False)
    return AppState(kg, NameIndex.build(kg), report, "test", Localizer(kg), files, LazyRdf(files), SparqlEndpoint(files))


@pytest.fixture(scope="session")
def client(shipped: AppState) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), state=shipped)) as c:
        yield c


@pytest.fixture(scope="session")
def cases() -> dict[str, Any]:
    path = SHARED / "eval" / "cases.json"
    if not path.exists():
        pytest.skip(f"shared evaluation cases not found at {path} (set RADIX_SHARED_DIR)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
