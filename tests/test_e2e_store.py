"""End to end: the same API over an external SPARQL store (a real Oxigraph server), beside the file-backed one.

The shipped Turtle is loaded into a local Oxigraph server (the ``oxigraph`` binary from PyPI);
`radix serve --store URL` reads the graph through the SPARQL 1.1 protocol and must answer as
`radix serve` on the files does: the same JSON, isomorphic RDF, the same SPARQL results, the
same refusals and caps.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from loaders.paths import shipped_turtle_files
from tests.test_e2e import free_port, start

pytestmark = pytest.mark.e2e

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LOCALIZE = {
    "findings": [
        {"kind": "numbness", "site": "anterior thigh"},
        {"kind": "weakness", "site": "knee extension"},
        {"kind": "reflex_reduced", "site": "patellar reflex"},
        {"kind": "weakness", "site": "hip adduction", "present": False},
    ]
}
#: GET requests whose JSON must be the same from both servers
SAME_JSON = [
    ("/health", {}),
    ("/entities/femoral_nerve", {}),
    ("/entities/RADIX:spinal_nerve_L5", {}),
    ("/roots", {"kind": "numbness", "site": "anterior thigh"}),
    ("/paths", {"source": "spinal_nerve_L3", "target": "anterior_thigh", "max_length": 6, "limit": 5}),
    ("/entities", {"q": "femoral", "limit": 10}),
    ("/pathways/sciatic_nerve", {}),
    ("/territories/spinal_nerve_L5", {"map": "map_isncsci"}),
    ("/subgraph", {"seed": "femoral_nerve", "depth": 1, "max_nodes": 100}),
]


def oxigraph() -> str:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).is_file():
        pytest.fail("the oxigraph server binary is missing: pip install -e '.[dev]' installs it")
    return exe


def start_store(location: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A read-only Oxigraph server holding the shipped Turtle; yields its query URL and process."""
    exe = oxigraph()
    for path in shipped_turtle_files():
        subprocess.run([exe, "load", "--location", str(location), "--file", str(path)], check=True, capture_output=True)
    port = free_port()
    # the store's own time limit stops a runaway query there; radix stops waiting sooner
    proc = subprocess.Popen(
        [exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--timeout-s", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.post(url, content=COUNT, headers={"content-type": "application/sparql-query"}).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the Oxigraph server did not answer in 30 s")
    yield url, proc
    proc.terminate()
    proc.wait(timeout=10)


def store_count(url: str) -> int:
    r = httpx.post(url, content=COUNT, headers={"content-type": "application/sparql-query", "accept": "text/csv"})
    return int(r.text.split()[1])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for url, _ in start_store(tmp_path_factory.mktemp("oxigraph")):
        yield url


@pytest.fixture(scope="module")
def store_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store-cache")


@pytest.fixture(scope="module")
def remote(store: str, store_cache: Path) -> Iterator[str]:
    yield from start(store_cache, "--store", store, env={"RADIX_SPARQL_TIMEOUT": "1", "RADIX_SPARQL_MAX_BYTES": "2000000"})


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(tmp_path_factory.mktemp("files-cache"))


def rdf(text: str, fmt: str) -> Graph:
    return Graph().parse(data=text, format=fmt)


@pytest.mark.parametrize(("route", "params"), SAME_JSON, ids=[r for r, _ in SAME_JSON])
def test_the_store_backed_api_answers_as_the_file_backed_one(remote: str, local: str, route: str, params: dict[str, Any]) -> None:
    a, b = httpx.get(remote + route, params=params), httpx.get(local + route, params=params)
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json()


def test_localize_over_the_store_ranks_as_over_the_files(remote: str, local: str) -> None:
    a, b = httpx.post(f"{remote}/localize", json=LOCALIZE), httpx.post(f"{local}/localize", json=LOCALIZE)
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json()
    assert a.json()["candidates"][0]["id"] == "RADIX:femoral_nerve"  # the anatomy, not only the equality


def test_an_entitys_rdf_comes_from_the_store_and_matches_the_files(remote: str, local: str) -> None:
    for fmt, accept in (("turtle", "text/turtle"), ("json-ld", "application/ld+json")):
        a = httpx.get(f"{remote}/entities/femoral_nerve", headers={"accept": accept})
        b = httpx.get(f"{local}/entities/femoral_nerve", headers={"accept": accept})
        assert a.status_code == b.status_code == 200 and a.headers["content-type"].startswith(accept)
        ga, gb = rdf(a.text, fmt), rdf(b.text, fmt)
        assert len(ga) == len(gb) > 300  # its own triples, the axioms sourcing its relations, their sources
        assert isomorphic(ga, gb)


def test_subgraph_turtle_and_the_whole_ontology_match(remote: str, local: str) -> None:
    params = {"seed": "quadriceps_femoris", "depth": 1, "format": "turtle"}
    a, b = httpx.get(f"{remote}/subgraph", params=params), httpx.get(f"{local}/subgraph", params=params)
    assert isomorphic(rdf(a.text, "turtle"), rdf(b.text, "turtle"))
    a = httpx.get(f"{remote}/ontology", params={"format": "ntriples"}, timeout=60)
    b = httpx.get(f"{local}/ontology", params={"format": "ntriples"}, timeout=60)
    assert a.status_code == b.status_code == 200
    named = [{line for line in r.text.splitlines() if "_:" not in line} for r in (a, b)]
    assert named[0] == named[1] and len(named[0]) > 10_000  # the same triples (blank node labels differ)
    assert len(a.text.splitlines()) == len(b.text.splitlines())


def test_sparql_is_answered_by_the_store_with_the_same_results(remote: str, local: str, store: str) -> None:
    select = (
        "SELECT ?root ?contribution WHERE { ?a owl:annotatedSource RADIX:tibialis_anterior ; "
        "owl:annotatedProperty RADIX:root_value ; owl:annotatedTarget ?root ; RADIX:contribution ?contribution } ORDER BY ?root"
    )
    a = httpx.get(f"{remote}/sparql", params={"query": select}, headers={"accept": "text/csv"})
    b = httpx.get(f"{local}/sparql", params={"query": select}, headers={"accept": "text/csv"})
    assert a.status_code == 200 and a.text == b.text and "spinal_nerve_L4" in a.text
    ask = "ASK { RADIX:femoral_nerve RADIX:innervates RADIX:quadriceps_femoris }"
    assert httpx.get(f"{remote}/sparql", params={"query": ask}).json()["boolean"] is True
    construct = "CONSTRUCT { RADIX:femoral_nerve ?p ?o } WHERE { RADIX:femoral_nerve ?p ?o }"
    a = httpx.post(f"{remote}/sparql", content=construct, headers={"content-type": "application/sparql-query"})
    b = httpx.post(f"{local}/sparql", content=construct, headers={"content-type": "application/sparql-query"})
    assert a.headers["content-type"].startswith("text/turtle") and isomorphic(rdf(a.text, "turtle"), rdf(b.text, "turtle"))
    assert (
        httpx.get(f"{remote}/sparql", params={"query": COUNT}).json()
        == httpx.get(f"{local}/sparql", params={"query": COUNT}).json()
    )


def test_updates_never_reach_the_store(remote: str, store: str) -> None:
    before = store_count(store)
    for query, status in (
        ("INSERT DATA { RADIX:femoral_nerve RADIX:innervates RADIX:biceps_femoris }", 403),
        ("CLEAR DEFAULT", 403),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", 403),
        ("SELEC nothing", 400),
    ):
        r = httpx.post(f"{remote}/sparql", data={"query": query})
        assert r.status_code == status, (query, r.text)
        assert "Traceback" not in r.text and r.json()["detail"]["message"]
    assert httpx.post(f"{remote}/sparql", data={"update": "CLEAR ALL"}).status_code == 403
    assert store_count(store) == before


def test_the_caps_hold_over_the_store(remote: str) -> None:
    r = httpx.get(f"{remote}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 422 and r.json()["detail"]["cap"] == "result size 2000000 bytes"
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    r = httpx.get(f"{remote}/sparql", params={"query": runaway}, timeout=30)
    assert r.status_code == 422 and r.json()["detail"]["cap"] == "time budget 1 s", r.text
    assert time.monotonic() - started < 5
    assert httpx.get(f"{remote}/roots", params={"kind": "numbness", "site": "lateral leg"}).status_code == 200


def test_a_restart_on_an_unchanged_store_reads_the_cache(store: str, store_cache: Path, remote: str) -> None:
    for base in start(store_cache, "--store", store):
        ready = httpx.get(f"{base}/ready").json()
        assert ready["cached"] is True and ready["entities"] == httpx.get(f"{remote}/health").json()["entities"]


def test_a_store_that_goes_away_is_a_502_and_the_projection_still_answers(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    stores = start_store(tmp_path_factory.mktemp("oxigraph-down"))
    url, proc = next(stores)
    servers = start(tmp_path_factory.mktemp("down-cache"), "--store", url)
    base = next(servers)
    proc.terminate()
    proc.wait(timeout=10)
    r = httpx.get(f"{base}/sparql", params={"query": COUNT})
    assert r.status_code == 502 and url in r.json()["detail"]["message"]
    assert httpx.get(f"{base}/entities/femoral_nerve", headers={"accept": "text/turtle"}).status_code == 502
    r = httpx.get(f"{base}/roots", params={"kind": "numbness", "site": "anterior thigh"})
    assert r.status_code == 200 and "L3 spinal nerve" in {x["label"] for x in r.json()["roots"]}
    for _ in (servers, stores):
        next(_, None)


def test_serving_from_a_store_that_is_not_there_is_a_clear_refusal(tmp_path: Path) -> None:
    exe = shutil.which("radix") or str(Path(sys.executable).parent / "radix")
    url = f"http://127.0.0.1:{free_port()}/query"
    done = subprocess.run(
        [exe, "serve", "--store", url, "--port", str(free_port())],
        env={"RADIX_CACHE_DIR": str(tmp_path), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"the SPARQL store at {url} did not answer" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([exe, "serve", "--store", "ftp://x"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "http:// or https://" in done.stderr
