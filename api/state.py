"""What the app holds while serving: the graph, its name index, and how it was loaded."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from graph.errors import RadixError
from graph.localize import Localizer
from graph.model import KnowledgeGraph
from graph.rdfstore import RdfStore, serialize
from graph.search import NameIndex
from graph.sparql import Limits, SparqlEndpoint
from loaders.rdf import LoadReport, load


def package_version() -> str:
    try:
        return version("radix")
    except PackageNotFoundError:
        return "0.0.0+unknown"


@dataclass(frozen=True)
class Settings:
    """Serving settings, read from the environment when the app is made (never at import)."""

    extra_files: tuple[Path, ...] = ()
    use_cache: bool = True
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    sparql: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls) -> Settings:
        """``RADIX_EXTEND`` (files joined by the path separator), ``RADIX_NO_CACHE``, ``RADIX_CORS_ORIGINS``
        (comma-separated) and the SPARQL bounds ``RADIX_SPARQL_TIMEOUT`` (seconds),
        ``RADIX_SPARQL_MAX_BYTES`` and ``RADIX_SPARQL_WORKERS``."""
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
        return cls(extend, env.get("RADIX_NO_CACHE", "") == "", cors, limits)


class LazyRdf:
    """The RDF store of the served files, built on first use (0.2 s) so start-up stays fast."""

    def __init__(self, files: tuple[Path, ...]) -> None:
        self.files = files
        self._store: RdfStore | None = None
        self._whole: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self) -> RdfStore:
        with self._lock:
            if self._store is None:
                self._store = RdfStore.from_files(self.files)
            return self._store

    def whole(self, fmt: str) -> bytes:
        """The whole graph in one format, serialized once: the graph never changes while serving."""
        if fmt not in self._whole:
            body = serialize(self.get().triples(), fmt)
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
    sparql: SparqlEndpoint = field(default_factory=lambda: SparqlEndpoint(()))


def open_state(settings: Settings) -> AppState:
    """Load (or reload from the cache) the shipped graph plus any extension files."""
    from loaders.paths import shipped_turtle_files

    for path in settings.extra_files:
        if not path.is_file():
            raise RadixError(f"extension file not found: {path}")
    files = (*shipped_turtle_files(), *settings.extra_files)
    kg, report = load(use_cache=settings.use_cache, version=package_version(), extensions=settings.extra_files)
    return AppState(
        kg,
        NameIndex.build(kg),
        report,
        package_version(),
        Localizer(kg),
        files,
        LazyRdf(files),
        SparqlEndpoint(files, settings.sparql),
    )
