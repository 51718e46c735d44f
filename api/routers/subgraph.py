from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Response

from graph.export import EXPORT_FORMATS, MAX_DEPTH, MAX_NODES, export, export_format, parse_relations, subgraph

from ..deps import State
from ..models import ErrorOut, UnprocessableOut
from .rdf import STORE_DOWN

router = APIRouter(tags=["subgraph"])


@router.get(
    "/subgraph",
    response_class=Response,
    responses={
        200: {"content": {f.media_type: {} for f in EXPORT_FORMATS.values()}, "description": "the subgraph in the format asked"},
        404: {"model": ErrorOut},
        422: {"model": UnprocessableOut},
        502: STORE_DOWN,
    },
)
def get_subgraph(  # plain def: serializing up to MAX_NODES nodes (and the first RDF load) would block the event loop
    state: State,
    seed: Annotated[str, Query(max_length=200, description="CURIE or local name", examples=["RADIX:femoral_nerve"])],
    depth: Annotated[int, Query(ge=0, le=MAX_DEPTH, description="hops from the seed")] = 1,
    format: Annotated[
        str, Query(max_length=20, description=f"one of: {', '.join(EXPORT_FORMATS)}", examples=["mermaid"])
    ] = "json",
    direction: Annotated[
        str, Query(max_length=10, description="out: as stored (distally); in: against it; both: either way")
    ] = "both",
    relations: Annotated[
        str | None,
        Query(
            max_length=500,
            description="comma-separated relation names to follow (default: all but root_value)",
            examples=["forms,branches_into"],
        ),
    ] = None,
    max_nodes: Annotated[
        int, Query(ge=1, le=MAX_NODES, description="node cap: 422 when the subgraph would be larger")
    ] = MAX_NODES,
) -> Response:
    """The subgraph within `depth` hops of `seed`, as JSON, Cytoscape, GraphML, GEXF, DOT, Mermaid, Turtle or JSON-LD."""
    media_type, extension = export_format(format)  # a bad format fails before any work
    sub = subgraph(state.kg, seed, depth, direction, parse_relations(relations), max_nodes)
    filename = f"{re.sub(r'[^A-Za-z0-9_.-]', '_', sub.seed)}.{extension}"  # a graph id, made header-safe
    return Response(
        export(sub, format, state.rdf.get),
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
