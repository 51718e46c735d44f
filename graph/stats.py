"""Counts that say how complete and how well sourced the graph is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model import KnowledgeGraph


@dataclass(frozen=True)
class Stats:
    entities: int
    relations: int
    sources: int
    entities_by_class: dict[str, int]
    relations_by_predicate: dict[str, int]
    relations_with_source: int
    entities_with_xref: int
    entities_with_uberon: int
    entities_with_fma: int

    @property
    def share_relations_sourced(self) -> float:
        return self.relations_with_source / self.relations if self.relations else 1.0

    @property
    def share_entities_with_xref(self) -> float:
        return self.entities_with_xref / self.entities if self.entities else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "entities": self.entities,
            "relations": self.relations,
            "sources": self.sources,
            "entities_by_class": self.entities_by_class,
            "relations_by_predicate": self.relations_by_predicate,
            "relations_with_source": self.relations_with_source,
            "share_relations_sourced": round(self.share_relations_sourced, 4),
            "entities_with_xref": self.entities_with_xref,
            "share_entities_with_xref": round(self.share_entities_with_xref, 4),
            "entities_with_uberon": self.entities_with_uberon,
            "entities_with_fma": self.entities_with_fma,
        }


def compute_stats(kg: KnowledgeGraph) -> Stats:
    entities = kg.entities()
    relations = kg.relations()

    def has(prefix: str) -> int:
        return sum(1 for e in entities if any(x.startswith(prefix) for x in e.exact_match + e.close_match))

    return Stats(
        len(entities),
        len(relations),
        len(kg.sources),
        dict(sorted(Counter(e.type for e in entities).items())),
        dict(sorted(Counter(r.predicate for r in relations).items())),
        sum(1 for r in relations if r.sources),
        sum(1 for e in entities if e.exact_match or e.close_match),
        has("UBERON:"),
        has("FMA:"),
    )
