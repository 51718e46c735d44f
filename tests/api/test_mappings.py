from __future__ import annotations

import io

from fastapi.testclient import TestClient

from api.routers.mappings import MappingSetOut
from loaders.sssom import COLUMNS, MAPPING_SET_ID
from tests import FEMORAL

#: femoral nerve's UBERON term, as graph/mappings/radix.sssom.tsv maps it
FEMORAL_UBERON = "UBERON:0001267"


def test_mappings_is_sssom_tsv_with_the_femoral_nerve(client: TestClient) -> None:
    from sssom.parsers import parse_sssom_table

    r = client.get("/mappings")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    msdf = parse_sssom_table(io.StringIO(r.text))
    df = msdf.df
    assert msdf.metadata["mapping_set_id"] == MAPPING_SET_ID
    femoral = df[(df["subject_id"] == FEMORAL) & (df["predicate_id"] == "skos:exactMatch")]
    assert FEMORAL_UBERON in set(femoral["object_id"])
    assert df["object_id"].str.match(r"^(UBERON|FMA):\d+$").all()


def test_mappings_json_has_the_same_rows(client: TestClient) -> None:
    tsv = client.get("/mappings").text
    header, *tsv_rows = [line for line in tsv.splitlines() if line and not line.startswith("#")]
    assert tuple(header.split("\t")) == COLUMNS
    r = client.get("/mappings", params={"format": "json"})
    assert r.status_code == 200
    body = r.json()
    MappingSetOut.model_validate(body)  # the documented shape
    assert body["count"] == len(body["data"]) == len(tsv_rows) > 100
    assert tuple(body["data"][0]) == COLUMNS
    femoral = {
        "subject_id": FEMORAL,
        "subject_label": "femoral nerve",
        "subject_category": "Nerve",
        "predicate_id": "skos:exactMatch",
        "object_id": FEMORAL_UBERON,
        "mapping_justification": "semapv:ManualMappingCuration",
    }
    assert femoral in body["data"]
    assert body["curie_map"]["UBERON"] == "http://purl.obolibrary.org/obo/UBERON_"
    assert body["curie_map"]["RADIX"] == "https://w3id.org/radix/"
    assert body["mapping_set_id"] == MAPPING_SET_ID


def test_an_unknown_format_is_422_listing_the_allowed_ones(client: TestClient) -> None:
    r = client.get("/mappings", params={"format": "xml"})
    assert r.status_code == 422
    message = r.json()["detail"]["message"]
    assert "unknown format 'xml'" in message and "tsv, json" in message
