"""Where the shipped knowledge lives inside the installed package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def graph_dir() -> Path:
    """The ``graph/`` package folder (ontology, shapes, modules, tables, checks)."""
    return Path(str(resources.files("graph")))


def ontology_file() -> Path:
    return graph_dir() / "ontology.ttl"


def shapes_file() -> Path:
    return graph_dir() / "shapes.ttl"


def modules_dir() -> Path:
    return graph_dir() / "modules"


def tables_dir() -> Path:
    return graph_dir() / "tables"


def checks_dir() -> Path:
    return graph_dir() / "checks"


def shipped_turtle_files() -> list[Path]:
    """The ontology followed by every content module, in a stable order."""
    return [ontology_file(), *sorted(modules_dir().glob("*.ttl"))]
