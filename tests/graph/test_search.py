from __future__ import annotations

import pickle

import pytest
from rapidfuzz import fuzz, process

from api.state import AppState
from graph.errors import UnresolvedSite
from graph.search import Match, _score, closest, normalise, resolve, search
from tests import FEMORAL, LFCN


def ids(state: AppState, q: str, **kw: object) -> list[str]:
    matches, _ = search(state.kg, state.index, q, **kw)  # type: ignore[arg-type]
    return [m.entity.curie for m in matches]


def test_an_exact_label_ranks_first(shipped: AppState) -> None:
    assert ids(shipped, "femoral nerve")[0] == FEMORAL
    assert ids(shipped, "FEMORAL NERVE")[0] == FEMORAL


def test_a_prefix_finds_the_family(shipped: AppState) -> None:
    found = ids(shipped, "femoral", limit=50)
    assert found[0] == FEMORAL or "femoral" in shipped.kg.entity(found[0]).label
    assert FEMORAL in found and LFCN in found


def test_synonyms_match(shipped: AppState) -> None:
    assert ids(shipped, "lateral cutaneous nerve of thigh")[0] == LFCN
    assert ids(shipped, "common peroneal nerve")[0] == "RADIX:common_fibular_nerve"
    assert ids(shipped, "knee jerk")[0] == "RADIX:patellar_reflex"


def test_type_filter(shipped: AppState) -> None:
    found = ids(shipped, "femoral", types=["SkinRegion"])
    assert FEMORAL not in found


def test_resolve_refuses_a_typo_and_offers_the_closest(shipped: AppState) -> None:
    with pytest.raises(UnresolvedSite) as info:
        resolve(shipped.kg, shipped.index, "anterior thihg", ["SkinRegion"])
    assert "anterior_thigh" in [i for i, _ in info.value.closest]
    assert "closest known sites: 'anterior thigh'" in str(info.value)


# ---------------------------------------------------------------- the index finds what a full scan finds


def scan(state: AppState, query: str, types: list[str] | None, limit: int, offset: int) -> tuple[list[Match], int]:
    """The search as it was before the index: every name of the graph scored."""
    kg, wanted, q = state.kg, frozenset(types) if types else None, normalise(query)
    best: dict[str, Match] = {}
    for name, ident, is_label in state.index.names:
        entity = kg.entity(ident)
        if wanted is not None and entity.type not in wanted:
            continue
        score = _score(q, name, is_label) if q else 1.0
        if score <= 0:
            continue
        current = best.get(ident)
        if current is None or score > current.score:
            best[ident] = Match(entity, score, entity.label if is_label or not q else name)
    ranked = sorted(best.values(), key=lambda m: (-m.score, len(m.entity.label), m.entity.label, m.entity.id))
    return ranked[offset : offset + limit], len(ranked)


#: single letters and words, prefixes, words out of order, text across a word boundary, ids, nothing
QUERIES = [
    *["", "e", "n", "l", "5", "femoral", "fem", "nerve", "anterior thigh", "thigh ant", "ior thi", "ral ner"],
    *["l4 l5", "L4/L5", "c5", "s1", "knee jerk", "of the", "of", "brevis", "pollicis brevis", "xyzzy", "nerve nerve"],
    *["spinal nerve l3", "RADIX:femoral_nerve", "sural", "a b", "thumb", "reflex", "hip", "achilles'", "sacral plexus", "ral"],
]


@pytest.mark.parametrize("query", QUERIES)
def test_search_ranks_exactly_as_a_scan_of_every_name(shipped: AppState, query: str) -> None:
    pages: list[tuple[list[str] | None, int, int]] = [(None, 20, 0), (None, 7, 5), (None, 50, 40), (None, 50, 120)]
    for types, limit, offset in [*pages, (["SkinRegion"], 20, 0), (["Nerve", "Muscle"], 3, 2)]:
        assert search(shipped.kg, shipped.index, query, types, limit, offset) == scan(shipped, query, types, limit, offset)


def test_search_matches_a_scan_for_every_label_and_its_pieces(shipped: AppState) -> None:
    labels = sorted({e.label for e in shipped.kg.entities()})
    pieces = {p for label in labels[::7] for p in (label[:3], label[2:9], label.split()[-1], " ".join(label.split()[1:3]))}
    for query in sorted(pieces):
        assert search(shipped.kg, shipped.index, query, limit=10) == scan(shipped, query, None, 10, 0), query


def test_the_index_survives_the_derived_cache(shipped: AppState) -> None:
    copy = pickle.loads(pickle.dumps(shipped.index))
    for query in ("femoral", "ior thi", ""):
        assert search(shipped.kg, copy, query) == search(shipped.kg, shipped.index, query)


def test_closest_names_of_some_classes_are_those_of_a_filtered_scan(shipped: AppState) -> None:
    kg, index = shipped.kg, shipped.index
    for text, types in [("anterior thihg", ["SkinRegion"]), ("knee", ["Movement", "Muscle"]), ("xq", ["Reflex"])]:
        allowed = {e.id for e in kg.entities() if e.type in types}
        names = [(name, ident) for name, ident, _ in index.names if ident in allowed]
        ranked = process.extract(normalise(text), [n for n, _ in names], scorer=fuzz.WRatio, limit=20)
        expected = list(dict.fromkeys(names[i][1] for _, _, i in ranked))[:5]
        assert [i for i, _ in closest(kg, index, text, types)] == expected
