from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Response

from graph.errors import InvalidQuery
from graph.lesson import LESSON_CANDIDATES, LESSON_FORMATS, Lesson, entity_lesson, lesson_filename, lesson_format, to_markdown
from graph.lesson import localization_lesson as build_localization_lesson
from graph.localize import MAX_CANDIDATES, MAX_FINDINGS, FindingInput, parse_finding

from ..deps import State
from ..lesson_html import policy, render_html
from ..models import BodyErrorOut, ErrorOut, LessonLocalizeIn, UnprocessableOut

router = APIRouter(tags=["lessons"])

RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {f.media_type.split(";")[0]: {} for f in LESSON_FORMATS.values()},
        "description": "the lesson: Markdown (a download) or a printable HTML page",
    },
    404: {"model": ErrorOut},
    422: {"model": UnprocessableOut},
}
FORMAT_QUERY = Query(max_length=20, description=f"one of: {', '.join(LESSON_FORMATS)}", examples=["html"])


def lesson_response(lesson: Lesson, fmt: str, markdown_href: str = "") -> Response:
    """The lesson in ``fmt``: Markdown as an attachment, HTML inline."""
    media_type = lesson_format(fmt).media_type
    disposition = "attachment" if fmt == "markdown" else "inline"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{lesson_filename(lesson, fmt)}"',
        "X-Content-Type-Options": "nosniff",
    }
    if fmt == "html":
        headers["Content-Security-Policy"] = policy()
    body = to_markdown(lesson) if fmt == "markdown" else render_html(lesson, markdown_href)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/lessons/localize", response_class=Response, responses=RESPONSES)
def get_localization_lesson(  # plain def: localizing and rendering are CPU work, kept off the event loop
    state: State,
    finding: Annotated[
        list[str],
        Query(description="a present finding as KIND:SITE (repeatable)", examples=[["numbness:anterior thigh"]]),
    ] = [],  # noqa: B006 (FastAPI copies defaults)
    normal: Annotated[
        list[str],
        Query(description="a finding examined and normal, as KIND:SITE (repeatable)", examples=[["weakness:hip adduction"]]),
    ] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=MAX_CANDIDATES, description="candidates in the table")] = LESSON_CANDIDATES,
    format: Annotated[str, FORMAT_QUERY] = "markdown",
) -> Response:
    """A localization as a lesson: red flags, findings, ranked candidates with their paths, discriminators, references."""
    lesson_format(format)
    if len(finding) + len(normal) > MAX_FINDINGS:
        raise InvalidQuery(f"at most {MAX_FINDINGS} findings per lesson, got {len(finding) + len(normal)}")
    findings = [parse_finding(f) for f in finding] + [parse_finding(f, present=False) for f in normal]
    if not findings:
        raise InvalidQuery("give findings as finding=KIND:SITE (and normal=KIND:SITE for normal ones)")
    lesson = build_localization_lesson(state.localizer, state.index, findings, limit)
    return lesson_response(lesson, format, _markdown_href(findings, limit))


@router.post(
    "/lessons/localize",
    response_class=Response,
    responses={**RESPONSES, 400: {"model": BodyErrorOut, "description": "the body is not UTF-8 JSON"}},
)
def post_localization_lesson(state: State, body: LessonLocalizeIn) -> Response:
    """A localization as a lesson, from the body of `POST /localize` plus `format`."""
    lesson_format(body.format)
    findings = [FindingInput(f.kind, f.site, f.present) for f in body.findings]
    lesson = build_localization_lesson(state.localizer, state.index, findings, body.limit)
    return lesson_response(lesson, body.format, _markdown_href(findings, body.limit))


def _markdown_href(findings: list[FindingInput], limit: int) -> str:
    """The same localization lesson as Markdown, by GET (the page's download link)."""
    pairs = [("finding" if f.present else "normal", f"{f.kind}:{f.site}") for f in findings]
    return "/lessons/localize?" + urlencode([*pairs, ("limit", str(limit)), ("format", "markdown")])


@router.get("/lessons/{id}", response_class=Response, responses=RESPONSES)
def get_entity_lesson(
    state: State,
    id: Annotated[str, Path(max_length=200, description="CURIE, local name or exact name", examples=["RADIX:femoral_nerve"])],
    format: Annotated[str, FORMAT_QUERY] = "markdown",
    map: Annotated[
        str | None,
        Query(max_length=100, description="a dermatome map, for a spinal nerve or dermatome", examples=["map_keegan_garrett"]),
    ] = None,
) -> Response:
    """An entity as a lesson: definition, pathway diagram, skin territory, every sourced fact, references."""
    lesson_format(format)
    lesson = entity_lesson(state.kg, state.index, id, map)
    query = urlencode({"format": "markdown", **({"map": map} if map else {})})
    return lesson_response(lesson, format, f"/lessons/{lesson.id}?{query}")
