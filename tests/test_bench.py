"""The benchmark's smoke run, the answer cache, the derived-state cache and the fast Turtle path."""

from __future__ import annotations

import argparse
import pickle
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter
from starlette.requests import Request

from api.app import create_app
from api.cache import STATE_ATTRIBUTE, AnswerCache, answers
from api.cli import main
from api.models import EntityOut, PathwayOut, RootsOut, TerritoryOut
from api.state import AppState, Settings
from graph.localize import Localizer
from graph.model import KnowledgeGraph
from graph.pathway import DEFAULT_PATHWAY_NODES, pathway
from graph.queries import DISCLAIMER, entity_detail, roots_for_finding
from graph.search import NameIndex
from graph.sparql import SparqlEndpoint
from graph.territory import territory
from loaders.paths import shipped_turtle_files
from loaders.rdf import LoadReport, load, load_derived, read_fast, to_knowledge_graph
from tests import ANTERIOR_THIGH, FEMORAL, root

# ---------------------------------------------------------------- radix bench


def test_bench_inprocess_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--only", "inprocess", "--count", "3"]) == 0
    out = capsys.readouterr().out
    assert "AMD" in out or "cores" in out  # the machine line
    for query in ("health", "search", "entity", "paths", "roots", "localize (10 findings)"):
        assert f"| {query} |" in out
    assert "roots p50 in-process" in out and ("— met" in out or "— MISSED" in out)


def test_bench_refuses_an_unknown_part(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--only", "inprocess,warp"]) == 2
    assert "unknown part(s) warp" in capsys.readouterr().err


def test_the_soak_runs_a_minute_unless_told() -> None:
    from benchmarks.run import add_arguments, options

    p = argparse.ArgumentParser()
    add_arguments(p)
    default, told = options(p.parse_args(["--only", "http,soak"])), options(p.parse_args(["--only", "soak", "--duration", "3"]))
    assert (default.duration, default.soak) == (10, 60) and (told.duration, told.soak) == (3, 3)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_bench_soak_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    """Three seconds of the soak: no answer but the deliberate 404s is an error, and no worker's graph changed."""
    from benchmarks.run import Options, run

    targets = run(Options(parts=("soak",), soak=3.0))
    out = capsys.readouterr().out
    assert [(t.name.split(" in ")[0], t.measured, t.met) for t in targets] == [
        ("soak: unexpected errors", 0, True),
        ("soak: graph unchanged (items that differ before and after)", 0, True),
    ], out
    assert "| missing | `GET /entities/RADIX:no_such_entity` |" in out and "404 × " in out
    assert "(besides 0 deliberate" not in out  # the load reached the server


# ---------------------------------------------------------------- the answer cache


@pytest.fixture
def app(shipped: AppState) -> FastAPI:
    """An app of its own (its answer cache starts empty), on the shipped graph with a SPARQL pool of its own."""
    return create_app(Settings(), state=replace(shipped, sparql=SparqlEndpoint(())))


@pytest.fixture
def fresh_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def kept(app: FastAPI) -> AnswerCache | None:
    cache: AnswerCache | None = getattr(app.state, STATE_ATTRIBUTE, None)
    return cache


def fastapi_bytes(model: type[BaseModel], answer: object) -> bytes:
    """What FastAPI sends for a response model (before the cache): Pydantic's JSON of the validated model."""
    return TypeAdapter(model).dump_json(model.model_validate(answer), by_alias=True)


def expected(shipped: AppState, url: str) -> bytes:
    kg, index = shipped.kg, shipped.index
    if url.startswith("/roots"):
        return fastapi_bytes(RootsOut, roots_for_finding(kg, index, "numbness", "anterior thigh"))
    if url.startswith("/entities"):
        return fastapi_bytes(EntityOut, {**entity_detail(kg, FEMORAL).__dict__, "disclaimer": DISCLAIMER})
    if url.startswith("/pathways"):
        return fastapi_bytes(PathwayOut, pathway(kg, index, FEMORAL, DEFAULT_PATHWAY_NODES if "max_nodes" not in url else 5))
    if "map=" in url:
        return fastapi_bytes(TerritoryOut, territory(kg, root("L5"), "RADIX:map_isncsci"))
    return fastapi_bytes(TerritoryOut, territory(kg, root("L5")))


@pytest.mark.parametrize(
    "url",
    [
        "/roots?kind=numbness&site=anterior%20thigh",
        f"/entities/{FEMORAL}",
        f"/pathways/{FEMORAL}",
        f"/pathways/{FEMORAL}?max_nodes=5",
        f"/territories/{root('L5')}",
        f"/territories/{root('L5')}?map=RADIX:map_isncsci",
    ],
)
def test_kept_answers_are_the_bytes_a_fresh_answer_would_be(
    app: FastAPI, fresh_client: TestClient, shipped: AppState, url: str
) -> None:
    first = fresh_client.get(url)
    second = fresh_client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.content == second.content == expected(shipped, url)
    cache = kept(app)
    assert cache is not None and (cache.misses, cache.hits) == (1, 1)


def test_an_id_spelt_two_ways_is_one_kept_answer(app: FastAPI, fresh_client: TestClient) -> None:
    a = fresh_client.get(f"/entities/{FEMORAL}")
    b = fresh_client.get("/entities/femoral_nerve")
    assert a.status_code == b.status_code == 200 and a.content == b.content
    cache = kept(app)
    assert cache is not None and cache.keys() == [("entity", "femoral_nerve")]


def test_errors_are_never_kept(app: FastAPI, fresh_client: TestClient) -> None:
    for _ in range(2):
        assert fresh_client.get("/entities/RADIX:no_such_thing").status_code == 404
        assert fresh_client.get("/roots?kind=numbness&site=anterior%20thihg").status_code == 422
    cache = kept(app)
    assert cache is None or cache.keys() == []


def test_rdf_answers_bypass_the_cache(app: FastAPI, fresh_client: TestClient) -> None:
    response = fresh_client.get(f"/entities/{FEMORAL}?format=turtle")
    assert response.status_code == 200 and "turtle" in response.headers["content-type"]
    assert kept(app) is None


def test_the_cache_belongs_to_the_loaded_graph(app: FastAPI, shipped: AppState) -> None:
    app.state.radix = shipped
    request = Request({"type": "http", "app": app})
    first = answers(request)
    assert answers(request) is first and first.owner is shipped
    app.state.radix = replace(shipped)  # another loaded graph: its answers start afresh
    assert answers(request) is not first


def test_the_cache_stays_within_its_bounds() -> None:
    cache = AnswerCache(owner=None, max_entries=10, max_bytes=25, max_entry_bytes=20)
    for key in "abc":
        assert cache.get_or_make(key, lambda: b"x" * 10) == b"x" * 10
    assert cache.keys() == ["b", "c"] and cache.size == 20  # 30 bytes would not fit: the oldest went
    assert cache.get_or_make("big", lambda: b"y" * 21) == b"y" * 21  # answered, but too big to keep
    assert "big" not in cache

    def failing() -> bytes:
        raise RuntimeError("no answer")

    with pytest.raises(RuntimeError):
        cache.get_or_make("bad", failing)
    assert "bad" not in cache and len(cache) == 2


# ---------------------------------------------------------------- the derived-state cache


def test_derived_state_is_built_once_and_refers_to_the_live_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADIX_CACHE_DIR", str(tmp_path))
    kg, report = load(validate=False)
    built: list[int] = []

    def derive(graph: KnowledgeGraph) -> tuple[KnowledgeGraph, NameIndex]:
        built.append(1)
        return graph, NameIndex.build(graph)

    first_kg, first_index = load_derived(kg, report, "test", derive)
    warm_kg, warm_report = load(validate=False)
    second_kg, second_index = load_derived(warm_kg, warm_report, "test", derive)
    assert built == [1]  # the second came from the cache
    assert first_kg is kg and second_kg is warm_kg  # the graph is a reference, not a copy
    assert second_index == first_index
    assert len(list(tmp_path.glob("*.test-*.pickle"))) == 1


def test_derived_state_without_the_cache_is_built_each_time(shipped: AppState) -> None:
    uncached = LoadReport(False, 0.0, 1, None)  # no key: the graph did not come through the cache
    built: list[int] = []
    for _ in range(2):
        load_derived(shipped.kg, uncached, "test", lambda kg: built.append(1))
    assert built == [1, 1]


def test_a_broken_derived_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADIX_CACHE_DIR", str(tmp_path))
    kg, report = load(validate=False)
    load_derived(kg, report, "test", lambda g: 1)
    (path,) = tmp_path.glob("*.test-*.pickle")
    path.write_bytes(b"not a pickle")
    assert load_derived(kg, report, "test", lambda g: 2) == 2
    assert pickle.loads(path.read_bytes()) == 2


def test_the_served_localizer_comes_back_whole(shipped: AppState) -> None:
    """open_state's derived state survives the round trip through the cache with its graph."""
    kg = shipped.kg
    fresh = Localizer(kg)
    assert [p.key for p in shipped.localizer.profiles] == [p.key for p in fresh.profiles]
    assert shipped.localizer.kg is kg and shipped.index == NameIndex.build(kg)


# ---------------------------------------------------------------- the fast Turtle path and the synthetic graph


def test_the_fast_path_projects_what_rdflib_does() -> None:
    from loaders.rdf import parse_files

    files = shipped_turtle_files()
    slow = to_knowledge_graph(parse_files(files))
    fast, triples = read_fast(files)
    assert triples >= len(parse_files(files))  # rdflib counts a triple stated in two files once
    assert set(fast.entities()) == set(slow.entities())
    assert {(r.subject, r.predicate, r.object, r.assertions) for r in fast.relations()} == {
        (r.subject, r.predicate, r.object, r.assertions) for r in slow.relations()
    }
    assert fast.sources == slow.sources and fast.maps == slow.maps and fast.segments == slow.segments


def test_the_fast_path_names_the_file_of_a_syntax_error(tmp_path: Path) -> None:
    from loaders.rdf import TurtleSyntaxError

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix RADIX: <https://w3id.org/radix/> .\nRADIX:a RADIX:b .\n", encoding="utf-8")
    with pytest.raises(TurtleSyntaxError, match=r"bad\.ttl"):
        read_fast([bad])


def test_the_synthetic_graph_hangs_variants_off_the_one_spine(tmp_path: Path) -> None:
    from benchmarks.synthetic import generate

    made = generate(tmp_path, triples=120_000)
    assert made.variants >= 1 and all(f.exists() for f in made.files)
    kg, triples = read_fast(made.files)
    assert triples == made.triples
    femoral = kg.entity("femoral_nerve_v1")
    assert femoral.label == "femoral nerve v1" and all(s.endswith(" v1") for s in femoral.synonyms)
    assert root("L3").split(":")[1] in (kg.segments_of("femoral_nerve_v1") or {})  # the shared spine
    assert "spinal_nerve_L3_v1" not in kg  # the spine is not copied
    assert kg.entity(ANTERIOR_THIGH).label == "anterior thigh"  # the shipped graph is unchanged
