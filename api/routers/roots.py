from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from graph.findings import FINDING_KINDS
from graph.queries import roots_for_finding

from ..deps import State
from ..models import ErrorOut, RootsOut

router = APIRouter(tags=["roots"])


@router.get("/roots", response_model=RootsOut, responses={422: {"model": ErrorOut}})
async def roots(
    state: State,
    kind: Annotated[str, Query(max_length=50, description=f"one of: {', '.join(FINDING_KINDS)}", examples=["numbness"])],
    site: Annotated[
        str,
        Query(
            max_length=200, description="a body region, movement, muscle or reflex, by name or id", examples=["anterior thigh"]
        ),
    ],
) -> RootsOut:
    """Every spinal nerve root, nerve and plexus that can cause this finding, with explaining paths and sources."""
    answer = roots_for_finding(state.kg, state.index, kind, site)
    return RootsOut.model_validate(answer)
