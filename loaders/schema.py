"""The schema as the loaders need it: class hierarchy and each relation's kind, domain and range.

Read from ``graph/ontology.ttl`` so that the ontology stays the one statement of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.vocabulary import BASE_IRI, CLASSES, RADIX, RELATIONS, local_name, term

from .paths import ontology_file


@dataclass(frozen=True)
class RelationSpec:
    name: str
    kind: str  # distal | segmental | context
    domain: frozenset[str]  # class local names; empty = any
    range: frozenset[str]


@dataclass(frozen=True)
class Schema:
    relations: dict[str, RelationSpec]
    #: class → itself and all its superclasses
    ancestors: dict[str, frozenset[str]]

    def is_a(self, cls: str, expected: frozenset[str]) -> bool:
        """Whether an individual of class ``cls`` fits a domain or range (empty = anything)."""
        return not expected or bool(self.ancestors.get(cls, frozenset({cls})) & expected)


def _class_set(g: Graph, node: Node | None) -> frozenset[str]:
    if node is None:
        return frozenset()
    if isinstance(node, URIRef):
        return frozenset({local_name(str(node))})
    union = g.value(node, OWL.unionOf)
    if union is None:
        return frozenset()
    return frozenset(local_name(str(m)) for m in Collection(g, union))


@cache
def load_schema(path: Path | None = None) -> Schema:
    g = Graph()
    g.parse(path or ontology_file(), format="turtle")
    relations: dict[str, RelationSpec] = {}
    for name in RELATIONS:
        iri = term(name)
        if (iri, RDF.type, OWL.ObjectProperty) not in g:
            raise ValueError(f"ontology.ttl does not declare relation {name}")
        kind = str(g.value(iri, RADIX.relationKind) or "")
        relations[name] = RelationSpec(
            name,
            kind,
            _class_set(g, g.value(iri, RDFS.domain)),
            _class_set(g, g.value(iri, RDFS.range)),
        )
    parents: dict[str, set[str]] = {c: set() for c in CLASSES}
    for sub, sup in g.subject_objects(RDFS.subClassOf):
        if str(sub).startswith(BASE_IRI) and str(sup).startswith(BASE_IRI):
            parents.setdefault(local_name(str(sub)), set()).add(local_name(str(sup)))

    def up(c: str) -> frozenset[str]:
        out = {c}
        for p in parents.get(c, ()):
            out |= up(p)
        return frozenset(out)

    return Schema(relations, {c: up(c) for c in parents})
