"""The SPARQL 1.1 protocol, read-only and bounded: ``GET``/``POST /sparql``."""

from __future__ import annotations

from typing import Annotated, Final
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from graph.sparql import MAX_QUERY_CHARS, RESULT_FORMATS, Answer, query_form

from ..deps import State
from ..models import ErrorOut
from ..negotiation import negotiate

router = APIRouter(tags=["rdf"])

#: Result format name → media type; the order of RESULT_FORMATS is the order of preference.
MEDIA_TYPES: Final[dict[str, str]] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
#: Plain JSON clients get SPARQL JSON results.
ALIASES: Final[dict[str, str]] = {"application/json": "json", "application/xml": "xml"}
QUERY_TYPE: Final = "application/sparql-query"
FORM_TYPE: Final = "application/x-www-form-urlencoded"
MAX_BODY_BYTES: Final = 4 * MAX_QUERY_CHARS  # UTF-8 and URL encoding can grow the text

ERRORS: Final[dict[int | str, dict[str, object]]] = {
    400: {"model": ErrorOut, "description": "not a valid SPARQL 1.1 query, or a dataset clause"},
    403: {"model": ErrorOut, "description": "an update or SERVICE: the endpoint is read-only and offline"},
    406: {"model": ErrorOut, "description": "no acceptable result format"},
    413: {"model": ErrorOut, "description": "request body over the cap"},
    415: {"model": ErrorOut, "description": "unsupported request content type"},
    422: {"model": ErrorOut, "description": "stopped at a cap: time budget, result size or query length"},
    502: {"model": ErrorOut, "description": "served over an external SPARQL store (`radix serve --store`) that did not answer"},
    503: {"model": ErrorOut, "description": "all query workers busy; see Retry-After"},
}
_RESULTS = {
    "description": "SPARQL results (SELECT, ASK) or an RDF graph (CONSTRUCT, DESCRIBE)",
    "content": {media: {} for media in MEDIA_TYPES.values()},
}


def _fail(status: int, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail={"message": message})


def _choose_format(form: str, accept: str | None, fmt: str | None) -> str:
    allowed = RESULT_FORMATS[form]
    if fmt is not None:
        if fmt not in allowed:
            raise _fail(406, f"{form} queries can be answered as {', '.join(allowed)}; format={fmt!r} is not one of them")
        return fmt
    offers = [MEDIA_TYPES[f] for f in allowed] + [a for a, f in ALIASES.items() if f in allowed]
    media = negotiate(accept, offers)
    if media is None:
        raise _fail(406, f"{form} queries can be answered as {', '.join(MEDIA_TYPES[f] for f in allowed)}; Accept: {accept}")
    return ALIASES.get(media) or next(f for f, m in MEDIA_TYPES.items() if m == media)


async def _answer(state: State, text: str, accept: str | None, fmt: str | None) -> Response:
    form = query_form(text)
    chosen = _choose_format(form, accept, fmt)
    answer: Answer = await run_in_threadpool(state.sparql.run, text, chosen, form)
    media = MEDIA_TYPES[answer.format]
    charset = "" if media.endswith("xml") else "; charset=utf-8"
    return Response(answer.body, media_type=media + charset, headers={"Vary": "Accept"})


def _service_description(request: Request) -> Response:
    """SPARQL 1.1 Service Description: what a client may ask of this endpoint."""
    formats = "".join(
        f"    sd:resultFormat <http://www.w3.org/ns/formats/{name}> ;\n"
        for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "JSON-LD")
    )
    body = (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        f"[] a sd:Service ;\n    sd:endpoint <{request.url.replace(query='')}> ;\n"
        "    sd:supportedLanguage sd:SPARQL11Query ;\n"
        f"{formats}"
        "    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .\n"
    )
    return Response(body, media_type="text/turtle; charset=utf-8")


@router.get("/sparql", responses={200: _RESULTS, **ERRORS})
async def sparql_get(
    request: Request,
    state: State,
    query: Annotated[
        str | None,
        Query(
            description="a SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE query; the prefixes RADIX, source, rdfs, "
            "skos, owl, dcterms, UBERON and FMA are predeclared. Without it: the service description.",
            examples=["SELECT ?root WHERE { RADIX:quadriceps_femoris RADIX:root_value ?root }"],
        ),
    ] = None,
    format: Annotated[str | None, Query(description=f"instead of Accept: one of {', '.join(MEDIA_TYPES)}")] = None,
) -> Response:
    """Run a read-only SPARQL query (the protocol's ``query`` parameter); results by ``Accept`` or ``format``."""
    params = request.query_params
    if "update" in params:
        raise _fail(403, "this endpoint is read-only: SPARQL updates are refused")
    if "default-graph-uri" in params or "named-graph-uri" in params:
        raise _fail(400, "default-graph-uri and named-graph-uri are not supported: the endpoint has one default graph")
    if query is None:
        return _service_description(request)
    return await _answer(state, query, request.headers.get("accept"), format)


@router.post(
    "/sparql",
    responses={200: _RESULTS, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                QUERY_TYPE: {"schema": {"type": "string"}},
                FORM_TYPE: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}},
            },
        }
    },
)
async def sparql_post(
    request: Request,
    state: State,
    format: Annotated[str | None, Query(description=f"instead of Accept: one of {', '.join(MEDIA_TYPES)}")] = None,
) -> Response:
    """Run a read-only SPARQL query sent as ``application/sparql-query`` or as a form's ``query`` field."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _fail(413, f"the request body is {declared} bytes; the cap is {MAX_BODY_BYTES}")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise _fail(413, f"the request body is over the {MAX_BODY_BYTES} byte cap")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(400, "the request body is not UTF-8 text") from None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise _fail(403, "this endpoint is read-only: SPARQL updates are refused")
    if content_type == FORM_TYPE:
        fields = parse_qs(text, keep_blank_values=True)
        if "update" in fields:
            raise _fail(403, "this endpoint is read-only: SPARQL updates are refused")
        if "default-graph-uri" in fields or "named-graph-uri" in fields:
            raise _fail(400, "default-graph-uri and named-graph-uri are not supported: the endpoint has one default graph")
        if len(fields.get("query", [])) != 1:
            raise _fail(400, "send exactly one 'query' field in the form")
        text = fields["query"][0]
    elif content_type != QUERY_TYPE:
        raise _fail(
            415, f"send the query as {QUERY_TYPE} or as a {FORM_TYPE} form with a 'query' field, not {content_type or 'no type'}"
        )
    return await _answer(state, text, request.headers.get("accept"), format)
