"""The graph as RDF: a read-only pyoxigraph store of the same Turtle the graph is built from.

The networkx projection answers the queries; this store answers "give me the RDF": the whole
ontology, one entity's description, the triples of a subgraph, each serialized as Turtle,
N-Triples, RDF/XML or JSON-LD with the published context (:data:`CONTEXT`, also served at
``/context.jsonld``). JSON-LD output embeds the context, so no reader ever fetches it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import pyoxigraph as ox

from .errors import RadixError
from .vocabulary import BASE_IRI, RELATIONS, SOURCE_BASE, XREF_PREFIXES

OWL: Final = "http://www.w3.org/2002/07/owl#"
RDF_TYPE: Final = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
AXIOM: Final = ox.NamedNode(OWL + "Axiom")
ANNOTATED_SOURCE: Final = ox.NamedNode(OWL + "annotatedSource")
ANNOTATED_PROPERTY: Final = ox.NamedNode(OWL + "annotatedProperty")
ANNOTATED_TARGET: Final = ox.NamedNode(OWL + "annotatedTarget")
DCTERMS_SOURCE: Final = ox.NamedNode("http://purl.org/dc/terms/source")

PREFIXES: Final[dict[str, str]] = {
    "RADIX": BASE_IRI,
    "source": SOURCE_BASE,
    "owl": OWL,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **XREF_PREFIXES,
}

#: The JSON-LD context: the prefixes, short names for the annotations, and every relation as
#: a term whose value is an IRI, so ``"forms": "RADIX:femoral_nerve"`` reads as a link.
CONTEXT: Final[dict[str, object]] = {
    **PREFIXES,
    "label": "rdfs:label",
    "comment": "rdfs:comment",
    "synonym": "skos:altLabel",
    "definition": "skos:definition",
    "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"},
    "closeMatch": {"@id": "skos:closeMatch", "@type": "@id"},
    "citation": "dcterms:bibliographicCitation",
    "sourcedBy": {"@id": "dcterms:source", "@type": "@id"},
    "url": {"@id": "schema:url", "@type": "@id"},
    "contribution": "RADIX:contribution",
    **{name: {"@id": f"RADIX:{name}", "@type": "@id"} for name in RELATIONS},
}
CONTEXT_URL: Final = BASE_IRI + "context.jsonld"


@dataclass(frozen=True)
class RdfFormat:
    name: str
    media_type: str
    extension: str


#: Output formats by their ``?format=`` name; the first is the default.
FORMATS: Final[dict[str, RdfFormat]] = {
    f.name: f
    for f in (
        RdfFormat("turtle", "text/turtle", "ttl"),
        RdfFormat("jsonld", "application/ld+json", "jsonld"),
        RdfFormat("rdfxml", "application/rdf+xml", "rdf"),
        RdfFormat("ntriples", "application/n-triples", "nt"),
    )
}
_NATIVE: Final = {"turtle": ox.RdfFormat.TURTLE, "rdfxml": ox.RdfFormat.RDF_XML, "ntriples": ox.RdfFormat.N_TRIPLES}


class UnknownFormat(RadixError):
    def __init__(self, given: str, allowed: Sequence[str]) -> None:
        super().__init__(f"unknown format {given!r}; use one of: {', '.join(allowed)}")


def context_document() -> bytes:
    """The published context, as served at ``/context.jsonld``."""
    return json.dumps({"@context": CONTEXT}, indent=2).encode()


class RdfSource(Protocol):
    """Where the RDF answers come from: :class:`RdfStore` in memory, or :class:`graph.store.RemoteRdfStore`."""

    def triples(self) -> list[ox.Triple]: ...

    def describe(self, ids: Collection[str], *, incoming: bool = False) -> list[ox.Triple]: ...


class RdfStore:
    """Read-only triples of the shipped graph (plus extensions), in the default graph."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def from_files(cls, files: Sequence[Path]) -> RdfStore:
        store = ox.Store()  # in memory: nothing written to disk, nothing shared
        for path in files:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        return cls(store)

    def __len__(self) -> int:
        return len(self._store)

    def triples(self) -> list[ox.Triple]:
        return [q.triple for q in self._store]

    def _about(self, subject: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
        return [q.triple for q in self._store.quads_for_pattern(subject, None, None)]

    def describe(self, ids: Collection[str], *, incoming: bool = False) -> list[ox.Triple]:
        """The entities' own triples, the axioms that source their relations, and the cited sources.

        With ``incoming``, also the relations pointing at them from outside (with their axioms).
        Relations between a described entity and one outside the set are kept: they say where
        the edge leads, the way a concise bounded description does.
        """
        nodes = [ox.NamedNode(BASE_IRI + i) for i in sorted(set(ids))]
        out: dict[ox.Triple, None] = {}
        cited: set[ox.NamedNode] = set()
        axioms: list[ox.BlankNode | ox.NamedNode] = []
        for node in nodes:
            for t in self._about(node):
                out[t] = None
            for q in self._store.quads_for_pattern(None, ANNOTATED_SOURCE, node):
                axioms.append(q.subject)  # type: ignore[arg-type]
            if incoming:
                for q in self._store.quads_for_pattern(None, None, node):
                    if isinstance(q.subject, ox.NamedNode) and is_relation(q.predicate):
                        out[q.triple] = None
                for q in self._store.quads_for_pattern(None, ANNOTATED_TARGET, node):
                    axioms.append(q.subject)  # type: ignore[arg-type]
        for axiom in axioms:
            for t in self._about(axiom):
                out[t] = None
                if t.predicate == DCTERMS_SOURCE and isinstance(t.object, ox.NamedNode):
                    cited.add(t.object)
        for source in sorted(cited, key=str):
            for t in self._about(source):
                out[t] = None
        return list(out)


def is_relation(predicate: ox.NamedNode) -> bool:
    """Whether a predicate is one of the schema's relations (not a label, type or annotation)."""
    value = predicate.value
    return value.startswith(BASE_IRI) and value[len(BASE_IRI) :] in RELATIONS


def serialize(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """The triples in one of :data:`FORMATS`; JSON-LD is compacted with :data:`CONTEXT`."""
    if fmt not in FORMATS:
        raise UnknownFormat(fmt, list(FORMATS))
    if fmt in _NATIVE:
        body = ox.serialize(triples, format=_NATIVE[fmt], prefixes=PREFIXES)
        assert body is not None  # no output file given: the bytes are returned
        return body
    return _jsonld(triples)


def _jsonld(triples: Iterable[ox.Triple]) -> bytes:
    # pyoxigraph writes expanded JSON-LD only; rdflib compacts with a context dictionary.
    import rdflib

    g = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    text = g.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    return text.encode()
