from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph.territory import territory

from ..deps import State
from ..models import ErrorOut, TerritoryOut

router = APIRouter(tags=["territories"])


@router.get("/territories/{id}", response_model=TerritoryOut, responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut}})
async def get_territory(
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
) -> TerritoryOut:
    """The skin an entity supplies: a root's dermatome on one map or all, or a nerve's cutaneous territory."""
    return TerritoryOut.model_validate(territory(state.kg, id, map))
