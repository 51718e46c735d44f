"""The body map drawing (``api/static/bodymap.svg``) against the shipped graph's skin regions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from api.state import AppState

SVG_PATH = Path(__file__).resolve().parents[2] / "api" / "static" / "bodymap.svg"
NS = "http://www.w3.org/2000/svg"
SHAPES = {f"{{{NS}}}{tag}" for tag in ("path", "polygon", "ellipse", "circle")}
VIEWS = ("bodymap-front", "bodymap-back")
TERRITORY_PREDICATES = frozenset({"covers", "supplies_skin_of"})
PART_OF = frozenset({"part_of"})


@pytest.fixture(scope="module")
def text() -> str:
    return SVG_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def root(text: str) -> ET.Element:
    return ET.fromstring(text)


@pytest.fixture(scope="module")
def regions(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if e.tag in SHAPES and "region" in e.get("class", "").split()]


@pytest.fixture(scope="module")
def skin(shipped: AppState) -> dict[str, str]:
    return {e.id: e.label for e in shipped.kg.of_type("SkinRegion")}


def classes(e: ET.Element) -> list[str]:
    return e.get("class", "").split()


def group(root: ET.Element, ident: str) -> ET.Element:
    found = [g for g in root.iter(f"{{{NS}}}g") if g.get("id") == ident]
    assert len(found) == 1, ident
    return found[0]


def test_an_svg_with_front_and_back_views(root: ET.Element) -> None:
    assert root.tag == f"{{{NS}}}svg"
    assert len(root.get("viewBox", "").split()) == 4
    assert root.get("role") is None  # the page labels it
    for ident, words in (("bodymap-front", "Front"), ("bodymap-back", "Back")):
        g = group(root, ident)
        assert g.get("aria-label")
        labels = [t.text for t in g.iter(f"{{{NS}}}text") if "view-label" in classes(t)]
        assert labels == [words]
        sides = {t.text for t in g.iter(f"{{{NS}}}text")}
        assert {"Right", "Left"} <= sides
        outlines = [e for e in g if "outline" in classes(e)]
        assert len(outlines) == 1 and outlines[0].tag == f"{{{NS}}}path"
        # the silhouette is drawn under the regions
        kids = list(g)
        first_region = next(i for i, e in enumerate(kids) if "region" in classes(e))
        assert kids.index(outlines[0]) < first_region
        assert "region" not in classes(outlines[0])


def test_every_region_is_a_labelled_button_for_a_skin_region(regions: list[ET.Element], skin: dict[str, str]) -> None:
    assert len(regions) > 200
    for e in regions:
        region = e.get("data-region")
        assert region in skin, region
        assert e.get("tabindex") == "0", e.get("id")
        assert e.get("role") == "button", e.get("id")
        label = e.get("aria-label", "")
        assert label.startswith(skin[region] + " ("), (e.get("id"), label)
        titles = [t.text for t in e if t.tag == f"{{{NS}}}title"]
        assert titles == [skin[region]], e.get("id")
        assert e.get("fill") is None and e.get("style") is None and e.get("stroke") is None, e.get("id")


def test_element_ids_are_unique(root: ET.Element) -> None:
    ids = [e.get("id", "") for e in root.iter() if e.get("id") is not None]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates


def test_both_sides_are_drawn(root: ET.Element, regions: list[ET.Element]) -> None:
    """A region drawn on one side of a view is drawn on the other side too (midline regions are drawn once)."""
    for view in (*VIEWS, "bodymap-soles"):
        sides: dict[str, set[str]] = defaultdict(set)
        for e in group(root, view).iter():
            if e.tag in SHAPES and "region" in classes(e):
                m = re.search(r", (right|left)\)$", e.get("aria-label", ""))
                sides[e.get("data-region", "")].add(m.group(1) if m else "midline")
        one_sided = {r: s for r, s in sides.items() if ("right" in s) != ("left" in s)}
        assert not one_sided, (view, one_sided)


def test_key_sensory_points_are_small_circles_drawn_last(root: ET.Element, shipped: AppState) -> None:
    points = {r.object for r in shipped.kg.relations() if r.predicate == "key_sensory_point"}
    drawn = set()
    for view in VIEWS:
        kids = [e for e in group(root, view) if "region" in classes(e)]
        keys = [i for i, e in enumerate(kids) if "keypoint" in classes(e)]
        assert keys and keys == list(range(len(kids) - len(keys), len(kids))), view
        for i in keys:
            e = kids[i]
            assert e.tag == f"{{{NS}}}circle" and 0 < float(e.get("r", "0")) <= 4
            drawn.add(e.get("data-region"))
    # every ISNCSCI key sensory point is on the map, as a circle or (a larger region) as a shape
    everything = {e.get("data-region") for e in root.iter() if "region" in classes(e)}
    assert points <= everything, sorted(points - everything)
    assert len(drawn) >= 20


def test_every_territory_region_can_be_shaded(regions: list[ET.Element], shipped: AppState, skin: dict[str, str]) -> None:
    """Each region a dermatome covers or a nerve supplies is drawn, or drawn through its parts or an ancestor."""
    kg = shipped.kg
    drawn = {e.get("data-region") for e in regions}
    parents = {r: {x.object for x in kg.outgoing(r, PART_OF)} for r in skin}
    children: dict[str, set[str]] = defaultdict(set)
    for child, ps in parents.items():
        for p in ps:
            children[p].add(child)

    def closure(start: str, step: dict[str, set[str]]) -> set[str]:
        seen: set[str] = set()
        todo = list(step.get(start, ()))
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(step.get(x, ()))
        return seen

    targets = {r.object for r in kg.relations() if r.predicate in TERRITORY_PREDICATES and r.object in skin}
    assert len(targets) > 100
    through_parts = sorted(r for r in targets - drawn if closure(r, children) & drawn)
    through_ancestor = sorted(r for r in targets - drawn if r not in through_parts and closure(r, parents) & drawn)
    missing = sorted(targets - drawn - set(through_parts) - set(through_ancestor))
    print("\nshown through their drawn parts:", ", ".join(through_parts))
    print("shown (partially) through a drawn ancestor:", ", ".join(through_ancestor))
    assert not missing
    assert len(through_ancestor) <= 6, through_ancestor


def test_self_contained_and_small(text: str, root: ET.Element) -> None:
    assert len(text.encode("utf-8")) < 150_000
    for e in root.iter():
        for name in e.attrib:
            assert not name.endswith("href"), (e.tag, name)
        assert e.tag.split("}")[-1] not in {"script", "image", "foreignObject", "a", "use", "iframe"}, e.tag
    rest = text.replace(f'xmlns="{NS}"', "")
    assert not re.search(r"https?:|url\(|@import|@font-face|javascript:", rest)
