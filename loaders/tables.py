"""Compile the authoring tables (``graph/tables/<module>/*.tsv``) into Turtle modules.

Every relation row becomes an asserted triple plus an ``owl:Axiom`` that annotates it with
its sources and qualifiers (DESIGN §4). The output is deterministic, so the shipped Turtle can
be compared with a fresh compile.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal

from graph.vocabulary import CONTRIBUTIONS, ENTITY_CLASSES, SOURCE_BASE, XREF_PREFIXES

from .paths import modules_dir, tables_dir
from .schema import Schema, load_schema

SOURCE_COLUMNS = ("id", "citation", "url", "tier")
ENTITY_COLUMNS = ("id", "type", "label", "synonyms", "definition", "exact_match", "close_match")
RELATION_COLUMNS = ("subject", "predicate", "object", "contribution", "map", "sources", "note")
TIERS = ("A", "B", "C")
#: Relations whose rows must say major or minor.
NEEDS_CONTRIBUTION = frozenset({"root_value", "acts_in", "covers"})
#: Relations whose rows must name a dermatome map.
NEEDS_MAP = frozenset({"covers", "key_sensory_point"})

TURTLE_PREFIXES = f"""@prefix RADIX: <https://w3id.org/radix/> .
@prefix src: <{SOURCE_BASE}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix UBERON: <{XREF_PREFIXES["UBERON"]}> .
@prefix FMA: <{XREF_PREFIXES["FMA"]}> .
"""


@dataclass(frozen=True)
class Where:
    file: Path
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class SourceRow:
    id: str
    citation: str
    url: str
    tier: str
    where: Where


@dataclass(frozen=True)
class EntityRow:
    id: str
    type: str
    label: str
    synonyms: tuple[str, ...]
    definition: str
    exact_match: tuple[str, ...]
    close_match: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class RelationRow:
    subject: str
    predicate: str
    object: str
    contribution: str
    map: str
    sources: tuple[str, ...]
    note: str
    where: Where


@dataclass
class Module:
    name: str
    sources: list[SourceRow] = field(default_factory=list)
    entities: list[EntityRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)


@dataclass(frozen=True)
class TableProblem:
    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _rows(path: Path, columns: tuple[str, ...], problems: list[TableProblem]) -> Iterable[tuple[int, dict[str, str]]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        return
    header_line, header = lines[0]
    names = [c.strip() for c in next(csv.reader([header], delimiter="\t", quoting=csv.QUOTE_NONE))]
    if tuple(names) != columns:
        problems.append(
            TableProblem(Where(path, header_line), f"header must be {' | '.join(columns)}, found {' | '.join(names)}")
        )
        return
    for number, line in lines[1:]:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) < len(columns):
            cells += [""] * (len(columns) - len(cells))
        if len(cells) != len(columns):
            problems.append(TableProblem(Where(path, number), f"expected {len(columns)} tab-separated cells, found {len(cells)}"))
            continue
        yield number, {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}


def read_module(folder: Path, problems: list[TableProblem]) -> Module:
    """Read one module folder's three tables, recording malformed rows in ``problems``."""
    module = Module(folder.name)
    path = folder / "sources.tsv"
    for n, r in _rows(path, SOURCE_COLUMNS, problems):
        module.sources.append(SourceRow(r["id"], r["citation"], r["url"], r["tier"], Where(path, n)))
    path = folder / "entities.tsv"
    for n, r in _rows(path, ENTITY_COLUMNS, problems):
        module.entities.append(
            EntityRow(
                r["id"],
                r["type"],
                r["label"],
                _split(r["synonyms"]),
                r["definition"],
                _split(r["exact_match"]),
                _split(r["close_match"]),
                Where(path, n),
            )
        )
    path = folder / "relations.tsv"
    for n, r in _rows(path, RELATION_COLUMNS, problems):
        module.relations.append(
            RelationRow(
                r["subject"],
                r["predicate"],
                r["object"],
                r["contribution"],
                r["map"],
                _split(r["sources"]),
                r["note"],
                Where(path, n),
            )
        )
    return module


def read_modules(root: Path | None = None) -> tuple[list[Module], list[TableProblem]]:
    problems: list[TableProblem] = []
    root = root or tables_dir()
    modules = [read_module(folder, problems) for folder in sorted(p for p in root.iterdir() if p.is_dir())]
    return modules, problems


def _valid_local_name(name: str) -> bool:
    return bool(name) and name.replace("_", "a").isalnum() and name.isascii() and not name[0].isdigit()


def check_modules(modules: list[Module], schema: Schema | None = None) -> list[TableProblem]:
    """Cross-module checks: ids defined once, references resolve, relations fit the schema."""
    schema = schema or load_schema()
    problems: list[TableProblem] = []
    sources: dict[str, SourceRow] = {}
    entities: dict[str, EntityRow] = {}
    for module in modules:
        if module.name == SOURCES_MODULE:
            problems.append(TableProblem(Where(Path(module.name), 0), f"a module cannot be called {SOURCES_MODULE!r}"))
        for s in module.sources:
            if not _valid_local_name(s.id):
                problems.append(TableProblem(s.where, f"source id {s.id!r} must be snake_case ASCII"))
            if s.tier not in TIERS:
                problems.append(TableProblem(s.where, f"source {s.id}: tier must be one of {', '.join(TIERS)}, not {s.tier!r}"))
            if not s.url.startswith(("http://", "https://")):
                problems.append(TableProblem(s.where, f"source {s.id}: url must be the http(s) address of the page read"))
            if not s.citation:
                problems.append(TableProblem(s.where, f"source {s.id}: citation is empty"))
            seen = sources.get(s.id)
            if seen and seen.url != s.url:
                problems.append(TableProblem(s.where, f"source id {s.id} is already used for {seen.url} ({seen.where})"))
            sources.setdefault(s.id, s)
        for e in module.entities:
            if not _valid_local_name(e.id):
                problems.append(TableProblem(e.where, f"entity id {e.id!r} must be snake_case ASCII"))
            if e.type not in ENTITY_CLASSES and e.type != "DermatomeMap":
                problems.append(
                    TableProblem(e.where, f"{e.id}: type {e.type!r} is not a class of the schema ({', '.join(ENTITY_CLASSES)})")
                )
            if not e.label:
                problems.append(TableProblem(e.where, f"{e.id}: label is empty"))
            if not e.definition:
                problems.append(TableProblem(e.where, f"{e.id}: definition is empty"))
            for x in e.exact_match + e.close_match:
                if x.split(":", 1)[0] not in XREF_PREFIXES or not x.split(":", 1)[-1].isdigit():
                    problems.append(
                        TableProblem(e.where, f"{e.id}: cross-reference {x!r} must look like UBERON:0001234 or FMA:1234")
                    )
            if e.id in entities:
                problems.append(TableProblem(e.where, f"entity {e.id} is already defined at {entities[e.id].where}"))
            entities.setdefault(e.id, e)
    for module in modules:
        for r in module.relations:
            spec = schema.relations.get(r.predicate)
            if spec is None:
                problems.append(
                    TableProblem(r.where, f"unknown relation {r.predicate!r}; known: {', '.join(sorted(schema.relations))}")
                )
                continue
            for role, ident, allowed in (("subject", r.subject, spec.domain), ("object", r.object, spec.range)):
                entity = entities.get(ident)
                if entity is None:
                    problems.append(TableProblem(r.where, f"{role} {ident!r} is not defined in any entities.tsv"))
                elif not schema.is_a(entity.type, allowed):
                    problems.append(
                        TableProblem(
                            r.where,
                            f"{r.predicate} needs a {role} of class {' or '.join(sorted(allowed))}; {ident} is a {entity.type}",
                        )
                    )
            if not r.sources:
                problems.append(TableProblem(r.where, f"{r.subject} {r.predicate} {r.object}: no source"))
            for cited in r.sources:
                if cited not in sources:
                    problems.append(TableProblem(r.where, f"source {cited!r} is not listed in any sources.tsv"))
            if r.contribution and r.contribution not in CONTRIBUTIONS:
                problems.append(TableProblem(r.where, f"contribution must be major or minor, not {r.contribution!r}"))
            if r.predicate in NEEDS_CONTRIBUTION and not r.contribution:
                problems.append(TableProblem(r.where, f"{r.predicate} rows need a contribution (major or minor)"))
            if r.predicate in NEEDS_MAP:
                map_entity = entities.get(f"map_{r.map}")
                if not r.map or map_entity is None or map_entity.type != "DermatomeMap":
                    known = sorted(e.id[4:] for e in entities.values() if e.type == "DermatomeMap")
                    problems.append(
                        TableProblem(r.where, f"{r.predicate} rows need a map, one of {', '.join(known)}; found {r.map!r}")
                    )
            elif r.map:
                problems.append(TableProblem(r.where, f"map qualifies only covers and key_sensory_point, not {r.predicate}"))
    return problems


def _lit(text: str) -> str:
    return Literal(text).n3()


def _xref(curie: str) -> str:
    return curie  # UBERON:0001234 and FMA:1234 are valid prefixed names with the module prefixes


SOURCES_MODULE = "sources"


def compile_sources(modules: list[Module]) -> str:
    """Every source once (the first module to list it wins), so a shared source has one citation."""
    seen: dict[str, SourceRow] = {}
    for module in modules:
        for s in module.sources:
            seen.setdefault(s.id, s)
    out = [
        TURTLE_PREFIXES,
        "# Sources of every module: compiled from graph/tables/*/sources.tsv by `radix build`. Do not edit.\n",
    ]
    for s in sorted(seen.values(), key=lambda s: s.id):
        out.append(
            f"src:{s.id} a RADIX:Source ;\n    dcterms:bibliographicCitation {_lit(s.citation)} ;\n"
            f"    schema:url {_lit(s.url)}^^xsd:anyURI ;\n    RADIX:tier {_lit(s.tier)} .\n"
        )
    return "".join(out)


def compile_module(module: Module) -> str:
    """The Turtle text of one module's entities and relations, deterministic for the same tables."""
    out = [TURTLE_PREFIXES, f"# Module {module.name}: compiled from graph/tables/{module.name}/ by `radix build`. Do not edit.\n"]
    if module.entities:
        out.append("\n# ---- entities\n")
    for e in sorted(module.entities, key=lambda e: e.id):
        lines = [f"RADIX:{e.id} a owl:NamedIndividual, RADIX:{e.type} ;", f"    rdfs:label {_lit(e.label)} ;"]
        if e.synonyms:
            lines.append("    skos:altLabel " + ", ".join(_lit(s) for s in e.synonyms) + " ;")
        if e.exact_match:
            lines.append("    skos:exactMatch " + ", ".join(_xref(x) for x in e.exact_match) + " ;")
        if e.close_match:
            lines.append("    skos:closeMatch " + ", ".join(_xref(x) for x in e.close_match) + " ;")
        lines.append(f"    skos:definition {_lit(e.definition)} .")
        out.append("\n".join(lines) + "\n")
    if module.relations:
        out.append("\n# ---- relations, each with its owl:Axiom (sources and qualifiers)\n")
    for r in module.relations:
        triple = f"RADIX:{r.subject} RADIX:{r.predicate} RADIX:{r.object}"
        axiom = [
            f"{triple} .",
            f"[] a owl:Axiom ; owl:annotatedSource RADIX:{r.subject} ; owl:annotatedProperty RADIX:{r.predicate} ;",
            f"    owl:annotatedTarget RADIX:{r.object} ;",
        ]
        if r.contribution:
            axiom.append(f"    RADIX:contribution {_lit(r.contribution)} ;")
        if r.map:
            axiom.append(f"    RADIX:map RADIX:map_{r.map} ;")
        if r.note:
            axiom.append(f"    rdfs:comment {_lit(r.note)} ;")
        axiom.append("    dcterms:source " + ", ".join(f"src:{s}" for s in r.sources) + " .")
        out.append("\n".join(axiom) + "\n")
    return "".join(out)


def build(
    write: bool = True, tables: Path | None = None, modules_out: Path | None = None
) -> tuple[dict[str, str], list[TableProblem]]:
    """Compile every module. Returns ``{file name: turtle}`` and the problems found.

    Nothing is written when there are problems or ``write`` is false.
    """
    modules, problems = read_modules(tables)
    problems += check_modules(modules)
    compiled = {f"{m.name}.ttl": compile_module(m) for m in modules}
    compiled[f"{SOURCES_MODULE}.ttl"] = compile_sources(modules)
    if write and not problems:
        out = modules_out or modules_dir()
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("*.ttl"):
            if stale.name not in compiled:
                stale.unlink()
        for name, text in compiled.items():
            (out / name).write_text(text, encoding="utf-8")
    return compiled, problems


def stale_modules(modules_out: Path | None = None) -> list[str]:
    """Module files that differ from a fresh compile of the tables (empty when in step)."""
    compiled, _ = build(write=False)
    out = modules_out or modules_dir()
    shipped = {p.name for p in out.glob("*.ttl")}
    differ = [n for n, text in compiled.items() if not (out / n).exists() or (out / n).read_text(encoding="utf-8") != text]
    return sorted(differ + sorted(shipped - set(compiled)))
