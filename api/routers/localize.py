from __future__ import annotations

from fastapi import APIRouter, Request, Response

from graph.findings import FINDING_KINDS
from graph.localize import FindingInput, localize

from ..cache import cached_json_off_loop
from ..deps import State
from ..models import BodyErrorOut, FindingKindOut, LocalizeIn, LocalizeOut, UnprocessableOut

router = APIRouter(tags=["localize"])


@router.post(
    "/localize",
    response_model=LocalizeOut,
    responses={400: {"model": BodyErrorOut, "description": "the body is not UTF-8 JSON"}, 422: {"model": UnprocessableOut}},
)
async def localize_findings(request: Request, state: State, body: LocalizeIn) -> Response:
    """Rank candidate lesion sites for a set of findings, with the paths that explain each finding.

    Findings whose site cannot be resolved come back in `unresolved` with the closest names;
    the answer uses the rest. Red flags (cauda equina, conus, cord compression) are urgent.
    """
    findings = [FindingInput(f.kind, f.site, f.present) for f in body.findings]
    return await cached_json_off_loop(
        request,
        ("localize", tuple(findings), body.limit),
        lambda: LocalizeOut.model_validate(localize(state.localizer, state.index, findings, body.limit)),
    )


@router.get("/finding-kinds", response_model=list[FindingKindOut])
async def finding_kinds() -> list[FindingKindOut]:
    """The kinds of finding `/roots` and `/localize` take, with what each means and what its site may be."""
    return [FindingKindOut(name=k.name, meaning=k.meaning, site_types=list(k.site_types)) for k in FINDING_KINDS.values()]
