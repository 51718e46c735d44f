"""GET /pathways/{id} through the app (status first, then body)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.pathway import DEFAULT_PATHWAY_NODES, MAX_PATHWAY_NODES
from tests import ANTERIOR_THIGH, FEMORAL, KNEE_EXTENSION, QUADRICEPS, root

NODE_KEYS = {"id", "label", "type"}
EDGE_KEYS = {"source", "target", "relation", "contribution", "maps", "sources"}


def get(client: TestClient, ident: str, **params: Any) -> Any:
    r = client.get(f"/pathways/{ident}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_femoral_nerve_diagram(client: TestClient) -> None:
    body = get(client, FEMORAL)
    assert set(body) == {"seed", "direction", "nodes", "edges", "sources", "truncated", "note", "disclaimer"}
    assert body["seed"] == {"id": FEMORAL, "label": "femoral nerve", "type": "Nerve"}
    assert body["direction"] == "distal" and body["truncated"] is False
    assert "educational" in body["disclaimer"] and "femoral nerve" in body["note"]
    assert all(set(n) == NODE_KEYS for n in body["nodes"]) and all(set(e) == EDGE_KEYS for e in body["edges"])
    edges = {(e["source"], e["relation"], e["target"]) for e in body["edges"]}
    assert (QUADRICEPS, "acts_in", KNEE_EXTENSION) in edges
    ids = {n["id"] for n in body["nodes"]}
    assert ANTERIOR_THIGH in ids and "RADIX:biceps_femoris" not in ids
    assert {s for e in body["edges"] for s in e["sources"]} == {s["id"] for s in body["sources"]}
    assert all(s["url"].startswith("http") for s in body["sources"])


def test_the_local_name_works_too(client: TestClient) -> None:
    assert get(client, "femoral_nerve") == get(client, FEMORAL)


def test_l5_covers_edges_carry_their_maps(client: TestClient) -> None:
    body = get(client, root("L5"))
    covers = {e["target"]: [m["id"] for m in e["maps"]] for e in body["edges"] if e["relation"] == "covers"}
    assert covers["RADIX:dorsum_of_foot"] == ["RADIX:map_clinical_tables"]
    assert covers["RADIX:dorsum_of_foot_at_third_mtp_joint"] == ["RADIX:map_isncsci"]
    assert len(body["nodes"]) <= DEFAULT_PATHWAY_NODES and not body["truncated"]


def test_a_finding_site_gets_its_proximal_tree(client: TestClient) -> None:
    body = get(client, "anterior_thigh")
    assert body["direction"] == "proximal"
    assert {root("L2"), root("L3"), FEMORAL} <= {n["id"] for n in body["nodes"]}


def test_max_nodes_truncates(client: TestClient) -> None:
    body = get(client, root("L5"), max_nodes=12)
    assert body["truncated"] is True and len(body["nodes"]) == 12
    ids = {n["id"] for n in body["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])
    assert "cut at 12 nodes" in body["note"]


@pytest.mark.parametrize("cap", [0, MAX_PATHWAY_NODES + 1, "many"])
def test_max_nodes_out_of_bounds_is_422(client: TestClient, cap: object) -> None:
    r = client.get(f"/pathways/{FEMORAL}", params={"max_nodes": cap})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "max_nodes"]


def test_unknown_id_is_404_with_the_closest(client: TestClient) -> None:
    r = client.get("/pathways/RADIX:femoral_nerv")
    assert r.status_code == 404
    detail = r.json()["detail"]
    assert "no entity with id 'RADIX:femoral_nerv'" in detail["message"]
    assert FEMORAL in [c["id"] for c in detail["closest"]]


def test_the_same_request_gives_the_same_body(client: TestClient) -> None:
    assert client.get("/pathways/spinal_nerve_S1").content == client.get("/pathways/spinal_nerve_S1").content


def test_openapi_documents_the_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/pathways/{id}"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["id"]["schema"]["examples"] == [FEMORAL]
    assert params["max_nodes"]["schema"]["maximum"] == MAX_PATHWAY_NODES
    assert {"200", "404", "422"} <= set(op["responses"])
    assert op["summary"] and op["description"].startswith("The pathway diagram")
