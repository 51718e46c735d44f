from __future__ import annotations

import io
import json

import networkx as nx
import pydot
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF

from api.state import AppState
from graph.errors import EntityNotFound, InvalidQuery
from graph.export import (
    MAX_NODES,
    Subgraph,
    SubgraphTooLarge,
    UnknownExportFormat,
    export,
    subgraph,
    write_cytoscape,
    write_dot,
    write_gexf,
    write_graphml,
    write_json,
    write_mermaid,
    write_rdf,
)
from graph.model import Entity, Relation
from graph.vocabulary import BASE_IRI, RELATIONS
from tests import FEMORAL, SAPHENOUS, root

LUMBAR_PLEXUS = "RADIX:lumbar_plexus"
RADIX = rdflib.Namespace(BASE_IRI)


@pytest.fixture(scope="module")
def femoral(shipped: AppState) -> Subgraph:
    """The femoral nerve with everything one hop away, both ways."""
    return subgraph(shipped.kg, FEMORAL, 1)


def curies(sub: Subgraph) -> set[str]:
    return {e.curie for e in sub.nodes}


# ---------------------------------------------------------------- the walk


def test_out_reaches_the_branches_and_not_the_roots(shipped: AppState) -> None:
    sub = subgraph(shipped.kg, FEMORAL, 1, "out")
    assert {FEMORAL, SAPHENOUS, "RADIX:quadriceps_femoris", "RADIX:patellar_reflex"} <= curies(sub)
    assert root("L3") not in curies(sub)  # root_value points back to the roots and is not followed by default
    assert LUMBAR_PLEXUS not in curies(sub)


def test_in_reaches_the_plexus_that_forms_it(shipped: AppState) -> None:
    sub = subgraph(shipped.kg, "femoral_nerve", 1, "in")
    assert LUMBAR_PLEXUS in curies(sub)
    assert SAPHENOUS not in curies(sub)
    assert ("lumbar_plexus", "forms", "femoral_nerve") in {(r.subject, r.predicate, r.object) for r in sub.relations}


def test_both_is_the_union_of_out_and_in(shipped: AppState, femoral: Subgraph) -> None:
    out, into = (curies(subgraph(shipped.kg, FEMORAL, 1, d)) for d in ("out", "in"))
    assert curies(femoral) == out | into


def test_depth_zero_is_the_seed_alone(shipped: AppState) -> None:
    sub = subgraph(shipped.kg, FEMORAL, 0)
    assert curies(sub) == {FEMORAL}
    assert sub.relations == ()


def test_relations_narrow_the_walk_and_root_value_is_followed_only_when_asked(shipped: AppState) -> None:
    branches = subgraph(shipped.kg, FEMORAL, 2, "out", frozenset({"branches_into"}))
    assert SAPHENOUS in curies(branches)
    assert {r.predicate for r in branches.relations} == {"branches_into"}
    roots = subgraph(shipped.kg, FEMORAL, 1, "out", frozenset({"root_value"}))
    assert {root("L2"), root("L3"), root("L4")} <= curies(roots)


def test_every_relation_joins_two_nodes_of_the_subgraph(femoral: Subgraph) -> None:
    ids = {e.id for e in femoral.nodes}
    assert femoral.relations
    assert all(r.subject in ids and r.object in ids for r in femoral.relations)


def test_the_cap_stops_the_walk_and_names_itself(shipped: AppState) -> None:
    size = len(subgraph(shipped.kg, FEMORAL, 2).nodes)
    assert len(subgraph(shipped.kg, FEMORAL, 2, max_nodes=size).nodes) == size  # exactly at the cap is fine
    with pytest.raises(SubgraphTooLarge, match=rf"more than {size - 1} nodes") as caught:
        subgraph(shipped.kg, FEMORAL, 2, max_nodes=size - 1)
    assert isinstance(caught.value, InvalidQuery)  # so the API answers 422
    assert "lower depth" in str(caught.value) and "direction=out" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"relations": frozenset({"forms", "innervate"})}, "unknown relation(s) innervate; known relations: forms, "),
        ({"depth": 4}, "depth must be between 0 and 3"),
        ({"direction": "up"}, "unknown direction 'up'; use one of: out, in, both"),
        ({"max_nodes": MAX_NODES + 1}, f"max_nodes must be between 1 and {MAX_NODES}"),
    ],
)
def test_bad_arguments_are_rejected_with_what_is_allowed(shipped: AppState, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"depth": 1, **kwargs}
    with pytest.raises(InvalidQuery) as caught:
        subgraph(shipped.kg, FEMORAL, **args)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_unknown_seed_is_not_found(shipped: AppState) -> None:
    with pytest.raises(EntityNotFound, match="no_such_nerve"):
        subgraph(shipped.kg, "RADIX:no_such_nerve", 1)


def test_unknown_format_lists_the_formats(femoral: Subgraph, shipped: AppState) -> None:
    with pytest.raises(UnknownExportFormat, match="use one of: json, cytoscape, graphml, gexf, dot, mermaid, turtle, jsonld"):
        export(femoral, "png", shipped.rdf.get)


# ---------------------------------------------------------------- the writers


def edge_set(g: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u, v, k) for u, v, k in g.edges(keys=True)}


def test_json_is_node_link_data_with_sources_as_lists(femoral: Subgraph) -> None:
    data = json.loads(write_json(femoral))
    assert {"id": SAPHENOUS, "label": "saphenous nerve", "type": "Nerve"} in data["nodes"]
    g = nx.node_link_graph(data, edges="edges")
    assert set(g.nodes) == curies(femoral)
    edge = g.edges[FEMORAL, SAPHENOUS, "branches_into"]
    assert edge["relation"] == "branches_into" and edge["contribution"] == "major"
    assert "stedman_femoral" in edge["sources"]


@pytest.mark.parametrize(("writer", "reader"), [(write_graphml, nx.read_graphml), (write_gexf, nx.read_gexf)])
def test_graphml_and_gexf_read_back_the_same_graph(femoral: Subgraph, writer: object, reader: object) -> None:
    text = writer(femoral)  # type: ignore[operator]
    g = reader(io.BytesIO(text.encode()))  # type: ignore[operator]
    assert set(g.nodes) == curies(femoral)
    assert g.number_of_edges() == len(femoral.relations)
    assert g.nodes[SAPHENOUS]["label"] == "saphenous nerve"
    sources = [d["sources"] for u, v, d in g.edges(data=True) if (u, v) == (FEMORAL, SAPHENOUS)]
    assert sources and "stedman_femoral" in sources[0].split(";")


def test_gexf_does_not_change_from_day_to_day(femoral: Subgraph) -> None:
    assert "lastmodifieddate" not in write_gexf(femoral)


def test_cytoscape_reads_back(femoral: Subgraph) -> None:
    data = json.loads(write_cytoscape(femoral))
    g = nx.cytoscape_graph(data)
    assert set(g.nodes) == curies(femoral)
    assert (FEMORAL, SAPHENOUS, "branches_into") in edge_set(g)
    node = next(n["data"] for n in data["elements"]["nodes"] if n["data"]["id"] == SAPHENOUS)
    assert (node["label"], node["type"]) == ("saphenous nerve", "Nerve")
    edge = next(
        e["data"] for e in data["elements"]["edges"] if (e["data"]["source"], e["data"]["target"]) == (FEMORAL, SAPHENOUS)
    )
    assert edge["relation"] == "branches_into" and edge["contribution"] == "major" and edge["sources"]


def parse_dot(text: str) -> pydot.Dot:
    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1
    return graphs[0]


def test_dot_parses_left_to_right_with_quoted_curies(femoral: Subgraph) -> None:
    dot = parse_dot(write_dot(femoral))
    assert dot.get("rankdir") == "LR"
    names = {n.get_name().strip('"') for n in dot.get_nodes()} - {"node"}  # "node" is the default-style statement
    assert names == curies(femoral)
    edge = dot.get_edge(f'"{FEMORAL}"', f'"{SAPHENOUS}"')[0]
    assert edge.get("relation").strip('"') == "branches_into"


def test_dot_keeps_quotes_and_backslashes_in_labels() -> None:
    odd = Subgraph("odd", (Entity("odd", "Nerve", 'nerve "X" \\ [L4]'),), ())
    dot = parse_dot(write_dot(odd))
    label = dot.get_node('"RADIX:odd"')[0].get("label")
    assert label == '"nerve \\"X\\" \\\\ [L4]"'  # as written in DOT: quotes and the backslash escaped


def test_mermaid_is_a_flowchart_with_one_line_per_relation(femoral: Subgraph) -> None:
    text = write_mermaid(femoral)
    assert text.startswith("flowchart LR\n")
    assert "    RADIX_femoral_nerve -->|branches_into| RADIX_saphenous_nerve\n" in text
    assert '    RADIX_saphenous_nerve["saphenous nerve"]\n' in text
    assert text.count("|") == 2 * len(femoral.relations)


def test_mermaid_escapes_labels_and_makes_ids_safe() -> None:
    a, b = Entity("a-b", "Nerve", 'say "hi" [x] <b>'), Entity("a_b", "Nerve", "plain")
    odd = Subgraph("a-b", (a, b), (Relation("a-b", "forms", "a_b", ()),))
    lines = write_mermaid(odd).splitlines()
    assert lines[1] == '    RADIX_a_b["say #quot;hi#quot; #91;x#93; #lt;b#gt;"]'
    assert lines[2] == '    RADIX_a_b_["plain"]'  # the two ids differ only in punctuation: still two nodes
    assert lines[3] == "    RADIX_a_b -->|forms| RADIX_a_b_"


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_rdf_carries_the_relation_with_its_sourced_axiom(femoral: Subgraph, shipped: AppState, fmt: str) -> None:
    g = rdflib.Graph().parse(data=write_rdf(femoral, shipped.rdf.get(), fmt), format={"jsonld": "json-ld"}.get(fmt, fmt))
    femoral_iri, saphenous = RADIX.femoral_nerve, RADIX.saphenous_nerve
    assert (femoral_iri, RADIX.branches_into, saphenous) in g
    axioms = [
        a
        for a in g.subjects(OWL.annotatedSource, femoral_iri)
        if (a, OWL.annotatedTarget, saphenous) in g and (a, RDF.type, OWL.Axiom) in g
    ]
    assert axioms and all(g.value(a, DCTERMS.source) is not None for a in axioms)
    cited = next(g.objects(axioms[0], DCTERMS.source))
    assert g.value(cited, DCTERMS.bibliographicCitation) is not None  # the cited source comes along
    assert (saphenous, rdflib.RDFS.label, rdflib.Literal("saphenous nerve")) in g


def test_rdf_keeps_only_relations_inside_the_subgraph(femoral: Subgraph, shipped: AppState) -> None:
    g = rdflib.Graph().parse(data=write_rdf(femoral, shipped.rdf.get(), "turtle"), format="turtle")
    nodes = {RADIX[e.id] for e in femoral.nodes}
    relations = {RADIX[name] for name in RELATIONS}
    kept = {(s, p, o) for s, p, o in g if p in relations}
    assert kept == {(RADIX[r.subject], RADIX[r.predicate], RADIX[r.object]) for r in femoral.relations}
    assert all(o in nodes for _, _, o in kept)
    assert (RADIX.femoral_nerve, RADIX.root_value, RADIX.spinal_nerve_L3) not in g
    annotated = {(g.value(a, OWL.annotatedSource), g.value(a, OWL.annotatedTarget)) for a in g.subjects(RDF.type, OWL.Axiom)}
    assert annotated == {(s, o) for s, _, o in kept}  # no axiom left about a dropped relation


def test_nodes_and_edges_come_out_sorted(femoral: Subgraph) -> None:
    data = json.loads(write_json(femoral))
    ids = [n["id"] for n in data["nodes"]]
    edges = [(e["source"], e["key"], e["target"]) for e in data["edges"]]
    assert ids == sorted(ids) and edges == sorted(edges)
