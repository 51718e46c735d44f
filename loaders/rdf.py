"""Turtle → rdflib → :class:`graph.model.KnowledgeGraph`, with a cache keyed by the files' content.

Only the schema's relations become edges; labels, synonyms, definitions and cross-references
become node attributes; each edge carries the ``owl:Axiom`` annotations (sources, qualifiers)
of its triple.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS

from graph.errors import GraphInvalid, RadixError
from graph.model import Assertion, Entity, KnowledgeGraph, Relation, Source
from graph.vocabulary import BASE_IRI, ENTITY_CLASSES, RADIX, RELATIONS, SCHEMA_ORG, SOURCE_BASE, XREF_PREFIXES, local_name

from .paths import shipped_turtle_files

#: Bump when the pickled structure changes, so old caches are ignored.
CACHE_FORMAT = "radix-graph-1"


class TurtleSyntaxError(RadixError):
    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(f"{path}: not valid Turtle: {detail}")


def parse_files(paths: Sequence[Path]) -> Graph:
    """Parse Turtle files into one rdflib graph; a syntax error names the file."""
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


def load(
    paths: Sequence[Path] | None = None,
    use_cache: bool = True,
    validate: bool = True,
    version: str = "",
    extensions: Sequence[Path] = (),
) -> tuple[KnowledgeGraph, LoadReport]:
    """The knowledge graph of the shipped Turtle (or ``paths``) plus ``extensions``, from the cache when unchanged.

    A cold load parses, validates (refusing an invalid graph, and an extension that conflicts
    with the rest) and stores the result.
    """
    from .validate import parse_and_validate  # validation imports pyshacl: only on a cold load

    started = time.perf_counter()
    base = list(paths or shipped_turtle_files())
    files = [*base, *extensions]
    key = content_key(files) + ("" if validate else "-unvalidated")
    cached = cache_dir() / f"{key}.pickle"
    if use_cache and cached.exists():
        gc.disable()  # unpickling many small objects: the collector only slows it down
        try:
            kg: KnowledgeGraph = pickle.loads(cached.read_bytes())
            return kg, LoadReport(True, time.perf_counter() - started, len(files), None)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a stale or broken cache is rebuilt below
        finally:
            gc.enable()
    if validate:
        rdf, violations = parse_and_validate(base, extensions)
        if any(v.severity == "error" for v in violations):
            raise GraphInvalid(violations)
    else:
        rdf = parse_files(files)
    kg = to_knowledge_graph(rdf, version)
    if use_cache:
        _store(cached, kg)
    return kg, LoadReport(False, time.perf_counter() - started, len(files), len(rdf))


def _store(path: Path, kg: KnowledgeGraph) -> None:
    """Write atomically, so concurrent workers never read half a cache file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(pickle.dumps(kg, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only cache location only costs speed
