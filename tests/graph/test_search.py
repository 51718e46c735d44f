from __future__ import annotations

import pytest

from api.state import AppState
from graph.errors import UnresolvedSite
from graph.search import resolve, search
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
