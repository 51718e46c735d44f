from __future__ import annotations

import os

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ..cache import cached_json
from ..deps import State
from ..models import ErrorOut, Health, Ready
from ..state import AppState

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
async def health(request: Request, state: State) -> Response:
    """Service status and the size of the loaded graph."""
    # Counting relations walks every edge: count once per loaded graph, like every kept answer.
    return cached_json(
        request,
        ("health",),
        lambda: Health(status="ok", entities=state.kg.entity_count, relations=state.kg.relation_count, version=state.version),
    )


@router.get("/ready", response_model=Ready, responses={503: {"model": ErrorOut, "description": "loading, or shutting down"}})
async def ready(request: Request) -> Ready | JSONResponse:
    """Readiness for a load balancer: 200 once the graph is loaded and until shutdown begins, else 503."""
    state: AppState | None = getattr(request.app.state, "radix", None)
    if state is None or getattr(request.app.state, "stopping", False):
        message = "shutting down" if state is not None else "the graph is not loaded yet"
        return JSONResponse({"detail": {"message": message}}, status_code=503, headers={"Retry-After": "1"})
    gauge = getattr(request.app.state, "in_flight", None)
    return Ready(
        status="ready",
        pid=os.getpid(),
        version=state.version,
        entities=state.kg.entity_count,
        cached=state.report.cached,
        in_flight=gauge.current if gauge else 0,
        max_concurrency=gauge.cap if gauge else 0,
    )
