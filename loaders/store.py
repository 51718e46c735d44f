"""Read the graph's projection from an external SPARQL store instead of the Turtle files.

One ``CONSTRUCT`` asks the store for the triples the networkx projection is made of (types,
labels, synonyms, definitions, mappings, sources, the relations and their ``owl:Axiom``
annotations) and nothing else; the answer is projected exactly as a Turtle file is
(:func:`loaders.rdf.project_triples`). The projection is cached under a digest of the store's
answer, so a replica restarted on an unchanged store only unpickles, and a changed store is
read afresh.

The store is not validated here: load it from files that ``radix check`` accepts.
"""

from __future__ import annotations

import hashlib
import tempfile
import time

import pyoxigraph as ox

from graph.model import KnowledgeGraph
from graph.store import ACCEPT, SparqlStore, StoreUnavailable

from .rdf import CACHE_FORMAT, PROJECTED_PREDICATES, LoadReport, cache_dir, project_triples, read_cached, store_graph

#: Reading the projection is one large answer: more time and bytes than any user query gets.
READ_TIMEOUT_S = 300.0
READ_MAX_BYTES = 4 * 1024**3


def projection_query() -> str:
    predicates = " ".join(f"<{p}>" for p in PROJECTED_PREDICATES)
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}"


def read_store(store: SparqlStore, version: str = "", use_cache: bool = True) -> tuple[KnowledgeGraph, LoadReport]:
    """The knowledge graph held by ``store``, and how it was read (``files`` is 0; ``key`` names the answer)."""
    started = time.perf_counter()
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    # The answer goes to a temporary file as it arrives, hashed on the way: a large graph's
    # N-Triples (270 MB for two million triples) is never held in memory beside its projection.
    with tempfile.TemporaryFile() as spool:

        def keep(chunk: bytes) -> None:
            digest.update(chunk)
            spool.write(chunk)

        store.copy(projection_query(), ACCEPT["ntriples"], keep, timeout_s=READ_TIMEOUT_S, max_bytes=READ_MAX_BYTES)
        key = f"store-{digest.hexdigest()[:32]}"
        cached = cache_dir() / f"{key}.pickle"
        if use_cache and cached.exists():
            kg = read_cached(cached, None)
            if isinstance(kg, KnowledgeGraph):
                return kg, LoadReport(True, time.perf_counter() - started, 0, None, key)
        spool.seek(0)
        try:
            kg, triples = project_triples(ox.parse(spool, format=ox.RdfFormat.N_TRIPLES), version)
        except SyntaxError as exc:
            raise StoreUnavailable(f"the SPARQL store at {store.url} sent N-Triples that do not parse: {exc}") from None
    if kg.entity_count == 0:
        raise StoreUnavailable(
            f"the SPARQL store at {store.url} holds no Radix entities ({triples} projected triples); load the "
            "graph's Turtle files into it first (for Oxigraph: oxigraph load --location DIR --file FILE.ttl)"
        )
    if use_cache:
        store_graph(kg, cached)
    return kg, LoadReport(False, time.perf_counter() - started, 0, triples, key if use_cache else "")
