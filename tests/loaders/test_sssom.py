from __future__ import annotations

from pathlib import Path

from api.state import AppState
from loaders.paths import graph_dir
from loaders.sssom import to_sssom

SHIPPED = graph_dir() / "mappings" / "radix.sssom.tsv"


def test_the_shipped_mapping_file_is_generated_from_the_graph(shipped: AppState) -> None:
    assert SHIPPED.read_text(encoding="utf-8") == to_sssom(shipped.kg), (
        "run: radix mappings --output graph/mappings/radix.sssom.tsv"
    )


def test_the_mapping_file_is_valid_sssom(tmp_path: Path) -> None:
    from sssom.parsers import parse_sssom_table

    msdf = parse_sssom_table(SHIPPED)
    df = msdf.df
    assert len(df) > 100
    assert set(df["predicate_id"]) <= {"skos:exactMatch", "skos:closeMatch"}
    assert df["subject_id"].str.startswith("RADIX:").all()
    assert df["object_id"].str.match(r"^(UBERON|FMA):\d+$").all()
    femoral = df[(df["subject_id"] == "RADIX:femoral_nerve") & (df["predicate_id"] == "skos:exactMatch")]
    assert "UBERON:0001267" in set(femoral["object_id"])
