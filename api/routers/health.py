from __future__ import annotations

from fastapi import APIRouter

from ..deps import State
from ..models import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
async def health(state: State) -> Health:
    """Service status and the size of the loaded graph."""
    return Health(status="ok", entities=state.kg.entity_count, relations=state.kg.relation_count, version=state.version)
