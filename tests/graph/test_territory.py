"""Skin territories on the shipped graph: dermatomes by map, cutaneous territories, what to shade."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from api.state import AppState
from graph.errors import EntityNotFound, InvalidQuery
from graph.territory import Territory, territory
from tests import ANTERIOR_THIGH, FEMORAL, LFCN, root

ISNCSCI = "RADIX:map_isncsci"
CLINICAL = "RADIX:map_clinical_tables"
DORSUM_OF_FOOT = "RADIX:dorsum_of_foot"
DORSUM_AT_MTP = "RADIX:dorsum_of_foot_at_third_mtp_joint"


def regions(t: Territory) -> set[str]:
    return {r.region.id for r in t.regions}


def assert_well_formed(t: Territory) -> None:
    """Regions sorted by label, shade sets disjoint and in local ids, every source described."""
    labels = [r.region.label.casefold() for r in t.regions]
    assert labels == sorted(labels)
    assert not set(t.shade.full) & set(t.shade.partial)
    assert all(":" not in i for i in (*t.shade.full, *t.shade.partial))
    assert {r.region.id.split(":", 1)[1] for r in t.regions} <= set(t.shade.full)
    assert {s for r in t.regions for s in r.sources} <= {s.id for s in t.sources}
    assert all(r.contribution in ("major", "minor") and r.region.type == "SkinRegion" for r in t.regions)


# ---------------------------------------------------------------- dermatomes


def test_l5_dermatome_on_every_map_names_the_maps_of_each_region(shipped: AppState) -> None:
    t = territory(shipped.kg, root("L5"))
    assert t.kind == "dermatome" and t.map is None
    assert_well_formed(t)
    by_region = {r.region.id: r for r in t.regions}
    assert [m.id for m in by_region[DORSUM_OF_FOOT].maps] == [CLINICAL]
    assert [m.id for m in by_region[DORSUM_AT_MTP].maps] == [ISNCSCI]
    assert {"RADIX:great_toe", "RADIX:lateral_leg"} <= set(by_region)
    assert all(r.via.id == "RADIX:dermatome_L5" for r in t.regions)
    assert {m.id for m in t.maps} == {m.id for r in t.regions for m in r.maps}
    assert ISNCSCI in {m.id for m in t.maps}
    assert len({r.region.id for r in t.regions}) == len(t.regions)  # a region once, with all its maps


def test_a_region_two_maps_draw_lists_both(shipped: AppState) -> None:
    buttock = next(r for r in territory(shipped.kg, root("L5")).regions if r.region.id == "RADIX:buttock")
    assert {m.id for m in buttock.maps} == {"RADIX:map_keegan_garrett", CLINICAL}


def test_the_map_filter_keeps_only_what_that_map_draws(shipped: AppState) -> None:
    every = territory(shipped.kg, root("L5"))
    isncsci = territory(shipped.kg, root("L5"), ISNCSCI)
    assert isncsci.map is not None and isncsci.map.id == ISNCSCI
    assert regions(isncsci) == {DORSUM_AT_MTP}
    assert DORSUM_OF_FOOT not in regions(isncsci) and DORSUM_OF_FOOT in regions(every)
    assert all([m.id for m in r.maps] == [ISNCSCI] for r in isncsci.regions)
    assert isncsci.maps == every.maps  # still lists every map there is for L5
    assert_well_formed(isncsci)
    # what a whole region shades in full on one map is only the region that contains the point on another
    assert "dorsum_of_foot" in isncsci.shade.partial and "dorsum_of_foot" in every.shade.full


def test_a_minor_map_assertion_stays_minor_on_its_map(shipped: AppState) -> None:
    keegan = territory(shipped.kg, root("L5"), "map_keegan_garrett")
    assert {r.region.id: r.contribution for r in keegan.regions} == {"RADIX:buttock": "minor"}


@pytest.mark.parametrize("given", ["RADIX:map_isncsci", "map_isncsci", "isncsci", " RADIX:map_isncsci "])
def test_a_map_by_curie_or_local_name(shipped: AppState, given: str) -> None:
    assert regions(territory(shipped.kg, "spinal_nerve_L5", given)) == {DORSUM_AT_MTP}


def test_a_dermatome_is_its_spinal_nerves_territory(shipped: AppState) -> None:
    by_dermatome = territory(shipped.kg, "dermatome_L5", ISNCSCI)
    by_root = territory(shipped.kg, root("L5"), ISNCSCI)
    assert by_dermatome.entity.id == "RADIX:dermatome_L5"
    assert by_dermatome.regions == by_root.regions and by_dermatome.shade == by_root.shade


def test_an_unknown_map_lists_the_maps_the_entity_has(shipped: AppState) -> None:
    with pytest.raises(InvalidQuery) as err:
        territory(shipped.kg, root("L5"), "map_nonexistent")
    message = str(err.value)
    assert "unknown dermatome map 'map_nonexistent'" in message
    assert ISNCSCI in message and CLINICAL in message and "Foerster" not in message
    assert {i for i, _ in err.value.closest} == {"map_isncsci", "map_clinical_tables", "map_keegan_garrett"}


def test_a_map_that_draws_nothing_for_the_root_is_refused(shipped: AppState) -> None:
    with pytest.raises(InvalidQuery, match=r"draws nothing for the L5 spinal nerve; maps with data for it: .*map_isncsci"):
        territory(shipped.kg, root("L5"), "map_foerster")
    assert regions(territory(shipped.kg, root("L4"), "map_foerster"))  # which does draw L4


def test_a_spinal_nerve_without_a_dermatome_has_an_empty_territory(shipped: AppState) -> None:
    t = territory(shipped.kg, root("C1"))
    assert t.kind == "dermatome" and t.regions == () and t.maps == () and t.shade.full == ()


# ---------------------------------------------------------------- cutaneous territories


def test_lateral_femoral_cutaneous_nerve_is_the_lateral_thigh(shipped: AppState) -> None:
    t = territory(shipped.kg, LFCN)
    assert t.kind == "cutaneous" and t.maps == () and t.map is None
    assert_well_formed(t)
    assert "RADIX:lateral_thigh" in regions(t)
    assert all(r.via.id == LFCN and r.maps == () for r in t.regions)
    assert not regions(t) & {"RADIX:medial_thigh", "RADIX:posterior_thigh", "RADIX:medial_leg"}
    assert "thigh" in t.shade.partial


def test_femoral_territory_is_the_anterior_thigh_and_medial_leg_by_their_branches(shipped: AppState) -> None:
    t = territory(shipped.kg, FEMORAL)
    via = {(r.region.id, r.via.id) for r in t.regions}
    assert (ANTERIOR_THIGH, "RADIX:anterior_cutaneous_branches_of_femoral_nerve") in via
    assert ("RADIX:medial_leg", "RADIX:saphenous_nerve") in via
    assert not regions(t) & {"RADIX:lateral_thigh", "RADIX:posterior_thigh", "RADIX:sole_of_foot"}


def test_shade_fills_the_parts_of_a_region_and_half_fills_what_contains_it(shipped: AppState) -> None:
    t = territory(shipped.kg, "anterior_cutaneous_branches_of_femoral_nerve")
    assert ANTERIOR_THIGH in regions(t)
    assert {"anterior_thigh", "upper_anterior_thigh", "lower_anterior_thigh"} <= set(t.shade.full)
    assert "thigh" in t.shade.partial and "lower_limb" in t.shade.partial
    assert "thigh" not in t.shade.full and "leg" not in t.shade.partial


def test_the_cutaneous_walk_respects_segments(shipped: AppState) -> None:
    """The lumbosacral trunk (L4-L5) reaches the foot through the sciatic nerve, not the perineum (pudendal, S2-S4)."""
    t = territory(shipped.kg, "lumbosacral_trunk")
    assert "RADIX:dorsum_of_foot" in regions(t)
    assert not regions(t) & regions(territory(shipped.kg, "pudendal_nerve"))


def test_a_plexus_drawn_as_its_parts_has_the_territory_of_its_parts(shipped: AppState) -> None:
    t = territory(shipped.kg, "brachial_plexus")
    assert {"RADIX:palmar_thumb", "RADIX:medial_forearm", "RADIX:ulnar_dorsum_of_hand"} <= regions(t)
    assert not any("thigh" in r for r in regions(t))


# ---------------------------------------------------------------- refusals


def test_another_type_is_refused_naming_the_types_accepted(shipped: AppState) -> None:
    with pytest.raises(InvalidQuery) as err:
        territory(shipped.kg, "RADIX:disc_L4_L5")
    message = str(err.value)
    assert "IntervertebralDisc" in message
    assert all(t in message for t in ("SpinalNerve", "Dermatome", "Nerve", "PlexusPart", "Plexus"))


def test_a_map_for_a_cutaneous_territory_is_refused(shipped: AppState) -> None:
    with pytest.raises(InvalidQuery, match="follows no dermatome map; leave map out"):
        territory(shipped.kg, FEMORAL, ISNCSCI)


def test_an_unknown_id_names_the_closest_nerves(shipped: AppState) -> None:
    with pytest.raises(EntityNotFound) as err:
        territory(shipped.kg, "lateral_femoral_cutaneous")
    assert "lateral_femoral_cutaneous_nerve" in [i for i, _ in err.value.closest]


SCRIPT = """
import json
from dataclasses import asdict
from graph.territory import territory
from loaders.rdf import load
kg, _ = load()
print(json.dumps([asdict(territory(kg, i)) for i in {idents!r}]))
"""


def test_the_same_question_gives_the_same_answer_whatever_the_hash_seed(shipped: AppState) -> None:
    idents = [root("L5"), FEMORAL, "brachial_plexus"]
    here = json.loads(json.dumps([asdict(territory(shipped.kg, i)) for i in idents]))
    for hash_seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(idents=idents)],
            cwd=Path(__file__).resolve().parents[2],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(out.stdout) == here
