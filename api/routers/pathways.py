from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from graph.model import normalise_id
from graph.pathway import DEFAULT_PATHWAY_NODES, MAX_PATHWAY_NODES, pathway

from ..cache import cached_json
from ..deps import State
from ..models import ErrorOut, PathwayOut, UnprocessableOut

router = APIRouter(tags=["pathways"])


@router.get("/pathways/{id}", response_model=PathwayOut, responses={404: {"model": ErrorOut}, 422: {"model": UnprocessableOut}})
async def get_pathway(
    request: Request,
    state: State,
    id: Annotated[
        str,
        Path(
            max_length=200,
            description="CURIE or local name: a root, plexus or nerve (distal), a finding site (proximal), anything else",
            examples=["RADIX:femoral_nerve"],
        ),
    ],
    max_nodes: Annotated[
        int, Query(ge=1, le=MAX_PATHWAY_NODES, description=f"node cap, at most {MAX_PATHWAY_NODES}; over it, `truncated`")
    ] = DEFAULT_PATHWAY_NODES,
) -> Response:
    """The pathway diagram of an entity: what a lesion of it reaches, what can cause a deficit at it, or its neighbours."""
    return cached_json(
        request,
        ("pathway", normalise_id(id), max_nodes),
        lambda: PathwayOut.model_validate(pathway(state.kg, state.index, id, max_nodes)),
    )
