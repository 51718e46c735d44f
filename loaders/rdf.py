"""Turtle → rdflib → :class:`graph.model.KnowledgeGraph`, with a cache keyed by the files' content.

Only the schema's relations become edges; labels, synonyms, definitions and cross-references
become node attributes; each edge carries the ``owl:Axiom`` annotations (sources, qualifiers)
of its triple.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from graph.errors import GraphInvalid, RadixError
from graph.model import Assertion, Entity, KnowledgeGraph, Relation, Source
from graph.vocabulary import BASE_IRI, ENTITY_CLASSES, RELATIONS, SOURCE_BASE, XREF_PREFIXES, local_name

from .paths import graph_dir, shipped_turtle_files

if TYPE_CHECKING:
    from rdflib import Graph

#: Bump when the pickled structure changes, so old caches are ignored.
CACHE_FORMAT = "radix-graph-1"
#: Bump when what :func:`load_derived` stores changes shape in a way the code key does not catch.
DERIVED_FORMAT = "radix-derived-1"

T = TypeVar("T")


class TurtleSyntaxError(RadixError):
    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(f"{path}: not valid Turtle: {detail}")


def parse_files(paths: Sequence[Path]) -> Graph:
    """Parse Turtle files into one rdflib graph; a syntax error names the file."""
    from rdflib import Graph  # rdflib only where Turtle is parsed: a warm start reads the cache

    g = Graph()
    for path in paths:
        try:
            g.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types for bad syntax
            line = getattr(exc, "lines", None)
            why = getattr(exc, "_why", None) or (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
            raise TurtleSyntaxError(path, f"line {line + 1}: {why}" if isinstance(line, int) else str(why)) from exc
    return g


def xref_curie(iri: str) -> str:
    """``http://purl.obolibrary.org/obo/UBERON_0001267`` → ``UBERON:0001267`` (other IRIs unchanged)."""
    for prefix, base in XREF_PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def source_id(iri: str) -> str:
    """A source IRI → its id (``…/source/kenhub_x`` → ``kenhub_x``)."""
    return iri[len(SOURCE_BASE) :] if iri.startswith(SOURCE_BASE) else iri


def to_knowledge_graph(g: Graph, version: str = "") -> KnowledgeGraph:
    """Project the RDF graph onto networkx: entities as nodes, schema relations as edges."""
    from rdflib import OWL, RDF, RDFS, SKOS, URIRef
    from rdflib.namespace import DCTERMS

    from graph.vocabulary import RADIX, SCHEMA_ORG  # rdflib namespaces: imported with rdflib, only here

    kg = KnowledgeGraph(version=version)
    for s, o in g.subject_objects(RDF.type):
        if not str(o).startswith(BASE_IRI) or not str(s).startswith(BASE_IRI):
            continue
        cls = local_name(str(o))
        if cls == "Source":
            kg.sources[source_id(str(s))] = Source(
                source_id(str(s)),
                str(g.value(s, DCTERMS.bibliographicCitation) or ""),
                str(g.value(s, SCHEMA_ORG.url) or ""),
                str(g.value(s, RADIX.tier) or ""),
            )
        elif cls == "DermatomeMap":
            kg.maps[local_name(str(s))] = str(g.value(s, RDFS.label) or local_name(str(s)))
        elif cls in ENTITY_CLASSES:
            ident = local_name(str(s))
            kg.add_entity(
                Entity(
                    ident,
                    cls,
                    str(g.value(s, RDFS.label) or ident),
                    tuple(sorted(str(x) for x in g.objects(s, SKOS.altLabel))),
                    str(g.value(s, SKOS.definition) or ""),
                    tuple(sorted(xref_curie(str(x)) for x in g.objects(s, SKOS.exactMatch))),
                    tuple(sorted(xref_curie(str(x)) for x in g.objects(s, SKOS.closeMatch))),
                )
            )
    annotations: dict[tuple[str, str, str], list[Assertion]] = defaultdict(list)
    for axiom in g.subjects(RDF.type, OWL.Axiom):
        a_s, a_p, a_o = (g.value(axiom, q) for q in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        if a_s is None or a_p is None or a_o is None:
            continue
        contribution = g.value(axiom, RADIX.contribution)
        map_iri = g.value(axiom, RADIX.map)
        note = g.value(axiom, RDFS.comment)
        annotations[(str(a_s), str(a_p), str(a_o))].append(
            Assertion(
                tuple(sorted(source_id(str(x)) for x in g.objects(axiom, DCTERMS.source))),
                str(contribution) if contribution is not None else None,
                local_name(str(map_iri)) if map_iri is not None else None,
                str(note) if note is not None else None,
            )
        )
    for name in RELATIONS:
        predicate = URIRef(BASE_IRI + name)
        for s, o in g.subject_objects(predicate):
            subject, obj = local_name(str(s)), local_name(str(o))
            if subject not in kg or obj not in kg:
                continue  # dangling ends are reported by validation
            found = annotations.get((str(s), str(predicate), str(o)), [])
            kg.add_relation(Relation(subject, name, obj, tuple(sorted(found, key=repr))))
    return kg


# ---------------------------------------------------------------- cache


def content_key(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cache_dir() -> Path:
    base = os.environ.get("RADIX_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "radix"
    )
    return Path(base)


@dataclass(frozen=True)
class LoadReport:
    cached: bool
    seconds: float
    files: int
    triples: int | None  # None when read from the cache
    #: the cache key of the files (content and format); empty when the cache was not used
    key: str = ""


def load(
    paths: Sequence[Path] | None = None,
    use_cache: bool = True,
    validate: bool = True,
    version: str = "",
    extensions: Sequence[Path] = (),
) -> tuple[KnowledgeGraph, LoadReport]:
    """The knowledge graph of the shipped Turtle (or ``paths``) plus ``extensions``, from the cache when unchanged.

    A cold load parses, validates (refusing an invalid graph, and an extension that conflicts
    with the rest) and stores the result. Without ``validate`` (large or generated graphs) the
    Turtle is read by pyoxigraph (:func:`read_fast`), about ten times faster than rdflib.
    """
    started = time.perf_counter()
    base = list(paths or shipped_turtle_files())
    files = [*base, *extensions]
    cached = cache_file(files, validate)
    key = cached.stem
    if use_cache and cached.exists():
        kg = read_cached(cached, None)
        if isinstance(kg, KnowledgeGraph):
            return kg, LoadReport(True, time.perf_counter() - started, len(files), None, key)
    if validate:
        from .validate import parse_and_validate  # validation imports pyshacl: only on a cold load

        rdf, violations = parse_and_validate(base, extensions)
        if any(v.severity == "error" for v in violations):
            raise GraphInvalid(violations)
        kg = to_knowledge_graph(rdf, version)
        triples = len(rdf)
    else:
        kg, triples = read_fast(files, version)
    if use_cache:
        store_graph(kg, cached)
    return kg, LoadReport(False, time.perf_counter() - started, len(files), triples, key if use_cache else "")


def cache_file(files: Sequence[Path], validate: bool = True) -> Path:
    """Where the graph of ``files`` is cached: named by their content (and whether it was validated)."""
    return cache_dir() / f"{content_key(files)}{'' if validate else '-unvalidated'}.pickle"


def store_graph(kg: KnowledgeGraph, path: Path) -> None:
    """Cache ``kg`` at ``path`` (see :func:`cache_file`), as :func:`load` does after a cold load."""
    _store(path, pickle.dumps(kg, protocol=pickle.HIGHEST_PROTOCOL))


def _store(path: Path, data: bytes) -> None:
    """Write atomically, so concurrent workers never read half a cache file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only cache location only costs speed


class _Unpickler(pickle.Unpickler):
    """Reads a derived cache, handing back the live graph wherever it refers to it."""

    def __init__(self, data: bytes, kg: KnowledgeGraph | None) -> None:
        super().__init__(io.BytesIO(data))
        self.kg = kg

    def persistent_load(self, pid: Any) -> Any:
        if pid == "kg" and self.kg is not None:
            return self.kg
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


class _Pickler(pickle.Pickler):
    """Writes a derived cache with the graph as a reference, not a copy."""

    def __init__(self, out: io.BytesIO, kg: KnowledgeGraph) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.kg = kg

    def persistent_id(self, obj: Any) -> Any:
        return "kg" if obj is self.kg else None


def read_cached(path: Path, kg: KnowledgeGraph | None) -> Any:
    """The object pickled at ``path``, or None when it is missing, stale or broken (it is rebuilt)."""
    gc.disable()  # unpickling many small objects: the collector only slows it down
    try:
        return _Unpickler(path.read_bytes(), kg).load()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        return None
    finally:
        gc.enable()


def code_key(sources: Iterable[Path] = ()) -> str:
    """A digest of Python source: of each file given, and of the ``*.py`` of each folder (``graph/`` by default).

    What is derived from the graph (indexes, localization profiles) depends on that code as well
    as on the data, so editing it must invalidate :func:`load_derived`'s cache.
    """
    digest = hashlib.sha256(DERIVED_FORMAT.encode())
    for source in sources or (graph_dir(),):
        for path in sorted(source.glob("*.py")) if source.is_dir() else [source]:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_derived(kg: KnowledgeGraph, report: LoadReport, name: str, build: Callable[[KnowledgeGraph], T]) -> T:
    """What ``build`` derives from ``kg`` (name index, localization profiles), from the cache beside the graph's.

    The graph never changes while serving, so a warm start only unpickles what a cold one
    computed. The entry is keyed like the graph's (``report.key``: the files' content) plus
    ``name`` and the source of the code that derives it (:func:`code_key`, and the file that
    defines ``build``), and refers to ``kg`` itself rather than holding a copy. When the graph
    did not come through the cache (``report.key`` empty) it is simply built.
    """
    if not report.key:
        return build(kg)
    code = getattr(build, "__code__", None)
    defined_in = Path(code.co_filename) if code is not None else None
    folders = (graph_dir(),) if defined_in is None or not defined_in.is_file() else (graph_dir(), defined_in)
    path = cache_dir() / f"{report.key}.{name}-{code_key(folders)}.pickle"
    if path.exists():
        found = read_cached(path, kg)
        if found is not None:
            value: T = found
            return value
    value = build(kg)
    out = io.BytesIO()
    try:
        _Pickler(out, kg).dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return value  # not picklable: it is only rebuilt each time
    _store(path, out.getvalue())
    return value


# ---------------------------------------------------------------- fast path (no validation)

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
#: the predicates :func:`to_knowledge_graph` reads literals or annotations from, by the slot they fill
_SLOTS = {
    _RDFS + "label": "label",
    _SKOS + "altLabel": "synonyms",
    _SKOS + "definition": "definition",
    _SKOS + "exactMatch": "exact",
    _SKOS + "closeMatch": "close",
    _DCTERMS + "bibliographicCitation": "citation",
    "https://schema.org/url": "url",
    BASE_IRI + "tier": "tier",
    _OWL + "annotatedSource": "a_s",
    _OWL + "annotatedProperty": "a_p",
    _OWL + "annotatedTarget": "a_o",
    _DCTERMS + "source": "sources",
    BASE_IRI + "contribution": "contribution",
    BASE_IRI + "map": "map",
    _RDFS + "comment": "comment",
}
_MULTI = frozenset({"synonyms", "exact", "close", "sources"})


def read_fast(paths: Sequence[Path], version: str = "") -> tuple[KnowledgeGraph, int]:
    """The same projection as :func:`to_knowledge_graph`, reading the Turtle with pyoxigraph, and the triples read.

    No validation: for large or generated graphs (the scale benchmark's two million triples).
    Where a validated graph has one value (a label, a definition) this takes the first.
    """
    import pyoxigraph as ox

    def triples() -> Iterator[ox.Triple | ox.Quad]:
        for path in paths:
            try:
                yield from ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
            except SyntaxError as exc:
                raise TurtleSyntaxError(path, str(exc)) from exc

    return project_triples(triples(), version)


def project_triples(triples: Iterable[Any], version: str = "") -> tuple[KnowledgeGraph, int]:
    """:func:`read_fast`'s projection of any stream of pyoxigraph triples (a file, a store's answer), and their count.

    Blank nodes must keep one identity across the stream (one parse of one document).
    """
    rdf_type, axiom_class = _RDF + "type", _OWL + "Axiom"
    # one dict per slot, subject → its first value (or every value); everything is kept as text
    # (``.value``): blank nodes are renamed to random ids, which never look like an IRI
    single: dict[str, dict[str, str]] = {slot: {} for slot in _SLOTS.values() if slot not in _MULTI}
    multi: dict[str, defaultdict[str, list[str]]] = {slot: defaultdict(list) for slot in _MULTI}
    single_by = {iri: single[slot] for iri, slot in _SLOTS.items() if slot in single}
    multi_by = {iri: multi[slot] for iri, slot in _SLOTS.items() if slot in multi}
    edges_by: dict[str, list[tuple[str, str]]] = {BASE_IRI + name: [] for name in RELATIONS}
    types: list[tuple[str, str]] = []
    axioms: list[str] = []
    count = 0
    gc.disable()  # millions of small objects: the collector only slows it down
    try:
        for t in triples:
            count += 1
            s, p, o = t.subject.value, t.predicate.value, t.object.value
            if p == rdf_type:
                if o == axiom_class:
                    axioms.append(s)
                else:
                    types.append((s, o))
            elif (first := single_by.get(p)) is not None:
                first.setdefault(s, o)
            elif (every := multi_by.get(p)) is not None:
                every[s].append(o)
            elif (edges := edges_by.get(p)) is not None:
                edges.append((s, o))
        relations = {name: edges_by[BASE_IRI + name] for name in RELATIONS}
        kg = _project(types, axioms, single, multi, relations, version)
    finally:
        gc.enable()
    return kg, count


#: Every predicate :func:`project_triples` reads: what a store is asked for (:mod:`loaders.store`).
PROJECTED_PREDICATES: Final = (_RDF + "type", *_SLOTS, *(BASE_IRI + name for name in RELATIONS))


def _project(
    types: list[tuple[str, str]],
    axioms: list[str],
    single: dict[str, dict[str, str]],
    multi: dict[str, defaultdict[str, list[str]]],
    relations: dict[str, list[tuple[str, str]]],
    version: str,
) -> KnowledgeGraph:
    """:func:`read_fast`'s triples, sorted by slot, onto networkx, as :func:`to_knowledge_graph` does.

    Equal values (ids, source lists, assertions) are made one object: less memory, and a
    smaller cache, since pickle writes a shared object once.
    """
    kg = KnowledgeGraph(version=version)
    entity_classes = frozenset(ENTITY_CLASSES)
    label, definition = single["label"], single["definition"]
    base = len(BASE_IRI)
    shared: dict[Any, Any] = {}

    def one(value: T) -> T:
        found: T = shared.setdefault(value, value)
        return found

    def local(iri: str) -> str:
        return one(iri[base:] if iri.startswith(BASE_IRI) else iri)

    def texts(slot: str, subject: str) -> list[str]:
        every = multi[slot]
        return list(dict.fromkeys(every[subject])) if subject in every else []  # a value stated twice counts once

    for s, o in types:
        if not o.startswith(BASE_IRI) or not s.startswith(BASE_IRI):
            continue
        cls = local_name(o)
        if cls == "Source":
            sid = source_id(s)
            kg.sources[sid] = Source(sid, single["citation"].get(s, ""), single["url"].get(s, ""), single["tier"].get(s, ""))
        elif cls == "DermatomeMap":
            kg.maps[local_name(s)] = label.get(s) or local_name(s)
        elif cls in entity_classes:
            ident = local(s)
            kg.add_entity(
                Entity(
                    ident,
                    cls,
                    label.get(s) or ident,
                    tuple(sorted(texts("synonyms", s))),
                    definition.get(s, ""),
                    tuple(sorted(xref_curie(x) for x in texts("exact", s))),
                    tuple(sorted(xref_curie(x) for x in texts("close", s))),
                )
            )
    source_ids: dict[str, str] = {}
    annotated: dict[tuple[str, str, str], list[Assertion]] = defaultdict(list)
    a_s, a_p, a_o, cited = single["a_s"], single["a_p"], single["a_o"], multi["sources"]
    contribution, map_of, comment = single["contribution"], single["map"], single["comment"]
    for axiom in axioms:
        if axiom not in a_s or axiom not in a_p or axiom not in a_o:
            continue
        sources = {source_ids.get(x) or source_ids.setdefault(x, source_id(x)) for x in cited.get(axiom, ())}
        annotated[(a_s[axiom], a_p[axiom], a_o[axiom])].append(
            one(
                Assertion(
                    one(tuple(sorted(sources))),
                    contribution.get(axiom),
                    local(map_of[axiom]) if axiom in map_of else None,
                    comment.get(axiom),
                )
            )
        )
    for name in RELATIONS:
        predicate = BASE_IRI + name
        for s, o in dict.fromkeys(relations[name]):  # a triple stated twice is one triple
            subject, obj = local(s), local(o)
            if subject not in kg or obj not in kg:
                continue  # dangling ends, blank nodes and literals
            found = annotated.get((s, predicate, o), [])
            kg.add_relation(Relation(subject, name, obj, one(tuple(sorted(found, key=repr) if len(found) > 1 else found))))
    return kg
