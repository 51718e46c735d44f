"""The REST API through the app (status first, then body)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests import ANTERIOR_THIGH, FEMORAL, LFCN, root


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["entities"] > 300 and body["relations"] > 1000 and body["version"]


def test_search_by_label_and_synonym(client: TestClient) -> None:
    r = client.get("/entities", params={"q": "femoral nerve"})
    assert r.status_code == 200
    body = r.json()
    assert body["data"][0]["id"] == FEMORAL and body["count"] >= 1
    r = client.get("/entities", params={"q": "common peroneal nerve"})
    assert r.json()["data"][0]["id"] == "RADIX:common_fibular_nerve"


def test_search_pages_and_filters(client: TestClient) -> None:
    first = client.get("/entities", params={"q": "nerve", "limit": 5}).json()
    second = client.get("/entities", params={"q": "nerve", "limit": 5, "offset": 5}).json()
    assert len(first["data"]) == 5 and first["count"] > 10
    assert not {e["id"] for e in first["data"]} & {e["id"] for e in second["data"]}
    only = client.get("/entities", params={"q": "thigh", "type": "SkinRegion", "limit": 50}).json()["data"]
    assert only and all(e["type"] == "SkinRegion" for e in only)


def test_search_refuses_an_unknown_type_and_a_huge_page(client: TestClient) -> None:
    r = client.get("/entities", params={"q": "x", "type": "Organ"})
    assert r.status_code == 422
    assert "known types" in r.json()["detail"]["message"]
    assert client.get("/entities", params={"limit": 10_000}).status_code == 422


def test_entity_detail_has_relations_both_ways_and_sources(client: TestClient) -> None:
    r = client.get(f"/entities/{FEMORAL}")
    assert r.status_code == 200
    body = r.json()
    assert body["label"] == "femoral nerve" and body["type"] == "Nerve"
    out = {(x["relation"], x["entity"]["id"]) for x in body["outgoing"]}
    assert ("root_value", root("L3")) in out
    assert any(x["relation"] == "forms" and x["entity"]["id"] == "RADIX:lumbar_plexus" for x in body["incoming"])
    assert body["sources"] and all(s["url"].startswith("http") for s in body["sources"])
    assert "educational" in body["disclaimer"]
    # the local name works too
    assert client.get("/entities/femoral_nerve").json()["id"] == FEMORAL


def test_unknown_entity_is_404_with_a_message(client: TestClient) -> None:
    r = client.get("/entities/RADIX:no_such_nerve")
    assert r.status_code == 404
    assert "no entity with id 'RADIX:no_such_nerve'" in r.json()["detail"]["message"]


def test_paths_between_a_root_and_a_region(client: TestClient) -> None:
    r = client.get("/paths", params={"source": "L3 spinal nerve", "target": "RADIX:dermatome_L3"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert paths and paths[0]["length"] == 1
    assert paths[0]["steps"][0]["relation"] == "has_dermatome"
    assert paths[0]["steps"][0]["sources"]


def test_paths_bounds_are_enforced(client: TestClient) -> None:
    r = client.get("/paths", params={"source": "L3 spinal nerve", "target": "anterior thigh", "max_length": 99})
    assert r.status_code == 422
    r = client.get("/paths", params={"source": "L3 spinal nerve", "target": "anterior thigh", "relations": "covers,teleports"})
    assert r.status_code == 422 and "unknown relation(s) teleports" in r.json()["detail"]["message"]


def test_paths_unknown_end_is_422_with_closest(client: TestClient) -> None:
    r = client.get("/paths", params={"source": "L3 spinal nerve", "target": "anterior thihg"})
    assert r.status_code == 422
    assert any(c["id"] == ANTERIOR_THIGH for c in r.json()["detail"]["closest"])


def test_roots_for_anterior_thigh_numbness(client: TestClient) -> None:
    r = client.get("/roots", params={"kind": "numbness", "site": "anterior thigh"})
    assert r.status_code == 200
    body = r.json()
    roots = {x["id"]: x["contribution"] for x in body["roots"]}
    assert roots[root("L2")] == "major" and roots[root("L3")] == "major"
    assert {FEMORAL, LFCN, "RADIX:genitofemoral_nerve"} <= {n["id"] for n in body["nerves"]}
    first = body["roots"][0]
    assert first["paths"][0]["steps"][0]["source"]["id"] == first["id"]
    assert all(s["citation"] and s["url"] for s in first["sources"])
    assert "not medical advice" in body["disclaimer"]


def test_roots_unknown_site_is_422_naming_closest_sites(client: TestClient) -> None:
    r = client.get("/roots", params={"kind": "numbness", "site": "anterior thihg"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "unknown site 'anterior thihg'" in detail["message"]
    assert ANTERIOR_THIGH in [c["id"] for c in detail["closest"]]


def test_roots_unknown_kind_is_422_listing_kinds(client: TestClient) -> None:
    r = client.get("/roots", params={"kind": "itchy", "site": "anterior thigh"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "numbness" in detail["allowed_kinds"] and "reflex_reduced" in detail["allowed_kinds"]


def test_roots_missing_parameter_is_422(client: TestClient) -> None:
    r = client.get("/roots", params={"kind": "numbness"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "site"]


def test_openapi_documents_the_routes_with_examples(client: TestClient) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert {"/health", "/entities", "/entities/{id}", "/paths", "/roots"} <= set(spec["paths"])
    params = {p["name"]: p for p in spec["paths"]["/roots"]["get"]["parameters"]}
    assert params["site"]["schema"]["examples"] == ["anterior thigh"]
    assert client.get("/docs").status_code == 200


def test_every_curl_example_in_the_readme_answers(client: TestClient) -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    urls = re.findall(r"curl '127\.0\.0\.1:8000([^']+)'", readme)
    assert len(urls) >= 7
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        if not r.headers["content-type"].startswith("application/json"):
            assert r.text.strip(), url  # a lesson or RDF: not empty
            continue
        body = r.json()
        assert body.get("paths", True) != [], url
        assert body.get("roots", True) != [], url


LOCALIZE_BODY = {
    "findings": [
        {"kind": "numbness", "site": "anterior thigh"},
        {"kind": "weakness", "site": "knee extension"},
        {"kind": "weakness", "site": "hip adduction", "present": False},
    ],
    "limit": 5,
}


def test_localize_ranks_candidates_with_explanations(client: TestClient) -> None:
    r = client.post("/localize", json=LOCALIZE_BODY)
    assert r.status_code == 200, r.text
    body = r.json()
    top = body["candidates"][0]
    assert top["label"] == "femoral nerve" and top["level"] == "nerve"
    assert {e["finding"]["site"]["label"] for e in top["explains"]} == {"anterior thigh", "knee extension"}
    assert all(e["paths"] for e in top["explains"])
    assert len(body["candidates"]) <= 5
    assert body["discriminators"] and "not medical advice" in body["disclaimer"]
    assert body["red_flags"] == [] and body["unresolved"] == []
    assert {"L2", "L3", "L4"} <= {r["label"].split()[0] for r in top["roots"]}


def test_localize_lists_unresolved_sites_and_refuses_bad_bodies(client: TestClient) -> None:
    body = {"findings": [{"kind": "numbness", "site": "anterior thigh"}, {"kind": "weakness", "site": "knee extensoin"}]}
    r = client.post("/localize", json=body)
    assert r.status_code == 200
    unresolved = r.json()["unresolved"]
    assert unresolved[0]["site"] == "knee extensoin" and "knee extension" in [c["label"] for c in unresolved[0]["closest"]]
    r = client.post("/localize", json={"findings": [{"kind": "tingling", "site": "thumb"}]})
    assert r.status_code == 422 and "numbness" in r.json()["detail"]["message"]
    r = client.post("/localize", json={"findings": [{"kind": "numbness", "site": "the moon"}]})
    assert r.status_code == 422 and "no finding could be resolved" in r.json()["detail"]["message"]
    r = client.post("/localize", json={"findings": []})
    assert r.status_code == 422
    r = client.post("/localize", json={"findings": [{"kind": "numbness", "site": "thumb"}] * 41})
    assert r.status_code == 422
    r = client.post("/localize", json={"findings": [{"kind": "numbness", "site": "thumb", "side": "left"}]})
    assert r.status_code == 422


def test_localize_raises_red_flags(client: TestClient) -> None:
    body = {"findings": [{"kind": "numbness", "site": "saddle region"}, {"kind": "sphincter_dysfunction", "site": "bladder"}]}
    flags = client.post("/localize", json=body).json()["red_flags"]
    assert flags and all(f["urgent"] for f in flags)
    assert any("cauda equina" in f["condition"]["label"] for f in flags)


def test_the_readme_localize_example_answers(client: TestClient) -> None:
    import json
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    bodies = re.findall(r"-d '(\{.+?\})' '127\.0\.0\.1:8000/localize'", readme)
    assert bodies
    for body in bodies:
        r = client.post("/localize", json=json.loads(body))
        assert r.status_code == 200
        assert r.json()["candidates"][0]["label"] == "femoral nerve"
