"""The in-memory graph: entities as networkx nodes, sourced relations as typed edges.

Built once by :mod:`loaders.rdf` from the Turtle and cached; read-only while serving.
Literals are node attributes, never nodes; only schema relations become edges, keyed by
relation name (``MultiDiGraph`` key), each carrying the assertions that source it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import networkx as nx

from .errors import EntityNotFound
from .vocabulary import PREFIX


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    url: str
    tier: str


@dataclass(frozen=True)
class Assertion:
    """One sourced statement of a relation, with its qualifiers."""

    sources: tuple[str, ...]
    contribution: str | None = None  # major | minor
    map: str | None = None  # dermatome map id
    note: str | None = None


@dataclass(frozen=True)
class Entity:
    id: str  # local name
    type: str
    label: str
    synonyms: tuple[str, ...] = ()
    definition: str = ""
    exact_match: tuple[str, ...] = ()
    close_match: tuple[str, ...] = ()

    @property
    def curie(self) -> str:
        return f"{PREFIX}:{self.id}"


@dataclass(frozen=True)
class Relation:
    subject: str
    predicate: str
    object: str
    assertions: tuple[Assertion, ...]

    @property
    def contribution(self) -> str:
        """major if any assertion says major (or none qualifies it), else minor."""
        values = [a.contribution for a in self.assertions if a.contribution]
        return "minor" if values and "major" not in values else "major"

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for a in self.assertions for s in a.sources))

    @property
    def maps(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.map for a in self.assertions if a.map))


def stronger(a: str, b: str) -> str:
    """The stronger of two contributions (major beats minor)."""
    return "major" if "major" in (a, b) else "minor"


def weaker(a: str, b: str) -> str:
    return "minor" if "minor" in (a, b) else "major"


@dataclass
class KnowledgeGraph:
    """Entities, relations and sources, with the derived segmental supply of each node."""

    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    sources: dict[str, Source] = field(default_factory=dict)
    maps: dict[str, str] = field(default_factory=dict)  # map id → label
    version: str = ""
    #: node → {spinal nerve id: contribution}, from root_value relations
    segments: dict[str, dict[str, str]] = field(default_factory=dict)
    #: where each entity was defined (file name), for validation messages
    defined_in: dict[str, str] = field(default_factory=dict)

    # -- building (loaders only)

    def add_entity(self, entity: Entity) -> None:
        self.graph.add_node(entity.id, entity=entity)

    def add_relation(self, relation: Relation) -> None:
        self.graph.add_edge(relation.subject, relation.object, key=relation.predicate, relation=relation)
        if relation.predicate == "root_value":
            seg = self.segments.setdefault(relation.subject, {})
            seg[relation.object] = stronger(seg.get(relation.object, "minor"), relation.contribution)

    # -- reading

    def __contains__(self, ident: object) -> bool:
        return isinstance(ident, str) and ident in self.graph

    def entity(self, ident: str) -> Entity:
        """The entity with this local name or CURIE; :class:`EntityNotFound` otherwise."""
        local = normalise_id(ident)
        node: dict[str, Any] | None = self.graph.nodes.get(local)
        if node is None:
            raise EntityNotFound(ident)
        entity: Entity = node["entity"]
        return entity

    def entities(self) -> list[Entity]:
        return [data["entity"] for _, data in self.graph.nodes(data=True)]

    def relations(self) -> list[Relation]:
        return [data["relation"] for _, _, data in self.graph.edges(data=True)]

    def outgoing(self, ident: str, predicates: frozenset[str] | None = None) -> list[Relation]:
        return [
            data["relation"]
            for _, _, key, data in self.graph.out_edges(ident, keys=True, data=True)
            if predicates is None or key in predicates
        ]

    def incoming(self, ident: str, predicates: frozenset[str] | None = None) -> list[Relation]:
        return [
            data["relation"]
            for _, _, key, data in self.graph.in_edges(ident, keys=True, data=True)
            if predicates is None or key in predicates
        ]

    def segments_of(self, ident: str) -> MappingProxyType[str, str] | None:
        """The spinal segments a node carries, or None when it records none."""
        seg = self.segments.get(ident)
        return MappingProxyType(seg) if seg is not None else None

    def of_type(self, *types: str) -> list[Entity]:
        return [e for e in self.entities() if e.type in types]

    @property
    def entity_count(self) -> int:
        return int(self.graph.number_of_nodes())

    @property
    def relation_count(self) -> int:
        return int(self.graph.number_of_edges())


def normalise_id(ident: str) -> str:
    """Accept ``RADIX:femoral_nerve``, ``femoral_nerve`` or the full IRI.

    >>> normalise_id("RADIX:femoral_nerve")
    'femoral_nerve'
    >>> normalise_id("https://w3id.org/radix/femoral_nerve")
    'femoral_nerve'
    """
    ident = ident.strip()
    for prefix in (f"{PREFIX}:", f"{PREFIX.lower()}:", "https://w3id.org/radix/"):
        if ident.startswith(prefix):
            return ident[len(prefix) :]
    return ident
