"""Public response models (Pydantic at the HTTP edge only), validated from the domain dataclasses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from loaders.sssom import MAPPING_SET_ID


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class Health(Model):
    status: str = Field(examples=["ok"])
    entities: int
    relations: int
    version: str


class Ready(Model):
    status: str = Field(examples=["ready"])
    pid: int = Field(description="the worker process that answered (several workers share one port)")
    version: str
    entities: int
    cached: bool = Field(description="the graph was read from the cache rather than parsed")
    in_flight: int = Field(description="requests this worker is answering now, this one included")
    max_concurrency: int = Field(description="the cap on requests in flight per worker (RADIX_MAX_CONCURRENCY)")


class SourceOut(Model):
    id: str = Field(examples=["kenhub_lumbar_plexus"])
    citation: str
    url: str
    tier: str = Field(description="A standard or major text; B teaching site; C secondary")


class Ref(Model):
    id: str = Field(examples=["RADIX:femoral_nerve"])
    label: str = Field(examples=["femoral nerve"])
    type: str = Field(examples=["Nerve"])


class EntitySummary(Model):
    id: str = Field(examples=["RADIX:femoral_nerve"])
    label: str
    type: str
    synonyms: list[str]


class EntityList(Model):
    data: list[EntitySummary]
    count: int = Field(description="matches in all, before limit and offset")


class AssertionOut(Model):
    sources: list[str]
    contribution: str | None = None
    map: Ref | None = None
    note: str | None = None


class RelationOut(Model):
    relation: str = Field(examples=["root_value"])
    entity: Ref
    contribution: str
    assertions: list[AssertionOut]


class EntityOut(Model):
    id: str
    label: str
    type: str
    synonyms: list[str]
    definition: str
    exact_match: list[str]
    close_match: list[str]
    outgoing: list[RelationOut] = Field(description="relations from this entity, each with its sourced assertions")
    incoming: list[RelationOut] = Field(description="relations pointing to this entity")
    sources: list[SourceOut]
    disclaimer: str


class StepOut(Model):
    source: Ref
    relation: str
    target: Ref
    contribution: str
    maps: list[Ref]
    sources: list[str]


class PathOut(Model):
    length: int
    contribution: str = Field(description="minor if any relation or segmental supply on the path is minor")
    steps: list[StepOut]


class PathsOut(Model):
    paths: list[PathOut]
    truncated: bool = Field(description="true when a bound stopped the search before every path was found")
    disclaimer: str


class CandidateOut(Model):
    id: str
    label: str
    type: str
    contribution: str = Field(description="major if some explaining path is all-major, else minor")
    maps: list[Ref] = Field(description="dermatome maps behind the explaining paths")
    paths: list[PathOut]
    sources: list[SourceOut]


class FindingOut(Model):
    kind: str
    site: Ref
    present: bool
    targets: list[Ref]


class RootsOut(Model):
    finding: FindingOut
    roots: list[CandidateOut]
    nerves: list[CandidateOut]
    plexuses: list[CandidateOut]
    note: str
    truncated: bool
    disclaimer: str


class FindingIn(BaseModel):
    # strict: `present` is a JSON boolean, not 0, 1 or "no" (lax mode would read those as booleans)
    model_config = ConfigDict(extra="forbid", strict=True)
    kind: str = Field(
        max_length=50,
        examples=["numbness"],
        description=(
            "numbness, paresthesia, pain, weakness, atrophy, reflex_reduced, reflex_increased, "
            "sphincter_dysfunction or test_positive"
        ),
    )
    site: str = Field(
        max_length=200,
        examples=["anterior thigh"],
        description="a region, movement, muscle, reflex, function or clinical test, by name or id",
    )
    present: bool = Field(default=True, description="false: examined and found normal")


class FindingKindOut(Model):
    name: str = Field(examples=["numbness"])
    meaning: str = Field(examples=["sensory loss, hypoaesthesia"])
    site_types: list[str] = Field(description="the classes a site of this kind may be", examples=[["SkinRegion"]])


class LocalizeIn(BaseModel):
    # strict: `limit` is a JSON integer, not "10", 10.0 or true
    model_config = ConfigDict(extra="forbid", strict=True)
    findings: list[FindingIn] = Field(min_length=1, max_length=40)
    limit: int = Field(default=10, ge=1, le=50, description="candidates returned")


class LocalFinding(Model):
    kind: str
    site: Ref
    present: bool


class ExplanationOut(Model):
    finding: LocalFinding
    contribution: str = Field(description="major: the candidate predicts this finding fully; minor: in part")
    paths: list[PathOut]


class LocalCandidateOut(Model):
    id: str = Field(examples=["RADIX:femoral_nerve"])
    label: str
    type: str
    level: str = Field(description="root, roots, plexus, nerve, spinal_cord, non_neural or polyneuropathy")
    description: str = Field(
        description="the lesion in words, with its site", examples=["femoral nerve at the inguinal ligament"]
    )
    site: Ref | None = Field(description="the landmark or cord segment where the lesion is placed, if any")
    score: float
    explains: list[ExplanationOut]
    contradicts: list[ExplanationOut] = Field(description="findings examined and normal that this lesion predicts abnormal")
    unexplained: list[LocalFinding]
    members: list[Ref] = Field(description="the roots taken together, for a lesion of several roots")
    roots: list[Ref] = Field(description="the spinal nerves whose fibres the lesion involves")
    conditions: list[Ref] = Field(description="common conditions that produce a lesion here")
    sources: list[str]


class ExpectationOut(Model):
    candidate: str
    expect: str


class DiscriminatorOut(Model):
    finding: LocalFinding
    text: str
    expectations: list[ExpectationOut]


class RedFlagOut(Model):
    condition: Ref
    findings: list[LocalFinding]
    message: str
    sources: list[str]
    urgent: bool


class UnresolvedOut(Model):
    kind: str
    site: str
    present: bool
    reason: str
    closest: list[Ref]


class LocalizeOut(Model):
    findings: list[LocalFinding]
    candidates: list[LocalCandidateOut]
    red_flags: list[RedFlagOut]
    discriminators: list[DiscriminatorOut]
    unresolved: list[UnresolvedOut]
    sources: list[SourceOut] = Field(description="every source cited by a path or red flag of this answer")
    disclaimer: str


class ErrorDetail(Model):
    message: str
    closest: list[dict[str, str]] = []


class ErrorOut(Model):
    detail: ErrorDetail


class RefusalDetail(Model):
    message: str = Field(examples=["the request body is 70000 bytes; the cap is 65536"])
    cap: float = Field(description="the bound that was hit: requests in flight, requests per second, bytes or seconds")


class RefusedOut(Model):
    """A request refused by a bound of the server before its route answered (api/middleware.py)."""

    detail: RefusalDetail


class FieldError(Model):
    loc: list[str | int] = Field(description="where the invalid value is", examples=[["query", "limit"]])
    msg: str = Field(examples=["Input should be less than or equal to 200"])
    type: str = Field(examples=["less_than_equal"])


class ValidationErrorOut(Model):
    """A request whose parameters or body do not fit the declared types or caps (FastAPI's own 422)."""

    detail: list[FieldError]


#: The body of a 422: a domain error naming what was wrong (ErrorOut), or the list of invalid parameters.
UnprocessableOut = ErrorOut | ValidationErrorOut


class BodyErrorOut(Model):
    """A JSON body that could not be read at all (not UTF-8): FastAPI's own 400."""

    detail: str = Field(examples=["There was an error parsing the body"])


class MappingOut(Model):
    """One row of the mapping set, with the SSSOM column names."""

    subject_id: str = Field(examples=["RADIX:femoral_nerve"])
    subject_label: str = Field(examples=["femoral nerve"])
    subject_category: str = Field(examples=["Nerve"])
    predicate_id: str = Field(examples=["skos:exactMatch"])
    object_id: str = Field(examples=["UBERON:0001267"])
    mapping_justification: str = Field(examples=["semapv:ManualMappingCuration"])


class MappingSetOut(Model):
    data: list[MappingOut]
    count: int
    curie_map: dict[str, str] = Field(examples=[{"RADIX": "https://w3id.org/radix/"}])
    mapping_set_id: str = Field(examples=[MAPPING_SET_ID])
    mapping_set_version: str
    license: str


class PathwayNodeOut(Model):
    id: str = Field(examples=["RADIX:quadriceps_femoris"])
    label: str = Field(examples=["quadriceps femoris"])
    type: str = Field(examples=["Muscle"])


class PathwayEdgeOut(Model):
    source: str = Field(examples=["RADIX:femoral_nerve"])
    target: str = Field(examples=["RADIX:quadriceps_femoris"])
    relation: str = Field(examples=["innervates"])
    contribution: str = Field(
        description="major or minor: the relation's own; in a distal walk also minor where the seed's segments "
        "reach the target only as a minor supply"
    )
    maps: list[Ref] = Field(description="the dermatome maps behind a `covers` edge")
    sources: list[str] = Field(description="ids of the sources, described in the answer's `sources`")


class PathwayOut(Model):
    seed: Ref
    direction: str = Field(
        description="distal (what a lesion of the seed reaches), proximal (what can cause a deficit at the seed) "
        "or neighbourhood (one relation both ways)",
        examples=["distal"],
    )
    nodes: list[PathwayNodeOut] = Field(description="the seed first, then nearest the seed first")
    edges: list[PathwayEdgeOut]
    sources: list[SourceOut]
    truncated: bool = Field(description="true when the node cap stopped the diagram before it was whole")
    note: str = Field(description="what the diagram shows, in one sentence")
    disclaimer: str


class TerritoryRegionOut(Model):
    region: Ref
    contribution: str = Field(description="major, or minor when the maps or sources draw it only in part")
    maps: list[Ref] = Field(description="the dermatome maps that draw it (empty for a cutaneous territory)")
    via: Ref = Field(description="the dermatome, or the cutaneous nerve (branch) that supplies it")
    sources: list[str]


class ShadeOut(Model):
    full: list[str] = Field(
        description="local ids of the skin regions to fill: the territory and every region within it",
        examples=[["anterior_thigh", "upper_anterior_thigh"]],
    )
    partial: list[str] = Field(
        description="local ids of the skin regions that contain part of the territory", examples=[["thigh", "lower_limb"]]
    )


class TerritoryOut(Model):
    entity: Ref
    kind: str = Field(description="dermatome (a spinal nerve or dermatome) or cutaneous (a nerve or plexus)")
    maps: list[Ref] = Field(description="every dermatome map with data for this entity")
    map: Ref | None = Field(description="the map asked for; null means every map")
    regions: list[TerritoryRegionOut]
    shade: ShadeOut
    sources: list[SourceOut]
    disclaimer: str


class LessonLocalizeIn(LocalizeIn):
    """A localization lesson: the body of ``POST /localize`` plus the lesson's format."""

    format: str = Field(default="markdown", max_length=20, description="markdown or html", examples=["html"])
