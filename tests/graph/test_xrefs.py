"""Cross-references: every UBERON and FMA id in the graph was seen with that label in Uberon."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from api.state import AppState
from graph.search import normalise
from tests.conftest import SHARED

TABLE = SHARED / "reference" / "uberon_terms.tsv"
#: Words Uberon adds to names that teachers leave out ("gluteus medius muscle", "skin of heel").
FILLER = {"muscle", "of", "skin", "proper", "region", "structure"}
#: Uberon's species-neutral terms for human parts ("skin of sole of pes", "pedal digit skin").
NEUTRAL = {"pes": "foot", "manus": "hand", "pedal digit": "toe", "manual digit": "finger"}


def _key(name: str) -> str:
    text = " ".join(w.removesuffix("s") if len(w) > 3 else w for w in normalise(name).split() if w not in FILLER)
    for neutral, human in NEUTRAL.items():
        text = text.replace(neutral, human)
    return text


@pytest.fixture(scope="module")
def uberon() -> dict[str, tuple[set[str], set[str]]]:
    """UBERON id → (names: label and exact synonyms, FMA ids)."""
    if not TABLE.exists():
        pytest.skip(f"shared UBERON table not found at {TABLE}")
    out: dict[str, tuple[set[str], set[str]]] = {}
    with Path(TABLE).open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        next(rows)
        for row in rows:
            uid, label, fmas, synonyms = [*row, "", "", "", ""][:4]
            names = {label, *synonyms.split("|")} - {""}
            out[uid] = ({_key(n) for n in names}, {f.strip() for f in fmas.replace(",", "|").split("|") if f.strip()})
    return out


def test_every_uberon_id_is_in_the_uberon_table(shipped: AppState, uberon: dict[str, tuple[set[str], set[str]]]) -> None:
    unknown = [
        (e.id, x)
        for e in shipped.kg.entities()
        for x in e.exact_match + e.close_match
        if x.startswith("UBERON:") and x not in uberon
    ]
    assert unknown == []


def test_every_exact_uberon_match_has_a_matching_label(shipped: AppState, uberon: dict[str, tuple[set[str], set[str]]]) -> None:
    mismatched = []
    for e in shipped.kg.entities():
        ours = {_key(n) for n in (e.label, *e.synonyms)}
        for x in e.exact_match:
            if x.startswith("UBERON:") and x in uberon and not ours & uberon[x][0]:
                mismatched.append(f"{e.id} ({e.label}) ~ {x} {sorted(uberon[x][0])[:3]}")
    assert mismatched == []


def test_every_fma_id_comes_with_its_uberon_term(shipped: AppState, uberon: dict[str, tuple[set[str], set[str]]]) -> None:
    orphans = []
    for e in shipped.kg.entities():
        refs = e.exact_match + e.close_match
        fmas_seen = set().union(*(uberon[x][1] for x in refs if x in uberon)) if refs else set()
        orphans += [f"{e.id}: {x}" for x in refs if x.startswith("FMA:") and x not in fmas_seen]
    assert orphans == []


def test_structures_of_every_kind_carry_cross_references(shipped: AppState) -> None:
    kinds = ("Vertebra", "IntervertebralDisc", "Nerve", "Muscle", "Joint", "Plexus")
    for kind in kinds:
        entities = shipped.kg.of_type(kind)
        with_refs = [e for e in entities if e.exact_match or e.close_match]
        assert len(with_refs) / len(entities) >= 0.5, kind
