"""Finding entities by name: labels and synonyms, case-insensitive, best match first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .errors import InvalidQuery, UnresolvedSite
from .model import Entity, KnowledgeGraph, normalise_id

_NON_WORD = re.compile(r"[^0-9a-z]+")
_STOP_WORDS = frozenset({"the", "a", "an"})
#: Fuzzy matching costs grow with the text's length. No name in the graph is much longer, so a
#: longer text is compared by its beginning: a 200-character site took 130 ms, now 30 ms.
MAX_FUZZY_CHARS = 64


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, articles dropped.

    >>> normalise("The Achilles' reflex")
    'achilles reflex'
    >>> normalise("L4/L5 disc")
    'l4 l5 disc'
    """
    words = _NON_WORD.sub(" ", text.lower()).split()
    return " ".join(w for w in words if w not in _STOP_WORDS)


@dataclass(frozen=True)
class Match:
    entity: Entity
    score: float
    matched: str  # the label or synonym that matched


@dataclass(frozen=True)
class NameIndex:
    """Every label and synonym, normalised, pointing at its entity."""

    names: tuple[tuple[str, str, bool], ...]  # (normalised name, entity id, is the label)
    #: normalised name → the ids it names, for exact lookups
    exact: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, kg: KnowledgeGraph) -> NameIndex:
        names: list[tuple[str, str, bool]] = []
        for e in sorted(kg.entities(), key=lambda e: e.id):
            names.append((normalise(e.label), e.id, True))
            names.extend((normalise(s), e.id, False) for s in e.synonyms)
            names.append((normalise(e.id.replace("_", " ")), e.id, False))
        kept = tuple(n for n in names if n[0])
        exact: dict[str, list[str]] = {}
        for name, ident, _ in kept:
            exact.setdefault(name, []).append(ident)
        return cls(kept, {k: tuple(dict.fromkeys(v)) for k, v in exact.items()})


def _score(query: str, name: str, is_label: bool) -> float:
    bonus = 1.0 if is_label else 0.0
    if name == query:
        return 100 + bonus
    if name.startswith(query):
        return 80 + bonus - min(len(name) - len(query), 40) / 10
    words = name.split()
    q_words = query.split()
    if all(any(w.startswith(q) for w in words) for q in q_words):
        return 60 + bonus - min(len(name), 60) / 20
    if query in name:
        return 40 + bonus
    return 0.0


def search(
    kg: KnowledgeGraph,
    index: NameIndex,
    query: str,
    types: Iterable[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Match], int]:
    """Entities whose label or synonym matches ``query``, best first; and the total count.

    Exact names rank first, then prefixes, then every query word starting a word of the
    name, then substrings. An empty query lists every entity (of the types asked) by label.
    """
    wanted = frozenset(types) if types else None
    q = normalise(query)
    best: dict[str, Match] = {}
    for name, ident, is_label in index.names:
        entity = kg.entity(ident)
        if wanted is not None and entity.type not in wanted:
            continue
        score = _score(q, name, is_label) if q else 1.0
        if score <= 0:
            continue
        current = best.get(ident)
        if current is None or score > current.score:
            best[ident] = Match(entity, score, entity.label if is_label or not q else name)
    ranked = sorted(best.values(), key=lambda m: (-m.score, len(m.entity.label), m.entity.label, m.entity.id))
    return ranked[offset : offset + limit], len(ranked)


def closest(
    kg: KnowledgeGraph, index: NameIndex, text: str, types: Iterable[str] | None = None, limit: int = 5
) -> list[tuple[str, str]]:
    """The ``(id, label)`` of the entities whose names are nearest to ``text`` (fuzzy)."""
    allowed = {e.id for e in kg.of_type(*types)} if types else None  # a set: one lookup per name, not one entity
    choices = [(name, ident) for name, ident, _ in index.names if allowed is None or ident in allowed]
    query = normalise(text)[:MAX_FUZZY_CHARS]
    scored = process.extract(query, [c[0] for c in choices], scorer=fuzz.WRatio, limit=limit * 4)
    out: list[tuple[str, str]] = []
    for _, _, i in scored:
        ident = choices[i][1]
        if ident not in (o[0] for o in out):
            out.append((ident, kg.entity(ident).label))
        if len(out) == limit:
            break
    return out


def resolve(kg: KnowledgeGraph, index: NameIndex, text: str, types: Sequence[str] | None = None) -> Entity:
    """The one entity that ``text`` names exactly (id, CURIE, label or synonym).

    ``types`` lists the classes allowed, in order of preference: a name shared by a skin
    region and a joint ("knee") resolves to the first class that has it once. Refuses to
    guess otherwise: anything but an exact name raises :class:`UnresolvedSite` with the
    closest names, so a typo never becomes a silently wrong answer.
    """
    wanted = frozenset(types) if types else None
    local = normalise_id(text)
    if local in kg and (wanted is None or kg.entity(local).type in wanted):
        return kg.entity(local)
    q = normalise(text)
    hits = sorted({ident for ident in index.exact.get(q, ()) if wanted is None or kg.entity(ident).type in wanted})
    if len(hits) == 1:
        return kg.entity(hits[0])
    if len(hits) > 1:
        labelled = [i for i in hits if normalise(kg.entity(i).label) == q]
        if len(labelled) == 1:  # the label wins over a synonym shared with another entity
            return kg.entity(labelled[0])
        for cls in types or ():
            of_class = [i for i in hits if kg.entity(i).type == cls]
            if len(of_class) == 1:
                return kg.entity(of_class[0])
        options = [(i, kg.entity(i).label) for i in hits]
        raise InvalidQuery(
            f"{text!r} names several entities: {', '.join(f'{label} (RADIX:{i})' for i, label in options)}; use one of their ids",
            options,
        )
    raise UnresolvedSite(text, closest(kg, index, text, types))
