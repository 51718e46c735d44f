from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from graph.model import normalise_id
from graph.queries import DISCLAIMER, entity_detail
from graph.rdfstore import FORMATS, serialize
from graph.search import search
from graph.vocabulary import ENTITY_CLASSES

from ..cache import cached_json
from ..deps import State
from ..models import EntityList, EntityOut, EntitySummary, ErrorOut, UnprocessableOut
from ..negotiation import negotiate
from .rdf import FORMAT_QUERY, RDF_OFFERS, STORE_DOWN, rdf_format, rdf_response

router = APIRouter(tags=["entities"])

MAX_PAGE = 200


@router.get("/entities", response_model=EntityList, responses={422: {"model": UnprocessableOut}})
async def list_entities(
    state: State,
    q: Annotated[
        str, Query(max_length=200, description="text matched against labels and synonyms, case-insensitive", examples=["femoral"])
    ] = "",
    type: Annotated[
        str | None,
        Query(
            max_length=500,
            description=f"one class, or several comma-separated: {', '.join(ENTITY_CLASSES)}",
            examples=["Nerve", "SpinalNerve,Nerve"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size, at most {MAX_PAGE}")] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> EntityList:
    """Search entities by label or synonym, best match first."""
    types = [t.strip() for t in type.split(",") if t.strip()] if type else None
    unknown = [t for t in types or () if t not in ENTITY_CLASSES]
    if unknown:
        from graph.errors import InvalidQuery

        raise InvalidQuery(f"unknown type {', '.join(map(repr, unknown))}; known types: {', '.join(ENTITY_CLASSES)}")
    matches, count = search(state.kg, state.index, q, types, limit, offset)
    return EntityList(
        data=[
            EntitySummary(id=m.entity.curie, label=m.entity.label, type=m.entity.type, synonyms=list(m.entity.synonyms))
            for m in matches
        ],
        count=count,
    )


@router.get(
    "/entities/{id}",
    response_model=EntityOut,
    responses={
        200: {"content": {f.media_type: {} for f in FORMATS.values()}},
        404: {"model": ErrorOut},
        406: {"model": ErrorOut},
        422: {"model": UnprocessableOut},
        502: STORE_DOWN,
    },
)
async def get_entity(
    request: Request,
    state: State,
    id: Annotated[str, Path(max_length=200, description="CURIE or local name", examples=["RADIX:femoral_nerve"])],
    format: Annotated[str | None, FORMAT_QUERY] = None,
) -> Response:
    """One entity with its relations both ways, their sources and cross-references; RDF by ``Accept`` or ``format``."""
    if format is None and negotiate(request.headers.get("accept"), ["application/json", *RDF_OFFERS]) in (
        None,
        "application/json",
    ):
        return cached_json(
            request,
            ("entity", normalise_id(id)),
            lambda: EntityOut.model_validate({**entity_detail(state.kg, id).__dict__, "disclaimer": DISCLAIMER}),
        )
    detail = entity_detail(state.kg, id)
    fmt = rdf_format(request, format)
    local = detail.id.split(":", 1)[1]
    triples = state.rdf.get().describe([local], incoming=True)
    return rdf_response(await run_in_threadpool(serialize, triples, fmt), fmt, local)
