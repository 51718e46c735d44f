from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli import main
from graph.export import EXPORT_FORMATS
from tests import FEMORAL, SAPHENOUS


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_every_format_is_served_with_its_media_type_and_file_name(client: TestClient, fmt: str) -> None:
    r = client.get("/subgraph", params={"seed": FEMORAL, "format": fmt})
    assert r.status_code == 200, r.text
    media_type, extension = EXPORT_FORMATS[fmt]
    assert r.headers["content-type"].split(";")[0] == media_type
    assert r.headers["content-disposition"] == f'inline; filename="femoral_nerve.{extension}"'
    assert "saphenous" in r.text


def test_json_is_the_default_and_depth_one(client: TestClient) -> None:
    r = client.get("/subgraph", params={"seed": "femoral_nerve", "direction": "out", "relations": "branches_into"})
    assert r.status_code == 200
    body = r.json()
    ids = {n["id"] for n in body["nodes"]}
    assert SAPHENOUS in ids and "RADIX:infrapatellar_branch_of_saphenous_nerve" not in ids  # two hops away
    assert {e["relation"] for e in body["edges"]} == {"branches_into"}


def test_turtle_parses_with_the_sourced_relation(client: TestClient) -> None:
    r = client.get("/subgraph", params={"seed": FEMORAL, "format": "turtle", "depth": 0})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    femoral = rdflib.URIRef("https://w3id.org/radix/femoral_nerve")
    assert (femoral, rdflib.RDFS.label, rdflib.Literal("femoral nerve")) in g
    assert not list(g.triples((femoral, rdflib.URIRef("https://w3id.org/radix/branches_into"), None)))  # depth 0: no edges


def test_unknown_seed_is_404_with_a_message(client: TestClient) -> None:
    r = client.get("/subgraph", params={"seed": "RADIX:no_such_nerve"})
    assert r.status_code == 404
    assert "no entity with id 'RADIX:no_such_nerve'" in r.json()["detail"]["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "png"}, "unknown format 'png'; use one of: json, cytoscape, graphml, gexf, dot, mermaid, turtle, jsonld"),
        ({"depth": 2, "max_nodes": 5}, "more than 5 nodes (the cap); lower depth, use direction=out or narrow relations"),
        ({"relations": "forms,innervate"}, "unknown relation(s) innervate"),
        ({"direction": "sideways"}, "unknown direction 'sideways'"),
    ],
)
def test_bad_queries_are_422_saying_what_is_allowed(client: TestClient, params: dict[str, object], message: str) -> None:
    r = client.get("/subgraph", params={"seed": FEMORAL, **params})
    assert r.status_code == 422
    assert message in r.json()["detail"]["message"]


@pytest.mark.parametrize("params", [{"depth": 9}, {"depth": -1}, {"depth": "two"}, {"max_nodes": 501}, {"max_nodes": 0}])
def test_out_of_bounds_parameters_are_422(client: TestClient, params: dict[str, object]) -> None:
    assert client.get("/subgraph", params={"seed": FEMORAL, **params}).status_code == 422


def test_a_missing_seed_is_422(client: TestClient) -> None:
    assert client.get("/subgraph").status_code == 422


@settings(max_examples=60, deadline=None)
@given(
    seed=st.text(max_size=30),
    depth=st.integers(-2, 5),
    fmt=st.sampled_from([*EXPORT_FORMATS, "", "PNG", "json\n"]),
    relations=st.sampled_from(["", "forms", "forms,,branches_into", ",", "root_value", "x"]),
)
def test_no_input_makes_a_server_error(client: TestClient, seed: str, depth: int, fmt: str, relations: str) -> None:
    params = {"seed": seed, "depth": str(depth), "format": fmt, "relations": relations}
    assert client.get("/subgraph", params=params).status_code in (200, 404, 422)


def test_a_hub_at_the_deepest_depth_is_served_or_refused_by_the_cap(client: TestClient) -> None:
    # about 400 nodes today, the largest subgraph of the shipped graph; the slowest format
    r = client.get("/subgraph", params={"seed": "RADIX:spinal_nerve_L4", "depth": 3, "format": "jsonld"})
    if r.status_code == 422:  # the graph has grown past the cap
        assert "(the cap)" in r.json()["detail"]["message"]
    else:
        assert r.status_code == 200
        assert len(rdflib.Graph().parse(data=r.text, format="json-ld")) > 1000


# ---------------------------------------------------------------- radix export


def test_cli_writes_mermaid_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--seed", "femoral_nerve", "--depth", "1", "--format", "mermaid", "--direction", "out"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart LR\n")
    assert "RADIX_femoral_nerve -->|branches_into| RADIX_saphenous_nerve" in out


def test_cli_writes_the_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "femoral.json"
    assert main(["export", "--seed", FEMORAL, "--format", "cytoscape", "--output", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert SAPHENOUS in {n["data"]["id"] for n in data["elements"]["nodes"]}
    captured = capsys.readouterr()
    assert captured.out == "" and f"wrote {target}" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seed", "no_such_nerve"], "radix: no entity with id 'no_such_nerve'"),
        (["--seed", FEMORAL, "--format", "png"], "radix: unknown format 'png'; use one of: json, cytoscape"),
        (["--seed", FEMORAL, "--depth", "2", "--max-nodes", "5"], "radix: the subgraph around RADIX:femoral_nerve at depth 2"),
    ],
)
def test_cli_errors_exit_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(["export", *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
