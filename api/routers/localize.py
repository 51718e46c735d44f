from __future__ import annotations

from fastapi import APIRouter

from graph.findings import FINDING_KINDS
from graph.localize import FindingInput, localize

from ..deps import State
from ..models import ErrorOut, FindingKindOut, LocalizeIn, LocalizeOut

router = APIRouter(tags=["localize"])


@router.post("/localize", response_model=LocalizeOut, responses={422: {"model": ErrorOut}})
async def localize_findings(state: State, body: LocalizeIn) -> LocalizeOut:
    """Rank candidate lesion sites for a set of findings, with the paths that explain each finding.

    Findings whose site cannot be resolved come back in `unresolved` with the closest names;
    the answer uses the rest. Red flags (cauda equina, conus, cord compression) are urgent.
    """
    findings = [FindingInput(f.kind, f.site, f.present) for f in body.findings]
    answer = localize(state.localizer, state.index, findings, body.limit)
    return LocalizeOut.model_validate(answer)


@router.get("/finding-kinds", response_model=list[FindingKindOut])
async def finding_kinds() -> list[FindingKindOut]:
    """The kinds of finding `/roots` and `/localize` take, with what each means and what its site may be."""
    return [FindingKindOut(name=k.name, meaning=k.meaning, site_types=list(k.site_types)) for k in FINDING_KINDS.values()]
