"""The graph in an external SPARQL store (Oxigraph server, Apache Jena Fuseki), over the SPARQL 1.1 protocol.

For a graph that outgrows one process, the triples live in a store that several stateless
replicas share. Each replica then answers:

- ``/sparql`` by forwarding the (already checked, read-only) query to the store, within the
  same caps as the local endpoint: concurrent queries, result bytes, time;
- the RDF routes (an entity's description, a subgraph's triples, the whole graph) by
  ``CONSTRUCT`` queries that select what :class:`graph.rdfstore.RdfStore` selects locally;
- everything else from the networkx projection read from the store at start
  (:func:`loaders.store.read_store`): the labels, the sourced relations and their axioms only,
  a fraction of the store's triples.

Only the query endpoint is ever called; no update is sent. The store's own time limit (for
Oxigraph ``serve --timeout-s``, for Fuseki ``arq:queryTimeout``) stops a query there; ours stops
waiting for it.
"""

from __future__ import annotations

import io
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Final

import pyoxigraph as ox

from .errors import RadixError
from .rdfstore import PREFIXES, serialize
from .sparql import RESULT_FORMATS, Answer, Limits, SparqlBusy, SparqlLimitExceeded, SparqlSyntaxError, query_form
from .vocabulary import BASE_IRI, RELATIONS

#: What the store is asked for, by result format name (graph results are read as N-Triples).
ACCEPT: Final[dict[str, str]] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ntriples": "application/n-triples",
}
_PROLOGUE: Final = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
_CHUNK: Final = 64 * 1024


class StoreUnavailable(RadixError):
    """The store did not answer, or answered with an error of its own (not the query's)."""


def _check_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise RadixError(
            f"the SPARQL store must be an http:// or https:// query endpoint, e.g. http://127.0.0.1:7878/query; got {url!r}"
        )
    return url


@dataclass(frozen=True)
class SparqlStore:
    """A store's SPARQL 1.1 query endpoint, e.g. ``http://127.0.0.1:7878/query`` (Oxigraph) or
    ``http://127.0.0.1:3030/radix/query`` (Fuseki)."""

    url: str

    def __post_init__(self) -> None:
        _check_url(self.url)

    @contextmanager
    def response(self, query: str, accept: str, timeout_s: float) -> Iterator[IO[bytes]]:
        """The store's answer to ``query`` as a stream, the predeclared prefixes added.

        The query goes as an ``application/sparql-query`` POST body, which every SPARQL 1.1
        store accepts and no URL length limits.
        """
        request = urllib.request.Request(
            self.url,
            data=(_PROLOGUE + query).encode(),
            method="POST",
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept, "User-Agent": "radix"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as answer:
                yield answer
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            if exc.code == 400:  # the store's parser or evaluator refused this query
                raise SparqlSyntaxError(f"the SPARQL store refused the query: {detail}") from None
            raise StoreUnavailable(f"the SPARQL store at {self.url} answered HTTP {exc.code}: {detail[:300]}") from None
        except TimeoutError:
            raise SparqlLimitExceeded(
                f"the SPARQL store sent nothing for {timeout_s:g} s, the time budget; add a LIMIT, bind a subject "
                "or predicate, or split the query",
                f"time budget {timeout_s:g} s",
            ) from None
        except urllib.error.URLError as exc:
            raise StoreUnavailable(f"the SPARQL store at {self.url} did not answer: {exc.reason}") from None
        except ConnectionError as exc:
            raise StoreUnavailable(f"the SPARQL store at {self.url} dropped the connection: {exc}") from None

    def fetch(self, query: str, accept: str, *, timeout_s: float, max_bytes: int) -> bytes:
        """The whole answer, read within the time budget and the byte cap (both checked while reading)."""
        body = io.BytesIO()
        self.copy(query, accept, body.write, timeout_s=timeout_s, max_bytes=max_bytes)
        return body.getvalue()

    def copy(self, query: str, accept: str, write: Callable[[bytes], object], *, timeout_s: float, max_bytes: int) -> int:
        """Hand the answer to ``write`` chunk by chunk (a large answer need not be held in memory); its size."""
        deadline = time.monotonic() + timeout_s
        size = 0
        with self.response(query, accept, timeout_s) as answer:
            while chunk := _read(answer, timeout_s):
                size += len(chunk)
                if size > max_bytes:
                    raise SparqlLimitExceeded(
                        f"the result is larger than the {max_bytes:,} byte cap; add a LIMIT or select fewer variables",
                        f"result size {max_bytes} bytes",
                    )
                if time.monotonic() > deadline:
                    raise SparqlLimitExceeded(
                        f"the SPARQL store was still sending after {timeout_s:g} s, the time budget; add a LIMIT",
                        f"time budget {timeout_s:g} s",
                    )
                write(chunk)
        return size

    def triples(self, query: str, *, timeout_s: float, max_bytes: int) -> list[ox.Triple]:
        """The triples of a ``CONSTRUCT`` or ``DESCRIBE``, once each, in the store's order."""
        body = self.fetch(query, ACCEPT["ntriples"], timeout_s=timeout_s, max_bytes=max_bytes)
        try:
            parsed = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            return list(dict.fromkeys(q.triple if isinstance(q, ox.Quad) else q for q in parsed))
        except SyntaxError as exc:
            raise StoreUnavailable(f"the SPARQL store at {self.url} sent N-Triples that do not parse: {exc}") from None


def _read(answer: IO[bytes], timeout_s: float) -> bytes:
    try:
        return answer.read(_CHUNK)
    except TimeoutError:
        raise SparqlLimitExceeded(
            f"the SPARQL store stopped sending for {timeout_s:g} s, the time budget", f"time budget {timeout_s:g} s"
        ) from None


def _iris(ids: Collection[str]) -> str:
    return " ".join(f"<{BASE_IRI}{i}>" for i in sorted(set(ids)))


_RELATIONS: Final = " ".join(f"<{BASE_IRI}{name}>" for name in RELATIONS)


def describe_query(ids: Collection[str], *, incoming: bool = False) -> str:
    """The ``CONSTRUCT`` that selects what :meth:`graph.rdfstore.RdfStore.describe` does.

    One query, so the axioms' blank nodes keep one identity across the parts of the answer.
    """
    parts = [
        "{ ?n ?p ?o . BIND(?n AS ?s) }",
        "{ ?s owl:annotatedSource ?n ; ?p ?o }",
        "{ ?a owl:annotatedSource ?n ; dcterms:source ?s . ?s ?p ?o }",
    ]
    if incoming:
        parts += [
            f"{{ VALUES ?p {{ {_RELATIONS} }} ?s ?p ?n . FILTER(isIRI(?s)) BIND(?n AS ?o) }}",
            "{ ?s owl:annotatedTarget ?n ; ?p ?o }",
            "{ ?a owl:annotatedTarget ?n ; dcterms:source ?s . ?s ?p ?o }",
        ]
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?n {{ {_iris(ids)} }} {' UNION '.join(parts)} }}"


@dataclass(frozen=True)
class RemoteRdfStore:
    """The RDF side of the graph (descriptions, the whole graph) read from a store; see :class:`graph.rdfstore.RdfStore`."""

    store: SparqlStore
    limits: Limits = field(default_factory=Limits)
    #: the whole graph is one answer: allowed more than a query's result, but still bounded
    max_whole_bytes: int = 512 * 1024 * 1024

    def describe(self, ids: Collection[str], *, incoming: bool = False) -> list[ox.Triple]:
        if not ids:
            return []
        query = describe_query(ids, incoming=incoming)
        return self.store.triples(query, timeout_s=self.limits.timeout_s, max_bytes=self.limits.max_result_bytes)

    def triples(self) -> list[ox.Triple]:
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        return self.store.triples(query, timeout_s=max(self.limits.timeout_s, 60.0), max_bytes=self.max_whole_bytes)


class RemoteSparqlEndpoint:
    """``/sparql`` answered by the store, with the local endpoint's interface and caps.

    The query has been checked by :func:`graph.sparql.query_form` (read-only, no ``SERVICE``, no
    dataset clause) before it is sent. At most ``limits.workers`` queries are in the store at
    once per replica; a graph result comes back as N-Triples and is written here in the chosen
    syntax, so the output is the same as the local endpoint's.
    """

    def __init__(self, store: SparqlStore, limits: Limits | None = None) -> None:
        self.store = store
        self.limits = limits or Limits()
        self._slots = threading.BoundedSemaphore(self.limits.workers)
        self.stopped = 0  # queries given up at the time budget, as the local endpoint counts them

    def run(self, text: str, fmt: str | None = None, form: str | None = None) -> Answer:
        form = form or query_form(text)
        fmt = fmt or RESULT_FORMATS[form][0]
        if fmt not in RESULT_FORMATS[form]:
            raise SparqlSyntaxError(f"{form} queries can be answered as {', '.join(RESULT_FORMATS[form])}, not {fmt}")
        if not self._slots.acquire(timeout=self.limits.queue_wait_s):
            raise SparqlBusy(f"all {self.limits.workers} SPARQL slots are busy; retry in a moment")
        try:
            if form in ("SELECT", "ASK"):
                body = self.store.fetch(
                    text, ACCEPT[fmt], timeout_s=self.limits.timeout_s, max_bytes=self.limits.max_result_bytes
                )
                return Answer(body, fmt)
            triples = self.store.triples(text, timeout_s=self.limits.timeout_s, max_bytes=self.limits.max_result_bytes)
            return Answer(serialize(triples, fmt), fmt)
        except SparqlLimitExceeded as exc:
            if exc.cap.startswith("time budget"):
                self.stopped += 1
            raise
        finally:
            self._slots.release()

    def triple_count(self) -> int:
        body = self.store.fetch(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv", timeout_s=self.limits.timeout_s, max_bytes=1000
        )
        lines = body.decode().split()
        try:
            return int(lines[1].strip('"'))
        except (IndexError, ValueError):
            raise StoreUnavailable(f"the SPARQL store at {self.store.url} answered a count with {body[:100]!r}") from None

    def close(self) -> None:
        """Nothing to stop: the store outlives this replica."""
