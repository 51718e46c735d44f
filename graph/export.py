"""Bounded subgraphs around one entity, written in graph, diagram and RDF formats.

A subgraph is what a breadth-first walk from a seed reaches in a few hops over the typed
relations, with every followed relation between the nodes it reached (the induced subgraph,
as :func:`networkx.ego_graph` gives). The walk is bounded in the algorithm: at most
:data:`MAX_DEPTH` hops and :data:`MAX_NODES` nodes, and it stops as soon as the cap would be
passed instead of building a large graph and refusing it afterwards.

Every format carries the same content: nodes with their CURIE, label and type; edges with
their relation, contribution (major or minor) and sources. The RDF formats carry the
asserted triples themselves, each relation with the ``owl:Axiom`` that sources it.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, NamedTuple

import networkx as nx
import pyoxigraph as ox

from .errors import InvalidQuery
from .model import Entity, KnowledgeGraph, Relation
from .rdfstore import ANNOTATED_PROPERTY, ANNOTATED_SOURCE, ANNOTATED_TARGET, DCTERMS_SOURCE, RdfSource, serialize
from .vocabulary import BASE_IRI, CONTEXT_RELATIONS, DISTAL_RELATIONS, RELATIONS, curie

MAX_DEPTH: Final = 3
MAX_NODES: Final = 500
DIRECTIONS: Final = ("out", "in", "both")
#: Followed unless ``relations`` says otherwise: everything but the segmental supply
#: (``root_value`` points back up to the spinal nerves and "is never followed", DESIGN §3).
DEFAULT_RELATIONS: Final = frozenset(DISTAL_RELATIONS + CONTEXT_RELATIONS)


class ExportFormat(NamedTuple):
    media_type: str
    extension: str


#: Export formats by their ``format=`` name; the first is the default.
EXPORT_FORMATS: Final[dict[str, ExportFormat]] = {
    "json": ExportFormat("application/json", "json"),
    "cytoscape": ExportFormat("application/json", "cyjs"),
    "graphml": ExportFormat("application/graphml+xml", "graphml"),
    "gexf": ExportFormat("application/gexf+xml", "gexf"),
    "dot": ExportFormat("text/vnd.graphviz", "dot"),
    "mermaid": ExportFormat("text/vnd.mermaid", "mmd"),
    "turtle": ExportFormat("text/turtle", "ttl"),
    "jsonld": ExportFormat("application/ld+json", "jsonld"),
}


class SubgraphTooLarge(InvalidQuery):
    """The walk would pass the node cap (HTTP 422)."""

    def __init__(self, seed: str, depth: int, max_nodes: int) -> None:
        self.max_nodes = max_nodes
        super().__init__(
            f"the subgraph around {curie(seed)} at depth {depth} has more than {max_nodes} nodes (the cap); "
            "lower depth, use direction=out or narrow relations"
        )


class UnknownExportFormat(InvalidQuery):
    def __init__(self, given: str) -> None:
        super().__init__(f"unknown format {given!r}; use one of: {', '.join(EXPORT_FORMATS)}")


@dataclass(frozen=True)
class Subgraph:
    """The entities a walk reached (sorted by id) and the followed relations between them (sorted)."""

    seed: str  # local name
    nodes: tuple[Entity, ...]
    relations: tuple[Relation, ...]


def parse_relations(text: str | None) -> frozenset[str] | None:
    """A relation filter from a comma-separated list; None (the default set) when empty.

    >>> sorted(parse_relations("forms, branches_into") or ())
    ['branches_into', 'forms']
    >>> parse_relations("") is None
    True
    """
    names = frozenset(n.strip() for n in (text or "").split(",") if n.strip())
    return names or None


def subgraph(
    kg: KnowledgeGraph,
    seed: str,
    depth: int,
    direction: str = "both",
    relations: frozenset[str] | None = None,
    max_nodes: int = MAX_NODES,
) -> Subgraph:
    """What a walk of ``depth`` hops from ``seed`` reaches, with the relations between those nodes.

    Args:
        kg: the knowledge graph.
        seed: an id (CURIE or local name); :class:`~graph.errors.EntityNotFound` if unknown.
        depth: hops from the seed, 0 to :data:`MAX_DEPTH`.
        direction: ``out`` follows relations as stored (distally), ``in`` against it, ``both`` either way.
        relations: relation names to follow; :data:`DEFAULT_RELATIONS` when None.
        max_nodes: the node cap, at most :data:`MAX_NODES`; :class:`SubgraphTooLarge` as soon as the walk would pass it.
    """
    if not 0 <= depth <= MAX_DEPTH:
        raise InvalidQuery(f"depth must be between 0 and {MAX_DEPTH}, got {depth}")
    if not 1 <= max_nodes <= MAX_NODES:
        raise InvalidQuery(f"max_nodes must be between 1 and {MAX_NODES}, got {max_nodes}")
    if direction not in DIRECTIONS:
        raise InvalidQuery(f"unknown direction {direction!r}; use one of: {', '.join(DIRECTIONS)}")
    if relations is not None and (unknown := sorted(relations - set(RELATIONS))):
        raise InvalidQuery(f"unknown relation(s) {', '.join(unknown)}; known relations: {', '.join(RELATIONS)}")
    follow = DEFAULT_RELATIONS if relations is None else relations
    start = kg.entity(seed).id

    def neighbours(node: str) -> Iterable[str]:
        if direction in ("out", "both"):
            yield from (r.object for r in kg.outgoing(node, follow))
        if direction in ("in", "both"):
            yield from (r.subject for r in kg.incoming(node, follow))

    hops = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if hops[node] == depth:
            continue
        for other in neighbours(node):
            if other in hops:
                continue
            if len(hops) == max_nodes:
                raise SubgraphTooLarge(start, depth, max_nodes)
            hops[other] = hops[node] + 1
            queue.append(other)
    edges = [r for node in hops for r in kg.outgoing(node, follow) if r.object in hops]
    return Subgraph(
        seed=start,
        nodes=tuple(sorted((kg.entity(n) for n in hops), key=lambda e: e.id)),
        relations=tuple(sorted(edges, key=lambda r: (r.subject, r.predicate, r.object))),
    )


# ---------------------------------------------------------------- graph formats


def to_networkx(sub: Subgraph, *, flat: bool = False) -> nx.MultiDiGraph:
    """Nodes keyed by CURIE with id, label and type; edges keyed by relation.

    With ``flat``, sources are one ``;``-separated string, since GraphML, GEXF and DOT take scalars only.
    """
    g = nx.MultiDiGraph()
    for e in sub.nodes:
        g.add_node(e.curie, id=e.curie, label=e.label, type=e.type)
    for r in sub.relations:
        sources = ";".join(r.sources) if flat else list(r.sources)
        g.add_edge(
            curie(r.subject), curie(r.object), key=r.predicate, relation=r.predicate, contribution=r.contribution, sources=sources
        )
    return g


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_json(sub: Subgraph) -> str:
    """networkx node-link data, readable back with ``nx.node_link_graph(data, edges="edges")``."""
    return _dumps(nx.node_link_data(to_networkx(sub), edges="edges"))


def write_cytoscape(sub: Subgraph) -> str:
    """Cytoscape.js elements JSON, readable back with ``nx.cytoscape_graph``."""
    return _dumps(nx.cytoscape_data(to_networkx(sub)))


def write_graphml(sub: Subgraph) -> str:
    return "\n".join(nx.generate_graphml(to_networkx(sub, flat=True))) + "\n"


def write_gexf(sub: Subgraph) -> str:
    writer = nx.readwrite.gexf.GEXFWriter(prettyprint=True)
    writer.add_graph(to_networkx(sub, flat=True))
    meta = writer.xml.find("meta")
    if meta is not None:  # today's date would make the same subgraph differ from day to day
        meta.attrib.pop("lastmodifieddate", None)
    return str(writer)


def write_dot(sub: Subgraph) -> str:
    """Graphviz DOT, laid out left to right so proximal → distal reads that way; minor edges dashed."""
    g = nx.MultiDiGraph()
    g.graph["graph"] = {"rankdir": "LR"}
    g.graph["node"] = {"shape": "box"}
    quoted = {e.curie: f'"{e.curie}"' for e in sub.nodes}  # a bare ':' would read as a DOT port
    for e in sub.nodes:
        g.add_node(quoted[e.curie], label=_dot_text(e.label), type=e.type)
    for u, v, key, data in to_networkx(sub, flat=True).edges(keys=True, data=True):
        style = {"style": "dashed"} if data["contribution"] == "minor" else {}
        g.add_edge(quoted[u], quoted[v], key=key, label=key, **data, **style)
    text: str = nx.nx_pydot.to_pydot(g).to_string()
    return text


def _dot_text(text: str) -> str:
    # pydot escapes double quotes but not backslashes, which Graphviz reads as escapes (\n, \l, ...).
    return text.replace("\\", "\\\\")


def write_mermaid(sub: Subgraph) -> str:
    """A Mermaid ``flowchart LR``: one node line per entity, one edge line per relation (minor dotted)."""
    nodes = [(e.id, e.label) for e in sub.nodes]
    edges = [(r.subject, r.object, r.predicate, r.contribution == "minor") for r in sub.relations]
    return mermaid_flowchart(nodes, edges) + "\n"


def mermaid_flowchart(
    nodes: Iterable[tuple[str, str]], edges: Iterable[tuple[str, str, str, bool]], bold: str | None = None
) -> str:
    """A Mermaid ``flowchart LR`` of (id, label) nodes and (source, target, label, minor) edges; minor edges
    dotted, edges to unknown nodes left out, ``bold`` (a node id) drawn bold.

    >>> print(mermaid_flowchart([("a", "femoral nerve"), ("b", "knee")], [("a", "b", "innervates_joint", True)], bold="a"))
    flowchart LR
        RADIX_a["femoral nerve"]
        RADIX_b["knee"]
        RADIX_a -.->|innervates_joint| RADIX_b
        classDef seed stroke-width:3px,font-weight:bold
        class RADIX_a seed
    """
    ids: dict[str, str] = {}
    lines = ["flowchart LR"]
    for node, label in nodes:
        ident = mermaid_id(node)
        while ident in ids.values():  # two ids that differ only in punctuation
            ident += "_"
        ids[node] = ident
        lines.append(f'    {ident}["{mermaid_text(label)}"]')
    for source, target, label, minor in edges:
        if source in ids and target in ids:
            lines.append(f"    {ids[source]} {'-.->' if minor else '-->'}|{mermaid_text(label)}| {ids[target]}")
    if bold in ids:
        lines += ["    classDef seed stroke-width:3px,font-weight:bold", f"    class {ids[bold]} seed"]
    return "\n".join(lines)


def mermaid_id(local: str) -> str:
    """A Mermaid node id: letters, digits and ``_``, prefixed so that it never is a keyword like ``end``.

    >>> mermaid_id("disc_L4_L5")
    'RADIX_disc_L4_L5'
    """
    return "RADIX_" + re.sub(r"[^A-Za-z0-9_]", "_", local)


def mermaid_text(text: str) -> str:
    """A label safe inside ``["..."]``: quotes, brackets and markup as Mermaid entity codes.

    >>> mermaid_text('nerve "X" [L4]')
    'nerve #quot;X#quot; #91;L4#93;'
    """
    codes = {"#": "#35;", '"': "#quot;", "[": "#91;", "]": "#93;", "<": "#lt;", ">": "#gt;", "\n": " "}
    return "".join(codes.get(c, c) for c in text)


# ---------------------------------------------------------------- RDF formats


def rdf_triples(sub: Subgraph, store: RdfSource) -> list[ox.Triple]:
    """The subgraph's own triples: its nodes' descriptions, its relations with their axioms, the cited sources.

    A relation to a node outside the subgraph (or along a relation not followed) is dropped,
    with its axiom, so the RDF says exactly what the other formats say.
    """
    iri = {e.id: ox.NamedNode(BASE_IRI + e.id) for e in sub.nodes}
    nodes = set(iri.values())
    kept = {(iri[r.subject], ox.NamedNode(BASE_IRI + r.predicate), iri[r.object]) for r in sub.relations}
    relation_iris = {ox.NamedNode(BASE_IRI + name) for name in RELATIONS}
    about: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = {}
    for t in store.describe(list(iri)):
        about.setdefault(t.subject, []).append(t)  # type: ignore[arg-type]

    out: list[ox.Triple] = []
    cited: set[ox.NamedNode | ox.BlankNode] = set()
    for subject, triples in about.items():
        if subject in nodes:
            out += [t for t in triples if t.predicate not in relation_iris or (t.subject, t.predicate, t.object) in kept]
            continue
        annotated = {t.predicate: t.object for t in triples}
        if (annotated.get(ANNOTATED_SOURCE), annotated.get(ANNOTATED_PROPERTY), annotated.get(ANNOTATED_TARGET)) in kept:
            out += triples
            cited |= {t.object for t in triples if t.predicate == DCTERMS_SOURCE and isinstance(t.object, ox.NamedNode)}
    for source in sorted(cited, key=str):
        out += about.get(source, [])
    return out


def write_rdf(sub: Subgraph, store: RdfSource, fmt: str) -> bytes:
    """Turtle or JSON-LD (compacted with the published context, embedded)."""
    return serialize(rdf_triples(sub, store), fmt)


# ---------------------------------------------------------------- one entry point


def export_format(name: str) -> ExportFormat:
    """The media type and file extension of a format; :class:`UnknownExportFormat` otherwise."""
    if name not in EXPORT_FORMATS:
        raise UnknownExportFormat(name)
    return EXPORT_FORMATS[name]


_GRAPH_WRITERS: Final[dict[str, Callable[[Subgraph], str]]] = {
    "json": write_json,
    "cytoscape": write_cytoscape,
    "graphml": write_graphml,
    "gexf": write_gexf,
    "dot": write_dot,
    "mermaid": write_mermaid,
}


def export(sub: Subgraph, fmt: str, rdf: Callable[[], RdfSource]) -> bytes:
    """The subgraph in one of :data:`EXPORT_FORMATS`, UTF-8; ``rdf`` is called only for turtle and jsonld."""
    export_format(fmt)
    if fmt in ("turtle", "jsonld"):
        return write_rdf(sub, rdf(), fmt)
    return _GRAPH_WRITERS[fmt](sub).encode()
