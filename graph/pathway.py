"""Pathway diagrams: the part of the graph that explains one entity, as a small layered DAG.

Contract (used by ``/pathways/{id}``, the web page's diagram and lesson export):

* a **spinal nerve, plexus, plexus part or nerve** (and a dermatome, a cord segment): its
  *distal* tree, the segment-respecting walk of :mod:`graph.traversal` over
  ``DISTAL_RELATIONS`` (root → plexus part → nerve → branch → muscle / skin region /
  movement / reflex), every step the walk takes kept as an edge;
* a **finding site** (skin region, muscle, movement, reflex, pelvic function, joint): its
  *proximal* tree, the union of the explaining paths of :func:`graph.queries.roots_for_finding`
  (every root and nerve that can cause a deficit there → the site);
* anything else: its *neighbourhood*, relations both ways one step out.

Bounded by design: at most ``max_nodes`` nodes (hard cap ``MAX_PATHWAY_NODES``); a walk that
would pass the cap stops and says ``truncated``.

Three cases the walk treats specially, all stated here:

* a cord segment *gives rise to* its spinal nerve; the walk enters that spinal nerve (walks
  otherwise never pass through one) and goes on as the spinal nerve's own walk;
* a plexus drawn only as the whole of its parts (the brachial plexus: trunks, divisions and
  cords are ``part_of`` it, and nothing is ``forms``-ed by the whole) is walked from every
  part, each part joined to the plexus by its ``part_of`` edge;
* a nerve, plexus or cord segment whose walk takes no step at all (a branch with nothing
  recorded beyond it) is shown by its neighbourhood instead, and ``direction`` says so.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import EntityNotFound, InvalidQuery
from .export import MAX_NODES as EXPORT_MAX_NODES
from .export import subgraph
from .model import KnowledgeGraph, Relation, Source, normalise_id, weaker
from .queries import DISCLAIMER, Ref, _map_ref, _sources, ref, roots_for_finding
from .search import NameIndex, closest
from .traversal import MAX_PATH_LENGTH, Carried, carry, initial_segments, successors
from .vocabulary import DISTAL_RELATIONS

#: The largest root walks (C8, S1, L4, C7) reach 130-150 entities and the brachial plexus as a
#: whole about 190; the default draws every one of them whole, the cap a little more.
MAX_PATHWAY_NODES = 300
DEFAULT_PATHWAY_NODES = 200

#: Seeds drawn by their distal walk; the finding sites drawn by their proximal tree, with the
#: finding kind whose explaining relations the tree follows.
DISTAL_TYPES = frozenset({"SpinalNerve", "Plexus", "PlexusPart", "Nerve", "Dermatome", "SpinalCordSegment"})
PROXIMAL_KINDS: dict[str, str] = {
    "SkinRegion": "numbness",
    "Muscle": "weakness",
    "Movement": "weakness",
    "PelvicFunction": "weakness",
    "Reflex": "reflex_reduced",
    "Joint": "pain",
}

_DISTAL = frozenset(DISTAL_RELATIONS)
_PART_OF = frozenset({"part_of"})


@dataclass(frozen=True)
class PathwayNode:
    id: str  # CURIE
    label: str
    type: str


@dataclass(frozen=True)
class PathwayEdge:
    source: str  # CURIE
    target: str  # CURIE
    relation: str
    #: the relation's own (major | minor); in a distal walk from a root or nerve also minor when
    #: the seed's segments run to the target only as a minor supply (L5 in the soleus)
    contribution: str
    maps: tuple[Ref, ...]
    sources: tuple[str, ...]  # source ids, described in Pathway.sources


@dataclass(frozen=True)
class Pathway:
    seed: Ref
    direction: str  # distal | proximal | neighbourhood
    nodes: tuple[PathwayNode, ...]
    edges: tuple[PathwayEdge, ...]
    sources: tuple[Source, ...]
    truncated: bool
    note: str
    disclaimer: str = DISCLAIMER


def pathway(kg: KnowledgeGraph, index: NameIndex, ident: str, max_nodes: int = DEFAULT_PATHWAY_NODES) -> Pathway:
    """The pathway diagram of ``ident`` (an id or CURIE); see the module docstring.

    Args:
        kg: the knowledge graph.
        index: its name index (the proximal tree resolves its site through it).
        ident: a CURIE or local name; :class:`~graph.errors.EntityNotFound` (with the closest
            names) if no entity has it.
        max_nodes: the node cap, 1 to :data:`MAX_PATHWAY_NODES`; the seed always counts as one.

    Nodes come seed first, then in the order they are reached (a distal walk breadth first,
    nearest the seed first; a proximal tree path by path, roots first); edges in the order
    they are taken. The same question gives the same answer.

    >>> from loaders.rdf import load
    >>> kg, _ = load()
    >>> index = NameIndex.build(kg)
    >>> p = pathway(kg, index, "RADIX:femoral_nerve")
    >>> p.direction, p.truncated
    ('distal', False)
    >>> any(e.source == "RADIX:quadriceps_femoris" and e.target == "RADIX:knee_extension" for e in p.edges)
    True
    >>> pathway(kg, index, "patellar_reflex").direction, pathway(kg, index, "disc_L4_L5").direction
    ('proximal', 'neighbourhood')
    """
    if not 1 <= max_nodes <= MAX_PATHWAY_NODES:
        raise InvalidQuery(f"max_nodes must be between 1 and {MAX_PATHWAY_NODES}, got {max_nodes}")
    try:
        seed = kg.entity(ident)
    except EntityNotFound:
        raise EntityNotFound(ident, closest(kg, index, normalise_id(ident).replace("_", " "))) from None
    diagram = _Diagram(kg, max_nodes)
    diagram.node(seed.id)
    if seed.type in DISTAL_TYPES:
        if _distal(kg, seed.id, diagram):
            return diagram.result(seed.id, "distal", _distal_note(kg, seed.id, diagram))
        diagram = _Diagram(kg, max_nodes)
        diagram.node(seed.id)
    elif seed.type in PROXIMAL_KINDS:
        kind = PROXIMAL_KINDS[seed.type]
        _proximal(kg, index, seed.id, kind, diagram)
        return diagram.result(seed.id, "proximal", _proximal_note(kg, seed.id, diagram))
    _neighbourhood(kg, seed.id, diagram)
    return diagram.result(seed.id, "neighbourhood", _neighbourhood_note(kg, seed.id, diagram))


# ---------------------------------------------------------------- building a diagram


class _Diagram:
    """Nodes and edges in the order they are added, capped at ``max_nodes`` nodes."""

    def __init__(self, kg: KnowledgeGraph, max_nodes: int) -> None:
        self.kg = kg
        self.max_nodes = max_nodes
        self.nodes: dict[str, None] = {}
        #: (subject, relation, object) → contribution, strongest kept
        self.edges: dict[tuple[str, str, str], str] = {}
        #: the node cap stopped the diagram
        self.truncated = False
        #: a walk's own bounds (path length, paths kept) left something out
        self.bounded = False

    def node(self, ident: str) -> bool:
        """Add ``ident`` if the cap allows; whether it is in the diagram."""
        if ident in self.nodes:
            return True
        if len(self.nodes) >= self.max_nodes:
            self.truncated = True
            return False
        self.nodes[ident] = None
        return True

    def fits(self, idents: Iterable[str]) -> bool:
        """Whether all of ``idents`` can be in the diagram together (nothing is added)."""
        new = {i for i in idents if i not in self.nodes}
        if len(self.nodes) + len(new) > self.max_nodes:
            self.truncated = True
            return False
        return True

    def edge(self, subject: str, predicate: str, obj: str, contribution: str) -> None:
        key = (subject, predicate, obj)
        held = self.edges.get(key)
        self.edges[key] = contribution if held is None or held == contribution else "major"

    def result(self, seed: str, direction: str, note: str) -> Pathway:
        kg = self.kg
        edges = []
        for (subject, predicate, obj), contribution in self.edges.items():
            relation: Relation = kg.graph.edges[subject, obj, predicate]["relation"]
            edges.append(
                PathwayEdge(
                    kg.entity(subject).curie,
                    kg.entity(obj).curie,
                    predicate,
                    contribution,
                    tuple(_map_ref(kg, m) for m in relation.maps),
                    relation.sources,
                )
            )
        nodes = tuple(PathwayNode(r.id, r.label, r.type) for r in (ref(kg, n) for n in self.nodes))
        return Pathway(
            ref(kg, seed),
            direction,
            nodes,
            tuple(edges),
            _sources(kg, (s for e in edges for s in e.sources)),
            self.truncated or self.bounded,
            note,
        )


# ---------------------------------------------------------------- distal


def distal_starts(kg: KnowledgeGraph, seed: str) -> list[tuple[str, Carried]]:
    """Where the distal walk starts: the seed itself, or the parts of a plexus drawn only as their whole."""
    if kg.outgoing(seed, _DISTAL) or kg.entity(seed).type != "Plexus":
        return [(seed, initial_segments(kg, seed))]
    parts = sorted(r.subject for r in kg.incoming(seed, _PART_OF) if kg.entity(r.subject).type in DISTAL_TYPES)
    return [(p, initial_segments(kg, p)) for p in parts]


def _steps(kg: KnowledgeGraph, node: str, carried: Carried, seed: str) -> Iterator[tuple[str, str, Relation, Carried]]:
    """The walk's steps from ``node``; from a cord segment seed, into the spinal nerves it gives rise to."""
    if node != seed or kg.entity(seed).type != "SpinalCordSegment":
        yield from successors(kg, node, carried, _DISTAL)
        return
    for r in sorted(kg.outgoing(seed, _DISTAL), key=lambda r: (r.predicate, r.object)):
        if kg.entity(r.object).type == "SpinalNerve":
            yield r.object, r.predicate, r, initial_segments(kg, r.object)
        else:
            allowed, onward = carry(kg, carried, r.object)
            if allowed:
                yield r.object, r.predicate, r, onward


def _distal(kg: KnowledgeGraph, seed: str, diagram: _Diagram) -> bool:
    """Breadth first over (node, segments carried) states from the seed, every step kept as an edge; whether it took any."""
    starts = distal_starts(kg, seed)
    queue: deque[tuple[str, Carried, int]] = deque()
    seen: set[tuple[str, frozenset[tuple[str, str]] | None]] = set()
    for node, carried in starts:
        if node != seed and not diagram.node(node):
            continue
        seen.add((node, _frozen(carried)))
        queue.append((node, carried, 0))
    while queue:
        node, carried, depth = queue.popleft()
        if depth >= MAX_PATH_LENGTH:
            continue
        for nxt, key, relation, onward in _steps(kg, node, carried, seed):
            if nxt == seed or not diagram.node(nxt):
                continue
            best = "major" if onward is None or "major" in onward.values() else "minor"
            diagram.edge(node, key, nxt, weaker(relation.contribution, best))
            state = (nxt, _frozen(onward))
            if state not in seen:
                seen.add(state)
                queue.append((nxt, onward, depth + 1))
    if not diagram.edges:
        return diagram.truncated  # no step at all, unless the cap stopped the first
    if starts[0][0] != seed:  # a plexus as the whole of its parts: join each part not reached from another
        reached = {obj for _, _, obj in diagram.edges}
        for part, _ in starts:
            if part in diagram.nodes and part not in reached:
                diagram.edge(part, "part_of", seed, kg.graph.edges[part, seed, "part_of"]["relation"].contribution)
    return True


def _frozen(carried: Carried) -> frozenset[tuple[str, str]] | None:
    return frozenset(carried.items()) if carried is not None else None


def _distal_note(kg: KnowledgeGraph, seed: str, diagram: _Diagram) -> str:
    e = kg.entity(seed)
    what = {
        "SpinalNerve": (
            f"Everything a lesion of the {e.label} reaches distally, respecting segments: the plexus parts and nerves "
            "that carry its fibres, the muscles, movements, reflexes and joints they supply, and its dermatome with "
            "the skin regions each map draws"
        ),
        "SpinalCordSegment": (
            f"Everything a lesion of the {e.label} reaches through the spinal nerve it gives rise to, respecting "
            "segments: nerves, muscles, movements, reflexes, joints, and the dermatome with its skin regions"
        ),
        "Dermatome": f"The skin regions the {e.label} covers, each edge naming the dermatome maps that draw it",
    }.get(
        e.type,
        f"Everything a lesion of the {e.label} reaches distally, keeping only the segments it carries: its branches "
        "and the muscles, movements, reflexes, joints and skin regions they supply",
    )
    return what + _cut(diagram)


def _cut(diagram: _Diagram) -> str:
    if not diagram.truncated:
        return "."
    more = f": ask for more with max_nodes, up to {MAX_PATHWAY_NODES}" if diagram.max_nodes < MAX_PATHWAY_NODES else ""
    return f" (cut at {diagram.max_nodes} nodes{more})."


# ---------------------------------------------------------------- proximal


def _proximal(kg: KnowledgeGraph, index: NameIndex, site: str, kind: str, diagram: _Diagram) -> None:
    """The steps of every explaining path of ``kind`` at ``site``, roots first, whole paths only."""
    answer = roots_for_finding(kg, index, kind, site)
    diagram.bounded = answer.truncated
    ends: set[str] = set()
    for candidate in (*answer.roots, *answer.nerves, *answer.plexuses):
        for path in candidate.paths:
            steps = [(normalise_id(s.source.id), s.relation, normalise_id(s.target.id), s.contribution) for s in path.steps]
            route = [steps[0][0], *(s[2] for s in steps)]
            joins = _part_chain(kg, route[-1], site)
            if not diagram.fits([*route, *(n for a, _, b in joins for n in (a, b))]):
                continue
            for n in route:
                diagram.node(n)
            for a, predicate, b, contribution in steps:
                diagram.edge(a, predicate, b, contribution)
            if route[-1] != site and route[-1] not in ends:
                ends.add(route[-1])
                for a, predicate, b in joins:
                    diagram.node(a)
                    diagram.node(b)
                    diagram.edge(a, predicate, b, kg.graph.edges[a, b, predicate]["relation"].contribution)


def _part_chain(kg: KnowledgeGraph, region: str, site: str, max_depth: int = 6) -> list[tuple[str, str, str]]:
    """The ``part_of`` steps joining a path's end to the site: up from a part to the site, or up from the site to a whole."""
    for low, high in ((region, site), (site, region)):
        parent: dict[str, str | None] = {low: None}
        frontier = [low]
        for _ in range(max_depth):
            reached = []
            for n in frontier:
                for r in sorted(kg.outgoing(n, _PART_OF), key=lambda r: r.object):
                    if r.object not in parent:
                        parent[r.object] = n
                        reached.append(r.object)
            frontier = reached
        if high in parent:
            chain: list[tuple[str, str, str]] = []
            node = high
            while (prev := parent[node]) is not None:
                chain.append((prev, "part_of", node))
                node = prev
            return chain[::-1]
    return []


#: How the finding at each kind of site reads in a note, with the site's label.
_FINDING_TEXT = {
    "SkinRegion": "numbness of the {}",
    "Muscle": "weakness of the {}",
    "Movement": "weakness of {}",
    "PelvicFunction": "a loss of {}",
    "Reflex": "a reduced or absent {}",
    "Joint": "pain in the {}",
}


def _proximal_note(kg: KnowledgeGraph, site: str, diagram: _Diagram) -> str:
    e = kg.entity(site)
    finding = _FINDING_TEXT[e.type].format(e.label)
    if len(diagram.nodes) == 1 and not diagram.truncated:
        return f"No root, nerve or plexus in the graph explains {finding}."
    return (
        f"Every root, nerve and plexus whose lesion can cause {finding}, with the paths that explain it "
        "(regions or muscles nested in or around the site count for it)"
        + ("; the walk's bounds left some paths out" if diagram.bounded else "")
        + _cut(diagram)
    )


# ---------------------------------------------------------------- neighbourhood


def _neighbourhood(kg: KnowledgeGraph, seed: str, diagram: _Diagram) -> None:
    """One relation out both ways (no segmental supply), as :func:`graph.export.subgraph` gives it."""
    sub = subgraph(kg, seed, 1, "both", max_nodes=EXPORT_MAX_NODES)
    for e in sub.nodes:
        diagram.node(e.id)
    for r in sub.relations:
        if r.subject in diagram.nodes and r.object in diagram.nodes:
            diagram.edge(r.subject, r.predicate, r.object, r.contribution)


def _neighbourhood_note(kg: KnowledgeGraph, seed: str, diagram: _Diagram) -> str:
    e = kg.entity(seed)
    rest = "with the relations among them (segmental supply left out)"
    if e.type in DISTAL_TYPES:
        return (
            f"Nothing is recorded distal to the {e.label}, so this shows what lies one relation away, both ways, {rest}"
            + _cut(diagram)
        )
    return f"The entities one relation away from the {e.label}, both ways, {rest}" + _cut(diagram)
