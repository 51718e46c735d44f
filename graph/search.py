"""Finding entities by name: labels and synonyms, case-insensitive, best match first."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .errors import InvalidQuery, UnresolvedSite
from .model import Entity, KnowledgeGraph, normalise_id
from .traversal import adjacency, collector_paused

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
    """Every label and synonym, normalised, pointing at its entity; and ways to find names without reading them all.

    Search used to score every name of the graph for each query; on a graph of two million
    triples that is 231,000 names. The index finds the names a query can match through its
    words instead (a name matches only if it contains the query, or if every word of the query
    starts one of its words), so a query costs what it finds.
    """

    names: tuple[tuple[str, str, bool], ...]  # (normalised name, entity id, is the label)
    #: normalised name → the ids it names, for exact lookups
    exact: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    #: every word of a name, sorted, and word → the positions in ``names`` of the names that hold it
    vocabulary: tuple[str, ...] = field(default=(), compare=False)
    postings: dict[str, array[int]] = field(default_factory=dict, compare=False)
    #: the positions in ``names``, ordered by name (a query's prefixes are one run of it), and those names
    by_name: array[int] = field(default_factory=lambda: array("I"), compare=False)
    sorted_names: tuple[str, ...] = field(default=(), compare=False)
    #: class → the positions in ``names`` of its entities' names, in order
    by_type: dict[str, array[int]] = field(default_factory=dict, compare=False)
    #: the ids of the entities named, as an empty query lists them (shortest label first)
    listing: tuple[str, ...] = field(default=(), compare=False)
    #: the entities numbered (in id order): each one's class, each name's entity, and word → the
    #: entities with a name that holds it, so a query's matches are counted by entity
    entity_types: tuple[str, ...] = field(default=(), compare=False)
    entity_of: array[int] = field(default_factory=lambda: array("I"), compare=False)
    entity_postings: dict[str, array[int]] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, kg: KnowledgeGraph) -> NameIndex:
        with collector_paused():
            return cls._build(kg)

    @classmethod
    def _build(cls, kg: KnowledgeGraph) -> NameIndex:
        names: list[tuple[str, str, bool]] = []
        types: list[str] = []
        for e in sorted(kg.entities(), key=lambda e: e.id):
            names.append((normalise(e.label), e.id, True))
            names.extend((normalise(s), e.id, False) for s in e.synonyms)
            names.append((normalise(e.id.replace("_", " ")), e.id, False))
            types.extend([e.type] * (len(names) - len(types)))
        kept = tuple(n for n in names if n[0])
        kept_types = [t for n, t in zip(names, types, strict=True) if n[0]]
        exact: dict[str, list[str]] = {}
        postings: dict[str, array[int]] = {}
        by_type: dict[str, array[int]] = {}
        numbers: dict[str, int] = {}  # entity id → its number
        entity_types: list[str] = []
        entity_of = array("I")
        entity_postings: dict[str, array[int]] = {}
        for i, (name, ident, _) in enumerate(kept):
            exact.setdefault(name, []).append(ident)
            number = numbers.get(ident)
            if number is None:
                number = numbers[ident] = len(numbers)
                entity_types.append(kept_types[i])
            entity_of.append(number)
            for word in dict.fromkeys(name.split()):
                postings.setdefault(word, array("I")).append(i)
                held = entity_postings.setdefault(word, array("I"))
                if not held or held[-1] != number:  # names come entity by entity
                    held.append(number)
            by_type.setdefault(kept_types[i], array("I")).append(i)
        order = sorted(range(len(kept)), key=lambda i: kept[i][0])
        named = [kg.entity(ident) for ident in numbers]
        return cls(
            kept,
            {k: tuple(dict.fromkeys(v)) for k, v in exact.items()},
            tuple(sorted(postings)),
            postings,
            array("I", order),
            tuple(kept[i][0] for i in order),
            by_type,
            tuple(e.id for e in sorted(named, key=lambda e: (len(e.label), e.label, e.id))),
            tuple(entity_types),
            entity_of,
            entity_postings,
        )

    def holding(self, words: Iterable[str]) -> set[int]:
        """The names holding any of ``words``."""
        found: set[int] = set()
        for w in words:
            found.update(self.postings[w])
        return found

    def entities_holding(self, words: Iterable[str]) -> set[int]:
        """The entities with a name holding any of ``words``."""
        found: set[int] = set()
        for w in words:
            found.update(self.entity_postings[w])
        return found

    def starting(self, prefix: str) -> list[str]:
        """The words that start with ``prefix`` (a run of the sorted vocabulary)."""
        lo = bisect_left(self.vocabulary, prefix)
        hi = bisect_left(self.vocabulary, prefix + "\U0010ffff", lo)
        return list(self.vocabulary[lo:hi])

    def prefixed(self, query: str) -> tuple[list[int], list[int]]:
        """The names that are ``query``, and those that start with it, in index order."""
        lo = bisect_left(self.sorted_names, query)
        mid = bisect_right(self.sorted_names, query, lo)
        hi = bisect_left(self.sorted_names, query + "\U0010ffff", mid)
        return sorted(self.by_name[lo:mid]), sorted(self.by_name[mid:hi])

    def word_prefixed(self, query: str) -> set[int]:
        """The names in which every word of ``query`` starts a word."""
        found: set[int] | None = None
        for q in dict.fromkeys(query.split()):
            holding = self.holding(self.starting(q))
            found = holding if found is None else found & holding
            if not found:
                break
        return found or set()

    def containing(self, query: str) -> set[int]:
        """The names that contain ``query`` (normalised: words joined by single spaces)."""
        words = query.split(" ")
        if len(words) == 1:  # a name contains a single word iff one of its words does
            return self.holding(w for w in self.vocabulary if query in w)
        # a name containing "ior thi" has a word ending in "ior" and one starting with "thi"
        found = self.holding(w for w in self.vocabulary if w.endswith(words[0]))
        for middle in words[1:-1]:
            found &= set(self.postings.get(middle, ()))
        found &= self.holding(self.starting(words[-1]))
        return {i for i in found if query in self.names[i][0]}


def _exact(query: str, name: str, bonus: float) -> float:
    return 100 + bonus


def _prefix(query: str, name: str, bonus: float) -> float:
    return 80 + bonus - min(len(name) - len(query), 40) / 10


def _words(query: str, name: str, bonus: float) -> float:
    return 60 + bonus - min(len(name), 60) / 20


def _substring(query: str, name: str, bonus: float) -> float:
    return 40 + bonus


def _score(query: str, name: str, is_label: bool) -> float:
    bonus = 1.0 if is_label else 0.0
    if name == query:
        return _exact(query, name, bonus)
    if name.startswith(query):
        return _prefix(query, name, bonus)
    words = name.split()
    q_words = query.split()
    if all(any(w.startswith(q) for w in words) for q in q_words):
        return _words(query, name, bonus)
    if query in name:
        return _substring(query, name, bonus)
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

    Each kind of match scores within its own band (exact 100-101, prefix 76-81, words 57-61,
    substring 40-41), so the ranking is the kinds one after the other: only the kinds the
    page falls in are scored; the others are only counted.
    """
    wanted = frozenset(types) if types else None
    q = normalise(query)
    if not q:
        of_type = adjacency(kg).type
        listed = [i for i in index.listing if wanted is None or of_type[i] in wanted]
        return [Match(kg.entity(i), 1.0, kg.entity(i).label) for i in listed[offset : offset + limit]], len(listed)
    exact, prefix = index.prefixed(q)
    entity_of = index.entity_of
    in_exact = set(map(entity_of.__getitem__, exact))
    in_prefix = set(map(entity_of.__getitem__, prefix)) - in_exact
    above = in_exact | in_prefix
    if " " not in q:  # one word: the entities counted from the words that start with it or hold it
        starts, holds = index.starting(q), [w for w in index.vocabulary if q in w]
        in_words = index.entities_holding(starts) - above
        in_substring = index.entities_holding(holds) - above - in_words

        def word_names() -> set[int]:
            return index.holding(starts).difference(exact, prefix)

        def substring_names() -> set[int]:
            return index.holding(holds).difference(exact, prefix, index.holding(starts))

    else:  # several words: a name must hold them all, so the names come first
        word_found = index.word_prefixed(q).difference(exact, prefix)
        substring_found = index.containing(q).difference(exact, prefix, word_found)
        in_words = set(map(entity_of.__getitem__, word_found)) - above
        in_substring = set(map(entity_of.__getitem__, substring_found)) - above - in_words

        def word_names() -> set[int]:
            return word_found

        def substring_names() -> set[int]:
            return substring_found

    kinds: list[tuple[Callable[[], Iterable[int]], Callable[[str, str, float], float], set[int]]] = [
        (lambda: exact, _exact, in_exact),
        (lambda: prefix, _prefix, in_prefix),
        (word_names, _words, in_words),
        (substring_names, _substring, in_substring),
    ]
    page: list[Match] = []
    position = 0
    for names, score, entities in kinds:
        if wanted is not None:
            entities = {e for e in entities if index.entity_types[e] in wanted}
        start, stop = max(offset - position, 0), offset + limit - position
        if stop > 0 and start < len(entities):  # the page reaches this kind: only now are its names ranked
            page += _rank(kg, index, q, sorted(names()), score, entities, stop)[start:stop]
        position += len(entities)
    return page, position


def _rank(
    kg: KnowledgeGraph,
    index: NameIndex,
    q: str,
    kind: Sequence[int],
    score: Callable[[str, str, float], float],
    entities: set[int],
    wanted: int,
) -> list[Match]:
    """The best ``wanted`` (and any tied with the last) of ``entities`` by their best name among ``kind``, best first.

    ``kind`` holds positions in index order, all matching as ``score`` scores (that part of
    :func:`_score`). An entity's best name is its highest scoring, the first in index order
    among equals. Names are taken best first, so only the entities that can reach the page are
    looked up: a common prefix on a large graph has hundreds.
    """
    names, entity_of = index.names, index.entity_of
    scored = [(-score(q, (n := names[i])[0], 1.0 if n[2] else 0.0), i) for i in kind if entity_of[i] in entities]
    scored.sort()
    best: dict[str, Match] = {}
    last = 0.0
    for negative, i in scored:
        name, ident, is_label = index.names[i]
        if ident in best:
            continue
        if len(best) >= wanted and -negative < last:
            break  # every entity still to come scores lower than those kept
        entity = kg.entity(ident)
        best[ident] = Match(entity, -negative, entity.label if is_label else name)
        last = -negative
    return sorted(best.values(), key=lambda m: (-m.score, len(m.entity.label), m.entity.label, m.entity.id))


def closest(
    kg: KnowledgeGraph, index: NameIndex, text: str, types: Iterable[str] | None = None, limit: int = 5
) -> list[tuple[str, str]]:
    """The ``(id, label)`` of the entities whose names are nearest to ``text`` (fuzzy)."""
    if types:
        places = sorted({i for t in dict.fromkeys(types) for i in index.by_type.get(t, ())})
        choices = [index.names[i] for i in places]
    else:
        choices = list(index.names)
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


def lookup(kg: KnowledgeGraph, index: NameIndex, text: str, types: Sequence[str] | None = None) -> Entity | None:
    """The one entity that ``text`` names exactly, as :func:`resolve`; None when it names none.

    Raises :class:`InvalidQuery` when it names several. Finds no suggestions: a caller that
    tries several classes computes the closest names (a fuzzy pass over every name) once.
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
    return None


def resolve(kg: KnowledgeGraph, index: NameIndex, text: str, types: Sequence[str] | None = None) -> Entity:
    """The one entity that ``text`` names exactly (id, CURIE, label or synonym).

    ``types`` lists the classes allowed, in order of preference: a name shared by a skin
    region and a joint ("knee") resolves to the first class that has it once. Refuses to
    guess otherwise: anything but an exact name raises :class:`UnresolvedSite` with the
    closest names, so a typo never becomes a silently wrong answer.
    """
    found = lookup(kg, index, text, types)
    if found is None:
        raise UnresolvedSite(text, closest(kg, index, text, types))
    return found
