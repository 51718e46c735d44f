"""What the app holds while serving: the graph, its name index, and how it was loaded."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from graph.localize import Localizer
from graph.model import KnowledgeGraph
from graph.search import NameIndex
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

    @classmethod
    def from_env(cls) -> Settings:
        extend = tuple(Path(p) for p in os.environ.get("RADIX_EXTEND", "").split(os.pathsep) if p)
        cors = tuple(o.strip() for o in os.environ.get("RADIX_CORS_ORIGINS", "").split(",") if o.strip())
        return cls(extend, os.environ.get("RADIX_NO_CACHE", "") == "", cors)


@dataclass(frozen=True)
class AppState:
    kg: KnowledgeGraph
    index: NameIndex
    report: LoadReport
    version: str
    localizer: Localizer


def open_state(settings: Settings) -> AppState:
    """Load (or reload from the cache) the shipped graph plus any extension files."""
    from loaders.paths import shipped_turtle_files

    files = [*shipped_turtle_files(), *settings.extra_files] if settings.extra_files else None
    kg, report = load(files, use_cache=settings.use_cache, version=package_version())
    return AppState(kg, NameIndex.build(kg), report, package_version(), Localizer(kg))
