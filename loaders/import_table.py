"""Compile a researcher's muscle table (``radix import TABLE.tsv``) into a Turtle extension file.

One row per muscle: the nerve that supplies it, its spinal nerve roots, optionally its actions,
and the source that says so (template: ``graph/templates/muscles.tsv``). Names are resolved
exactly against the loaded graph, never fuzzily: a near miss is an error that names the closest
entities. The Turtle is written by :func:`loaders.tables.compile_module`, so it has the shape of
the shipped modules and ``radix check`` validates it like them.

The ``muscle`` column decides "existing or new" by exact id, label or synonym. Anything else is
the label of a new muscle (id: the snake_case of the label), whose first row must give its
definition; a new label within :data:`NEAR_DUPLICATE` of a shipped muscle's name is taken for a
typo unless the row says ``new`` = yes.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from rapidfuzz import fuzz

from graph.errors import InvalidQuery, RadixError, UnresolvedSite
from graph.model import KnowledgeGraph
from graph.search import NameIndex, closest, normalise, resolve

from .tables import (
    TIERS,
    TURTLE_PREFIXES,
    EntityRow,
    Module,
    RelationRow,
    SourceRow,
    TableProblem,
    Where,
    _lit,
    _valid_local_name,
    compile_module,
    compile_sources,
)

#: The columns, in the order of the template (graph/templates/muscles.tsv); a table may order them freely.
KNOWN_COLUMNS: Final = (
    "muscle",
    "nerve",
    "roots",
    "actions",
    "source",
    "citation",
    "url",
    "tier",
    "definition",
    "synonyms",
    "note",
    "new",
)
REQUIRED_COLUMNS: Final = ("muscle", "nerve", "roots", "source")
OPTIONAL_COLUMNS: Final = tuple(c for c in KNOWN_COLUMNS if c not in REQUIRED_COLUMNS)
#: rapidfuzz ``ratio`` (0-100) from which a new muscle label counts as a near-duplicate of a shipped name.
NEAR_DUPLICATE: Final = 85
DEFAULT_TIER: Final = "B"
NERVE_TYPES: Final = ("Nerve", "SpinalNerve")  # a spinal nerve for muscles it supplies directly
ACTION_TYPES: Final = ("Movement", "PelvicFunction")

#: ``C5``, ``C6 minor`` or ``L4 (minor)``: a name with an optional contribution after it.
_ITEM = re.compile(r"^(?P<name>.+?)(?:\s*\(\s*(?P<paren>major|minor)\s*\)|\s+(?P<word>major|minor))?$", re.IGNORECASE)
_NOT_ID = re.compile(r"[^0-9a-z]+")


class TableImportError(RadixError):
    """A table that cannot be imported: every problem found, each with its file, line and column."""

    def __init__(self, path: Path, problems: list[TableProblem]) -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in {path}; no Turtle written:\n{listed}")


def snake_case(label: str) -> str:
    """The id a new muscle gets from its label.

    >>> snake_case("Test muscle alpha")
    'test_muscle_alpha'
    """
    return _NOT_ID.sub("_", label.lower()).strip("_")


def _read(path: Path) -> list[tuple[int, list[str]]]:
    """``(line number, cells)`` of the header and every row; blank lines and ``#`` comments skipped."""
    records = []
    # utf-8-sig: spreadsheets often save a byte-order mark before the header; and they quote cells
    # holding the separator or a comma (Excel, in TSV too), so quotes are read the CSV way in both.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter="," if path.suffix.lower() == ".csv" else "\t")
        start = 1
        for cells in reader:
            if any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#"):
                records.append((start, [c.strip() for c in cells]))
            start = reader.line_num + 1  # a quoted CSV cell may span lines: report where the row starts
    return records


def _names(options: list[tuple[str, str]]) -> str:
    return ", ".join(f"'{label}' (RADIX:{ident})" for ident, label in options) or "none"


@dataclass
class _Importer:
    kg: KnowledgeGraph
    index: NameIndex
    path: Path
    problems: list[TableProblem] = field(default_factory=list)
    sources: dict[str, SourceRow] = field(default_factory=dict)  # new sources, by id
    muscles: dict[str, EntityRow] = field(default_factory=dict)  # new muscles, by id
    synonyms: dict[str, list[str]] = field(default_factory=dict)  # added to shipped muscles
    relations: list[RelationRow] = field(default_factory=list)

    def problem(self, line: int, column: str | None, message: str) -> None:
        self.problems.append(TableProblem(Where(self.path, line), f"column {column}: {message}" if column else message))

    def header(self, line: int, names: list[str]) -> bool:
        unknown = [n for n in names if n not in KNOWN_COLUMNS]
        missing = [n for n in REQUIRED_COLUMNS if n not in names]
        twice = sorted({n for n in names if names.count(n) > 1})
        for what, columns in (("unknown", unknown), ("missing", missing), ("repeated", twice)):
            if columns:
                self.problems.append(
                    TableProblem(
                        Where(self.path, line),
                        f"{what} column(s) {', '.join(map(repr, columns))}; the columns are "
                        f"{', '.join(REQUIRED_COLUMNS)} (required) and {', '.join(OPTIONAL_COLUMNS)}",
                    )
                )
        return not (unknown or missing or twice)

    def collect_sources(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """New sources, each defined once by the first row that gives its citation or url."""
        cited_first: dict[str, int] = {}
        for line, row in rows:
            sid, citation, url, tier = row["source"], row["citation"], row["url"], row["tier"] or DEFAULT_TIER
            if not sid:
                continue
            if not _valid_local_name(sid):
                self.problem(line, "source", f"source id {sid!r} must be snake_case ASCII, e.g. 'smith2020_biceps'")
                continue
            shipped = self.kg.sources.get(sid)
            if shipped is not None:
                if (url and url != shipped.url) or (citation and citation != shipped.citation):
                    self.problem(
                        line,
                        "url",
                        f"{sid} is a shipped source ({shipped.url}); leave citation and url empty, or choose a new id",
                    )
                continue
            cited_first.setdefault(sid, line)
            if not (citation or url or row["tier"]):
                continue
            if tier not in TIERS:
                self.problem(line, "tier", f"tier must be one of {', '.join(TIERS)}, not {tier!r}")
            if not citation:
                self.problem(line, "citation", f"new source {sid} needs a citation (author or publisher, title, year)")
            if not url.startswith(("http://", "https://")):
                self.problem(line, "url", f"new source {sid} needs the http(s) address of the page read, not {url!r}")
            seen = self.sources.get(sid)
            if seen is None:
                self.sources[sid] = SourceRow(sid, citation, url, tier, Where(self.path, line))
            elif (seen.citation, seen.url, seen.tier) != (citation, url, tier):
                self.problem(line, "source", f"{sid} is already defined differently at line {seen.where.line}")
        for sid, line in cited_first.items():
            if sid not in self.sources:
                self.problem(
                    line,
                    "source",
                    f"{sid!r} is not a shipped source: give its citation and url (here or on another row citing it)",
                )

    def muscle(self, line: int, row: dict[str, str]) -> str | None:
        """The id of the row's muscle, shipped or new; None after recording a problem."""
        text, definition = row["muscle"], row["definition"]
        synonyms = [s.strip() for s in row["synonyms"].split("|") if s.strip()]
        if row["new"].lower() not in ("", "yes", "no"):
            self.problem(line, "new", f"write yes (or leave it empty), not {row['new']!r}")
        new = row["new"].lower() == "yes"
        ident = snake_case(text)
        earlier = self.muscles.get(ident)
        if earlier is not None and normalise(earlier.label) == normalise(text):  # a new muscle of an earlier row
            if definition and definition != earlier.definition:
                self.problem(line, "definition", f"{text!r} is defined differently at line {earlier.where.line}")
            added = tuple(s for s in synonyms if s not in earlier.synonyms)
            self.muscles[ident] = replace(earlier, synonyms=earlier.synonyms + added)
            return ident
        try:
            shipped = resolve(self.kg, self.index, text, ["Muscle"])
        except UnresolvedSite:
            pass
        except InvalidQuery as exc:
            self.problem(line, "muscle", str(exc))
            return None
        else:
            if new:
                self.problem(line, "new", f"{text!r} is the shipped muscle {shipped.curie}; leave new empty to add to it")
            if definition:
                self.problem(line, "definition", f"{shipped.curie} is shipped with its definition; leave definition empty")
            known = {normalise(n) for n in (shipped.label, *shipped.synonyms)}
            extra = self.synonyms.setdefault(shipped.id, [])
            extra.extend(s for s in synonyms if normalise(s) not in known and s not in extra)
            return shipped.id
        return self.new_muscle(line, text, definition, synonyms, new)

    def new_muscle(self, line: int, text: str, definition: str, synonyms: list[str], new: bool) -> str | None:
        ident = snake_case(text)
        others = self.index.exact.get(normalise(text), ())
        if text.upper().startswith("RADIX:") or "_" in text:
            near = closest(self.kg, self.index, text, ["Muscle"], limit=3)
            self.problem(
                line, "muscle", f"no muscle has the id {text!r} (closest: {_names(near)}); a new muscle is given by its label"
            )
        elif others:
            named = _names([(i, f"{self.kg.entity(i).label}, a {self.kg.entity(i).type}") for i in others])
            self.problem(line, "muscle", f"{text!r} names {named}, not a muscle")
        elif not _valid_local_name(ident):
            self.problem(
                line, "muscle", f"a new muscle's label must be in ASCII letters and digits, starting with a letter: {text!r}"
            )
        elif ident in self.kg or ident in self.muscles:
            taken = self.kg.entity(ident).label if ident in self.kg else self.muscles[ident].label
            self.problem(line, "muscle", f"id RADIX:{ident} (from {text!r}) is taken by {taken!r}; choose another label")
        else:
            near = self.near_muscles(text)
            if near and not new:
                self.problem(
                    line,
                    "muscle",
                    f"{text!r} is not a shipped muscle; did you mean {_names(near)}? If it is another muscle, set new to yes",
                )
            if not definition:
                self.problem(line, "definition", f"{text!r} is a new muscle: give its definition, one sentence saying what it is")
            self.muscles[ident] = EntityRow(ident, "Muscle", text, tuple(synonyms), definition, (), (), Where(self.path, line))
            return ident
        return None

    def near_muscles(self, text: str) -> list[tuple[str, str]]:
        """Shipped muscles with a name within NEAR_DUPLICATE of ``text`` (candidates from the name index)."""
        q = normalise(text)
        return [
            (ident, label)
            for ident, label in closest(self.kg, self.index, text, ["Muscle"])
            if any(fuzz.ratio(q, normalise(n)) >= NEAR_DUPLICATE for n in (label, *self.kg.entity(ident).synonyms))
        ]

    def entity(self, line: int, column: str, text: str, types: tuple[str, ...], what: str, hint: str = "") -> str | None:
        """The id of the entity of one of ``types`` that ``text`` names exactly; None after recording a problem."""
        try:
            return resolve(self.kg, self.index, text, types).id
        except UnresolvedSite as exc:
            self.problem(line, column, f"{text!r} is not {what}{hint}; closest: {_names(exc.closest[:3])}")
        except InvalidQuery as exc:
            self.problem(line, column, str(exc))
        return None

    def items(self, line: int, column: str, cell: str, types: tuple[str, ...], what: str, example: str) -> list[tuple[str, str]]:
        """``(id, contribution)`` of each ``,``/``;``-separated item; contribution defaults to major."""
        out: dict[str, str] = {}
        for token in filter(None, (t.strip() for t in re.split(r"[;,]", cell))):
            m = _ITEM.match(token)
            assert m is not None  # the pattern matches any non-empty token
            ident = self.entity(line, column, m["name"], types, what, f"; write {example}")
            if ident is None:
                continue
            if ident in out:
                self.problem(line, column, f"{token!r} repeats RADIX:{ident}")
            out[ident] = (m["paren"] or m["word"] or "major").lower()
        return list(out.items())

    def row(self, line: int, row: dict[str, str]) -> None:
        before = len(self.problems)
        for column in REQUIRED_COLUMNS:
            if not row[column]:
                self.problem(line, column, "empty; every row names its muscle, nerve, roots and source")
        if len(self.problems) > before:
            return
        muscle = self.muscle(line, row)
        nerve = self.entity(line, "nerve", row["nerve"], NERVE_TYPES, "a nerve or spinal nerve")
        roots = self.items(
            line, "roots", row["roots"], ("SpinalNerve",), "a spinal nerve root", "roots like 'C5, C6' or 'C5 major; L4 (minor)'"
        )
        actions = self.items(
            line,
            "actions",
            row["actions"],
            ACTION_TYPES,
            "a movement",
            "movements like 'elbow flexion; forearm supination (minor)'",
        )
        if muscle is None or nerve is None or len(self.problems) > before:
            return
        where, sources, note = Where(self.path, line), (row["source"],), row["note"]
        self.relations.append(RelationRow(nerve, "innervates", muscle, "", "", sources, note, where))
        self.relations += [RelationRow(muscle, "root_value", r, c, "", sources, note, where) for r, c in roots]
        self.relations += [RelationRow(muscle, "acts_in", a, c, "", sources, note, where) for a, c in actions]

    def turtle(self) -> str:
        module = Module(
            self.path.stem, sorted(self.sources.values(), key=lambda s: s.id), list(self.muscles.values()), self.relations
        )
        out = [
            TURTLE_PREFIXES,
            f"# Extension compiled from {self.path.name} by `radix import`; validate it with `radix check`.\n",
        ]
        if module.sources:
            out.append("\n# ---- sources\n" + _statements(compile_sources([module])))
        if any(self.synonyms.values()):
            out.append("\n# ---- synonyms added to shipped muscles\n")
            out += [f"RADIX:{i} skos:altLabel {', '.join(map(_lit, s))} .\n" for i, s in sorted(self.synonyms.items()) if s]
        out.append(_statements(compile_module(module)))
        return "".join(out)


def _statements(compiled: str) -> str:
    # compile_module and compile_sources write whole files (prefixes, then a header line naming the
    # tables); keep only their statements, so the extension has exactly the shipped shape.
    assert compiled.startswith(TURTLE_PREFIXES)
    return compiled[len(TURTLE_PREFIXES) :].split("\n", 1)[1]


def import_table(path: Path, kg: KnowledgeGraph, index: NameIndex) -> str:
    """The Turtle extension compiled from a muscle table (TSV, or CSV when the name ends in ``.csv``).

    Raises :class:`TableImportError` listing every problem of the table.
    """
    importer = _Importer(kg, index, path)
    try:
        records = _read(path)
    except UnicodeDecodeError as exc:
        raise TableImportError(path, [TableProblem(Where(path, 0), f"not UTF-8 text ({exc.reason}); save it as UTF-8")]) from exc
    if not records:
        raise TableImportError(path, [TableProblem(Where(path, 1), f"no header row; the columns are {', '.join(KNOWN_COLUMNS)}")])
    (header_line, names), body = records[0], records[1:]
    if not importer.header(header_line, names):
        raise TableImportError(path, importer.problems)
    rows = []
    for line, cells in body:
        if any(cells[len(names) :]):  # trailing empty cells are a spreadsheet's habit, not an error
            importer.problem(line, None, f"{len(cells)} cells for {len(names)} columns; a cell may hold a stray separator")
            continue
        rows.append((line, dict.fromkeys(KNOWN_COLUMNS, "") | dict(zip(names, cells, strict=False))))
    if not body:
        importer.problem(header_line, None, "the table has no rows")
    importer.collect_sources(rows)
    for line, row in rows:
        importer.row(line, row)
    if importer.problems:
        raise TableImportError(path, sorted(importer.problems, key=lambda p: p.where.line))
    return importer.turtle()
