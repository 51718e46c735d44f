from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from graph.queries import DISCLAIMER, find_paths
from graph.traversal import MAX_PATH_LENGTH

from ..deps import State
from ..models import ErrorOut, PathsOut, UnprocessableOut

router = APIRouter(tags=["paths"])

MAX_LIMIT = 50


@router.get("/paths", response_model=PathsOut, responses={404: {"model": ErrorOut}, 422: {"model": UnprocessableOut}})
async def paths(
    state: State,
    source: Annotated[str, Query(max_length=200, description="id, CURIE or exact name", examples=["L3 spinal nerve"])],
    target: Annotated[str, Query(max_length=200, description="id, CURIE or exact name", examples=["anterior thigh"])],
    max_length: Annotated[int, Query(ge=1, le=MAX_PATH_LENGTH, description="most relations in one path")] = 8,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="most paths returned")] = 10,
    relations: Annotated[
        str | None,
        Query(
            max_length=500,
            description="comma-separated relation names to follow (default: all)",
            examples=["forms,branches_into,supplies_skin_of"],
        ),
    ] = None,
) -> PathsOut:
    """Paths from source to target along relations in their stored direction, shortest first."""
    found, truncated = find_paths(state.kg, state.index, source, target, max_length, limit, relations)
    return PathsOut.model_validate({"paths": found, "truncated": truncated, "disclaimer": DISCLAIMER})
