"""What the app holds while serving: the graph, its name index, and how it was loaded."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import RadixError
from graph.localize import Localizer
from graph.model import KnowledgeGraph
from graph.rdfstore import RdfSource, RdfStore, serialize
from graph.search import NameIndex
from graph.sparql import Limits, SparqlEndpoint
from loaders.rdf import LoadReport, load

if TYPE_CHECKING:
    from graph.store import RemoteSparqlEndpoint


def package_version() -> str:
    try:
        return version("radix")
    except PackageNotFoundError:
        return "0.0.0+unknown"


@dataclass(frozen=True)
class Bounds:
    """What one worker takes on at once, enforced per request by ``api/middleware.py``."""

    #: requests in flight per worker; beyond it 503 with Retry-After (``/health`` and ``/ready`` exempt)
    max_concurrency: int = 64
    #: request body cap in bytes (``/sparql`` keeps its own), checked from Content-Length and while reading
    max_body_bytes: int = 64 * 1024
    #: seconds a request body may take to arrive, so slow senders cannot hold the worker's slots
    body_timeout_s: float = 10.0
    #: requests per second per client address (a token bucket); 0 turns the rate limit off
    rate_limit: float = 0.0
    #: the bucket's size: requests a client may send at once; 0 means twice the rate (at least 1)
    rate_burst: int = 0

    @property
    def burst(self) -> int:
        return self.rate_burst or max(1, math.ceil(2 * self.rate_limit))


@dataclass(frozen=True)
class Settings:
    """Serving settings, read from the environment when the app is made (never at import)."""

    extra_files: tuple[Path, ...] = ()
    use_cache: bool = True
    #: an external SPARQL store's query endpoint holding the graph, instead of the shipped files
    store_url: str = ""
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    sparql: Limits = field(default_factory=Limits)
    bounds: Bounds = field(default_factory=Bounds)

    @classmethod
    def from_env(cls) -> Settings:
        """``RADIX_EXTEND`` (files joined by the path separator), ``RADIX_STORE`` (a SPARQL query endpoint),
        ``RADIX_NO_CACHE``, ``RADIX_CORS_ORIGINS``
        (comma-separated) and the SPARQL bounds ``RADIX_SPARQL_TIMEOUT`` (seconds),
        ``RADIX_SPARQL_MAX_BYTES`` and ``RADIX_SPARQL_WORKERS``; the request bounds ``RADIX_MAX_CONCURRENCY``,
        ``RADIX_MAX_BODY_BYTES``, ``RADIX_BODY_TIMEOUT`` (seconds), ``RADIX_RATE_LIMIT`` (requests per second per
        client, off by default) and ``RADIX_RATE_BURST``."""
        env = os.environ
        extend = tuple(Path(p) for p in env.get("RADIX_EXTEND", "").split(os.pathsep) if p)
        cors = tuple(o.strip() for o in env.get("RADIX_CORS_ORIGINS", "").split(",") if o.strip())
        default = Limits()
        try:
            limits = Limits(
                timeout_s=float(env.get("RADIX_SPARQL_TIMEOUT", default.timeout_s)),
                max_result_bytes=int(env.get("RADIX_SPARQL_MAX_BYTES", default.max_result_bytes)),
                workers=int(env.get("RADIX_SPARQL_WORKERS", default.workers)),
            )
        except ValueError as exc:
            raise RadixError(f"a RADIX_SPARQL_* setting is not a number: {exc}") from None
        if limits.timeout_s <= 0 or limits.max_result_bytes <= 0 or limits.workers < 1:
            raise RadixError("RADIX_SPARQL_TIMEOUT and RADIX_SPARQL_MAX_BYTES must be positive, RADIX_SPARQL_WORKERS at least 1")
        b = Bounds()
        try:
            bounds = Bounds(
                max_concurrency=int(env.get("RADIX_MAX_CONCURRENCY", b.max_concurrency)),
                max_body_bytes=int(env.get("RADIX_MAX_BODY_BYTES", b.max_body_bytes)),
                body_timeout_s=float(env.get("RADIX_BODY_TIMEOUT", b.body_timeout_s)),
                rate_limit=float(env.get("RADIX_RATE_LIMIT", b.rate_limit)),
                rate_burst=int(env.get("RADIX_RATE_BURST", b.rate_burst)),
            )
        except ValueError as exc:
            raise RadixError(f"a request bound (RADIX_MAX_*, RADIX_BODY_TIMEOUT, RADIX_RATE_*) is not a number: {exc}") from None
        if bounds.max_concurrency < 1 or bounds.max_body_bytes < 1 or not 0 < bounds.body_timeout_s < math.inf:
            raise RadixError("RADIX_MAX_CONCURRENCY and RADIX_MAX_BODY_BYTES must be at least 1, RADIX_BODY_TIMEOUT positive")
        if not 0 <= bounds.rate_limit < math.inf or bounds.rate_burst < 0:
            raise RadixError("RADIX_RATE_LIMIT and RADIX_RATE_BURST must not be negative (RADIX_RATE_LIMIT=0 turns it off)")
        store = env.get("RADIX_STORE", "").strip()
        if store and extend:
            raise RadixError("RADIX_STORE and RADIX_EXTEND cannot be combined: load the extension into the store instead")
        return cls(extend, env.get("RADIX_NO_CACHE", "") == "", store, cors, limits, bounds)


class LazyRdf:
    """The RDF side of the graph, opened on first use (a local store of the files takes 0.2 s) so start-up stays fast.

    ``open`` makes it: by default an in-memory store of ``files``; with an external store, its client,
    and then the whole graph is not kept serialized (``keep_whole``): it may be larger than the replica.
    """

    def __init__(self, files: tuple[Path, ...], open: Callable[[], RdfSource] | None = None, keep_whole: bool = True) -> None:
        self.files = files
        self.keep_whole = keep_whole
        self._open = open or (lambda: RdfStore.from_files(self.files))
        self._store: RdfSource | None = None
        self._whole: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self) -> RdfSource:
        with self._lock:
            if self._store is None:
                self._store = self._open()
            return self._store

    def whole(self, fmt: str) -> bytes:
        """The whole graph in one format, serialized once: the graph never changes while serving."""
        if fmt not in self._whole:
            body = serialize(self.get().triples(), fmt)
            if not self.keep_whole:
                return body
            with self._lock:
                self._whole.setdefault(fmt, body)
        return self._whole[fmt]


@dataclass(frozen=True)
class AppState:
    kg: KnowledgeGraph
    index: NameIndex
    report: LoadReport
    version: str
    localizer: Localizer
    #: the Turtle files served: the shipped graph, then any extensions
    files: tuple[Path, ...] = ()
    rdf: LazyRdf = field(default_factory=lambda: LazyRdf(()))
    sparql: SparqlEndpoint | RemoteSparqlEndpoint = field(default_factory=lambda: SparqlEndpoint(()))


def open_state(settings: Settings) -> AppState:
    """Load (or reload from the cache) the shipped graph plus any extension files.

    What is derived from the graph (the name index, the localization profiles) is cached beside
    it, so a warm start only unpickles.
    """
    from loaders.paths import shipped_turtle_files
    from loaders.rdf import load_derived

    if settings.store_url:
        return _open_store(settings)
    for path in settings.extra_files:
        if not path.is_file():
            raise RadixError(f"extension file not found: {path}")
    files = (*shipped_turtle_files(), *settings.extra_files)
    release = package_version()
    kg, report = load(use_cache=settings.use_cache, version=release, extensions=settings.extra_files)
    index, localizer = load_derived(kg, report, "serving", _derive)
    return AppState(kg, index, report, release, localizer, files, LazyRdf(files), SparqlEndpoint(files, settings.sparql))


def _open_store(settings: Settings) -> AppState:
    """The graph held by an external SPARQL store: the projection read from it, RDF and SPARQL answered by it."""
    from graph.store import RemoteRdfStore, RemoteSparqlEndpoint, SparqlStore
    from loaders.rdf import load_derived
    from loaders.store import read_store

    store = SparqlStore(settings.store_url)
    release = package_version()
    kg, report = read_store(store, version=release, use_cache=settings.use_cache)
    index, localizer = load_derived(kg, report, "serving", _derive)
    rdf = LazyRdf((), lambda: RemoteRdfStore(store, settings.sparql), keep_whole=False)
    return AppState(kg, index, report, release, localizer, (), rdf, RemoteSparqlEndpoint(store, settings.sparql))


def _derive(kg: KnowledgeGraph) -> tuple[NameIndex, Localizer]:
    """What serving derives from the graph: built on a cold start, cached for the warm ones."""
    return NameIndex.build(kg), Localizer(kg)
