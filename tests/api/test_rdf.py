"""The graph as RDF by content negotiation: /ontology, /entities/{id}, the JSON-LD context."""

from __future__ import annotations

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCTERMS, OWL, RDFS

from api.state import package_version

RADIX = rdflib.Namespace("https://w3id.org/radix/")
ONTOLOGY = rdflib.URIRef("https://w3id.org/radix/ontology")


@pytest.mark.parametrize(
    ("headers", "params", "media", "parser"),
    [
        ({"accept": "text/turtle"}, {}, "text/turtle", "turtle"),
        ({"accept": "application/ld+json"}, {}, "application/ld+json", "json-ld"),
        ({"accept": "application/rdf+xml"}, {}, "application/rdf+xml", "xml"),
        ({}, {"format": "ntriples"}, "application/n-triples", "nt"),
        ({}, {}, "text/turtle", "turtle"),
    ],
)
def test_the_ontology_in_each_format_reads_back_with_rdflib(
    client: TestClient, headers: dict[str, str], params: dict[str, str], media: str, parser: str
) -> None:
    r = client.get("/ontology", headers=headers, params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    g = rdflib.Graph().parse(data=r.content, format=parser)
    assert len(g) > 40_000
    assert (RADIX.femoral_nerve, RADIX.root_value, RADIX.spinal_nerve_L3) in g
    # OBO-style release metadata
    assert g.value(ONTOLOGY, OWL.versionInfo) == rdflib.Literal(package_version())
    assert str(g.value(ONTOLOGY, OWL.versionIRI)) == f"https://w3id.org/radix/releases/{package_version()}/ontology"
    assert g.value(ONTOLOGY, DCTERMS.license) is not None
    assert "Radix" in str(g.value(ONTOLOGY, DCTERMS.bibliographicCitation))


def test_json_ld_uses_the_published_context(client: TestClient) -> None:
    context = client.get("/context.jsonld").json()["@context"]
    assert context["RADIX"] == "https://w3id.org/radix/"
    assert context["forms"] == {"@id": "RADIX:forms", "@type": "@id"}
    body = client.get("/entities/femoral_nerve", params={"format": "jsonld"}).json()
    assert body["@context"] == context  # embedded: a reader never fetches it
    g = rdflib.Graph().parse(data=client.get("/entities/femoral_nerve", params={"format": "jsonld"}).text, format="json-ld")
    assert (RADIX.femoral_nerve, RDFS.label, rdflib.Literal("femoral nerve")) in g


def test_an_entity_as_rdf_carries_its_relations_both_ways_with_sources(client: TestClient) -> None:
    r = client.get("/entities/RADIX:femoral_nerve", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (RADIX.femoral_nerve, RADIX.branches_into, RADIX.saphenous_nerve) in g
    assert (None, RADIX.forms, RADIX.femoral_nerve) in g  # incoming: what forms it
    axioms = [
        a for a in g.subjects(OWL.annotatedTarget, RADIX.saphenous_nerve) if (a, OWL.annotatedSource, RADIX.femoral_nerve) in g
    ]
    assert axioms and all(list(g.objects(a, DCTERMS.source)) for a in axioms)
    cited = next(iter(g.objects(axioms[0], DCTERMS.source)))
    assert g.value(cited, DCTERMS.bibliographicCitation) is not None  # the source itself comes along


def test_json_stays_the_default_for_entities(client: TestClient) -> None:
    r = client.get("/entities/femoral_nerve", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json()["label"] == "femoral nerve"


def test_rdf_errors_say_what_would_be_right(client: TestClient) -> None:
    r = client.get("/ontology", params={"format": "yaml"})
    assert r.status_code == 422 and "turtle, jsonld, rdfxml, ntriples" in r.json()["detail"]["message"]
    r = client.get("/ontology", headers={"accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.json()["detail"]["message"]
    r = client.get("/entities/RADIX:nope", params={"format": "turtle"})
    assert r.status_code == 404
