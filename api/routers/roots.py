from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from graph.findings import FINDING_KINDS
from graph.queries import roots_for_finding

from ..cache import cached_json
from ..deps import State
from ..models import RootsOut, UnprocessableOut

router = APIRouter(tags=["roots"])


@router.get("/roots", response_model=RootsOut, responses={422: {"model": UnprocessableOut}})
async def roots(
    request: Request,
    state: State,
    kind: Annotated[str, Query(max_length=50, description=f"one of: {', '.join(FINDING_KINDS)}", examples=["numbness"])],
    site: Annotated[
        str,
        Query(
            max_length=200, description="a body region, movement, muscle or reflex, by name or id", examples=["anterior thigh"]
        ),
    ],
) -> Response:
    """Every spinal nerve root, nerve and plexus that can cause this finding, with explaining paths and sources."""
    return cached_json(
        request, ("roots", kind, site), lambda: RootsOut.model_validate(roots_for_finding(state.kg, state.index, kind, site))
    )
