"""The graph as RDF: ``/ontology`` and the JSON-LD context, by content negotiation or ``?format=``."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from graph.rdfstore import FORMATS, context_document

from ..deps import State
from ..models import ErrorOut
from ..negotiation import negotiate

router = APIRouter(tags=["rdf"])

RDF_OFFERS: Final = [f.media_type for f in FORMATS.values()]
FORMAT_QUERY = Query(description=f"instead of Accept: one of {', '.join(FORMATS)}", examples=["turtle"])
#: an RDF answer comes from the external store when there is one (``radix serve --store``)
STORE_DOWN: Final[dict[str, object]] = {
    "model": ErrorOut,
    "description": "served over an external SPARQL store (`radix serve --store`) that did not answer",
}
RDF_RESPONSES: Final[dict[int | str, dict[str, object]]] = {
    200: {"description": "RDF", "content": {f.media_type: {} for f in FORMATS.values()}},
    406: {"model": ErrorOut, "description": "no acceptable RDF format"},
    422: {"model": ErrorOut, "description": "unknown format"},
    502: STORE_DOWN,
}


def rdf_format(request: Request, fmt: str | None) -> str:
    """The RDF format asked for by ``?format=`` or, failing that, by ``Accept`` (Turtle by default)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise HTTPException(422, {"message": f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}"})
        return fmt
    media = negotiate(request.headers.get("accept"), RDF_OFFERS)
    if media is None:
        raise HTTPException(406, {"message": f"the graph is served as {', '.join(RDF_OFFERS)}"})
    return next(name for name, f in FORMATS.items() if f.media_type == media)


def rdf_response(body: bytes, fmt: str, filename: str) -> Response:
    spec = FORMATS[fmt]
    charset = "" if spec.media_type.endswith("xml") else "; charset=utf-8"
    headers = {"Vary": "Accept", "Content-Disposition": f'inline; filename="{filename}.{spec.extension}"'}
    return Response(body, media_type=spec.media_type + charset, headers=headers)


@router.get("/ontology", responses=RDF_RESPONSES, response_class=Response)
async def ontology(request: Request, state: State, format: Annotated[str | None, FORMAT_QUERY] = None) -> Response:
    """The whole graph (schema, entities, sourced relations, sources) as Turtle, JSON-LD, RDF/XML or N-Triples."""
    fmt = rdf_format(request, format)
    body = await run_in_threadpool(state.rdf.whole, fmt)  # the first JSON-LD request compacts ~50 k triples
    return rdf_response(body, fmt, "radix")


@router.get("/context.jsonld", response_class=Response, responses={200: {"content": {"application/ld+json": {}}}})
async def context() -> Response:
    """The JSON-LD context of every JSON-LD answer (also embedded in each, so no reader needs to fetch it)."""
    return Response(context_document(), media_type="application/ld+json")
