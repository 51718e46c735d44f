"""Validation of the knowledge: SHACL shapes, named SPARQL checks, and the schema's domains and ranges.

Each violation names the rule, the entity, what is wrong, how to fix it, and where the entity is
defined (file and line), so a contributor can act on it without reading this code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rdflib import OWL, RDF, SH, Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node

from graph.vocabulary import BASE_IRI, RADIX, RELATIONS, SCHEMA_ORG, local_name

from .paths import checks_dir, shapes_file, shipped_turtle_files
from .rdf import TurtleSyntaxError, parse_files
from .schema import load_schema

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Violation:
    rule: str
    entity: str
    message: str
    fix: str = ""
    severity: str = "error"
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}{self.severity}: {self.entity}: [{self.rule}] {self.message}.{fix}"


@dataclass(frozen=True)
class NamedCheck:
    name: str
    kind: str
    severity: str
    rule: str
    fix: str
    query: str


def _short(iri: object) -> str:
    text = str(iri)
    if text.startswith(BASE_IRI + "source/"):
        return "source:" + text[len(BASE_IRI) + 7 :]
    return f"RADIX:{local_name(text)}" if text.startswith(BASE_IRI) else text


def named_checks(folder: Path | None = None) -> list[NamedCheck]:
    """The SPARQL checks in ``graph/checks``: each must return no rows."""
    out = []
    for path in sorted((folder or checks_dir()).glob("*.sparql")):
        text = path.read_text(encoding="utf-8")
        header = dict(re.findall(r"^# (\w+): (.+)$", text, flags=re.MULTILINE))
        severity = header.get("severity", "error")
        if severity not in SEVERITIES:
            raise ValueError(f"{path}: severity must be one of {SEVERITIES}")
        out.append(NamedCheck(path.stem, header.get("kind", ""), severity, header.get("rule", ""), header.get("fix", ""), text))
    return out


_NAMESPACES = {
    "RADIX": RADIX,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "schema": SCHEMA_ORG,
    "sh": SH,
}


def _run_named_checks(g: Graph) -> list[Violation]:
    # pyoxigraph evaluates these anti-joins in milliseconds where rdflib takes seconds.
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(g.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    prefixes = "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in _NAMESPACES.items())
    out = []
    for check in named_checks():
        solutions = store.query(prefixes + check.query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        for row in solutions:
            entity, detail = row[0], row[1]
            text = str(getattr(detail, "value", detail)).replace(BASE_IRI + "source/", "source:").replace(BASE_IRI, "RADIX:")
            out.append(Violation(check.name, _short(getattr(entity, "value", entity)), text, check.fix, check.severity))
    return out


def _run_shacl(g: Graph) -> list[Violation]:
    from pyshacl import validate  # heavy import: only when validating

    shapes = Graph().parse(shapes_file(), format="turtle")
    _, report, _ = validate(g, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True)
    assert isinstance(report, Graph)
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        name = shapes.value(shape, SH.name) if shape is not None else None
        message = report.value(result, SH.resultMessage)
        out.append(Violation(str(name or "shacl"), _short(focus), str(message or "violates a shape"), "", "error"))
    return out


def _run_domain_range(g: Graph) -> list[Violation]:
    schema = load_schema()
    out = []
    types: dict[Node, set[str]] = {}
    for s, o in g.subject_objects(RDF.type):
        if str(o).startswith(BASE_IRI):
            types.setdefault(s, set()).add(local_name(str(o)))
    for name in RELATIONS:
        spec = schema.relations[name]
        for s, o in g.subject_objects(URIRef(BASE_IRI + name)):
            for role, node, allowed in (("subject", s, spec.domain), ("object", o, spec.range)):
                classes = types.get(node, set())
                if allowed and classes and not any(schema.is_a(c, allowed) for c in classes):
                    out.append(
                        Violation(
                            f"{name}-{'domain' if role == 'subject' else 'range'}",
                            _short(s),
                            f"{name} needs as {role} a {' or '.join(sorted(allowed))}, "
                            f"but {_short(node)} is a {' and '.join(sorted(classes))}",
                            f"point {name} at a {' or '.join(sorted(allowed))}, or use the relation that fits",
                        )
                    )
    return out


_SUBJECT_LINE = re.compile(r"^(?:RADIX:([A-Za-z_][\w]*)|<https://w3id\.org/radix/([\w]+)>|src:([\w]+))\s+(\S+)")


def locate(files: Sequence[Path], first: Sequence[Path] = ()) -> dict[str, tuple[str, int]]:
    """Where each subject is written: ``{RADIX:id: (file, line)}``.

    Files in ``first`` (a contribution being checked) win, so a violation it introduces points
    into it; elsewhere the line that declares the entity's class wins over its relation lines.
    """
    found: dict[str, tuple[str, int]] = {}
    mentions: dict[str, tuple[str, int]] = {}
    for path in [*first, *(f for f in files if f not in first)]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = _SUBJECT_LINE.match(line)
            if not m:
                continue
            key = f"source:{m.group(3)}" if m.group(3) else f"RADIX:{m.group(1) or m.group(2)}"
            if path in first or m.group(4) == "a":
                found.setdefault(key, (str(path), number))
            else:
                mentions.setdefault(key, (str(path), number))
    return {**mentions, **found}


def validate_graph(
    g: Graph, files: Sequence[Path] = (), contributed: Sequence[Path] = (), extra: Sequence[Violation] = ()
) -> list[Violation]:
    """Every violation in ``g`` (plus ``extra`` ones found elsewhere), located in ``files``; empty when valid."""
    violations = [*_run_named_checks(g), *_run_shacl(g), *_run_domain_range(g), *extra]
    where = locate(files, contributed) if files else {}
    located = [Violation(v.rule, v.entity, v.message, v.fix, v.severity, *where.get(v.entity, (None, None))) for v in violations]
    return sorted(set(located), key=lambda v: (v.file or "", v.line or 0, v.entity, v.rule, v.message))


#: Relations where an extension that says otherwise than the shipped graph is a conflict, not an
#: addition: a muscle's or nerve's segments are a closed set, recorded with every source's view.
CLOSED_RELATIONS: Final = frozenset({"root_value"})
CONFLICT_FIX = (
    "an extension adds knowledge; it cannot overrule the shipped graph. If your source disagrees, propose the "
    "change in graph/tables/ (graph/tables/README.md), where a disagreement is recorded with every source's value "
    "(major vs minor, with a note), or remove the statement"
)


def _asserted(g: Graph) -> dict[tuple[Node, Node, Node], tuple[set[str], set[str]]]:
    """Each annotated triple → (its sources, its contributions)."""
    out: dict[tuple[Node, Node, Node], tuple[set[str], set[str]]] = {}
    for axiom in g.subjects(RDF.type, OWL.Axiom):
        key = (g.value(axiom, OWL.annotatedSource), g.value(axiom, OWL.annotatedProperty), g.value(axiom, OWL.annotatedTarget))
        if None in key:
            continue
        sources, contributions = out.setdefault(key, (set(), set()))  # type: ignore[arg-type]
        sources.update(_short(x) for x in g.objects(axiom, DCTERMS.source))
        contributions.update(str(x) for x in g.objects(axiom, RADIX.contribution))
    return out


def _said(triple: tuple[Node, Node, Node], annotations: dict[tuple[Node, Node, Node], tuple[set[str], set[str]]]) -> str:
    sources, contributions = annotations.get(triple, (set(), set()))
    qualifier = f" ({'/'.join(sorted(contributions))})" if contributions else ""
    return f"{_short(triple[2])}{qualifier} [{', '.join(sorted(sources)) or 'no source'}]"


def extension_conflicts(shipped: Graph, extension: Graph) -> list[Violation]:
    """Where an extension says otherwise than the shipped graph, with both sides' sources.

    Two kinds: a closed relation (a root value) the extension gives an entity the shipped graph
    already describes with other values, and a shipped relation restated with another
    contribution (major vs minor).
    """
    ours, theirs = _asserted(shipped), _asserted(extension)
    out = []
    for s, p, o in sorted(extension.triples((None, None, None))):
        name = local_name(str(p))
        if not str(p).startswith(BASE_IRI) or name not in RELATIONS:
            continue
        triple = (s, p, o)
        if triple in shipped:
            _, shipped_contribution = ours.get(triple, (set(), set()))
            _, their_contribution = theirs.get(triple, (set(), set()))
            if their_contribution and shipped_contribution and their_contribution != shipped_contribution:
                out.append(
                    Violation(
                        "extension-conflict",
                        _short(s),
                        f"the extension states {name} {_said(triple, theirs)}, but the shipped graph states it as "
                        f"{_said(triple, ours)}",
                        CONFLICT_FIX,
                    )
                )
        elif name in CLOSED_RELATIONS:
            shipped_values = sorted(shipped.objects(s, p), key=str)
            if shipped_values:
                known = "; ".join(_said((s, p, v), ours) for v in shipped_values)
                out.append(
                    Violation(
                        "extension-conflict",
                        _short(s),
                        f"the extension adds {name} {_said(triple, theirs)}, but the shipped graph gives {name} {known}",
                        CONFLICT_FIX,
                    )
                )
    return out


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # shape | check | schema | extension
    says: str


def rules() -> list[Rule]:
    """Every rule a contribution is held to: the SHACL shapes, the named checks, the schema, the conflict rule."""
    shapes = Graph().parse(shapes_file(), format="turtle")
    out = [
        Rule(str(name), "shape", str(shapes.value(shape, SH.message)))
        for shape, name in shapes.subject_objects(SH.name)
        if shapes.value(shape, SH.message) is not None
    ]
    out += [Rule(c.name, "check", f"{c.rule} Fix: {c.fix}") for c in named_checks()]
    out.append(
        Rule(
            "RELATION-domain / RELATION-range",
            "schema",
            "each relation links the classes ontology.ttl gives as its rdfs:domain and rdfs:range",
        )
    )
    out.append(
        Rule(
            "extension-conflict",
            "extension",
            "an extension may not give a root_value to an entity the shipped graph describes with other values, "
            "nor restate a shipped relation with another contribution",
        )
    )
    return sorted(set(out), key=lambda r: (r.kind, r.name))


_OXIGRAPH_ERROR = re.compile(r"Parser error at line (\d+) (?:column (\d+)|between columns (\d+) and \d+): (.*)", re.DOTALL)


def check_syntax(path: Path) -> None:
    r"""Refuse a file that is not strict Turtle, naming its line and column.

    rdflib alone is not enough for a contribution: it accepts IRIs that are not IRIs (a space, a
    control character), which then break the checks, and it reports some mistakes (an unclosed
    string, a stray byte) without a line. pyoxigraph's parser is strict and always says where.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".ttl") as f:
    ...     _ = f.write("@prefix x: <https://example.org/> .\nx:a x:b x:c ;\n  x:d <not an iri> .\n")
    ...     f.flush()
    ...     check_syntax(Path(f.name))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    loaders.rdf.TurtleSyntaxError: ...: not valid Turtle: line 3, column 7: Invalid IRI code point ' '
    """
    import pyoxigraph

    data = path.read_bytes()
    try:
        data.decode("utf-8")  # Turtle is UTF-8, comments too (pyoxigraph does not look inside comments)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TurtleSyntaxError(path, f"line {line}, column {column}: not UTF-8 (byte 0x{data[exc.start]:02x})") from None
    try:
        for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except SyntaxError as exc:
        m = _OXIGRAPH_ERROR.fullmatch(str(exc.msg))
        where = f"line {m.group(1)}, column {m.group(2) or m.group(3)}: {m.group(4)}" if m else f"line {exc.lineno}: {exc.msg}"
        raise TurtleSyntaxError(path, where) from None


def parse_and_validate(base: Sequence[Path], extensions: Sequence[Path] = ()) -> tuple[Graph, list[Violation]]:
    """The union of ``base`` and ``extensions``, and every violation: rules, shapes and conflicts.

    A violation in an extension points at the line of that file where its subject is written.
    Each extension must first be strict Turtle (:func:`check_syntax`).
    """
    for path in extensions:
        check_syntax(path)
    g = parse_files(base)
    conflicts: list[Violation] = []
    if extensions:
        added = parse_files(extensions)
        conflicts = extension_conflicts(g, added)
        for triple in added:
            g.add(triple)
        for prefix, namespace in added.namespaces():
            g.bind(prefix, namespace, override=False)
    files = [*base, *extensions]
    return g, validate_graph(g, files, list(extensions), extra=conflicts)


def check_files(extra: Sequence[Path] = ()) -> tuple[list[Violation], int]:
    """Validate the shipped graph together with ``extra`` Turtle files: violations and triple count."""
    g, violations = parse_and_validate(shipped_turtle_files(), extra)
    return violations, len(g)
