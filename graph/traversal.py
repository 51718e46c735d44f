"""How the graph is walked: edge direction, the segmental rule, and the bounds. Stated once here.

Relations are stored pointing distally (spinal nerve → plexus → nerve → branch → muscle or skin),
so the effects of a lesion are what can be reached from it. Two walks exist:

* a walk from a **spinal nerve** enters a node only if the node carries that segment (its
  ``root_value`` relations) or records no segmental supply at all (a skin region, a movement).
  So L1 does not reach the quadriceps through the lumbar plexus;
* a walk from a **nerve or plexus part** (a lesion there) carries the segments it records and
  keeps, at each node, only those the node shares: a femoral nerve lesion takes every fibre in
  it, a lesion of the lumbosacral trunk (L4-L5) does not reach the pudendal nerve (S2-S4).

Neither walk passes through another spinal nerve. Browsing walks (``/paths``) follow every
relation as stored, without the segmental rule.

Every walk is bounded: a maximum path length, a maximum number of paths, and a cap on the
nodes expanded. Paths come shortest first, then the strongest (all-major) first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .model import KnowledgeGraph, Relation, weaker

#: Hard caps, whatever a caller asks for.
MAX_PATH_LENGTH = 10
MAX_PATHS = 200
#: Paths collected before ranking: every path within the length bound on this graph, so a
#: root's strongest path is never lost to the order of enumeration.
MAX_COLLECTED = 5_000
MAX_EXPANSIONS = 500_000


@dataclass(frozen=True)
class Step:
    subject: str
    predicate: str
    object: str
    contribution: str
    maps: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Path:
    steps: tuple[Step, ...]
    #: the weakest link: minor if any relation or segmental supply on it is minor
    contribution: str

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.steps[0].subject, *(s.object for s in self.steps)) if self.steps else ()

    @property
    def maps(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for s in self.steps for m in s.maps))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(src for s in self.steps for src in s.sources))


@dataclass(frozen=True)
class Walk:
    paths: tuple[Path, ...]
    #: true when a bound (paths or expansions) stopped the enumeration early
    truncated: bool


def distances_to(kg: KnowledgeGraph, targets: Iterable[str], relations: frozenset[str], max_depth: int) -> dict[str, int]:
    """Fewest steps from each node to any target, following ``relations`` in their direction."""
    dist = {t: 0 for t in targets if t in kg}
    queue = deque(dist)
    while queue:
        node = queue.popleft()
        if dist[node] >= max_depth:
            continue
        for prev, _, key in kg.graph.in_edges(node, keys=True):
            if key in relations and prev not in dist:
                dist[prev] = dist[node] + 1
                queue.append(prev)
    return dist


#: The segments a walk still carries, each with the weakest contribution met so far;
#: None when the start records no segmental supply (the walk is then unconstrained).
Carried = dict[str, str] | None


def initial_segments(kg: KnowledgeGraph, start: str) -> Carried:
    """A spinal nerve carries its own segment; a nerve or plexus part the segments it records."""
    if kg.entity(start).type == "SpinalNerve":
        return {start: "major"}
    seg = kg.segments_of(start)
    return dict(seg) if seg is not None else None


def carry(kg: KnowledgeGraph, carried: Carried, node: str) -> tuple[bool, Carried]:
    """Whether a walk carrying ``carried`` may enter ``node``, and what it carries beyond it.

    A node that records segments keeps only the segments it shares with the walk (a lesion of
    the lumbosacral trunk, L4-L5, does not reach the pudendal nerve, S2-S4); a node that
    records none (a skin region, a movement) passes everything on. Walks never pass through
    another spinal nerve.
    """
    if kg.entity(node).type == "SpinalNerve":
        return False, None
    seg = kg.segments_of(node)
    if seg is None or carried is None:
        return True, carried if seg is None else dict(seg)
    shared = {s: weaker(c, seg[s]) for s, c in carried.items() if s in seg}
    return bool(shared), shared


def successors(
    kg: KnowledgeGraph,
    node: str,
    carried: Carried,
    relations: frozenset[str],
    segmental: bool = True,
    blocked: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, str, Relation, Carried]]:
    """The steps a walk may take from ``node``: (next node, relation name, relation, segments carried on).

    In a stable order (relation, then node). With ``segmental`` every step obeys :func:`carry`;
    ``blocked`` nodes are never entered.
    """
    for _, nxt, key, data in sorted(kg.graph.out_edges(node, keys=True, data=True), key=lambda e: (e[2], e[1])):
        if key not in relations or nxt in blocked:
            continue
        onward: Carried = None
        if segmental:
            allowed, onward = carry(kg, carried, nxt)
            if not allowed:
                continue
        yield nxt, key, data["relation"], onward


def walk(
    kg: KnowledgeGraph,
    start: str,
    targets: Iterable[str],
    relations: frozenset[str],
    segmental: bool = True,
    max_length: int = 8,
    limit: int = 20,
    stop_at_targets: bool = True,
    dist: dict[str, int] | None = None,
) -> Walk:
    """Simple paths from ``start`` to any of ``targets``, shortest first, bounded.

    With ``segmental`` the walk obeys :func:`carry` (the lesion's segments must run through
    every node); without it, every relation is followed as stored (browsing). With
    ``stop_at_targets`` a path ends at the first target it reaches. ``dist`` may pass in
    :func:`distances_to` of the same targets and relations, when many walks share them.
    """
    max_length = min(max_length, MAX_PATH_LENGTH)
    limit = min(limit, MAX_PATHS)
    target_set = frozenset(t for t in targets if t in kg)
    if dist is None:
        dist = distances_to(kg, target_set, relations, max_length)
    if start not in dist or start not in kg:
        return Walk((), False)
    found: list[Path] = []
    expansions = 0
    truncated = False

    def extend(
        node: str, steps: list[tuple[str, str, str, str]], seen: set[str], remaining: int, strength: str, carried: Carried
    ) -> None:
        nonlocal expansions, truncated
        if truncated:
            return
        expansions += 1
        if expansions > MAX_EXPANSIONS:
            truncated = True
            return
        if remaining == 0:
            if node in target_set:
                best = "major" if carried is None or "major" in carried.values() else "minor"
                found.append(_to_path(kg, steps, weaker(strength, best)))
            return
        if stop_at_targets and node in target_set and steps:
            return
        for nxt, key, relation, onward in successors(kg, node, carried, relations, segmental):
            if nxt in seen or dist.get(nxt, max_length + 1) > remaining - 1:
                continue
            steps.append((node, key, nxt, relation.contribution))
            seen.add(nxt)
            extend(nxt, steps, seen, remaining - 1, weaker(strength, relation.contribution), onward)
            steps.pop()
            seen.discard(nxt)
            if len(found) >= MAX_COLLECTED:
                truncated = True
                return

    for length in range(max(dist[start], 1), max_length + 1):
        extend(start, [], {start}, length, "major", initial_segments(kg, start) if segmental else None)
        if truncated or (not segmental and len(found) >= limit):
            break
    found.sort(key=lambda p: (len(p.steps), p.contribution != "major", [kg.entity(n).label for n in p.nodes]))
    return Walk(tuple(found[:limit]), truncated or len(found) > limit)


def _to_path(kg: KnowledgeGraph, steps: list[tuple[str, str, str, str]], strength: str) -> Path:
    out = []
    for subject, predicate, obj, contribution in steps:
        relation = kg.graph.edges[subject, obj, predicate]["relation"]
        out.append(Step(subject, predicate, obj, contribution, relation.maps, relation.sources))
    return Path(tuple(out), strength)


def parts_of(kg: KnowledgeGraph, ident: str, max_depth: int = 6) -> set[str]:
    """Everything that is part of ``ident``, at any depth (not ``ident`` itself)."""
    return set(distances_to(kg, [ident], frozenset({"part_of"}), max_depth)) - {ident}


def wholes_of(kg: KnowledgeGraph, ident: str, max_depth: int = 6) -> set[str]:
    """Everything ``ident`` is part of, at any depth."""
    up: set[str] = set()
    frontier = [ident]
    for _ in range(max_depth):
        frontier = [o for n in frontier for _, o, k in kg.graph.out_edges(n, keys=True) if k == "part_of" and o not in up]
        up.update(frontier)
    return up


def related_by_part(kg: KnowledgeGraph, ident: str, max_depth: int = 6) -> set[str]:
    """The entity, everything that is part of it, and everything it is part of (``part_of``)."""
    return {ident} | parts_of(kg, ident, max_depth) | wholes_of(kg, ident, max_depth)
