"""Skin territories for the body map: the dermatome of a spinal nerve, the cutaneous territory of a nerve.

Contract (used by ``/territories/{id}``, the web page's body map and lesson export):

* a **spinal nerve** or **dermatome**: the skin regions its dermatome ``covers``, each with
  the dermatome maps that say so; ``map`` narrows to one map (maps disagree, so the
  caller chooses; no map means every map, each region listing its maps);
* a **nerve, plexus part or plexus**: the regions it reaches by ``supplies_skin_of`` along its
  segment-respecting distal walk, each with the cutaneous nerve that supplies it (``via``);
* ``shade``: what a drawing of the skin regions should fill. ``full`` is every region of the
  territory and every region ``part_of`` one (skin regions nest: anterior thigh ⊃ upper
  anterior thigh); ``partial`` is every region that contains a territory region without being
  wholly in it (the thigh, when only the anterior thigh is numb).

A region that two cutaneous branches of one nerve both supply is listed once for each, since
each is a sourced statement of its own; a dermatome lists each region once, with its maps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import EntityNotFound, InvalidQuery
from .localize import reach
from .model import Assertion, Entity, KnowledgeGraph, Source, normalise_id, stronger, weaker
from .pathway import distal_starts
from .queries import DISCLAIMER, Ref, _map_ref, _sources, ref
from .search import NameIndex, closest
from .traversal import parts_of, wholes_of

DERMATOME_TYPES = ("SpinalNerve", "Dermatome")
CUTANEOUS_TYPES = ("Nerve", "PlexusPart", "Plexus")
#: Followed from a nerve to the skin it supplies, under the segmental rule.
CUTANEOUS_RELATIONS = frozenset({"forms", "branches_into", "supplies_skin_of"})

_HAS_DERMATOME = frozenset({"has_dermatome"})
_COVERS = frozenset({"covers"})
_SUPPLIES = frozenset({"supplies_skin_of"})


@dataclass(frozen=True)
class TerritoryRegion:
    region: Ref
    contribution: str
    maps: tuple[Ref, ...]  # empty for a nerve's cutaneous territory
    via: Ref  # the dermatome or the cutaneous nerve (branch) that supplies it
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Shade:
    full: tuple[str, ...]  # local ids of skin regions
    partial: tuple[str, ...]


@dataclass(frozen=True)
class Territory:
    entity: Ref
    kind: str  # dermatome | cutaneous
    maps: tuple[Ref, ...]  # every map with data for this entity (dermatomes only)
    map: Ref | None  # the map asked for, if any
    regions: tuple[TerritoryRegion, ...]
    shade: Shade
    sources: tuple[Source, ...]
    disclaimer: str = DISCLAIMER


def territory(kg: KnowledgeGraph, ident: str, map_id: str | None = None, index: NameIndex | None = None) -> Territory:
    """The skin territory of ``ident`` (an id or CURIE), on one dermatome map or all.

    Args:
        kg: the knowledge graph.
        ident: a spinal nerve or dermatome (its dermatome), or a nerve, plexus part or plexus
            (its cutaneous territory), as a CURIE or local name. :class:`~graph.errors.EntityNotFound`
            (with the closest names) if no entity has it; :class:`~graph.errors.InvalidQuery`
            naming the types accepted for an entity of any other type.
        map_id: a dermatome map (``RADIX:map_isncsci`` or ``map_isncsci``), for a dermatome only;
            :class:`~graph.errors.InvalidQuery` listing the entity's maps if it has no data on it.
        index: the graph's name index, for the closest names of an unknown id (built when left out:
            30 ms, too slow for a server to pay on every unknown id).

    Regions come in label order (then by the nerve that supplies them); shade ids are sorted.

    >>> from loaders.rdf import load
    >>> kg, _ = load()
    >>> t = territory(kg, "RADIX:spinal_nerve_L5", "RADIX:map_isncsci")
    >>> t.kind, [r.region.id for r in t.regions]
    ('dermatome', ['RADIX:dorsum_of_foot_at_third_mtp_joint'])
    >>> "foot" in territory(kg, "spinal_nerve_L5").shade.partial
    True
    >>> sorted({r.via.label for r in territory(kg, "lateral_femoral_cutaneous_nerve").regions})
    ['lateral femoral cutaneous nerve']
    """
    entity = _entity(kg, ident, index)
    if entity.type in DERMATOME_TYPES:
        return _dermatome(kg, entity, map_id)
    if entity.type in CUTANEOUS_TYPES:
        if map_id:
            raise InvalidQuery(
                f"{entity.label!r} is of type {entity.type}: its cutaneous territory follows no dermatome map; "
                "leave map out (maps apply to a SpinalNerve or Dermatome)"
            )
        return _cutaneous(kg, entity)
    raise InvalidQuery(
        f"{entity.label!r} is of type {entity.type}; a territory is drawn for a "
        f"{' or '.join(DERMATOME_TYPES)} (its dermatome) or a {', '.join(CUTANEOUS_TYPES[:-1])} or "
        f"{CUTANEOUS_TYPES[-1]} (its cutaneous territory)"
    )


def _entity(kg: KnowledgeGraph, ident: str, index: NameIndex | None) -> Entity:
    try:
        return kg.entity(ident)
    except EntityNotFound:
        index = index if index is not None else NameIndex.build(kg)
        near = closest(kg, index, normalise_id(ident).replace("_", " "), DERMATOME_TYPES + CUTANEOUS_TYPES)
        raise EntityNotFound(ident, near) from None


# ---------------------------------------------------------------- dermatomes


def _dermatome(kg: KnowledgeGraph, entity: Entity, map_id: str | None) -> Territory:
    if entity.type == "Dermatome":
        dermatomes, extra = [entity.id], []
    else:
        links = sorted(kg.outgoing(entity.id, _HAS_DERMATOME), key=lambda r: r.object)
        dermatomes, extra = [r.object for r in links], [s for r in links for s in r.sources]
    covers = [r for d in dermatomes for r in kg.outgoing(d, _COVERS)]
    drawn = {a.map for r in covers for a in r.assertions if a.map is not None}
    available = sorted(drawn, key=lambda m: (_map_label(kg, m).casefold(), m))
    chosen = _choose_map(kg, entity, map_id, available)
    regions = []
    for r in covers:
        said = [a for a in r.assertions if chosen is None or a.map == chosen]
        if said:
            regions.append(
                TerritoryRegion(
                    ref(kg, r.object),
                    _contribution(said),
                    tuple(_map_ref(kg, m) for m in dict.fromkeys(a.map for a in said if a.map)),
                    ref(kg, r.subject),
                    tuple(dict.fromkeys(s for a in said for s in a.sources)),
                )
            )
    return _territory(
        kg,
        entity,
        "dermatome",
        tuple(_map_ref(kg, m) for m in available),
        _map_ref(kg, chosen) if chosen else None,
        regions,
        extra,
    )


def _choose_map(kg: KnowledgeGraph, entity: Entity, map_id: str | None, available: list[str]) -> str | None:
    """The map asked for, as a local id, if this entity has data on it (None when none is asked for)."""
    if not map_id or not map_id.strip():
        return None
    local = normalise_id(map_id)
    for candidate in (local, f"map_{local}"):
        if candidate in available:
            return candidate
    listed = ", ".join(f"RADIX:{m} ({_map_label(kg, m)})" for m in available) or "none"
    known = local in kg.maps or f"map_{local}" in kg.maps
    what = f"the map {map_id!r} draws nothing for" if known else f"unknown dermatome map {map_id!r} for"
    raise InvalidQuery(
        f"{what} the {entity.label}; maps with data for it: {listed}",
        [(m, _map_label(kg, m)) for m in available],
    )


def _map_label(kg: KnowledgeGraph, map_id: str) -> str:
    return kg.maps.get(map_id, map_id)


def _contribution(assertions: Iterable[Assertion]) -> str:
    """major if any assertion says major (or none qualifies it), else minor: :attr:`Relation.contribution` on a subset."""
    values = [a.contribution for a in assertions if a.contribution]
    return "minor" if values and "major" not in values else "major"


# ---------------------------------------------------------------- cutaneous territories


def _cutaneous(kg: KnowledgeGraph, entity: Entity) -> Territory:
    """Every ``supplies_skin_of`` of the nerves the segment-respecting walk from ``entity`` reaches."""
    strength: dict[str, str] = {}
    for start, _ in distal_starts(kg, entity.id):
        for node, s in {start: "major", **reach(kg, start, CUTANEOUS_RELATIONS)}.items():
            strength[node] = stronger(strength[node], s) if node in strength else s
    regions = [
        TerritoryRegion(ref(kg, r.object), weaker(s, r.contribution), (), ref(kg, nerve), r.sources)
        for nerve, s in strength.items()
        for r in kg.outgoing(nerve, _SUPPLIES)
    ]
    return _territory(kg, entity, "cutaneous", (), None, regions, [])


# ---------------------------------------------------------------- both


def _territory(
    kg: KnowledgeGraph,
    entity: Entity,
    kind: str,
    maps: tuple[Ref, ...],
    chosen: Ref | None,
    regions: list[TerritoryRegion],
    extra_sources: list[str],
) -> Territory:
    regions.sort(key=lambda r: (r.region.label.casefold(), r.via.label.casefold(), r.region.id, r.via.id))
    return Territory(
        ref(kg, entity.id),
        kind,
        maps,
        chosen,
        tuple(regions),
        shade(kg, [normalise_id(r.region.id) for r in regions]),
        _sources(kg, [*extra_sources, *(s for r in regions for s in r.sources)]),
    )


def shade(kg: KnowledgeGraph, regions: Iterable[str]) -> Shade:
    """What to fill for these skin regions: each and its parts fully, the regions that contain one in part.

    Args:
        kg: the knowledge graph.
        regions: local ids of skin regions.
    """
    inside = set(regions)
    full = {p for r in inside for p in parts_of(kg, r)} | inside
    around = {w for r in inside for w in wholes_of(kg, r)} - full
    skin = {n for n in full | around if kg.entity(n).type == "SkinRegion"}
    return Shade(tuple(sorted(full & skin)), tuple(sorted(around & skin)))
