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

import gc
import heapq
import threading
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import networkx as nx

from .model import KnowledgeGraph, Relation, weaker

#: Hard caps, whatever a caller asks for.
MAX_PATH_LENGTH = 10
MAX_PATHS = 200
#: Paths collected before ranking: every path within the length bound on this graph, so a
#: root's strongest path is never lost to the order of enumeration.
MAX_COLLECTED = 5_000
MAX_EXPANSIONS = 500_000
#: A browsing walk learns how far each node is from the target by walking backwards from it,
#: one layer at a time, while a layer costs at most this many edges; beyond that (a layer that
#: enters a spinal nerve, which thousands of nerves and muscles name as their root value) it
#: looks forwards from the few nodes the walk actually meets instead.
BACKWARD_LAYER_EDGES = 2_000


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


@dataclass(frozen=True)
class Adjacency:
    """The graph's edges per node and relation, in the walks' order, and its entities per class.

    networkx keeps a node's edges unordered, so every step used to list and sort all of them:
    a spinal nerve of a large graph has thousands. Here each node's edges are grouped by
    relation (relation names in order, then the next node in order: the order every walk
    takes) once per graph, so a step reads only the relations it follows.
    """

    #: node → relation → ((next node, relation), ...), relations and next nodes sorted
    out: dict[str, dict[str, tuple[tuple[str, Relation], ...]]]
    #: node → relation → previous nodes
    into: dict[str, dict[str, tuple[str, ...]]]
    #: node → its class and its label
    type: dict[str, str]
    label: dict[str, str]
    #: class → its entities, in the graph's order (that of :meth:`KnowledgeGraph.of_type`)
    by_type: dict[str, tuple[str, ...]]
    #: node → its place in the graph's order
    position: dict[str, int]
    nodes: int

    @classmethod
    def build(cls, kg: KnowledgeGraph) -> Adjacency:
        with collector_paused():
            return cls._build(kg)

    @classmethod
    def _build(cls, kg: KnowledgeGraph) -> Adjacency:
        out: dict[str, dict[str, tuple[tuple[str, Relation], ...]]] = {}
        into: dict[str, dict[str, list[str]]] = {}
        types: dict[str, str] = {}
        labels: dict[str, str] = {}
        by_type: dict[str, list[str]] = {}
        for node, data in kg.graph.nodes(data=True):
            entity = data["entity"]
            types[node], labels[node] = entity.type, entity.label
            by_type.setdefault(entity.type, []).append(node)
        for node, neighbours in kg.graph.adjacency():
            edges = sorted((key, nxt, d["relation"]) for nxt, keyed in neighbours.items() for key, d in keyed.items())
            grouped: dict[str, list[tuple[str, Relation]]] = {}
            for key, nxt, relation in edges:
                grouped.setdefault(key, []).append((nxt, relation))
                into.setdefault(nxt, {}).setdefault(key, []).append(node)
            if grouped:
                out[node] = {key: tuple(items) for key, items in grouped.items()}
        return cls(
            out,
            {n: {k: tuple(v) for k, v in keyed.items()} for n, keyed in into.items()},
            types,
            labels,
            {t: tuple(v) for t, v in by_type.items()},
            {n: i for i, n in enumerate(types)},
            kg.graph.number_of_nodes(),
        )

    def of_type(self, *types: str) -> list[str]:
        """The ids of the entities of ``types``, in the graph's order."""
        found = [n for t in dict.fromkeys(types) for n in self.by_type.get(t, ())]
        return found if len(types) < 2 else sorted(found, key=self.position.__getitem__)

    def steps(self, node: str, relations: frozenset[str]) -> Iterator[tuple[str, str, Relation]]:
        """(relation name, next node, relation) of each edge out of ``node`` along ``relations``, in order."""
        for key, items in self.out.get(node, {}).items():
            if key in relations:
                for nxt, relation in items:
                    yield key, nxt, relation

    def previous(self, node: str, relations: frozenset[str]) -> Iterator[str]:
        """The nodes with an edge into ``node`` along ``relations`` (one per edge)."""
        for key, items in self.into.get(node, {}).items():
            if key in relations:
                yield from items


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while building an index of many small objects.

    Each collection walks every object already alive, the whole graph included: building the
    adjacency of a graph of two million triples took 2 s with the collector, 0.4 s without.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_ADJACENCY: weakref.WeakKeyDictionary[nx.MultiDiGraph, Adjacency] = weakref.WeakKeyDictionary()
_BUILDING = threading.Lock()


def adjacency(kg: KnowledgeGraph) -> Adjacency:
    """The :class:`Adjacency` of ``kg``, built on first use and kept while the graph lives.

    The graph is read-only once loaded (:mod:`graph.model`); a graph that gained nodes since is
    indexed again.
    """
    found = _ADJACENCY.get(kg.graph)
    if found is None or found.nodes != kg.graph.number_of_nodes():
        with _BUILDING:  # one build per graph, even when requests arrive together
            found = _ADJACENCY.get(kg.graph)
            if found is None or found.nodes != kg.graph.number_of_nodes():
                found = Adjacency.build(kg)
                _ADJACENCY[kg.graph] = found
    return found


def distances_to(kg: KnowledgeGraph, targets: Iterable[str], relations: frozenset[str], max_depth: int) -> dict[str, int]:
    """Fewest steps from each node to any target, following ``relations`` in their direction."""
    adj = adjacency(kg)
    dist = {t: 0 for t in targets if t in kg}
    queue = deque(dist)
    while queue:
        node = queue.popleft()
        if dist[node] >= max_depth:
            continue
        for prev in adj.previous(node, relations):
            if prev not in dist:
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
    return _carry(kg, adjacency(kg), carried, node)


def _carry(kg: KnowledgeGraph, adj: Adjacency, carried: Carried, node: str) -> tuple[bool, Carried]:
    if adj.type[node] == "SpinalNerve":
        return False, None
    seg = kg.segments.get(node)
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
    adj = adjacency(kg)
    for key, nxt, relation in adj.steps(node, relations):
        if nxt in blocked:
            continue
        onward: Carried = None
        if segmental:
            allowed, onward = _carry(kg, adj, carried, nxt)
            if not allowed:
                continue
        yield nxt, key, relation, onward


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
    every node) and every path within ``max_length`` is collected and ranked; without it,
    every relation is followed as stored (browsing) and only the ``limit`` best paths (the
    shortest, then the strongest, then by their nodes' labels) and whether there are more are
    found, through :func:`browse`. With ``stop_at_targets`` a path ends at the first target it
    reaches. ``dist`` may pass in :func:`distances_to` of the same targets and relations, when
    many walks share them.
    """
    max_length = min(max_length, MAX_PATH_LENGTH)
    limit = min(limit, MAX_PATHS)
    target_set = frozenset(t for t in targets if t in kg)
    if start not in kg:
        return Walk((), False)
    if not segmental:
        return browse(kg, start, target_set, relations, max_length, limit, stop_at_targets)
    if dist is None:
        dist = distances_to(kg, target_set, relations, max_length)
    if start not in dist:
        return Walk((), False)
    adj = adjacency(kg)
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
        for key, nxt, relation in adj.steps(node, relations):
            # the distance test first: it is a dictionary lookup, the segmental rule is not
            if nxt in seen or dist.get(nxt, max_length + 1) > remaining - 1:
                continue
            allowed, onward = _carry(kg, adj, carried, nxt)
            if not allowed:
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
        extend(start, [], {start}, length, "major", initial_segments(kg, start))
        if truncated:
            break
    found.sort(key=lambda p: (len(p.steps), p.contribution != "major", [adj.label[n] for n in p.nodes]))
    return Walk(tuple(found[:limit]), truncated or len(found) > limit)


class _Reach:
    """Whether a node can reach a target in at most ``r`` steps along ``relations`` (a lower bound for a browsing walk).

    Exact distances come from walking backwards from the targets, one layer at a time, as long
    as a layer is cheap (:data:`BACKWARD_LAYER_EDGES`); past the last layer walked, a node
    looks forwards into the layers known, remembering each answer. Both ignore that a path
    may not visit a node twice, so they never rule out a node that could complete a path.
    """

    def __init__(
        self, kg: KnowledgeGraph, adj: Adjacency, targets: frozenset[str], relations: frozenset[str], layer_edges: int
    ) -> None:
        self.graph, self.adj, self.relations, self.layer_edges = kg.graph, adj, relations, layer_edges
        self.dist = dict.fromkeys(targets, 0)
        self.frontier = list(targets)
        self.layers = [self.frontier]  # the nodes at each distance walked
        self._near: dict[int, list[str]] = {}
        self.depth = 0  # every node at most this far from a target is in ``dist``
        self.done = not targets
        self.yes: dict[str, int] = {}  # node → fewest steps known to suffice
        self.no: dict[str, int] = {}  # node → most steps known not to suffice

    def _grow(self) -> bool:
        """Walk one more layer backwards if it is cheap; whether it was walked."""
        if self.done:
            return False
        adj, relations = self.adj, self.relations
        cost = sum(len(v) for n in self.frontier for k, v in adj.into.get(n, {}).items() if k in relations)
        if cost > self.layer_edges:
            self.done = True
            return False
        layer: list[str] = []
        for node in self.frontier:
            for prev in adj.previous(node, relations):
                if prev not in self.dist:
                    self.dist[prev] = self.depth + 1
                    layer.append(prev)
        self.depth += 1
        self.frontier = layer
        self.layers.append(layer)
        self.done = not layer or self.depth >= MAX_PATH_LENGTH
        return True

    def near(self, r: int) -> list[str] | None:
        """Every node at most ``r`` steps from a target; None when the layers walked do not reach that far."""
        found = self._near.get(r)
        if found is None:
            while r > self.depth and self._grow():
                pass
            if r > self.depth and self.frontier:
                return None
            found = self._near[r] = [n for layer in self.layers[: r + 1] for n in layer]
        return found

    def within(self, node: str, r: int) -> bool:
        """Whether ``node`` may reach a target in ``r`` steps or fewer."""
        if r < 0:
            return False
        while r > self.depth and self._grow():
            pass
        d = self.dist.get(node)
        if d is not None:
            return d <= r
        if r <= self.depth or (self.done and not self.frontier):
            return False  # not within the layers walked, and they cover r (or everything)
        if self.yes.get(node, MAX_PATH_LENGTH + 1) <= r:
            return True
        if self.no.get(node, -1) >= r:
            return False
        out, relations = self.adj.out.get(node, {}), self.relations
        if r - 1 <= self.depth:  # the next node's distance is known: a lookup, no recursion
            near = self.near(r - 1) or []
            if len(near) < sum(len(items) for key, items in out.items() if key in relations):
                edges = self.graph.succ[node]
                found = any(nxt in edges and any(key in relations for key in edges[nxt]) for nxt in near)
            else:
                dist, most = self.dist, r - 1
                found = any(dist.get(nxt, most + 1) <= most for key, items in out.items() if key in relations for nxt, _ in items)
        else:
            found = any(self.within(nxt, r - 1) for key, items in out.items() if key in relations for nxt, _ in items)
        if found:
            self.yes[node] = min(r, self.yes.get(node, r))
        else:
            self.no[node] = max(r, self.no.get(node, r))
        return found

    def ahead(self, node: str, r: int) -> list[tuple[str, str, Relation]]:
        """The edges out of ``node`` (relation name, next node, relation) in order; or only those within ``r`` of a target.

        A hub (a spinal nerve, a dermatome covering every variant's skin) has more edges out
        than there are nodes near the target: those nodes are looked up instead.
        """
        out = self.adj.out.get(node, {})
        degree = sum(len(items) for key, items in out.items() if key in self.relations)
        near = self.near(r)
        if near is None or len(near) >= degree:
            return [(key, nxt, relation) for key, items in out.items() if key in self.relations for nxt, relation in items]
        edges, relations = self.graph.succ[node], self.relations
        found = [(key, nxt, d["relation"]) for nxt in near if nxt in edges for key, d in edges[nxt].items() if key in relations]
        return sorted(found, key=lambda e: (e[0], e[1]))


#: The steps out of a node while browsing, in the order of the paths they lead to: (any minor
#: link on the path so far, the next node's label, the relation, the next node).
_Options = list[tuple[bool, str, str, str]]
#: Where a partial path's next sibling comes from: its parent's options, the index of the next
#: one, the parent's labels and steps, the nodes on the parent's path, the steps left.
_Siblings = tuple[_Options, int, tuple[str, ...], tuple[tuple[str, str], ...], frozenset[str], int]
#: A partial path while browsing: (any minor link, labels of its nodes, its steps as
#: (relation, next node)) is both its rank and unique; then its last node and its siblings.
_Partial = tuple[bool, tuple[str, ...], tuple[tuple[str, str], ...], str, _Siblings | None]


def browse(
    kg: KnowledgeGraph,
    start: str,
    targets: frozenset[str],
    relations: frozenset[str],
    max_length: int = 8,
    limit: int = 20,
    stop_at_targets: bool = True,
    backward_edges: int = BACKWARD_LAYER_EDGES,
) -> Walk:
    """The ``limit`` best simple paths from ``start`` to ``targets`` along ``relations`` as stored, and whether there are more.

    Paths rank shortest first, then all-major before any minor link, then by their nodes'
    labels, then by their relations and node ids. Lengths are taken in turn, stopping after
    the first at which ``limit`` paths are found; within a length, partial paths are extended
    best first (a partial path ranks before every path that extends it), so the first
    ``limit`` + 1 paths found are the best, whatever the number of paths of that length: on a
    large graph a spinal nerve has thousands of paths of four steps to a skin region, of which
    the answer shows ten. ``backward_edges`` bounds the cost of a backward layer (see :class:`_Reach`).
    """
    adj = adjacency(kg)
    reach = _Reach(kg, adj, targets, relations, backward_edges)
    found: list[tuple[tuple[tuple[str, str], ...], bool]] = []
    budget = MAX_EXPANSIONS
    truncated = False
    # (node, steps left, any minor link so far) → its options, read once however often the node is met
    options: dict[tuple[str, int, bool], _Options] = {}

    def sibling(siblings: _Siblings) -> _Partial | None:
        """The next of a node's children that can still reach a target in time (siblings come in rank order)."""
        ahead, i, labels, steps, on_path, remaining = siblings
        while i < len(ahead):
            minor, label, key, nxt = ahead[i]
            i += 1
            if nxt not in on_path and reach.within(nxt, remaining):  # at 0 steps left: a target
                return minor, (*labels, label), (*steps, (key, nxt)), nxt, (ahead, i, labels, steps, on_path, remaining)
        return None

    for length in range(1, max_length + 1):
        if not reach.within(start, length):
            continue
        # Best first, and a parent's children one at a time: a child enters the heap when the
        # sibling before it leaves, so a spinal nerve's hundreds of children are not all ranked.
        heap: list[_Partial] = [(False, (adj.label[start],), (), start, None)]
        while heap:
            minor, labels, steps, node, siblings = heapq.heappop(heap)
            if siblings is not None and (after := sibling(siblings)) is not None:
                heapq.heappush(heap, after)
            if len(steps) == length:
                found.append((steps, minor))
                if len(found) > limit:
                    break
                continue
            budget -= 1
            if budget < 0:
                truncated = True
                break
            if stop_at_targets and node in targets and steps:
                continue
            remaining = length - len(steps) - 1
            ahead = options.get((node, remaining, minor))
            if ahead is None:
                ahead = options[node, remaining, minor] = sorted(
                    (minor or relation.contribution == "minor", adj.label[nxt], key, nxt)
                    for key, nxt, relation in reach.ahead(node, remaining)
                )
            on_path = frozenset({start, *(n for _, n in steps)})
            if (child := sibling((ahead, 0, labels, steps, on_path, remaining))) is not None:
                heapq.heappush(heap, child)
        if truncated or len(found) >= limit:
            break
    paths = tuple(_browsed(kg, start, steps, minor) for steps, minor in found[:limit])
    return Walk(paths, truncated or len(found) > limit)


def _browsed(kg: KnowledgeGraph, start: str, steps: tuple[tuple[str, str], ...], minor: bool) -> Path:
    subjects = (start, *(n for _, n in steps))
    return _to_path(kg, [(s, key, o, "") for s, (key, o) in zip(subjects, steps, strict=False)], "minor" if minor else "major")


def _to_path(kg: KnowledgeGraph, steps: list[tuple[str, str, str, str]], strength: str) -> Path:
    """Steps as (subject, relation, object, contribution: the relation's own when empty)."""
    out = []
    for subject, predicate, obj, contribution in steps:
        relation = kg.graph.edges[subject, obj, predicate]["relation"]
        out.append(Step(subject, predicate, obj, contribution or relation.contribution, relation.maps, relation.sources))
    return Path(tuple(out), strength)


def parts_of(kg: KnowledgeGraph, ident: str, max_depth: int = 6) -> set[str]:
    """Everything that is part of ``ident``, at any depth (not ``ident`` itself)."""
    return set(distances_to(kg, [ident], frozenset({"part_of"}), max_depth)) - {ident}


def wholes_of(kg: KnowledgeGraph, ident: str, max_depth: int = 6) -> set[str]:
    """Everything ``ident`` is part of, at any depth."""
    adj = adjacency(kg)
    part_of = frozenset({"part_of"})
    up: set[str] = set()
    frontier = [ident]
    for _ in range(max_depth):
        frontier = [o for n in frontier for _, o, _ in adj.steps(n, part_of) if o not in up]
        up.update(frontier)
    return up


def related_by_part(kg: KnowledgeGraph, ident: str, max_depth: int = 6) -> set[str]:
    """The entity, everything that is part of it, and everything it is part of (``part_of``)."""
    return {ident} | parts_of(kg, ident, max_depth) | wholes_of(kg, ident, max_depth)
