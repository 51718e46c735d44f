from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from graph.model import normalise_id
from graph.territory import territory

from ..cache import cached_json
from ..deps import State
from ..models import ErrorOut, TerritoryOut, UnprocessableOut

router = APIRouter(tags=["territories"])


@router.get(
    "/territories/{id}", response_model=TerritoryOut, responses={404: {"model": ErrorOut}, 422: {"model": UnprocessableOut}}
)
async def get_territory(
    request: Request,
    state: State,
    id: Annotated[
        str,
        Path(
            max_length=200,
            description="CURIE or local name of a spinal nerve or dermatome, or of a nerve, plexus part or plexus",
            examples=["RADIX:spinal_nerve_L5"],
        ),
    ],
    map: Annotated[
        str | None,
        Query(
            max_length=100,
            description="a dermatome map, CURIE or local name (dermatomes only); every map when left out",
            examples=["RADIX:map_isncsci"],
        ),
    ] = None,
) -> Response:
    """The skin an entity supplies: a root's dermatome on one map or all, or a nerve's cutaneous territory."""
    return cached_json(
        request,
        ("territory", normalise_id(id), map),
        lambda: TerritoryOut.model_validate(territory(state.kg, id, map, state.index)),
    )
