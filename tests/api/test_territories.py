"""GET /territories/{id} through the app (status first, then body)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import FEMORAL, LFCN, root


def get(client: TestClient, ident: str, **params: Any) -> Any:
    r = client.get(f"/territories/{ident}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_l5_dermatome_on_every_map(client: TestClient) -> None:
    body = get(client, root("L5"))
    assert set(body) == {"entity", "kind", "maps", "map", "regions", "shade", "sources", "disclaimer"}
    assert body["kind"] == "dermatome" and body["map"] is None
    assert "educational" in body["disclaimer"]
    regions = {r["region"]["id"]: r for r in body["regions"]}
    assert [m["id"] for m in regions["RADIX:dorsum_of_foot"]["maps"]] == ["RADIX:map_clinical_tables"]
    assert regions["RADIX:dorsum_of_foot"]["via"]["id"] == "RADIX:dermatome_L5"
    assert "RADIX:map_isncsci" in {m["id"] for m in body["maps"]}
    assert set(body["shade"]) == {"full", "partial"} and "dorsum_of_foot" in body["shade"]["full"]


@pytest.mark.parametrize("given", ["RADIX:map_isncsci", "map_isncsci"])
def test_the_map_filter(client: TestClient, given: str) -> None:
    body = get(client, "spinal_nerve_L5", map=given)
    assert body["map"]["id"] == "RADIX:map_isncsci" and body["map"]["label"]
    assert [r["region"]["id"] for r in body["regions"]] == ["RADIX:dorsum_of_foot_at_third_mtp_joint"]
    assert "dorsum_of_foot" in body["shade"]["partial"]


def test_lateral_femoral_cutaneous_nerve_territory(client: TestClient) -> None:
    body = get(client, LFCN)
    assert body["kind"] == "cutaneous" and body["maps"] == [] and body["map"] is None
    assert "RADIX:lateral_thigh" in {r["region"]["id"] for r in body["regions"]}
    assert {r["via"]["id"] for r in body["regions"]} == {LFCN}
    assert "lateral_thigh" in body["shade"]["full"] and "thigh" in body["shade"]["partial"]
    assert {s for r in body["regions"] for s in r["sources"]} <= {s["id"] for s in body["sources"]}


def test_shade_of_the_femoral_nerve(client: TestClient) -> None:
    shade = get(client, FEMORAL)["shade"]
    assert "upper_anterior_thigh" in shade["full"] and "thigh" in shade["partial"]


def test_unknown_id_is_404(client: TestClient) -> None:
    r = client.get("/territories/RADIX:no_such_nerve")
    assert r.status_code == 404
    assert "no entity with id 'RADIX:no_such_nerve'" in r.json()["detail"]["message"]


def test_wrong_type_is_422_listing_the_types_accepted(client: TestClient) -> None:
    r = client.get("/territories/RADIX:quadriceps_femoris")
    assert r.status_code == 422
    message = r.json()["detail"]["message"]
    assert "Muscle" in message and "SpinalNerve or Dermatome" in message and "Nerve, PlexusPart or Plexus" in message


def test_unknown_map_is_422_listing_the_maps(client: TestClient) -> None:
    r = client.get(f"/territories/{root('L5')}", params={"map": "map_nowhere"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "unknown dermatome map 'map_nowhere'" in detail["message"] and "RADIX:map_isncsci" in detail["message"]
    assert {c["id"] for c in detail["closest"]} == {"RADIX:map_isncsci", "RADIX:map_clinical_tables", "RADIX:map_keegan_garrett"}


def test_a_map_for_a_nerve_is_422(client: TestClient) -> None:
    r = client.get(f"/territories/{FEMORAL}", params={"map": "map_isncsci"})
    assert r.status_code == 422
    assert "leave map out" in r.json()["detail"]["message"]


def test_the_same_request_gives_the_same_body(client: TestClient) -> None:
    assert client.get("/territories/brachial_plexus").content == client.get("/territories/brachial_plexus").content


def test_openapi_documents_the_route(client: TestClient) -> None:
    op = client.get("/openapi.json").json()["paths"]["/territories/{id}"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["id"]["schema"]["examples"] == ["RADIX:spinal_nerve_L5"]
    assert params["map"]["required"] is False
    assert {"200", "404", "422"} <= set(op["responses"])
