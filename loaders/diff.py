"""What changed between two versions of the graph: relations with their sources, entities, sources.

Both sides are read straight from Turtle, without validation or cache, so an old release that
today's checks would refuse can still be compared. Relations are keyed by
(subject, relation, object) local names and carry the ``owl:Axiom`` annotations of their
triple, as the loader builds them (:mod:`loaders.rdf`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from graph.errors import RadixError
from graph.model import Assertion, Entity, Relation, Source
from graph.vocabulary import BASE_IRI, ENTITY_CLASSES, RELATIONS, SCHEMA_ORG, curie, local_name, term

from .rdf import parse_files, source_id, xref_curie
from .tables import TURTLE_PREFIXES

T = TypeVar("T")
C = TypeVar("C")
K = TypeVar("K", str, tuple[str, str, str])


class NoTurtleFiles(RadixError):
    """A diff input that is missing or holds no Turtle."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        super().__init__(f"{path}: {why}")


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class Changes(Generic[T, C]):
    """What one side has that the other has not, and what both have but differently."""

    added: tuple[T, ...] = ()
    removed: tuple[T, ...] = ()
    changed: tuple[C, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class RelationChange:
    """The same triple asserted differently: its assertions before and after, and a summary."""

    subject: str
    predicate: str
    object: str
    before: tuple[Assertion, ...]
    after: tuple[Assertion, ...]
    qualifiers_before: str
    qualifiers_after: str
    sources_added: tuple[str, ...]
    sources_removed: tuple[str, ...]
    notes_changed: bool


@dataclass(frozen=True)
class FieldChange:
    field: str  # type | label | definition | synonyms | exact_match | close_match
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class EntityChange:
    id: str
    label: str  # the new label
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class SourceChange:
    id: str
    before: Source
    after: Source


@dataclass(frozen=True)
class Side:
    """What was read on one side, for the summary."""

    files: tuple[str, ...]
    triples: int
    relations: int
    entities: int
    sources: int


@dataclass(frozen=True)
class GraphDiff:
    """Ids are local names (``femoral_nerve``); sources are source ids (``kenhub_lumbar_plexus``)."""

    old: Side
    new: Side
    relations: Changes[Relation, RelationChange]
    entities: Changes[Entity, EntityChange]
    sources: Changes[Source, SourceChange]
    #: every other statement without a blank node (schema, ontology header), one Turtle-like line each
    other: Changes[str, str]

    @property
    def identical(self) -> bool:
        return all(c.empty for c in (self.relations, self.entities, self.sources, self.other))


# ---------------------------------------------------------------- reading one side


def turtle_files(path: Path) -> list[Path]:
    """The Turtle files a path stands for: the file itself, or a folder's ``*.ttl``, sorted.

    A folder with a ``modules/`` subfolder is a ``graph/`` folder: its ``ontology.ttl`` and
    ``modules/*.ttl`` are read, as the loader reads the shipped graph (``shapes.ttl`` is not content).
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise NoTurtleFiles(path, "no such file or directory")
    if (path / "modules").is_dir():
        files = [p for p in (path / "ontology.ttl",) if p.is_file()] + sorted((path / "modules").glob("*.ttl"))
    else:
        files = sorted(path.glob("*.ttl"))
    if not files:
        raise NoTurtleFiles(path, "no Turtle (*.ttl) files in this directory")
    return files


@dataclass(frozen=True)
class _Snapshot:
    side: Side
    relations: Mapping[tuple[str, str, str], Relation]
    entities: Mapping[str, Entity]
    sources: Mapping[str, Source]
    other: frozenset[str]


#: Properties of entities and sources that the entity and source sections already compare.
_DESCRIBED = frozenset(
    {
        RDF.type,
        RDFS.label,
        SKOS.altLabel,
        SKOS.definition,
        SKOS.exactMatch,
        SKOS.closeMatch,
        DCTERMS.bibliographicCitation,
        SCHEMA_ORG.url,
        term("tier"),
    }
)
_RELATION_IRIS = {term(name): name for name in RELATIONS}
_ENTITY_OR_SOURCE = frozenset(term(name) for name in (*ENTITY_CLASSES, "Source"))


def _prefixed() -> Graph:
    """An empty graph carrying the shipped modules' prefixes, to print statements compactly."""
    return Graph().parse(data=TURTLE_PREFIXES, format="turtle")


def _first(g: Graph, s: Node, p: URIRef) -> str:
    """One value of a property, the same one every time when (wrongly) there are several."""
    return min((str(x) for x in g.objects(s, p)), default="")


def _all(g: Graph, s: Node, p: URIRef, show: Callable[[str], str] = str) -> tuple[str, ...]:
    return tuple(sorted(show(str(x)) for x in g.objects(s, p)))


def _entities_and_sources(g: Graph) -> tuple[dict[str, Entity], dict[str, Source]]:
    classes: dict[Node, list[str]] = defaultdict(list)
    sources: dict[str, Source] = {}
    for s, o in g.subject_objects(RDF.type):
        if isinstance(s, BNode) or not str(o).startswith(BASE_IRI):
            continue
        if o == term("Source"):
            ident = source_id(str(s))
            citation, url, tier = (_first(g, s, p) for p in (DCTERMS.bibliographicCitation, SCHEMA_ORG.url, term("tier")))
            sources[ident] = Source(ident, citation, url, tier)
        elif local_name(str(o)) in ENTITY_CLASSES:
            classes[s].append(local_name(str(o)))
    entities = {
        (ident := local_name(str(s))): Entity(
            ident,
            ", ".join(sorted(names)),  # several classes is a modelling error: show them all
            _first(g, s, RDFS.label),
            _all(g, s, SKOS.altLabel),
            _first(g, s, SKOS.definition),
            _all(g, s, SKOS.exactMatch, xref_curie),
            _all(g, s, SKOS.closeMatch, xref_curie),
        )
        for s, names in classes.items()
    }
    return entities, sources


def _relations(g: Graph) -> dict[tuple[str, str, str], Relation]:
    """Every schema relation, with the assertions of the ``owl:Axiom`` nodes that annotate its triple."""
    annotations: dict[tuple[Node, Node, Node], list[Assertion]] = defaultdict(list)
    for axiom in g.subjects(RDF.type, OWL.Axiom):
        a_s, a_p, a_o = (g.value(axiom, q) for q in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        if a_s is None or a_p is None or a_o is None:
            continue
        contribution, map_iri, note = (g.value(axiom, q) for q in (term("contribution"), term("map"), RDFS.comment))
        annotations[(a_s, a_p, a_o)].append(
            Assertion(
                _all(g, axiom, DCTERMS.source, source_id),
                str(contribution) if contribution is not None else None,
                local_name(str(map_iri)) if map_iri is not None else None,
                str(note) if note is not None else None,
            )
        )
    relations: dict[tuple[str, str, str], Relation] = {}
    for predicate, name in _RELATION_IRIS.items():
        for s, o in g.subject_objects(predicate):
            key = (local_name(str(s)), name, local_name(str(o)))
            relations[key] = Relation(*key, tuple(sorted(annotations.get((s, predicate, o), []), key=repr)))
    return relations


def _other(g: Graph) -> frozenset[str]:
    """Statements the other sections do not compare, one line each; blank nodes (axioms, OWL lists) are left out."""
    described = {s for s, o in g.subject_objects(RDF.type) if o in _ENTITY_OR_SOURCE}
    names = _prefixed().namespace_manager
    return frozenset(
        " ".join(x.n3(names) for x in (s, p, o))
        for s, p, o in g
        if not any(isinstance(x, BNode) for x in (s, p, o))
        and p not in _RELATION_IRIS
        and not (s in described and p in _DESCRIBED)
    )


def _read(paths: Sequence[Path]) -> _Snapshot:
    files = list(dict.fromkeys(f for p in paths for f in turtle_files(p)))
    g = parse_files(files)
    entities, sources = _entities_and_sources(g)
    relations = _relations(g)
    side = Side(tuple(str(f) for f in files), len(g), len(relations), len(entities), len(sources))
    return _Snapshot(side, relations, entities, sources, _other(g))


# ---------------------------------------------------------------- comparing


def qualifiers(assertions: Iterable[Assertion]) -> str:
    """The contributions and dermatome maps of a relation's assertions, in short.

    >>> qualifiers([Assertion(("a",), "minor")])
    'minor'
    >>> qualifiers([Assertion(("a",), "major", "isncsci"), Assertion(("b",), "minor", "foerster")])
    'major on isncsci, minor on foerster'
    >>> qualifiers([Assertion(("a",))])
    ''
    """
    shown = {" on ".join(filter(None, (a.contribution, a.map))) for a in assertions}
    return ", ".join(sorted(shown - {""}))


def _sources(assertions: Iterable[Assertion]) -> set[str]:
    return {s for a in assertions for s in a.sources}


def _relation_change(old: Relation, new: Relation) -> RelationChange:
    before, after = _sources(old.assertions), _sources(new.assertions)
    return RelationChange(
        old.subject,
        old.predicate,
        old.object,
        old.assertions,
        new.assertions,
        qualifiers(old.assertions),
        qualifiers(new.assertions),
        tuple(sorted(after - before)),
        tuple(sorted(before - after)),
        sorted(filter(None, (a.note for a in old.assertions))) != sorted(filter(None, (a.note for a in new.assertions))),
    )


def _fields(e: Entity) -> dict[str, tuple[str, ...]]:
    return {
        "type": (e.type,),
        "label": (e.label,),
        "definition": (e.definition,) if e.definition else (),
        "synonyms": e.synonyms,
        "exact_match": e.exact_match,
        "close_match": e.close_match,
    }


def _entity_change(old: Entity, new: Entity) -> EntityChange | None:
    a, b = _fields(old), _fields(new)
    changes = tuple(FieldChange(name, a[name], b[name]) for name in a if a[name] != b[name])
    return EntityChange(new.id, new.label, changes) if changes else None


def _compare(old: Mapping[K, T], new: Mapping[K, T], change: Callable[[T, T], C | None]) -> Changes[T, C]:
    """Added, removed and changed values of two keyed collections, in key order."""
    changed = (change(old[k], new[k]) for k in sorted(old.keys() & new.keys()) if old[k] != new[k])
    return Changes(
        tuple(new[k] for k in sorted(new.keys() - old.keys())),
        tuple(old[k] for k in sorted(old.keys() - new.keys())),
        tuple(c for c in changed if c is not None),
    )


def diff_graphs(old: Sequence[Path], new: Sequence[Path]) -> GraphDiff:
    """Compare two versions of the graph, each one or more Turtle files or folders (see :func:`turtle_files`).

    A syntax error raises :class:`loaders.rdf.TurtleSyntaxError` naming the file and line; a
    missing path raises :class:`NoTurtleFiles`.
    """
    a, b = _read(old), _read(new)
    return GraphDiff(
        a.side,
        b.side,
        _compare(a.relations, b.relations, _relation_change),
        _compare(a.entities, b.entities, _entity_change),
        _compare(a.sources, b.sources, lambda x, y: SourceChange(x.id, x, y)),
        Changes(tuple(sorted(b.other - a.other)), tuple(sorted(a.other - b.other))),
    )


# ---------------------------------------------------------------- the report


def _ref(ident: str) -> str:
    return curie(ident) if ":" not in ident else f"<{ident}>"  # a full IRI outside the Radix namespace


def relation_line(mark: str, r: Relation) -> str:
    """``+ RADIX:femoral_nerve root_value RADIX:spinal_nerve_L1 (minor) [sources: anatomyapp_femoral]``."""
    q = qualifiers(r.assertions)
    sources = ", ".join(r.sources) or "none"
    return f"{mark} {_ref(r.subject)} {r.predicate} {_ref(r.object)}{f' ({q})' if q else ''} [sources: {sources}]"


def _quoted(text: str) -> str:
    return f'"{text}"'


def _plus_minus(added: Sequence[str], removed: Sequence[str], show: Callable[[str], str] = str) -> str:
    """``+ a, b − c``."""
    parts = [f"{sign} {', '.join(map(show, xs))}" for sign, xs in (("+", added), ("−", removed)) if xs]
    return " ".join(parts)


def _files(side: Side) -> str:
    """One file by its path; several by their common folder (the JSON form lists them all)."""
    if len(side.files) == 1:
        return side.files[0]
    return f"{os.path.commonpath(side.files)} ({len(side.files)} files)"


def _change_line(c: RelationChange) -> str:
    parts = []
    if c.qualifiers_before != c.qualifiers_after:
        name = "qualifiers" if " on " in c.qualifiers_before + c.qualifiers_after else "contribution"
        parts.append(f"{name} {c.qualifiers_before or 'none'} → {c.qualifiers_after or 'none'}")
    if c.sources_added or c.sources_removed:
        parts.append(f"sources {_plus_minus(c.sources_added, c.sources_removed)}")
    if c.notes_changed:
        parts.append("note changed")
    if not parts:  # same sources and qualifiers, grouped into other axioms
        parts.append(f"assertions regrouped ({len(c.before)} → {len(c.after)})")
    return f"~ {_ref(c.subject)} {c.predicate} {_ref(c.object)}: {'; '.join(parts)}"


def _field_line(f: FieldChange) -> str:
    if f.field in {"synonyms", "exact_match", "close_match"}:
        added, removed = sorted(set(f.after) - set(f.before)), sorted(set(f.before) - set(f.after))
        return f"{f.field} {_plus_minus(added, removed, _quoted if f.field == 'synonyms' else str)}"
    if f.field == "definition":
        return "definition " + ("added" if not f.before else "removed" if not f.after else "changed")
    return f"{f.field} {', '.join(map(_quoted, f.before))} → {', '.join(map(_quoted, f.after))}"


def _source_change_line(c: SourceChange) -> str:
    parts = [
        f"{name} {_quoted(old)} → {_quoted(new)}"
        for name, old, new in (
            ("citation", c.before.citation, c.after.citation),
            ("url", c.before.url, c.after.url),
            ("tier", c.before.tier, c.after.tier),
        )
        if old != new
    ]
    return f"~ {c.id}: {'; '.join(parts)}"


def _count(c: Changes[T, C]) -> str:
    return f"+{len(c.added)} −{len(c.removed)} ~{len(c.changed)}"


def to_text(diff: GraphDiff) -> str:
    """A readable report, one section per kind of change, ending with a summary count line."""
    sections: list[tuple[str, list[str]]] = [
        (
            "Relations",
            [relation_line("+", r) for r in diff.relations.added]
            + [relation_line("-", r) for r in diff.relations.removed]
            + [_change_line(c) for c in diff.relations.changed],
        ),
        (
            "Entities",
            [f"+ {_ref(e.id)} ({e.label}, {e.type})" for e in diff.entities.added]
            + [f"- {_ref(e.id)} ({e.label}, {e.type})" for e in diff.entities.removed]
            + [f"~ {_ref(c.id)} ({c.label}): {'; '.join(map(_field_line, c.changes))}" for c in diff.entities.changed],
        ),
        (
            "Sources",
            [f"+ {s.id}: {s.citation} <{s.url}>" for s in diff.sources.added]
            + [f"- {s.id}: {s.citation} <{s.url}>" for s in diff.sources.removed]
            + [_source_change_line(c) for c in diff.sources.changed],
        ),
        ("Other statements", [f"+ {t}" for t in diff.other.added] + [f"- {t}" for t in diff.other.removed]),
    ]
    lines = [f"--- {_files(diff.old)}", f"+++ {_files(diff.new)}"]
    for title, body in sections:
        if body:
            lines += ["", f"{title} ({len(body)})", *body]
    summary = (
        f"relations {_count(diff.relations)} ({diff.old.relations} → {diff.new.relations}); "
        f"entities {_count(diff.entities)} ({diff.old.entities} → {diff.new.entities}); "
        f"sources {_count(diff.sources)} ({diff.old.sources} → {diff.new.sources}); "
        f"other statements +{len(diff.other.added)} −{len(diff.other.removed)}"
    )
    lines += ["", ("identical: " if diff.identical else "") + summary]
    return "\n".join(lines) + "\n"
