"""The questions the graph answers: entity detail, paths between two entities, roots for a finding.

Results are frozen dataclasses carrying ids, labels and sources, ready for any front end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import InvalidQuery, UnknownKind, UnresolvedSite
from .findings import FINDING_KINDS, FindingKind
from .model import Entity, KnowledgeGraph, Relation, Source, normalise_id
from .search import NameIndex, closest, lookup, resolve
from .traversal import MAX_PATH_LENGTH, MAX_PATHS, Path, adjacency, distances_to, related_by_part, walk
from .vocabulary import PREFIX, RELATIONS

DISCLAIMER = (
    "Radix is educational reference material about anatomy. It is not medical advice and not a "
    "diagnosis; dermatome and myotome maps vary between people and between sources."
)

#: Paths kept per root or nerve in an answer.
PATHS_PER_CANDIDATE = 8


@dataclass(frozen=True)
class Ref:
    id: str
    label: str
    type: str


@dataclass(frozen=True)
class StepView:
    source: Ref
    relation: str
    target: Ref
    contribution: str
    maps: tuple[Ref, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PathView:
    length: int
    contribution: str
    steps: tuple[StepView, ...]


@dataclass(frozen=True)
class AssertionView:
    sources: tuple[str, ...]
    contribution: str | None
    map: Ref | None
    note: str | None


@dataclass(frozen=True)
class RelationView:
    relation: str
    entity: Ref
    contribution: str
    assertions: tuple[AssertionView, ...]


@dataclass(frozen=True)
class EntityDetail:
    id: str
    label: str
    type: str
    synonyms: tuple[str, ...]
    definition: str
    exact_match: tuple[str, ...]
    close_match: tuple[str, ...]
    outgoing: tuple[RelationView, ...]
    incoming: tuple[RelationView, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Candidate:
    id: str
    label: str
    type: str
    contribution: str
    maps: tuple[Ref, ...]
    paths: tuple[PathView, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class FindingView:
    kind: str
    site: Ref
    present: bool
    #: the site and the regions or muscles nested in or around it that count for it
    targets: tuple[Ref, ...]


@dataclass(frozen=True)
class RootsAnswer:
    finding: FindingView
    roots: tuple[Candidate, ...]
    nerves: tuple[Candidate, ...]
    plexuses: tuple[Candidate, ...]
    note: str
    truncated: bool
    disclaimer: str = DISCLAIMER


def ref(kg: KnowledgeGraph, ident: str) -> Ref:
    e = kg.entity(ident)
    return Ref(e.curie, e.label, e.type)


def _map_ref(kg: KnowledgeGraph, map_id: str) -> Ref:
    return Ref(f"{PREFIX}:{map_id}", kg.maps.get(map_id, map_id), "DermatomeMap")


def _sources(kg: KnowledgeGraph, ids: Iterable[str]) -> tuple[Source, ...]:
    return tuple(kg.sources[i] for i in dict.fromkeys(ids) if i in kg.sources)


def path_view(kg: KnowledgeGraph, path: Path) -> PathView:
    return PathView(
        len(path.steps),
        path.contribution,
        tuple(
            StepView(
                ref(kg, s.subject),
                s.predicate,
                ref(kg, s.object),
                s.contribution,
                tuple(_map_ref(kg, m) for m in s.maps),
                s.sources,
            )
            for s in path.steps
        ),
    )


# ---------------------------------------------------------------- entity detail


def _relation_view(kg: KnowledgeGraph, r: Relation, other: str) -> RelationView:
    return RelationView(
        r.predicate,
        ref(kg, other),
        r.contribution,
        tuple(AssertionView(a.sources, a.contribution, _map_ref(kg, a.map) if a.map else None, a.note) for a in r.assertions),
    )


def entity_detail(kg: KnowledgeGraph, ident: str) -> EntityDetail:
    """An entity with its relations both ways and every source they rest on."""
    e = kg.entity(ident)
    out = sorted(kg.outgoing(e.id), key=lambda r: (r.predicate, kg.entity(r.object).label))
    inc = sorted(kg.incoming(e.id), key=lambda r: (r.predicate, kg.entity(r.subject).label))
    return EntityDetail(
        e.curie,
        e.label,
        e.type,
        e.synonyms,
        e.definition,
        e.exact_match,
        e.close_match,
        tuple(_relation_view(kg, r, r.object) for r in out),
        tuple(_relation_view(kg, r, r.subject) for r in inc),
        _sources(kg, (s for r in out + inc for s in r.sources)),
    )


# ---------------------------------------------------------------- paths


def parse_relations(names: str | Sequence[str] | None) -> frozenset[str]:
    """A relation filter from a comma-separated string or a list; all relations when empty."""
    if names is None or names == "" or names == []:
        return frozenset(RELATIONS)
    items = [n.strip() for n in (names.split(",") if isinstance(names, str) else names) if n.strip()]
    unknown = [n for n in items if n not in RELATIONS]
    if unknown:
        raise InvalidQuery(f"unknown relation(s) {', '.join(unknown)}; known relations: {', '.join(RELATIONS)}")
    return frozenset(items)


def find_paths(
    kg: KnowledgeGraph,
    index: NameIndex,
    source: str,
    target: str,
    max_length: int = 8,
    limit: int = 10,
    relations: str | Sequence[str] | None = None,
) -> tuple[list[PathView], bool]:
    """Paths from ``source`` to ``target`` along relations in their stored direction, shortest first.

    Both ends are ids or exact names. Bounded by ``max_length`` and ``limit`` (and the
    traversal module's hard caps).
    """
    if not 1 <= max_length <= MAX_PATH_LENGTH:
        raise InvalidQuery(f"max_length must be between 1 and {MAX_PATH_LENGTH}, got {max_length}")
    if not 1 <= limit <= MAX_PATHS:
        raise InvalidQuery(f"limit must be between 1 and {MAX_PATHS}, got {limit}")
    rels = parse_relations(relations)
    start = resolve(kg, index, source)
    end = resolve(kg, index, target)
    result = walk(kg, start.id, [end.id], rels, segmental=False, max_length=max_length, limit=limit)
    return [path_view(kg, p) for p in result.paths], result.truncated


# ---------------------------------------------------------------- roots for a finding

_LEVEL = re.compile(r"^spinal_nerve_(C|T|L|S|Co)(\d+)$")
_REGION_ORDER = {"C": 0, "T": 1, "L": 2, "S": 3, "Co": 4}


def spinal_order(ident: str) -> tuple[int, int, str]:
    """Sort key that puts spinal nerves in craniocaudal order (C1 … Co1)."""
    m = _LEVEL.match(ident)
    return (_REGION_ORDER[m.group(1)], int(m.group(2)), ident) if m else (9, 0, ident)


def finding_kind(kind: str) -> FindingKind:
    spec = FINDING_KINDS.get(kind.strip().lower())
    if spec is None:
        raise UnknownKind(kind, list(FINDING_KINDS))
    return spec


def resolve_site(kg: KnowledgeGraph, index: NameIndex, spec: FindingKind, site: str, suggest: bool = True) -> Entity:
    """The site of a finding, among the classes its kind allows.

    A name that fits the graph but not the kind (weakness of a skin region) is refused with
    what the kind needs. A name that fits nothing raises :class:`UnresolvedSite` with the
    closest names of any class, or with none when ``suggest`` is false (a caller that offers
    its own suggestions: the fuzzy pass over every name is the costly part).
    """
    if not any(adjacency(kg).by_type.get(t) for t in spec.site_types):
        raise InvalidQuery(f"finding kind {spec.name!r} needs a site of class {' or '.join(spec.site_types)}; {spec.note}")
    try:
        found = lookup(kg, index, site, spec.site_types)
    except InvalidQuery:
        found = None  # several of the kind's classes: what the name means in the whole graph decides
    if found is not None:
        return found
    other = lookup(kg, index, site)
    if other is None:
        raise UnresolvedSite(site, closest(kg, index, site) if suggest else ())
    raise InvalidQuery(f"{spec.name} needs a site that is a {' or '.join(spec.site_types)}; {other.label!r} is a {other.type}")


def _candidate(kg: KnowledgeGraph, ident: str, paths: Sequence[Path], contribution: str) -> Candidate:
    e = kg.entity(ident)
    maps = tuple(dict.fromkeys(m for p in paths for m in p.maps))
    return Candidate(
        e.curie,
        e.label,
        e.type,
        contribution,
        tuple(_map_ref(kg, m) for m in maps),
        tuple(path_view(kg, p) for p in paths),
        _sources(kg, (s for p in paths for s in p.sources)),
    )


def covers_whole(kg: KnowledgeGraph, site: str, reached: set[str], depth: int = 0) -> bool:
    """Whether ``reached`` supplies ``site`` itself, or (recursively) every constant part of it.

    The L2 dermatome drawn over the anterior thigh covers it; L1, reaching only its upper
    strip, does not; C8, reaching every intrinsic hand muscle, covers the group.
    """
    if site in reached:
        return True
    parts = [r.subject for r in kg.incoming(site, frozenset({"part_of"})) if r.contribution == "major"]
    return bool(parts) and depth < 8 and all(covers_whole(kg, p, reached, depth + 1) for p in parts)


def roots_for_finding(kg: KnowledgeGraph, index: NameIndex, kind: str, site: str, max_length: int = 8) -> RootsAnswer:
    """Every spinal nerve, nerve and plexus whose lesion can cause ``kind`` at ``site``, with paths.

    A site counts together with what is part of it and what contains it. A candidate is
    major only when its major paths supply the site itself or every part of it (see
    :func:`covers_whole`); reaching only a part (L1 and the upper strip of the anterior thigh)
    or only a region that contains the site explains it in part, so it is minor. A spinal
    nerve counts only through structures that carry its segment (see :mod:`graph.traversal`).
    Roots come major first, then in craniocaudal order; nerves nearest the site first.
    """
    spec = finding_kind(kind)
    site_entity = resolve_site(kg, index, spec, site)
    targets = sorted(related_by_part(kg, site_entity.id))

    def judged(ident: str, paths: Sequence[Path], by_dermatome: bool = False) -> Candidate:
        # Full explanation (major) only when the candidate's major paths supply the site itself
        # or every part of it; a path that ends at a part alone, or at a region that merely
        # contains the site, explains it in part (shown as minor). For skin, a root is judged by
        # its dermatome: a nerve's root values say which segments run in the nerve, not which
        # of them reach each patch of its territory (C8 runs in the median nerve, but the
        # thumb is C6 skin).
        judging = [p for p in paths if not by_dermatome or p.steps[0].predicate == "has_dermatome"]
        reached = {p.nodes[-1] for p in judging if p.contribution == "major"}
        whole = covers_whole(kg, site_entity.id, reached)
        shown = [p if p.nodes[-1] == site_entity.id else Path(p.steps, "minor") for p in paths]
        if whole:  # the parts that make the site whole are full explanations too
            shown = [Path(q.steps, p.contribution) if p.nodes[-1] in reached else q for p, q in zip(paths, shown, strict=True)]
        shown.sort(key=lambda p: (p.contribution != "major", len(p.steps)))
        return _candidate(kg, ident, shown[:PATHS_PER_CANDIDATE], "major" if whole else "minor")

    finding = FindingView(spec.name, ref(kg, site_entity.id), True, tuple(ref(kg, t) for t in targets))
    if not spec.relations:
        return RootsAnswer(finding, (), (), (), spec.note, False)
    truncated = False
    roots: list[Candidate] = []
    dist = distances_to(kg, targets, spec.relations, max_length)
    adj = adjacency(kg)
    for sn in sorted((n for n in adj.of_type("SpinalNerve") if n in dist), key=spinal_order):
        w = walk(kg, sn, targets, spec.relations, True, max_length, MAX_PATHS, dist=dist)
        truncated |= w.truncated
        if w.paths:
            roots.append(judged(sn, w.paths, by_dermatome="has_dermatome" in spec.relations))
    roots.sort(key=lambda c: (c.contribution != "major", spinal_order(normalise_id(c.id))))
    peripheral: list[Candidate] = []
    peripheral_relations = spec.relations - {"has_dermatome", "covers"}
    dist = distances_to(kg, targets, peripheral_relations, max_length)
    # only what can reach the site, in the graph's order (ties in the ranking keep it)
    kinds = ("Nerve", "Plexus", "PlexusPart")
    for ident in sorted((n for n in dist if adj.type[n] in kinds), key=adj.position.__getitem__):
        w = walk(kg, ident, targets, peripheral_relations, True, max_length, MAX_PATHS, dist=dist)
        truncated |= w.truncated
        if w.paths:
            peripheral.append(judged(ident, w.paths))
    peripheral.sort(key=lambda c: (c.contribution != "major", c.paths[0].length, c.label))
    nerves = tuple(c for c in peripheral if c.type == "Nerve")
    plexuses = tuple(c for c in peripheral if c.type != "Nerve")
    note = (
        "" if roots or nerves else f"No root or nerve in the graph supplies {site_entity.label!r} through {spec.name} relations."
    )
    return RootsAnswer(finding, tuple(roots), nerves, plexuses, note, truncated)
