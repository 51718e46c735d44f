"""Lesson export: an entity, its pathway and territory, or a localization, as Markdown and as a printable page.

A :class:`Lesson` is what an educator takes away from one view of the web page: a title, the
disclaimer, sections in reading order (definition, synonyms, cross-references, the pathway
diagram, the skin territory, the facts; or red flags, findings, ranked candidates, their
explaining paths, discriminators) and the references. Every source is numbered once, in the
order it is first cited, and every number in a table or list resolves to a reference.

This module builds lessons and writes them as Markdown (:func:`to_markdown`); the printable
HTML page is rendered at the edge (``api/lesson_html.py``) from the same :class:`Lesson`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, NamedTuple

from .errors import EntityNotFound, InvalidQuery
from .export import mermaid_flowchart
from .localize import (
    CONTRADICTED,
    EXPLAINED,
    UNEXPLAINED,
    CandidateView,
    Explanation,
    Finding,
    FindingInput,
    Localization,
    Localizer,
    localize,
)
from .model import Entity, KnowledgeGraph, Source, normalise_id
from .pathway import Pathway, PathwayEdge, PathwayNode, pathway
from .queries import DISCLAIMER, EntityDetail, PathView, Ref, RelationView, entity_detail
from .search import NameIndex, closest, normalise
from .territory import CUTANEOUS_TYPES, DERMATOME_TYPES, Territory, territory
from .vocabulary import PREFIX, XREF_PREFIXES


class LessonFormat(NamedTuple):
    media_type: str
    extension: str


#: Lesson formats by their ``format=`` name; the first is the default.
LESSON_FORMATS: Final[dict[str, LessonFormat]] = {
    "markdown": LessonFormat("text/markdown; charset=utf-8", "md"),
    "html": LessonFormat("text/html; charset=utf-8", "html"),
}
#: Entity types that have a skin territory (graph.territory).
TERRITORY_TYPES: Final = frozenset(DERMATOME_TYPES + CUTANEOUS_TYPES)
#: Candidates of a localization lesson shown in its table, and those whose paths are written out.
LESSON_CANDIDATES: Final = 10
CANDIDATES_EXPLAINED: Final = 3
#: Conditions named per candidate in the table.
CONDITIONS_SHOWN: Final = 6
TIERS: Final[dict[str, str]] = {
    "A": "standard text, peer-reviewed article or major textbook",
    "B": "established teaching site",
    "C": "secondary, for corroboration",
}
MERMAID_NOTE: Final = (
    "The diagram is a Mermaid flowchart: it renders as a drawing on GitHub, GitLab and other Mermaid viewers "
    "(elsewhere it shows as text)."
)


# ---------------------------------------------------------------- the lesson


@dataclass(frozen=True)
class Reference:
    number: int
    id: str
    citation: str
    url: str
    tier: str


@dataclass(frozen=True)
class Cell:
    """A table cell: text, an optional link, an optional identifier (shown as code), cited sources."""

    text: str
    sources: tuple[int, ...] = ()
    url: str = ""
    code: str = ""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Item:
    """A list item: an optional bold lead, text, cited sources, an optional link or code, and sub-items."""

    text: str
    lead: str = ""
    sources: tuple[int, ...] = ()
    url: str = ""
    code: str = ""
    children: tuple[Item, ...] = ()
    ordered: bool = False  # number the children (the steps of a path)


@dataclass(frozen=True)
class Section:
    """One heading and its content, in reading order; ``key`` names the kind (``diagram`` places the pathway)."""

    key: str
    title: str
    text: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    table: Table | None = None
    urgent: bool = False


@dataclass(frozen=True)
class FactRow:
    """One sourced statement about the entity: a relation either way, with its qualifiers."""

    subject: Ref
    relation: str
    object: Ref
    contribution: str  # major | minor | "" when the sources do not qualify it
    map: Ref | None
    sources: tuple[int, ...]
    note: str


@dataclass(frozen=True)
class Lesson:
    id: str  # file stem: the entity's local name, or "localization"
    kind: str  # entity | localization
    title: str
    subtitle: str
    disclaimer: str
    sections: tuple[Section, ...]
    #: the diagram, drawn where the ``diagram`` section stands (None: no diagram)
    pathway: Pathway | None
    facts: tuple[FactRow, ...]
    references: tuple[Reference, ...]
    version: str = ""
    curie: str = ""  # the entity's, for an entity lesson
    #: diagram nodes to highlight (the sites of the findings)
    highlight: tuple[str, ...] = ()

    def section(self, key: str) -> Section | None:
        """The first section of this kind, if any."""
        return next((s for s in self.sections if s.key == key), None)


def lesson_format(name: str) -> LessonFormat:
    """The media type and file extension of a lesson format; :class:`InvalidQuery` naming the formats otherwise.

    >>> lesson_format("markdown").extension
    'md'
    >>> lesson_format("pdf")
    Traceback (most recent call last):
    ...
    graph.errors.InvalidQuery: unknown lesson format 'pdf'; use one of: markdown, html
    """
    if name not in LESSON_FORMATS:
        raise InvalidQuery(f"unknown lesson format {name!r}; use one of: {', '.join(LESSON_FORMATS)}")
    return LESSON_FORMATS[name]


def lesson_filename(lesson: Lesson, fmt: str) -> str:
    """``femoral_nerve-lesson.md``: the lesson's id (graph ids are safe file names) and the format's extension."""
    return f"{lesson.id}-lesson.{lesson_format(fmt).extension}"


@dataclass
class Citations:
    """Numbers sources in the order they are first cited; unknown ids are skipped."""

    sources: dict[str, Source]
    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, ids: Iterable[str]) -> tuple[int, ...]:
        """The numbers of ``ids``, numbering those not yet cited.

        >>> c = Citations({i: Source(i, f"Citation {i}", f"https://example.org/{i}", "A") for i in "abc"})
        >>> c.cite(["b", "a"]), c.cite(["c", "a", "zz"])
        ((1, 2), (2, 3))
        >>> [r.id for r in c.references()]
        ['b', 'a', 'c']
        """
        out: list[int] = []
        for i in ids:
            if i not in self.sources:
                continue
            n = self.numbers.setdefault(i, len(self.numbers) + 1)
            if n not in out:
                out.append(n)
        return tuple(sorted(out))

    def references(self) -> tuple[Reference, ...]:
        return tuple(
            Reference(n, i, self.sources[i].citation, self.sources[i].url, self.sources[i].tier) for i, n in self.numbers.items()
        )


def xref_url(xref: str) -> str:
    """The purl of a UBERON or FMA CURIE ('' for another prefix).

    >>> xref_url("UBERON:0001267")
    'http://purl.obolibrary.org/obo/UBERON_0001267'
    >>> xref_url("FOO:1")
    ''
    """
    prefix, _, local = xref.partition(":")
    base = XREF_PREFIXES.get(prefix)
    return base + local if base and local else ""


# ---------------------------------------------------------------- an entity


def lookup(kg: KnowledgeGraph, index: NameIndex, ident: str) -> Entity:
    """The entity named by an id, CURIE or exact label or synonym; 404 with the closest names otherwise."""
    local = normalise_id(ident)
    if local in kg:
        return kg.entity(local)
    hits = sorted(index.exact.get(normalise(ident), ()))
    if len(hits) == 1:
        return kg.entity(hits[0])
    raise EntityNotFound(ident, closest(kg, index, local.replace("_", " ")))


def dermatome_map(kg: KnowledgeGraph, map_id: str | None) -> str | None:
    """A dermatome map's local id from its id, CURIE or label; :class:`InvalidQuery` naming the maps otherwise."""
    if map_id is None or not map_id.strip():
        return None
    local = normalise_id(map_id)
    for ident, label in kg.maps.items():
        if local == ident or normalise(map_id) == normalise(label):
            return ident
    known = ", ".join(f"{i} ({label})" for i, label in sorted(kg.maps.items()))
    raise InvalidQuery(f"unknown dermatome map {map_id!r}; known maps: {known}")


def entity_lesson(kg: KnowledgeGraph, index: NameIndex, ident: str, map_id: str | None = None) -> Lesson:
    """The lesson of one entity: what it is, its pathway, its skin territory, every sourced fact.

    ``map_id`` (a dermatome map) narrows the territory and the facts to what that map draws;
    statements that name no map are kept.
    """
    entity = lookup(kg, index, ident)
    chosen = dermatome_map(kg, map_id)
    detail = entity_detail(kg, entity.id)
    diagram = narrow_pathway(pathway(kg, index, entity.id), chosen)
    # a map narrows a dermatome; a nerve's cutaneous territory follows no map
    skin = (
        territory(kg, entity.id, chosen if entity.type in DERMATOME_TYPES else None) if entity.type in TERRITORY_TYPES else None
    )
    return build_entity_lesson(kg, detail, diagram, skin, chosen)


def narrow_pathway(diagram: Pathway, map_id: str | None) -> Pathway:
    """The diagram on one dermatome map: edges drawn by other maps only, and what only they joined, left out."""
    if map_id is None:
        return diagram
    wanted = f"{PREFIX}:{map_id}"
    edges = tuple(e for e in diagram.edges if not e.maps or any(m.id == wanted for m in e.maps))
    joined: dict[str, set[str]] = {}
    for e in edges:
        joined.setdefault(e.source, set()).add(e.target)
        joined.setdefault(e.target, set()).add(e.source)
    kept, todo = {diagram.seed.id}, [diagram.seed.id]
    while todo:
        for other in joined.get(todo.pop(), ()):
            if other not in kept:
                kept.add(other)
                todo.append(other)
    edges = tuple(e for e in edges if e.source in kept and e.target in kept)
    cited = {i for e in edges for i in e.sources}
    return replace(
        diagram,
        nodes=tuple(n for n in diagram.nodes if n.id in kept),
        edges=edges,
        sources=tuple(s for s in diagram.sources if s.id in cited),
    )


def build_entity_lesson(
    kg: KnowledgeGraph, detail: EntityDetail, diagram: Pathway | None, skin: Territory | None, map_id: str | None = None
) -> Lesson:
    """The entity lesson from its parts (see :func:`entity_lesson`); sources are numbered as the sections cite them."""
    cites = Citations(kg.sources)
    me = Ref(detail.id, detail.label, detail.type)
    sections: list[Section] = [Section("definition", "Definition", (detail.definition or "No definition recorded.",))]
    if detail.synonyms:
        sections.append(Section("synonyms", "Synonyms", items=tuple(Item(s) for s in detail.synonyms)))
    xrefs = [Item("exact match", code=x, url=xref_url(x)) for x in detail.exact_match]
    xrefs += [Item("close match", code=x, url=xref_url(x)) for x in detail.close_match]
    if xrefs:
        sections.append(Section("xrefs", "Cross-references", items=tuple(xrefs)))
    if diagram is not None:
        on_map = (f"Only what the {kg.maps[map_id]} draws is shown.",) if map_id else ()
        sections.append(Section("diagram", "Pathway", _pathway_text(diagram, detail.label) + on_map))
    if skin is not None:
        sections.append(_territory_section(kg, skin, cites, detail.label, map_id))
    facts = _facts(detail, me, cites, map_id)
    map_note = f" Only statements on the {kg.maps[map_id]} (or on no map) are listed." if map_id else ""
    sections.append(
        Section(
            "facts",
            "Facts",
            (
                f"Every relation of the {detail.label} in the graph, both ways, with what its sources say.{map_note} "
                "Numbers in brackets are the references.",
            ),
            table=facts_table(facts),
        )
    )
    return Lesson(
        normalise_id(detail.id),
        "entity",
        detail.label,
        detail.type,
        DISCLAIMER,
        tuple(sections),
        diagram,
        facts,
        cites.references(),
        kg.version,
        detail.id,
    )


def _pathway_text(diagram: Pathway, label: str) -> tuple[str, ...]:
    what = diagram.note or f"The pathway of the {label}."
    return (
        f"{what} Read it left to right, proximal to distal; dotted or dashed arrows are minor links "
        "(a segment only some sources give, an inconstant branch).",
    )


def _territory_section(kg: KnowledgeGraph, skin: Territory, cites: Citations, label: str, map_id: str | None) -> Section:
    if skin.kind == "dermatome":
        chosen = f"on the {kg.maps[map_id]}" if map_id else "on every map, each region with the maps that draw it"
        whose = f"the {label} covers" if skin.entity.type == "Dermatome" else f"the dermatome of the {label} covers"
        intro = f"The skin {whose}, {chosen}. Maps disagree; a region drawn by one map only is a weaker claim."
    else:
        intro = f"The skin supplied by the {label}, each region with the cutaneous nerve that reaches it (via)."
    if not skin.regions:
        return Section("territory", "Skin territory", (intro, "The graph records no skin territory here."))
    with_maps = skin.kind == "dermatome"  # a cutaneous territory follows no map
    rows = tuple(
        (
            Cell(r.region.label, code=r.region.id),
            *([Cell(", ".join(m.label for m in r.maps))] if with_maps else []),
            Cell(r.contribution),
            Cell(r.via.label, code=r.via.id),
            Cell("", sources=cites.cite(r.sources)),
        )
        for r in skin.regions
    )
    columns = ("region", "maps", "contribution", "via", "sources") if with_maps else ("region", "contribution", "via", "sources")
    return Section("territory", "Skin territory", (intro,), table=Table(columns, rows))


def _facts(detail: EntityDetail, me: Ref, cites: Citations, map_id: str | None) -> tuple[FactRow, ...]:
    wanted = f"{PREFIX}:{map_id}" if map_id else None
    rows: list[FactRow] = []

    def add(view: RelationView, subject: Ref, obj: Ref) -> None:
        # one row per distinct (contribution, map): a dermatome drawn by two maps is two statements
        grouped: dict[tuple[str, Ref | None], tuple[list[str], list[str]]] = {}
        for a in view.assertions:
            if wanted and a.map is not None and a.map.id != wanted:
                continue
            ids, notes = grouped.setdefault((a.contribution or "", a.map), ([], []))
            ids += [s for s in a.sources if s not in ids]
            if a.note and a.note not in notes:
                notes.append(a.note)
        for (contribution, map_ref), (ids, notes) in grouped.items():
            rows.append(FactRow(subject, view.relation, obj, contribution, map_ref, cites.cite(ids), " ".join(notes)))

    for view in detail.outgoing:
        add(view, me, view.entity)
    for view in detail.incoming:
        add(view, view.entity, me)
    return tuple(rows)


def facts_table(facts: Sequence[FactRow]) -> Table:
    return Table(
        ("subject", "relation", "object", "contribution", "map", "sources", "note"),
        tuple(
            (
                Cell(f.subject.label, code=f.subject.id),
                Cell("", code=f.relation),
                Cell(f.object.label, code=f.object.id),
                Cell(f.contribution),
                Cell(f.map.label if f.map else ""),
                Cell("", sources=f.sources),
                Cell(f.note),
            )
            for f in facts
        ),
    )


# ---------------------------------------------------------------- a localization


def localization_lesson(
    localizer: Localizer, index: NameIndex, findings: Sequence[FindingInput], limit: int = LESSON_CANDIDATES
) -> Lesson:
    """The lesson of a localization: red flags first, the findings, ranked candidates, why, what would tell them apart."""
    return build_localization_lesson(localizer.kg, localize(localizer, index, findings, limit))


def finding_text(f: Finding) -> str:
    """``numbness at anterior thigh``, or ``normal: weakness at hip adduction`` for a finding examined and normal.

    >>> finding_text(Finding("weakness", Ref("RADIX:hip_adduction", "hip adduction", "Movement"), False))
    'normal: weakness at hip adduction'
    """
    return f"{'' if f.present else 'normal: '}{f.kind} at {f.site.label}"


def build_localization_lesson(kg: KnowledgeGraph, answer: Localization) -> Lesson:
    """The localization lesson from a :func:`graph.localize.localize` answer; sources numbered as cited."""
    cites = Citations(kg.sources)
    sections: list[Section] = []
    if answer.red_flags:
        sections.append(
            Section(
                "red_flags",
                "Red flags",
                ("These findings can mean an emergency. Act on them before anything else in this lesson.",),
                tuple(
                    Item(
                        f"{flag.message} Raised by: {'; '.join(finding_text(f) for f in flag.findings)}.",
                        lead=f"{flag.condition.label}:",
                        sources=cites.cite(flag.sources),
                    )
                    for flag in answer.red_flags
                ),
                urgent=True,
            )
        )
    sections.append(
        Section(
            "findings",
            "Findings",
            ("As given; a normal finding was examined and found normal.",),
            tuple(Item(finding_text(f), code=f.site.id) for f in answer.findings),
        )
    )
    if answer.unresolved:
        sections.append(
            Section(
                "unresolved",
                "Findings not used",
                ("These could not be matched to the graph; the answer uses the rest.",),
                tuple(
                    Item(
                        f"{'' if u.present else 'normal: '}{u.kind} at {u.site!r}: {u.reason.split(';')[0]}; "
                        f"closest: {', '.join(r.label for r in u.closest) or 'none'}"
                    )
                    for u in answer.unresolved
                ),
            )
        )
    sections.append(_candidates_section(answer.candidates))
    diagram = candidate_pathway(kg, answer.candidates[0]) if answer.candidates else None
    if diagram is not None:
        sections.append(
            Section(
                "diagram",
                "How the first candidate explains the findings",
                (f"The paths by which a lesion of {diagram.seed.label} reaches each finding's site, proximal to distal.",),
            )
        )
    for rank, c in enumerate(answer.candidates[:CANDIDATES_EXPLAINED], 1):
        sections.append(_why_section(rank, c, cites))
    if answer.discriminators:
        sections.append(
            Section(
                "discriminators",
                "To tell the leading candidates apart",
                ("Findings not yet examined that are expected abnormal for some leading candidates and normal for others.",),
                tuple(Item(d.text) for d in answer.discriminators),
            )
        )
    return Lesson(
        "localization",
        "localization",
        "Where is the lesion?",
        "; ".join(finding_text(f) for f in answer.findings),
        answer.disclaimer,
        tuple(sections),
        diagram,
        (),
        cites.references(),
        kg.version,
        "",
        tuple(f.site.id for f in answer.findings if diagram and any(n.id == f.site.id for n in diagram.nodes)),
    )


def _explained(e: Explanation) -> str:
    return f"{e.finding.kind} at {e.finding.site.label}{'' if e.contribution == 'major' else ' (in part)'}"


def _candidates_section(candidates: Sequence[CandidateView]) -> Section:
    intro = (
        f"Ranked by score: a present finding the lesion explains counts +{EXPLAINED['major']:g} "
        f"(+{EXPLAINED['minor']:g} in part), one it does not explain −{UNEXPLAINED:g}; a finding examined and normal "
        f"that it predicts counts −{CONTRADICTED['major']:g} (−{CONTRADICTED['minor']:g} in part)."
    )
    if not candidates:
        return Section("candidates", "Candidate lesion sites", (intro, "No candidate explains these findings."))
    rows = tuple(
        (
            Cell(str(rank)),
            Cell(c.description, code=c.id),
            Cell(c.level),
            Cell(f"{c.score:g}"),
            Cell("; ".join(_explained(e) for e in c.explains)),
            Cell("; ".join(f"{e.finding.kind} at {e.finding.site.label} (normal)" for e in c.contradicts)),
            Cell(
                ", ".join(x.label for x in c.conditions[:CONDITIONS_SHOWN])
                + (f" and {len(c.conditions) - CONDITIONS_SHOWN} more" if len(c.conditions) > CONDITIONS_SHOWN else "")
            ),
        )
        for rank, c in enumerate(candidates, 1)
    )
    return Section(
        "candidates",
        "Candidate lesion sites",
        (intro,),
        table=Table(("rank", "lesion", "level", "score", "explains", "contradicts", "conditions"), rows),
    )


def _path_item(path: PathView, cites: Citations) -> tuple[Item, ...]:
    return tuple(
        Item(
            f"{s.source.label} —{s.relation}"
            + (f" [{', '.join(m.label for m in s.maps)}]" if s.maps else "")
            + f"→ {s.target.label}"
            + ("" if s.contribution == "major" else " (minor)"),
            sources=cites.cite(s.sources),
        )
        for s in path.steps
    )


def _why_section(rank: int, c: CandidateView, cites: Citations) -> Section:
    items: list[Item] = []
    for e in c.explains:
        children = tuple(
            Item(
                f"path {i}" + ("" if p.contribution == "major" else " (minor link)"), children=_path_item(p, cites), ordered=True
            )
            for i, p in enumerate(e.paths, 1)
        )
        items.append(Item(_explained(e), lead="explains", children=children))
    for e in c.contradicts:
        children = tuple(Item(f"path {i}", children=_path_item(p, cites), ordered=True) for i, p in enumerate(e.paths, 1))
        items.append(
            Item(
                f"{e.finding.kind} at {e.finding.site.label} was normal, but this lesion predicts it "
                f"{'abnormal' if e.contribution == 'major' else 'abnormal in part'}",
                lead="contradicts",
                children=children,
            )
        )
    for f in c.unexplained:
        items.append(Item(f"{f.kind} at {f.site.label}", lead="does not explain"))
    text = [f"Level: {c.level}; score {c.score:g}."]
    if c.members:
        text.append(f"Roots taken together: {', '.join(m.label for m in c.members)}.")
    if c.conditions:
        text.append(f"Common conditions here: {', '.join(x.label for x in c.conditions)}.")
    return Section("paths", f"{rank}. {c.description}: why", tuple(text), tuple(items))


def candidate_pathway(kg: KnowledgeGraph, c: CandidateView) -> Pathway | None:
    """The explaining paths of one candidate as a pathway diagram (the shape of ``/pathways/{id}``)."""
    nodes: dict[str, PathwayNode] = {}
    edges: dict[tuple[str, str, str], PathwayEdge] = {}
    for e in c.explains:
        for p in e.paths:
            for s in p.steps:
                for r in (s.source, s.target):
                    nodes.setdefault(r.id, PathwayNode(r.id, r.label, r.type))
                edges.setdefault(
                    (s.source.id, s.target.id, s.relation),
                    PathwayEdge(s.source.id, s.target.id, s.relation, s.contribution, s.maps, s.sources),
                )
    if not edges:
        return None
    ids = dict.fromkeys(i for edge in edges.values() for i in edge.sources)
    return Pathway(
        Ref(c.id, c.description, c.type),
        "distal",
        tuple(nodes.values()),
        tuple(edges.values()),
        tuple(kg.sources[i] for i in ids if i in kg.sources),
        False,
        f"the explaining paths of {c.description}",
    )


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*[]<>|"})
#: an underscore that could open or close emphasis (GFM never reads one inside a word so)
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md_escape(text: str) -> str:
    """Text safe inline in Markdown (and in a table cell): markup characters escaped, one line.

    >>> print(md_escape("a|b [L4] *x* _y_ acts_in"))
    a\\|b \\[L4\\] \\*x\\* \\_y\\_ acts_in
    """
    out = _MD_UNDERSCORE.sub(r"\\_", " ".join(text.translate(_MD_SPECIAL).split()))
    return "\\" + out if out.startswith("#") else out


def cite_marks(numbers: Sequence[int]) -> str:
    """``[3][7]``: the reference numbers of a statement.

    >>> cite_marks((3, 7))
    '[3][7]'
    """
    return "".join(f"[{n}]" for n in numbers)


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def _md_code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


def _md_cell(cell: Cell) -> str:
    parts = [md_escape(cell.text)] if cell.text else []
    if cell.code:
        parts.append(_md_code(cell.code))
    if cell.sources:
        parts.append(cite_marks(cell.sources))
    return " ".join(parts)


def _md_item(item: Item, depth: int, marker: str) -> list[str]:
    parts = [f"**{md_escape(item.lead)}**"] if item.lead else []
    if item.text:
        parts.append(md_escape(item.text))
    if item.code:
        parts.append(f"[{_md_code(item.code)}](<{_md_url(item.url)}>)" if item.url else _md_code(item.code))
    elif item.url:
        parts.append(f"<{_md_url(item.url)}>")
    if item.sources:
        parts.append(cite_marks(item.sources))
    lines = [f"{'   ' * depth}{marker} {' '.join(parts)}"]
    for i, child in enumerate(item.children, 1):
        lines += _md_item(child, depth + 1, f"{i}." if item.ordered else "-")
    return lines


def mermaid(diagram: Pathway) -> str:
    """The pathway as a Mermaid ``flowchart LR``: edges labelled with their relation, minor ones dotted, the seed bold."""
    return mermaid_flowchart(
        [(normalise_id(n.id), n.label) for n in diagram.nodes],
        [(normalise_id(e.source), normalise_id(e.target), e.relation, e.contribution == "minor") for e in diagram.edges],
        bold=normalise_id(diagram.seed.id),
    )


def _md_section(section: Section, lesson: Lesson) -> list[str]:
    title = md_escape(section.title)
    lines = [f"## {'⚠ URGENT: ' if section.urgent else ''}{title}", ""]
    for paragraph in section.text:
        lines += [f"**{md_escape(paragraph)}**" if section.urgent else md_escape(paragraph), ""]
    if section.key == "diagram" and lesson.pathway is not None:
        lines += [MERMAID_NOTE, "", "```mermaid", mermaid(lesson.pathway), "```", ""]
    if section.items:
        for item in section.items:
            lines += _md_item(item, 0, "-")
        lines.append("")
    if section.table is not None:
        t = section.table
        lines.append("| " + " | ".join(md_escape(c) for c in t.columns) + " |")
        lines.append("|" + "---|" * len(t.columns))
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
        lines.append("")
    return lines


def to_markdown(lesson: Lesson) -> str:
    """The lesson as GitHub-flavoured Markdown: headings, tables, a Mermaid diagram, numbered references."""
    lines = [f"# {md_escape(lesson.title)}", ""]
    subtitle = [md_escape(lesson.subtitle)] if lesson.subtitle else []
    subtitle += [_md_code(lesson.curie)] if lesson.curie else []
    if subtitle:
        lines += [" · ".join(subtitle), ""]
    lines += [f"> **Not medical advice.** {md_escape(lesson.disclaimer)}", ""]
    for section in lesson.sections:
        lines += _md_section(section, lesson)
    if lesson.references:
        lines += ["## References", ""]
        for r in lesson.references:
            tier = f"tier {r.tier}" + (f": {TIERS[r.tier]}" if r.tier in TIERS else "")
            lines.append(f"{r.number}. {md_escape(r.citation)} <{_md_url(r.url)}> ({tier})")
        lines.append("")
    version = f" {lesson.version}" if lesson.version else ""
    lines += ["---", "", f"Made with Radix{version}, an open knowledge graph of the spine and peripheral nerves (CC BY 4.0)."]
    return "\n".join(lines) + "\n"
