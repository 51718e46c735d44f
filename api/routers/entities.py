from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph.queries import DISCLAIMER, entity_detail
from graph.search import search
from graph.vocabulary import ENTITY_CLASSES

from ..deps import State
from ..models import EntityList, EntityOut, EntitySummary, ErrorOut

router = APIRouter(tags=["entities"])

MAX_PAGE = 200


@router.get("/entities", response_model=EntityList, responses={422: {"model": ErrorOut}})
async def list_entities(
    state: State,
    q: Annotated[
        str, Query(max_length=200, description="text matched against labels and synonyms, case-insensitive", examples=["femoral"])
    ] = "",
    type: Annotated[str | None, Query(description=f"one class: {', '.join(ENTITY_CLASSES)}", examples=["Nerve"])] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size, at most {MAX_PAGE}")] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> EntityList:
    """Search entities by label or synonym, best match first."""
    if type is not None and type not in ENTITY_CLASSES:
        from graph.errors import InvalidQuery

        raise InvalidQuery(f"unknown type {type!r}; known types: {', '.join(ENTITY_CLASSES)}")
    matches, count = search(state.kg, state.index, q, [type] if type else None, limit, offset)
    return EntityList(
        data=[
            EntitySummary(id=m.entity.curie, label=m.entity.label, type=m.entity.type, synonyms=list(m.entity.synonyms))
            for m in matches
        ],
        count=count,
    )


@router.get("/entities/{id}", response_model=EntityOut, responses={404: {"model": ErrorOut}})
async def get_entity(
    state: State,
    id: Annotated[str, Path(max_length=200, description="CURIE or local name", examples=["RADIX:femoral_nerve"])],
) -> EntityOut:
    """One entity with its relations both ways, their sources, and its cross-references."""
    detail = entity_detail(state.kg, id)
    return EntityOut.model_validate({**detail.__dict__, "disclaimer": DISCLAIMER})
