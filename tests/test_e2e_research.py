"""End to end for researchers: a real server with an extension and a short SPARQL budget,
read by SPARQLWrapper, rdflib and networkx as a researcher's own tools would."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from api.cli import main

from .test_e2e import start

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "sternohyoid.ttl"
BROKEN = ROOT / "tests" / "input" / "extensions"
BUDGET_S = 1.5
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def research_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The README's command for an extension, with a short SPARQL time budget."""
    env = {"RADIX_SPARQL_TIMEOUT": str(BUDGET_S), "RADIX_SPARQL_WORKERS": "2"}
    yield from start(tmp_path_factory.mktemp("cache"), "--extend", str(EXAMPLE), env=env)


def sparql(base: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/sparql")
    client.setMethod("POST")
    return client


def worker_processes() -> list[int]:
    """Query workers alive on this machine (their command line names the module)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"graph.sparql" in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_the_extension_answers_through_roots(research_server: str) -> None:
    r = httpx.get(f"{research_server}/roots", params={"kind": "weakness", "site": "sternohyoid"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["label"] for x in body["roots"]] == ["C1 spinal nerve", "C2 spinal nerve", "C3 spinal nerve"]
    assert [x["label"] for x in body["nerves"]] == ["ansa cervicalis"]
    # The extension's own sources travel with its edges.
    sources = {s["id"] if isinstance(s, dict) else s for x in body["roots"] for s in x["sources"]}
    assert "wikipedia_sternohyoid_mirror" in sources


def test_sparqlwrapper_reads_select_results_including_the_extension(research_server: str) -> None:
    client = sparql(research_server)
    client.setQuery("SELECT ?root WHERE { RADIX:sternohyoid RADIX:root_value ?root } ORDER BY ?root")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [r["root"]["value"].rsplit("/", 1)[1] for r in rows] == ["spinal_nerve_C1", "spinal_nerve_C2", "spinal_nerve_C3"]
    client.setReturnFormat(CSV)
    text = client.query().convert()
    assert isinstance(text, bytes) and text.decode().splitlines()[0] == "root"


def test_sparqlwrapper_reads_a_construct_as_an_rdflib_graph(research_server: str) -> None:
    client = sparql(research_server)
    client.setQuery("CONSTRUCT { ?m RADIX:root_value ?r } WHERE { ?m RADIX:root_value ?r ; a RADIX:Muscle } LIMIT 50")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 50
    assert {str(p) for p in graph.predicates()} == {"https://w3id.org/radix/root_value"}


def test_a_runaway_query_is_stopped_within_its_budget_while_the_server_keeps_answering(research_server: str) -> None:
    httpx.get(f"{research_server}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)  # workers up
    before = set(worker_processes())
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        r = httpx.post(f"{research_server}/sparql", data={"query": RUNAWAY}, timeout=60)
        outcome.update(status=r.status_code, body=r.json(), seconds=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    # Meanwhile: the API and the other SPARQL worker answer at once.
    t0 = time.monotonic()
    assert httpx.get(f"{research_server}/health", timeout=5).status_code == 200
    r = httpx.get(f"{research_server}/sparql", params={"query": "ASK { RADIX:femoral_nerve ?p ?o }"}, timeout=5)
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert time.monotonic() - t0 < BUDGET_S
    thread.join(30)
    assert outcome["status"] == 422
    assert "time budget" in str(outcome["body"]) and f"{BUDGET_S:g} s" in str(outcome["body"])
    assert float(str(outcome["seconds"])) < BUDGET_S + 3
    # Actually stopped: the worker that ran it is gone, not left computing.
    time.sleep(0.5)
    assert before - set(worker_processes()), "the runaway query's worker is still alive"
    # ... and replaced: queries still work.
    r = httpx.get(f"{research_server}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, timeout=60)
    assert r.status_code == 200


def test_an_update_is_refused_and_leaves_the_graph_unchanged(research_server: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def triples() -> int:
        r = httpx.get(f"{research_server}/sparql", params={"query": count}, timeout=30)
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    before = triples()
    update = "DELETE WHERE { RADIX:femoral_nerve ?p ?o } ; INSERT DATA { RADIX:x RADIX:forms RADIX:y }"
    for request in (
        {"data": {"update": update}},
        {"content": update, "headers": {"content-type": "application/sparql-update"}},
        {"content": update, "headers": {"content-type": "application/sparql-query"}},
    ):
        r = httpx.post(f"{research_server}/sparql", timeout=30, **request)  # type: ignore[arg-type]
        assert r.status_code == 403 and "read-only" in r.json()["detail"]["message"]
    assert triples() == before
    assert httpx.get(f"{research_server}/entities/femoral_nerve").status_code == 200


def test_rdflib_and_networkx_read_the_served_rdf_and_exports(research_server: str) -> None:
    r = httpx.get(f"{research_server}/ontology", headers={"accept": "text/turtle"}, timeout=60)
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/radix/sternohyoid"), None, None) in g  # the extension is served too
    r = httpx.get(f"{research_server}/entities/RADIX:sternohyoid", headers={"accept": "application/ld+json"})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="json-ld")
    assert len(g) > 10
    r = httpx.get(f"{research_server}/subgraph", params={"seed": "ansa_cervicalis", "depth": 1, "format": "graphml"})
    assert r.status_code == 200, r.text
    exported = nx.read_graphml(io.BytesIO(r.content))
    assert "RADIX:sternohyoid" in exported.nodes or "sternohyoid" in exported.nodes


@pytest.mark.parametrize("broken", sorted(BROKEN.glob("*.ttl")), ids=lambda p: p.stem)
def test_a_broken_extension_is_refused_naming_file_line_entity_and_rule(
    broken: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RADIX_CACHE_DIR", str(tmp_path))
    assert main(["serve", "--port", "1", "--extend", str(broken)]) == 2  # refused before binding a port
    err = capsys.readouterr().err
    assert "validation violation" in err
    lines = [line for line in err.splitlines() if line.strip().startswith(f"{broken}:")]
    assert lines, err
    for line in lines:
        # file:line: error: ENTITY: [rule] message
        assert line.strip().split(":", 2)[1].isdigit()
        assert ": RADIX:" in line and "[" in line and "]" in line
