"""The SPARQL protocol in process: forms, formats, refusals and caps."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser

from api.app import create_app
from api.state import AppState, LazyRdf, Settings
from graph.sparql import Limits, SparqlEndpoint, SparqlRefused, SparqlSyntaxError, query_form

ROOTS_OF_QUADRICEPS = "SELECT ?root WHERE { RADIX:quadriceps_femoris RADIX:root_value ?root } ORDER BY ?root"
EXPECTED_ROOTS = ["spinal_nerve_L2", "spinal_nerve_L3", "spinal_nerve_L4"]


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def test_select_by_get_answers_sparql_json_by_default(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": ROOTS_OF_QUADRICEPS})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    rows = r.json()["results"]["bindings"]
    assert [local(row["root"]["value"]) for row in rows] == EXPECTED_ROOTS


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
    ],
)
def test_select_results_in_each_format_by_accept(client: TestClient, accept: str, media: str) -> None:
    r = client.post(
        "/sparql", content=ROOTS_OF_QUADRICEPS, headers={"content-type": "application/sparql-query", "accept": accept}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    if media.endswith("xml"):
        result = XMLResultParser().parse(io.BytesIO(r.content))
        assert [local(str(row["root"])) for row in result] == EXPECTED_ROOTS  # type: ignore[index]
    elif media == "text/csv":
        assert [local(row["root"]) for row in csv.DictReader(io.StringIO(r.text))] == EXPECTED_ROOTS
    elif media == "text/tab-separated-values":
        lines = r.text.strip().splitlines()
        assert lines[0] == "?root" and [line.strip("<>").rsplit("/", 1)[1] for line in lines[1:]] == EXPECTED_ROOTS


def test_construct_and_describe_as_turtle_and_json_ld(client: TestClient) -> None:
    q = "CONSTRUCT { RADIX:femoral_nerve RADIX:branches_into ?b } WHERE { RADIX:femoral_nerve RADIX:branches_into ?b }"
    r = client.post("/sparql", data={"query": q}, headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (
        rdflib.URIRef("https://w3id.org/radix/femoral_nerve"),
        None,
        rdflib.URIRef("https://w3id.org/radix/saphenous_nerve"),
    ) in g
    r = client.get("/sparql", params={"query": "DESCRIBE RADIX:saphenous_nerve", "format": "jsonld"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert "@context" in r.json()  # the context is embedded: no reader fetches it
    g = rdflib.Graph().parse(data=r.text, format="json-ld")
    assert (rdflib.URIRef("https://w3id.org/radix/saphenous_nerve"), rdflib.RDFS.label, rdflib.Literal("saphenous nerve")) in g


def test_ask(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { RADIX:femoral_nerve RADIX:root_value RADIX:spinal_nerve_L3 }"})
    assert r.status_code == 200 and r.json()["boolean"] is True


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"data": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ({"content": "CLEAR ALL", "headers": {"content-type": "application/sparql-update"}}, 403, "read-only"),
        ({"data": {"query": "INSERT DATA { RADIX:a RADIX:forms RADIX:b }"}}, 403, "read-only"),
        ({"data": {"query": "LOAD <http://example.org/data.ttl>"}}, 403, "read-only"),
        ({"data": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}}, 403, "SERVICE"),
        ({"data": {"query": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"}}, 403, "FROM"),
        ({"data": {"query": "SELEKT ?s WHERE { ?s ?p ?o }"}}, 400, "not a valid SPARQL"),
        ({"data": {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "default-graph-uri": "http://x"}}, 400, "one default graph"),
        ({"content": "SELECT ?s WHERE {?s ?p ?o}", "headers": {"content-type": "text/plain"}}, 415, "application/sparql-query"),
        ({"data": {"query": "SELECT ?s WHERE {" + " ?s ?p ?o ." * 3000 + "}"}}, 422, "cap"),
        (
            {"data": {"query": "SELECT * WHERE {" + "{" * 400 + "?s ?p ?o" + "}" * 401}},
            422,
            "nests braces and parentheses 401 deep",
        ),
        ({"data": {"query": "ASK { FILTER(" + "(" * 300 + "1" + ")" * 301 + " }"}}, 422, "the cap is 40"),
    ],
)
def test_what_the_endpoint_refuses_and_why(
    client: TestClient, request_kwargs: dict[str, object], status: int, words: str
) -> None:
    r = client.post("/sparql", **request_kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]["message"]


def test_an_unacceptable_format_is_406_naming_the_formats(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.json()["detail"]["message"]
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "turtle"})
    assert r.status_code == 406 and "json, xml, csv, tsv" in r.json()["detail"]["message"]


def test_without_a_query_the_endpoint_describes_itself(client: TestClient) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.supportedLanguage, sd.SPARQL11Query) in g


def test_a_result_over_the_size_cap_is_refused_naming_the_cap(shipped: AppState) -> None:
    small = SparqlEndpoint(shipped.files, Limits(max_result_bytes=2_000, workers=1))
    state = AppState(
        shipped.kg, shipped.index, shipped.report, "test", shipped.localizer, shipped.files, LazyRdf(shipped.files), small
    )
    with TestClient(create_app(Settings(), state=state)) as c:
        r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert r.status_code == 422
        assert r.json()["detail"]["cap"] == "result size 2000 bytes" and "LIMIT" in r.json()["detail"]["message"]
        assert c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200  # the worker survives


def test_a_runaway_query_is_stopped_and_its_worker_replaced(shipped: AppState) -> None:
    endpoint = SparqlEndpoint(shipped.files, Limits(timeout_s=0.5, workers=1))
    try:
        endpoint.run("ASK { ?s ?p ?o }")
        with pytest.raises(Exception, match=r"time budget is 0.5 s"):
            endpoint.run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert endpoint.stopped == 1
        answer = endpoint.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "json")
        assert int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"]) == len(shipped.rdf.get())
    finally:
        endpoint.close()


def test_query_form_refuses_before_any_worker_runs() -> None:
    assert query_form("PREFIX x: <urn:x:> DESCRIBE x:a") == "DESCRIBE"
    with pytest.raises(SparqlRefused, match="SERVICE"):
        query_form("ASK { OPTIONAL { SERVICE SILENT <http://example.org/> { ?s ?p ?o } } }")
    with pytest.raises(SparqlSyntaxError, match="empty"):
        query_form("   ")


def test_the_readme_sparql_examples_run(client: TestClient) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### SPARQL", 1)[1].split("\n## ", 1)[0]
    queries = [block.strip() for block in section.split("```sparql")[1:]]
    queries = [q.split("```", 1)[0].strip() for q in queries]
    assert len(queries) >= 3
    for q in queries:
        r = client.post("/sparql", content=q, headers={"content-type": "application/sparql-query"})
        assert r.status_code == 200, (q, r.text)
        assert r.json()["results"]["bindings"], q
