"""Localization: from a set of findings to ranked, explained candidate lesion sites (DESIGN §5).

Every candidate lesion has a *profile*: what a lesion there predicts, worked out once from the
graph when the :class:`Localizer` is built.

* **Deficits** (``reach``): every node a lesion's effect reaches along the distal relations,
  under the segmental rule of :mod:`graph.traversal`, with the weakest contribution met on
  the way (muscles, movements, reflexes, joints, pelvic functions, skin regions, nerves).
* **Skin** (``skin``): skin regions that lose sensation. A spinal nerve and a dorsal root
  ganglion are judged by their dermatome; nerves by their cutaneous territory.
* **Referred and provoked pain**: non-neural structures (joints, tendons, bursae, arteries)
  give pain in the regions they refer pain to and on the movements that provoke it, never
  numbness or weakness of a nerve's territory.
* **Tests**: a clinical test predicts positive for a lesion of what it tests, or of what
  supplies it (a muscle's test for the muscle's nerve and roots); a test done at a landmark
  (Tinel's sign) only for a lesion of the nerve at that landmark.
* **Upper motor neuron signs**: a spinal cord lesion at a segment predicts brisk reflexes,
  extensor plantars and (partial) weakness and sensory loss below it. The conus medullaris
  predicts saddle numbness and sphincter loss fully, the legs' deficits only in part.

Candidates are every spinal nerve and dorsal root ganglion, every contiguous run of roots in
the cauda equina or the cervical and thoracic spine (one lesion affecting several roots), every
plexus and plexus part, every nerve and every nerve at each landmark it passes (a lesion
there spares the branches that leave above it), each segment of the spinal cord and the
conus medullaris, each non-neural pain generator, and each condition that follows no single
nerve (a length-dependent polyneuropathy).

Ranking follows general principles only: a present finding counts for a candidate that
predicts it (fully 1, in part 0.5) and a little against one that does not (0.25); a finding
examined and normal counts against a candidate that predicts it (2 when the candidate predicts
it fully, 0.5 when only in part): a deficit that was looked for and is absent argues more
strongly against a lesion than a finding it does not explain. Several roots taken together cost more the more lesions they
need: in the cauda equina the roots run together in one canal, so one lesion can take several,
but each further root costs as much as a finding explained in part (0.5): a single root comes
first unless its neighbour explains more than what the root already explains in part; elsewhere
each root leaves by its own foramen (1 per further root).
A finding that is a red flag for a condition is explained fully only by a lesion of what
that condition affects (saddle anaesthesia and sphincter loss: the cauda equina or the conus;
one sacral root, supplying one side, only in part).
Among equals the single lesion comes first, then the one that predicts least beyond the
findings. The order is deterministic.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .errors import InvalidQuery, RadixError, UnknownKind, UnresolvedSite
from .findings import FINDING_KINDS, FindingKind
from .model import KnowledgeGraph, Relation, Source, stronger, weaker
from .queries import DISCLAIMER, PathView, Ref, StepView, _map_ref, ref, resolve_site, spinal_order
from .search import NameIndex, closest
from .traversal import MAX_PATH_LENGTH, Carried, adjacency, initial_segments, parts_of, related_by_part, successors, wholes_of

#: Bounds of one localization, whatever a caller asks for.
MAX_FINDINGS = 40
MAX_CANDIDATES = 50
#: Runs of roots considered as one lesion (cauda equina, multilevel stenosis).
MAX_ROOTS_TOGETHER = 6
#: Paths shown per explained finding.
PATHS_PER_FINDING = 2
#: Candidates compared when choosing discriminators, and discriminators returned.
DISCRIMINATE_AMONG = 3
MAX_DISCRIMINATORS = 5

EXPLAINED = {"major": 1.0, "minor": 0.5}
UNEXPLAINED = 0.25
CONTRADICTED = {"major": 2.0, "minor": 0.5}
#: several roots: in the cauda equina they run together in one canal, so one lesion can take
#: several, yet a further root must explain more than one finding the others explain in part;
#: elsewhere each leaves by its own foramen, so several roots need several lesions
PER_EXTRA_ROOT = {"canal": 0.5, "foramina": 1.0}

LEVELS = ("root", "roots", "plexus", "nerve", "spinal_cord", "non_neural", "polyneuropathy")

#: Relations a lesion's deficits follow, by where the walk starts.
DEFICIT_RELATIONS = frozenset(
    {"forms", "branches_into", "innervates", "acts_in", "supplies_skin_of", "mediates", "innervates_joint"}
)
DERMATOME_RELATIONS = frozenset({"has_dermatome", "covers"})
SENSORY_KINDS = frozenset({"numbness", "paresthesia"})
#: Relations an explanation or a red flag reads one step of (see :meth:`Localizer.told`).
TOLD = frozenset({"refers_pain_to", "pain_provoked_by", "presents_with", "presents_with_pain_in", "red_flag_for"})
MOTOR_KINDS = frozenset({"weakness", "atrophy"})
NEURAL_TYPES = frozenset({"SpinalNerve", "Ganglion", "Plexus", "PlexusPart", "Nerve", "SpinalCordSegment", "SpinalCordRegion"})

Strengths = dict[str, str]


# ---------------------------------------------------------------- inputs and outputs


@dataclass(frozen=True)
class FindingInput:
    kind: str
    site: str
    present: bool = True


@dataclass(frozen=True)
class Finding:
    kind: str
    site: Ref
    present: bool


@dataclass(frozen=True)
class Unresolved:
    kind: str
    site: str
    present: bool
    reason: str
    closest: tuple[Ref, ...]


@dataclass(frozen=True)
class Explanation:
    finding: Finding
    contribution: str
    paths: tuple[PathView, ...]


@dataclass(frozen=True)
class CandidateView:
    id: str
    label: str
    type: str
    level: str
    description: str
    site: Ref | None
    score: float
    explains: tuple[Explanation, ...]
    contradicts: tuple[Explanation, ...]
    unexplained: tuple[Finding, ...]
    members: tuple[Ref, ...]
    #: the spinal nerves whose fibres the lesion involves (its segments)
    roots: tuple[Ref, ...]
    conditions: tuple[Ref, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Expectation:
    candidate: str
    expect: str  # "abnormal" (fully), "abnormal in part" or "normal"


@dataclass(frozen=True)
class Discriminator:
    finding: Finding
    text: str
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True)
class RedFlag:
    condition: Ref
    findings: tuple[Finding, ...]
    message: str
    sources: tuple[str, ...]
    urgent: bool = True


@dataclass(frozen=True)
class Localization:
    findings: tuple[Finding, ...]
    candidates: tuple[CandidateView, ...]
    red_flags: tuple[RedFlag, ...]
    discriminators: tuple[Discriminator, ...]
    unresolved: tuple[Unresolved, ...]
    #: every source cited by a path or red flag of the answer, described once
    sources: tuple[Source, ...] = ()
    disclaimer: str = DISCLAIMER


# ---------------------------------------------------------------- profiles


@dataclass
class Profile:
    """What a lesion predicts; see the module docstring."""

    key: str
    entity: str
    level: str
    label: str
    description: str
    site: str | None = None
    members: tuple[str, ...] = ()
    #: the structures the lesion is (its entity, a group's members, a region's parts)
    structures: frozenset[str] = frozenset()
    reach: Strengths = field(default_factory=dict)
    skin: Strengths = field(default_factory=dict)
    referred: Strengths = field(default_factory=dict)
    provoked: Strengths = field(default_factory=dict)
    tests: Strengths = field(default_factory=dict)
    reflex_increased: Strengths = field(default_factory=dict)
    #: starts of the walks that explain its deficits, with the nodes they may not enter
    walk_from: tuple[str, ...] = ()
    dermatome_from: tuple[str, ...] = ()
    blocked: frozenset[str] = frozenset()
    conditions: tuple[str, ...] = ()
    #: the conditions that typically strike it whose characteristic pain it predicts, in part
    painful_conditions: tuple[str, ...] = ()
    #: a run of roots that share one canal (one lesion can take them all)
    shared_canal: bool = False
    #: its lesion gives pain in the skin it numbs only in part (the conus: little radicular pain)
    skin_pain_in_part: bool = False
    #: the conditions that affect any of its structures or what contains them (red flags' targets)
    affected_by: frozenset[str] = frozenset()

    @cached_property
    def predicted(self) -> int:
        """How many deficits it predicts fully: the measure of how specific a lesion is."""
        return sum(
            1 for d in (self.reach, self.skin, self.referred, self.provoked, self.tests) for s in d.values() if s == "major"
        )


def _merge(into: Strengths, other: Mapping[str, str], cap: str = "major") -> None:
    """Each of ``other``'s nodes at most ``cap``, into ``into``, the stronger of the two where both hold it."""
    capped = cap == "minor"
    for node, s in other.items():  # weaker() and stronger() inlined: profiles of a large graph hold millions
        if capped:
            s = "minor"
        held = into.get(node)
        into[node] = s if held is None or held == s else "major"


def reach(
    kg: KnowledgeGraph,
    start: str,
    relations: frozenset[str],
    blocked: frozenset[str] = frozenset(),
    segmental: bool = True,
) -> Strengths:
    """Every node a lesion at ``start`` reaches, with the strongest contribution of any path.

    Breadth first over (node, segments carried) states; a path's strength is its weakest
    relation and its strongest surviving segment (:func:`graph.traversal.carry`).
    """
    out: Strengths = {}
    start_carried = initial_segments(kg, start) if segmental else None
    queue: deque[tuple[str, Carried, str, int]] = deque([(start, start_carried, "major", 0)])
    seen: dict[tuple[str, frozenset[tuple[str, str]] | None], str] = {}
    while queue:
        node, carried, strength, depth = queue.popleft()
        if depth >= MAX_PATH_LENGTH:
            continue
        for nxt, _, relation, onward in successors(kg, node, carried, relations, segmental, blocked):
            if nxt == start:
                continue
            s = weaker(strength, relation.contribution)
            state = (nxt, frozenset(onward.items()) if onward is not None else None)
            if seen.get(state) == "major" or seen.get(state) == s:
                continue
            seen[state] = stronger(seen.get(state, s), s)
            best = "major" if onward is None or "major" in onward.values() else "minor"
            got = weaker(s, best)
            out[nxt] = stronger(out.get(nxt, got), got)
            queue.append((nxt, onward, s, depth + 1))
    return out


class Localizer:
    """The candidate lesions of a graph and their profiles, built once; answers are read-only."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self._related: dict[str, frozenset[str]] = {}
        self.spinal_nerves = sorted((e.id for e in kg.of_type("SpinalNerve")), key=spinal_order)
        self.tests_of: dict[str, list[tuple[str, str]]] = {}  # test → [(tested, contribution)]
        self.tested_at: dict[str, frozenset[str]] = {}
        for e in kg.of_type("ClinicalTest"):
            self.tests_of[e.id] = [(r.object, r.contribution) for r in kg.outgoing(e.id, frozenset({"tests"}))]
            self.tested_at[e.id] = frozenset(r.object for r in kg.outgoing(e.id, frozenset({"tests_at"})))
        self.prime_movers: dict[str, list[str]] = {}
        self.movers: dict[str, list[str]] = {}
        #: (node, relation) → its relations of the kinds an explanation reads, in the graph's order:
        #: a spinal nerve of a large graph has thousands of edges, of which these are none
        self._told: dict[tuple[str, str], list[Relation]] = {}
        #: a movement at one joint → the movements it is part of (thumb IP flexion → thumb flexion)
        self.movement_wholes: dict[str, list[str]] = {}
        types = adjacency(kg).type
        for r in kg.relations():
            if r.predicate == "acts_in":
                self.movers.setdefault(r.object, []).append(r.subject)
                if r.contribution == "major":
                    self.prime_movers.setdefault(r.object, []).append(r.subject)
            elif r.predicate in TOLD:
                self._told.setdefault((r.subject, r.predicate), []).append(r)
            elif r.predicate == "part_of" and types.get(r.subject) == "Movement" and types.get(r.object) == "Movement":
                self.movement_wholes.setdefault(r.subject, []).append(r.object)
        self._major_parts: dict[str, tuple[str, ...]] = {}
        self._trees: dict[tuple[str, frozenset[str], frozenset[str], bool], Tree] = {}
        self._wholes: dict[str, frozenset[str]] = {}
        self._flagged: dict[str, frozenset[str]] = {}
        #: the unexamined findings discriminators are chosen from
        self.probes: list[tuple[str, str, str]] = []
        self.root_profiles: dict[str, Profile] = {}
        self.profiles: list[Profile] = []
        self._multi_segment = frozenset(n for n in kg.graph if len(self.own_segments(n)) > 1)
        #: segments → the skin of their dermatomes, while building
        self._dermatomes: dict[tuple[str, ...], Strengths] = {}
        self._build()
        del self._dermatomes
        #: node → indexes of the profiles that predict anything about it
        self.by_node: dict[str, list[int]] = {}
        for i, p in enumerate(self.profiles):
            for d in (p.reach, p.skin, p.referred, p.provoked, p.tests, p.reflex_increased):
                for node in d:
                    held = self.by_node.setdefault(node, [])
                    if not held or held[-1] != i:
                        held.append(i)
        self.probes = _make_probes(self)
        #: node → indexes of the probes a profile predicting anything about the node may predict
        #: (the probe's site, its parts, what contains it: see :meth:`judge_site`), so choosing
        #: discriminators reads the leading profiles, not every movement and region of the graph
        self.probes_by_node: dict[str, list[int]] = {}
        for i, (_, site, site_type) in enumerate(self.probes):
            near = {site} if site_type == "ClinicalTest" else {site} | parts_of(kg, site, 8) | self.wholes(site)
            for node in near:
                self.probes_by_node.setdefault(node, []).append(i)

    # -- building

    def _root(self, sn: str) -> Profile:
        kg = self.kg
        types = adjacency(kg).type
        e = kg.entity(sn)
        p = Profile(sn, sn, "root", e.label, e.label, structures=frozenset({sn}), walk_from=(sn,), dermatome_from=(sn,))
        p.reach = self._movements(reach(kg, sn, DEFICIT_RELATIONS - {"supplies_skin_of"}))
        p.skin = {n: s for n, s in reach(kg, sn, DERMATOME_RELATIONS, segmental=False).items() if types[n] == "SkinRegion"}
        # and the skin of its own single-segment branches (the dorsal ramus, an intercostal nerve)
        own = reach(kg, sn, frozenset({"branches_into", "supplies_skin_of"}), blocked=self._multi_segment)
        _merge(p.skin, {n: s for n, s in own.items() if types[n] == "SkinRegion"})
        # A root is injured where it leaves the spine, beside the facet joints its dorsal ramus
        # supplies: their referred (axial) pain comes with it, in part.
        for joint in [n for n in p.reach if types[n] == "Joint"]:
            for j in {joint} | wholes_of(kg, joint):
                for r in kg.outgoing(j, frozenset({"refers_pain_to"})):
                    _merge(p.referred, {r.object: "minor"})
        return p

    def _build(self) -> None:
        kg = self.kg
        for sn in self.spinal_nerves:
            self.root_profiles[sn] = self._root(sn)
        profiles = list(self.root_profiles.values())
        # dorsal root ganglia: the sensory neurons of one spinal nerve, nothing motor
        for g in kg.of_type("Ganglion"):
            sns = [r.object for r in kg.outgoing(g.id, frozenset({"part_of"})) if r.object in self.root_profiles]
            if len(sns) == 1:
                root = self.root_profiles[sns[0]]
                profiles.append(
                    Profile(
                        g.id,
                        g.id,
                        "root",
                        g.label,
                        g.label,
                        structures=frozenset({g.id}),
                        skin=dict(root.skin),
                        dermatome_from=(sns[0],),
                    )
                )
        profiles += self._root_runs()
        for e in kg.of_type("Plexus", "PlexusPart", "Nerve"):
            level = "nerve" if e.type == "Nerve" else "plexus"
            whole = self._peripheral(e.id, level, e.label, None, frozenset())
            profiles.append(whole)
            passages = sorted(
                {
                    r.object
                    for r in kg.outgoing(e.id, frozenset({"passes_through", "passes_under"}))
                    if kg.entity(r.object).type == "Landmark"
                }
            )
            tested_at = {landmark for places in self.tested_at.values() for landmark in places}
            for landmark in passages:
                spared = frozenset(r.subject for r in kg.incoming(landmark, frozenset({"arises_proximal_to"})))
                if not spared and landmark not in tested_at:
                    continue  # a lesion there predicts what a lesion of the whole nerve does
                where = kg.entity(landmark).label
                profiles.append(self._peripheral(e.id, level, e.label, landmark, spared, f"{e.label} at the {where}"))
        profiles += self._cord()
        profiles += self._non_neural()
        for p in profiles:
            self._add_tests_and_conditions(p)
        self.profiles = [p for p in profiles if p.reach or p.skin or p.referred or p.provoked or p.tests or p.reflex_increased]

    def _peripheral(
        self, ident: str, level: str, label: str, site: str | None, spared: frozenset[str], description: str = ""
    ) -> Profile:
        kg = self.kg
        key = ident if site is None else f"{ident}@{site}"
        p = Profile(
            key,
            ident,
            level,
            label,
            description or label,
            site=site,
            structures=frozenset({ident}),
            walk_from=(ident,),
            blocked=spared,
        )
        got = self._movements(reach(kg, ident, DEFICIT_RELATIONS, blocked=spared))
        p.reach = got
        # Sensory fibres of a segment reach only its dermatome: a lesion carrying C8 and T1
        # (the lower trunk) does not numb the thumb, although the median nerve it feeds does.
        segments = self.own_segments(ident)
        dermatomes = self._dermatomes.get(segments)
        if dermatomes is None:  # the same few runs of segments recur in every variant of a large graph
            dermatomes = {}
            for sn in segments:
                if sn in self.root_profiles:
                    _merge(dermatomes, self.root_profiles[sn].skin)
            self._dermatomes[segments] = dermatomes
        p.skin = {}
        types = adjacency(kg).type
        for n, s in got.items():
            if types[n] != "SkinRegion":
                continue
            in_dermatome = self.within(n, dermatomes) if dermatomes else s
            if in_dermatome:
                p.skin[n] = weaker(s, in_dermatome)
        return p

    def own_segments(self, ident: str) -> tuple[str, ...]:
        """The segments a nerve carries: its own root values, else those of what it arises from."""
        kg = self.kg
        frontier = [ident]
        for _ in range(MAX_PATH_LENGTH):
            found = [s for n in frontier for s in (kg.segments_of(n) or {})]
            if found:
                return tuple(dict.fromkeys(found))
            frontier = [r.subject for n in frontier for r in kg.incoming(n, frozenset({"branches_into", "forms"}))]
            if not frontier:
                break
        return ()

    def _movements(self, reached: Strengths) -> Strengths:
        """A movement is fully weak when most of its prime movers (more than half) lose their supply.

        In part when any of its movers does. A movement is also fully weak when one of the
        joints it moves cannot be moved: a movement at one joint that is part of it (thumb IP
        flexion, whose only prime mover is flexor pollicis longus, of thumb flexion) fully weak.
        """
        out = adjacency(self.kg).out
        movements = {m for n in reached for m, _ in out.get(n, {}).get("acts_in", ())}
        for m in sorted(movements):
            prime = self.prime_movers.get(m, [])
            if prime and 2 * sum(1 for x in prime if reached.get(x) == "major") > len(prime):
                reached[m] = "major"
            elif any(x in reached for x in self.movers.get(m, [])):
                reached[m] = "minor"
        for m in sorted(movements):
            if reached.get(m) == "major":
                for whole in self.movement_wholes.get(m, ()):
                    reached[whole] = "major"
        return reached

    def _combine(self, key: str, entity: str, level: str, label: str, description: str, members: Sequence[str]) -> Profile:
        p = Profile(key, entity, level, label, description, members=tuple(members), structures=frozenset({entity, *members}))
        p.walk_from = tuple(members)
        p.dermatome_from = tuple(members)
        types = adjacency(self.kg).type
        for m in members:
            _merge(p.reach, {n: s for n, s in self.root_profiles[m].reach.items() if types[n] != "Movement"})
            _merge(p.skin, self.root_profiles[m].skin)
            _merge(p.referred, self.root_profiles[m].referred)
        self._movements(p.reach)
        return p

    def _root_runs(self) -> list[Profile]:
        """Contiguous runs of roots that one lesion can take together (see MAX_ROOTS_TOGETHER).

        A run inside a region that gives rise to several roots (the cauda equina) is a lesion of
        that region: the roots share its canal. Other runs stay within one region of the spine.
        """
        kg = self.kg
        canals = {
            e.id: {r.object for r in kg.outgoing(e.id, frozenset({"gives_rise_to"}))}
            for e in kg.of_type("SpinalCordRegion")
            if len(kg.outgoing(e.id, frozenset({"gives_rise_to"}))) > 1
        }
        runs: list[Profile] = []
        order = self.spinal_nerves
        for i in range(len(order)):
            for n in range(2, MAX_ROOTS_TOGETHER + 1):
                members = order[i : i + n]
                canal = next((c for c, roots in sorted(canals.items()) if set(members) <= roots), None)
                if len(members) < n or (len({_region(m) for m in members} - {"T"}) > 1 and canal is None):
                    continue
                labels = [kg.entity(m).label.split()[0] for m in members]
                span = f"{labels[0]}–{labels[-1]}"
                if canal is not None:
                    label = kg.entity(canal).label
                    run = self._combine(f"{canal}@{span}", canal, "roots", label, f"{label}: {span} roots", members)
                    run.shared_canal = True
                else:
                    run = self._combine(
                        "+".join(members), members[0], "roots", f"{span} spinal nerves", f"{span} spinal nerves together", members
                    )
                runs.append(run)
        return runs

    def _cord(self) -> list[Profile]:
        """Each cord segment (lower motor neuron signs at its level, upper below it), and the conus medullaris."""
        kg = self.kg
        out: list[Profile] = []
        segment_root = {
            r.subject: r.object
            for r in kg.relations()
            if r.predicate == "gives_rise_to" and kg.entity(r.subject).type == "SpinalCordSegment"
        }
        top_regions = {r.subject for r in kg.incoming("spinal_cord", frozenset({"part_of"}))} if "spinal_cord" in kg else set()
        conus_segments = parts_of(kg, "conus_medullaris") if "conus_medullaris" in kg else set()
        for segment, sn in sorted(segment_root.items(), key=lambda x: spinal_order(x[1])):
            if segment in conus_segments or sn not in self.root_profiles:
                continue
            region = next(iter(sorted(wholes_of(kg, segment) & top_regions)), "spinal_cord" if "spinal_cord" in kg else segment)
            below = [m for m in self.spinal_nerves if spinal_order(m) > spinal_order(sn)]
            p = self._upper_motor(f"{region}@{segment}", region, segment, [sn], below)
            out.append(p)
        if conus_segments:
            roots = sorted((segment_root[s] for s in conus_segments if s in segment_root), key=spinal_order)
            e = kg.entity("conus_medullaris")
            p = self._combine("conus_medullaris", "conus_medullaris", "spinal_cord", e.label, e.label, roots)
            p.members = ()
            p.structures = frozenset({"conus_medullaris", *conus_segments})
            # the cord ends inside the canal, away from the foramina and the facet joints beside
            # them: the axial pain a root brings from there is not the conus's
            p.referred = {}
            # Its lesion leaves the legs mostly normal, at most mildly or moderately weak, with
            # less radicular pain than the cauda equina's, while the saddle goes numb and the
            # sphincters fail early (Medscape tables 1 and 4, cauda equina versus conus): limb
            # movements and muscles in part, the pelvic functions fully; numbness of the saddle
            # (the region named a red flag of a condition of the conus) fully, of the legs in part;
            # pain in its dermatomes in part.
            types = adjacency(kg).type
            pelvic = {m for n in p.reach if types[n] == "PelvicFunction" for m in self.movers.get(n, [])}
            for n in [n for n in p.reach if types[n] in ("Movement", "Muscle") and n not in pelvic]:
                p.reach[n] = "minor"
            syndromes = {r.subject for r in kg.incoming("conus_medullaris", frozenset({"affects"}))}
            flags = [r for c in sorted(syndromes) for r in kg.incoming(c, frozenset({"red_flag_for"}))]
            saddle = {n for r in flags if types[r.subject] == "SkinRegion" for n in {r.subject} | parts_of(kg, r.subject)}
            p.skin = {n: (s if n in saddle else "minor") for n, s in p.skin.items()}
            p.skin_pain_in_part = True
            out.append(p)
        return out

    def _upper_motor(self, key: str, region: str, segment: str, own: Sequence[str], below: Sequence[str]) -> Profile:
        kg = self.kg
        seg = kg.entity(segment)
        p = self._combine(
            key, region, "spinal_cord", kg.entity(region).label, f"{kg.entity(region).label} at the {seg.label}", own
        )
        p.members = ()
        p.site = segment
        p.structures = frozenset({region, segment})
        below_set = set(below)
        types = adjacency(kg).type
        for m in below:
            root = self.root_profiles[m]
            # below a cord lesion: weakness and sensory loss are possible but partial and variable
            _merge(p.reach, {n: s for n, s in root.reach.items() if types[n] != "Reflex"}, cap="minor")
            _merge(p.skin, root.skin, cap="minor")
        for n in [n for n in p.reach if types[n] == "Movement"]:
            del p.reach[n]
        self._movements(p.reach)
        for r in kg.of_type("Reflex"):
            segs = kg.segments_of(r.id)
            if segs and set(segs) <= below_set:
                p.reflex_increased[r.id] = "major"
        return p

    def _non_neural(self) -> list[Profile]:
        kg = self.kg
        out: list[Profile] = []
        generators = {r.subject for r in kg.relations() if r.predicate in ("refers_pain_to", "pain_provoked_by")}
        generators |= {
            t
            for tested in self.tests_of.values()
            for t, _ in tested
            if kg.entity(t).type in ("Joint", "SoftTissue", "BloodVessel")
        }
        for g in sorted(generators):
            e = kg.entity(g)
            if e.type in NEURAL_TYPES:
                continue
            group = {g} | parts_of(kg, g)
            p = Profile(g, g, "non_neural", e.label, e.label, structures=frozenset(group))
            for part in group:
                for r in kg.outgoing(part, frozenset({"refers_pain_to"})):
                    _merge(p.referred, {r.object: r.contribution})
                for r in kg.outgoing(part, frozenset({"pain_provoked_by"})):
                    _merge(p.provoked, {r.object: r.contribution})
                if kg.entity(part).type == "Joint":
                    p.referred[part] = "major"  # pain in the joint itself
                if kg.entity(part).type == "Muscle":  # a torn muscle or tendon: weak and wasted
                    p.reach[part] = "major"
                    for r in kg.outgoing(part, frozenset({"acts_in"})):
                        _merge(p.reach, {r.object: r.contribution})
            out.append(p)
        for c in kg.of_type("Condition"):
            shown = kg.outgoing(c.id, frozenset({"presents_with"}))
            if not shown:
                continue
            p = Profile(c.id, c.id, "polyneuropathy", c.label, c.label, structures=frozenset({c.id}), conditions=(c.id,))
            for r in shown:
                target = kg.entity(r.object).type
                _merge(p.skin if target == "SkinRegion" else p.reach, {r.object: r.contribution})
            out.append(p)
        return out

    def _add_tests_and_conditions(self, p: Profile) -> None:
        kg = self.kg
        if p.level != "non_neural":
            # a neural structure whose lesion a movement makes painful (the cauda equina, narrowed
            # in extension: neurogenic claudication); non-neural profiles gather theirs when built
            for structure in sorted(p.structures):
                for r in self.told(structure, "pain_provoked_by"):
                    _merge(p.provoked, {r.object: r.contribution})
        for test, tested in self.tests_of.items():
            at = self.tested_at[test]
            best: str | None = None
            for target, contribution in tested:
                if at and kg.entity(target).type in ("Nerve", "PlexusPart", "Plexus", "SpinalNerve"):
                    # done where the nerve passes a landmark: positive for a lesion of that nerve there
                    s = contribution if p.site in at and target in p.structures else None
                elif target in p.structures:
                    s = contribution
                elif target in p.reach and kg.entity(target).type not in ("Joint",):
                    if p.level == "spinal_cord" and kg.entity(target).type in NEURAL_TYPES:
                        continue  # a test that stretches or presses a nerve is not positive for the cord above it
                    s = weaker(contribution, p.reach[target])
                else:
                    s = None
                if s is not None:
                    best = s if best is None else stronger(best, s)
            if best is not None:
                p.tests[test] = best
        p.affected_by = frozenset(
            r.subject
            for structure in p.structures
            for node in {structure} | self.wholes(structure)
            for r in kg.incoming(node, frozenset({"affects"}))
        )
        if p.conditions:
            return
        found: list[str] = []
        typical: list[str] = []
        for r in kg.incoming(p.entity, frozenset({"affects"})):
            where = {o.object for o in kg.outgoing(r.subject, frozenset({"occurs_at"}))}
            landmarks = {w for w in where if kg.entity(w).type == "Landmark"}
            # a lesion at a landmark: the conditions that strike there; anywhere else: all of them
            if p.site is None or p.level not in ("nerve", "plexus") or p.site in landmarks:
                found.append(r.subject)
                if r.contribution == "major":
                    typical.append(r.subject)
        p.conditions = tuple(sorted(dict.fromkeys(found), key=lambda c: kg.entity(c).label))
        # The pain its typical conditions characteristically present with (the forearm ache of
        # an anterior interosseous nerve syndrome), in part: a lesion there is not always that
        # condition. A condition that strikes it only sometimes (minor), and pain a condition
        # only sometimes gives, are shown, not predicted.
        painful: list[str] = []
        for c in sorted(dict.fromkeys(typical)):
            pains = [r.object for r in self.told(c, "presents_with_pain_in") if r.contribution == "major"]
            if pains:
                painful.append(c)
                _merge(p.referred, dict.fromkeys(pains, "minor"))
        p.painful_conditions = tuple(painful)

    # -- answering

    def routes(
        self, start: str, targets: Iterable[str], relations: frozenset[str], blocked: frozenset[str], segmental: bool
    ) -> list[PathView]:
        """The shortest route from ``start`` to each target it reaches (trees cached: the graph never changes)."""
        key = (start, relations, blocked, segmental)
        tree = self._trees.get(key)
        if tree is None:
            tree = path_tree(self.kg, start, relations, blocked, segmental)
            self._trees[key] = tree
        return [v for t in sorted(targets) if (v := _route(self.kg, tree, t)) is not None]

    def roots_of(self, p: Profile) -> tuple[str, ...]:
        """The spinal nerves a lesion involves: a root itself, a run's members, a region's or nerve's segments."""
        if p.dermatome_from:
            found: Iterable[str] = p.dermatome_from
        elif p.level in ("nerve", "plexus"):
            found = self.own_segments(p.entity)
        else:
            found = ()
        return tuple(sorted(dict.fromkeys(found), key=spinal_order))

    def is_upper_motor_sign(self, kind: str, site: str) -> bool:
        """An increased reflex, or a test of the spinal cord (Babinski, Hoffmann, clonus)."""
        if kind == "reflex_increased" or (kind == "test_positive" and self.kg.entity(site).type == "Reflex"):
            return True
        return kind in ("test_positive", "pain") and any(
            self.kg.entity(t).type == "SpinalCordRegion" for t, _ in self.tests_of.get(site, [])
        )

    def told(self, node: str, predicate: str) -> list[Relation]:
        """``kg.outgoing(node, {predicate})`` for the relations in :data:`TOLD`, read from the index."""
        return self._told.get((node, predicate), [])

    def wholes(self, site: str) -> frozenset[str]:
        got = self._wholes.get(site)
        if got is None:
            got = frozenset(wholes_of(self.kg, site))
            self._wholes[site] = got
        return got

    def related(self, site: str) -> frozenset[str]:
        got = self._related.get(site)
        if got is None:
            got = frozenset(related_by_part(self.kg, site))
            self._related[site] = got
        return got

    def judge_site(self, site: str, reached: Mapping[str, str], wholes: bool = True) -> str | None:
        """Fully (major) when ``reached`` holds the site or every part of it.

        In part (minor) when it holds only a part of the site or (``wholes``) a region containing
        it. Not for a movement: a lesion that weakens thumb flexion at the MCP joint says nothing
        of the interphalangeal joint, whose only flexor it may spare.
        """
        if site in reached:
            return reached[site]
        if not reached:
            return None
        if self._covers(site, reached, 0):
            return "major"
        near = self.related(site) if wholes else self.related(site) - self.wholes(site)
        return "minor" if any(n in reached for n in near) else None

    def within(self, site: str, reached: Mapping[str, str]) -> str | None:
        """Like :meth:`judge_site`, but a region inside a reached region counts as reached.

        A dermatome drawn over the whole sole covers its medial part.
        """
        found = [reached[w] for w in self.wholes(site) if w in reached]
        if "major" in found:
            return "major"
        return self.judge_site(site, reached) or (found[0] if found else None)

    def _covers(self, site: str, reached: Mapping[str, str], depth: int) -> bool:
        """:func:`graph.queries.covers_whole` over a cached part list."""
        if reached.get(site) == "major":
            return True
        parts = self._major_parts.get(site)
        if parts is None:
            parts = tuple(r.subject for r in self.kg.incoming(site, frozenset({"part_of"})) if r.contribution == "major")
            self._major_parts[site] = parts
        return bool(parts) and depth < 8 and all(self._covers(x, reached, depth + 1) for x in parts)

    def flagged_for(self, kind: str, site: str, site_type: str) -> frozenset[str]:
        """The conditions a finding of ``kind`` at ``site`` is a red flag for (as :func:`red_flags` reads them)."""
        if kind == "pain" and site_type == "SkinRegion":
            return frozenset()
        got = self._flagged.get(site)
        if got is None:
            got = frozenset(r.object for n in {site} | self.wholes(site) for r in self.told(n, "red_flag_for"))
            self._flagged[site] = got
        return got

    def predicts(self, p: Profile, kind: str, site: str, site_type: str) -> str | None:
        """Whether the lesion ``p`` predicts an abnormal finding of ``kind`` at ``site``, and how strongly.

        A finding that is a red flag for a condition (saddle anaesthesia and sphincter loss for
        the cauda equina and conus syndromes, an extensor plantar for cord compression) is the
        sign of a lesion of what that condition affects: any other lesion reaching it predicts it
        only in part. The pelvic sphincters are supplied from both sides, so one root, one
        plexus or one nerve may spare continence (Hamdy et al., Gut 1999;45:58,
        http://gut.bmj.com/content/45/1/58: the pathways to the external anal sphincter are
        bilateral, and continence can be preserved despite unilateral pudendal damage).
        """
        got = self._predicts(p, kind, site, site_type)
        if got == "major":
            flagged = self.flagged_for(kind, site, site_type)
            if flagged and not flagged & p.affected_by:
                return "minor"
        return got

    def _predicts(self, p: Profile, kind: str, site: str, site_type: str) -> str | None:
        if kind in SENSORY_KINDS:
            return self.judge_site(site, p.skin) if site_type == "SkinRegion" else None
        if kind == "pain":
            if site_type == "SkinRegion":
                skin = self.judge_site(site, p.skin)
                got = [skin and ("minor" if p.skin_pain_in_part else skin), self.judge_site(site, p.referred)]
            elif site_type == "Joint":
                got = [self.judge_site(site, p.reach), self.judge_site(site, p.referred)]
            elif site_type == "Movement":
                got = [p.provoked.get(site)]
            elif site_type == "ClinicalTest":
                got = [p.tests.get(site)]
            else:
                got = []
            found = [g for g in got if g]
            return ("major" if "major" in found else "minor") if found else None
        if kind in MOTOR_KINDS and site_type == "Movement":
            return self.judge_site(site, p.reach, wholes=False)
        if kind in MOTOR_KINDS or kind in ("reflex_reduced", "sphincter_dysfunction"):
            return self.judge_site(site, p.reach)
        if kind == "reflex_increased":
            return p.reflex_increased.get(site)
        if kind == "test_positive":
            # a pathological reflex (Hoffmann, extensor plantar) that is present is an increased reflex
            return p.reflex_increased.get(site) if site_type == "Reflex" else p.tests.get(site)
        return None


def _region(sn: str) -> str:
    m = re.match(r"^spinal_nerve_(C|T|L|S|Co)", sn)
    return m.group(1) if m else ""


# ---------------------------------------------------------------- resolving findings


def resolve_findings(
    kg: KnowledgeGraph, index: NameIndex, findings: Sequence[FindingInput]
) -> tuple[list[tuple[FindingKind, str, bool]], list[Unresolved]]:
    """Findings with their sites resolved; the rest with why and the closest names."""
    if not findings:
        raise InvalidQuery('give at least one finding: {"kind": ..., "site": ..., "present": true|false}')
    if len(findings) > MAX_FINDINGS:
        raise InvalidQuery(f"at most {MAX_FINDINGS} findings per request, got {len(findings)}")
    resolved: list[tuple[FindingKind, str, bool]] = []
    unresolved: list[Unresolved] = []
    for f in findings:
        spec = FINDING_KINDS.get(f.kind.strip().lower())
        if spec is None:
            raise UnknownKind(f.kind, list(FINDING_KINDS))
        try:
            site = resolve_site(kg, index, spec, f.site, suggest=False)
        except RadixError as err:
            # the closest names of the classes the kind allows, computed once, in the reason too
            near = closest(kg, index, f.site, spec.site_types)
            reason = str(UnresolvedSite(f.site, near) if isinstance(err, UnresolvedSite) else err)
            unresolved.append(Unresolved(spec.name, f.site, f.present, reason, tuple(ref(kg, i) for i, _ in near)))
            continue
        key = (spec, site.id, f.present)
        if key not in resolved:
            resolved.append(key)
    if not resolved:
        raise InvalidQuery(
            "no finding could be resolved: " + "; ".join(f"{u.kind} at {u.site!r}: {u.reason}" for u in unresolved)
        )
    # a site both present and normal for the same kind contradicts itself: say so
    clash = {(s.name, site) for s, site, present in resolved if present} & {
        (s.name, site) for s, site, present in resolved if not present
    }
    if clash:
        clash_kind, clash_site = sorted(clash)[0]
        raise InvalidQuery(f"{clash_kind} at {kg.entity(clash_site).label!r} is given both as present and as normal; keep one")
    return resolved, unresolved


# ---------------------------------------------------------------- the answer


@dataclass
class _Scored:
    profile: Profile
    score: float
    explains: list[tuple[int, str]]
    contradicts: list[tuple[int, str]]
    unexplained: list[int]


def localize(
    localizer: Localizer,
    index: NameIndex,
    findings: Sequence[FindingInput],
    limit: int = 10,
) -> Localization:
    """Rank candidate lesion sites for ``findings``; see the module docstring for the principles."""
    kg = localizer.kg
    if not 1 <= limit <= MAX_CANDIDATES:
        raise InvalidQuery(f"limit must be between 1 and {MAX_CANDIDATES}, got {limit}")
    resolved, unresolved = resolve_findings(kg, index, findings)
    views = tuple(Finding(spec.name, ref(kg, site), present) for spec, site, present in resolved)
    types = [kg.entity(site).type for _, site, _ in resolved]
    mentioned = {site for _, site, _ in resolved}

    # Only the profiles that say anything about a finding's site (or its parts and wholes) can
    # predict it: look them up instead of judging every profile against every finding.
    said: list[dict[int, str]] = []
    for i, (spec, site, _) in enumerate(resolved):
        relevant = {j for n in localizer.related(site) for j in localizer.by_node.get(n, ())}
        judged = {j: localizer.predicts(localizer.profiles[j], spec.name, site, types[i]) for j in sorted(relevant)}
        said.append({j: s for j, s in judged.items() if s})
    # The spinal cord is a candidate site at a segment only with upper motor neuron evidence.
    umn = any(present and localizer.is_upper_motor_sign(spec.name, site) for spec, site, present in resolved)
    scored: list[_Scored] = []
    best_run: dict[str, _Scored] = {}
    for j in sorted({j for i, (_, _, present) in enumerate(resolved) if present for j in said[i]}):
        p = localizer.profiles[j]
        if p.level == "spinal_cord" and p.site is not None and not umn:
            continue
        explains: list[tuple[int, str]] = []
        contradicts: list[tuple[int, str]] = []
        unexplained: list[int] = []
        score = 0.0
        for i, (_, _, present) in enumerate(resolved):
            s = said[i].get(j)
            if present:
                if s:
                    explains.append((i, s))
                    score += EXPLAINED[s]
                else:
                    unexplained.append(i)
                    score -= UNEXPLAINED
            elif s:
                contradicts.append((i, s))
                score -= CONTRADICTED[s]
        if not explains:
            continue
        score -= PER_EXTRA_ROOT["canal" if p.shared_canal else "foramina"] * max(0, len(p.members) - 1)
        item = _Scored(p, score, explains, contradicts, unexplained)
        if p.level == "roots":  # one run per place: the best fitting
            place = p.entity if p.shared_canal else _region(p.members[0])
            held = best_run.get(place)
            if held is None or _order(item) < _order(held):
                best_run[place] = item
            continue
        scored.append(item)
    scored += best_run.values()
    scored.sort(key=_order)
    # the same structure at several places that the findings cannot tell apart: show the most specific
    shown: set[tuple[str, float, tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]] = set()
    distinct: list[_Scored] = []
    for x in scored:
        key = (x.profile.entity, x.score, tuple(x.explains), tuple(x.contradicts))
        if key not in shown:
            shown.add(key)
            distinct.append(x)
    scored = distinct
    top = scored[:limit]
    candidates = tuple(_view(localizer, x, views, resolved) for x in top)
    flags = red_flags(localizer, resolved, views)
    cited = [src for c in candidates for e in c.explains + c.contradicts for p in e.paths for st in p.steps for src in st.sources]
    cited += [src for f in flags for src in f.sources]
    return Localization(
        views,
        candidates,
        flags,
        discriminators(localizer, top[:DISCRIMINATE_AMONG], mentioned),
        tuple(unresolved),
        tuple(kg.sources[i] for i in dict.fromkeys(cited) if i in kg.sources),
    )


def _order(x: _Scored) -> tuple[float, int, int, str, str]:
    return (-x.score, len(x.profile.members), x.profile.predicted, x.profile.description, x.profile.key)


def _view(
    localizer: Localizer, x: _Scored, views: Sequence[Finding], resolved: Sequence[tuple[FindingKind, str, bool]]
) -> CandidateView:
    kg = localizer.kg
    p = x.profile
    explains = tuple(
        Explanation(views[i], s, explain_paths(localizer, p, resolved[i][0].name, resolved[i][1])) for i, s in x.explains
    )
    contradicts = tuple(Explanation(views[i], s, explain_paths(localizer, p, "normal", resolved[i][1])) for i, s in x.contradicts)
    sources = tuple(dict.fromkeys(src for e in explains for path in e.paths for step in path.steps for src in step.sources))
    e = kg.entity(p.entity)
    return CandidateView(
        e.curie if p.level != "roots" or p.shared_canal else "+".join(kg.entity(m).curie for m in p.members),
        p.label,
        e.type if p.level != "roots" or p.shared_canal else "SpinalNerve",
        p.level,
        p.description,
        ref(kg, p.site) if p.site else None,
        round(x.score, 2),
        explains,
        contradicts,
        tuple(views[i] for i in x.unexplained),
        tuple(ref(kg, m) for m in p.members),
        tuple(ref(kg, r) for r in localizer.roots_of(p)),
        tuple(ref(kg, c) for c in p.conditions),
        sources,
    )


# ---------------------------------------------------------------- explanation paths


def _step(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> StepView:
    relation = kg.graph.edges[subject, obj, predicate]["relation"]
    return StepView(
        ref(kg, subject),
        predicate,
        ref(kg, obj),
        relation.contribution,
        tuple(_map_ref(kg, m) for m in relation.maps),
        relation.sources,
    )


def _path(kg: KnowledgeGraph, steps: Sequence[tuple[str, str, str]]) -> PathView:
    views = tuple(_step(kg, *s) for s in steps)
    strength = "minor" if any(v.contribution == "minor" for v in views) else "major"
    return PathView(len(views), strength, views)


State = tuple[str, frozenset[tuple[str, str]] | None]
#: a breadth-first tree: each state's parent state and the relation taken; each node's first state
Tree = tuple[dict[State, tuple[State, str] | None], dict[str, State]]


def path_tree(kg: KnowledgeGraph, start: str, relations: frozenset[str], blocked: frozenset[str], segmental: bool) -> Tree:
    """Shortest segment-respecting routes from ``start`` to every node it reaches (bounded)."""
    first: State = (start, None)
    carried0 = initial_segments(kg, start) if segmental else None
    parent: dict[State, tuple[State, str] | None] = {first: None}
    at: dict[str, State] = {start: first}
    queue: deque[tuple[State, Carried, int]] = deque([(first, carried0, 0)])
    while queue:
        state, carried, depth = queue.popleft()
        if depth >= MAX_PATH_LENGTH:
            continue
        for nxt, key, _, onward in successors(kg, state[0], carried, relations, segmental, blocked):
            child: State = (nxt, frozenset(onward.items()) if onward is not None else None)
            if child in parent:
                continue
            parent[child] = (state, key)
            at.setdefault(nxt, child)
            queue.append((child, onward, depth + 1))
    return parent, at


def _route(kg: KnowledgeGraph, tree: Tree, target: str) -> PathView | None:
    parent, at = tree
    state = at.get(target)
    if state is None:
        return None
    steps: list[tuple[str, str, str]] = []
    link = parent[state]
    while link is not None:
        prev, predicate = link
        steps.append((prev[0], predicate, state[0]))
        state, link = prev, parent[prev]
    return _path(kg, steps[::-1]) if steps else None


def explain_paths(localizer: Localizer, p: Profile, kind: str, site: str) -> tuple[PathView, ...]:
    """The shortest paths by which lesion ``p`` reaches ``site`` (or the one relation that says it does)."""
    kg = localizer.kg
    targets = localizer.related(site)
    site_type = kg.entity(site).type
    found: list[PathView] = []
    if site_type == "ClinicalTest":
        for target, _ in localizer.tests_of.get(site, []):
            if target in p.structures:
                found.append(_path(kg, [(site, "tests", target)]))
            elif target in p.reach:
                found.append(_path(kg, [(site, "tests", target)]))
                for start in p.walk_from:
                    found += localizer.routes(start, [target], DEFICIT_RELATIONS, p.blocked, True)
        for landmark in localizer.tested_at.get(site, frozenset()):
            if landmark == p.site:
                found.append(_path(kg, [(site, "tests_at", landmark)]))
        return tuple(found[: PATHS_PER_FINDING + 1])
    for structure in sorted(p.structures):
        for predicate in ("refers_pain_to", "pain_provoked_by"):
            for r in localizer.told(structure, predicate):
                if r.object in targets:
                    found.append(_path(kg, [(structure, predicate, r.object)]))
    for r in localizer.told(p.entity, "presents_with"):
        if r.object in targets:
            found.append(_path(kg, [(p.entity, "presents_with", r.object)]))
    if kind == "pain":
        for c in p.painful_conditions:
            for r in localizer.told(c, "presents_with_pain_in"):
                if r.object in targets and r.contribution == "major":
                    found.append(_path(kg, [(c, "presents_with_pain_in", r.object)]))
    if site_type == "SkinRegion" and p.dermatome_from:
        for start in p.dermatome_from:
            found += localizer.routes(start, targets, DERMATOME_RELATIONS, frozenset(), False)
    if p.walk_from and (site_type != "SkinRegion" or not p.dermatome_from or not found):
        for start in p.walk_from:
            found += localizer.routes(start, targets, DEFICIT_RELATIONS, p.blocked, True)
    found.sort(key=lambda v: (v.contribution != "major", v.length))
    return tuple(found[:PATHS_PER_FINDING])


# ---------------------------------------------------------------- red flags


UMN_MESSAGE = (
    "Upper motor neuron signs (brisk reflexes, extensor plantar, Hoffmann, clonus) point to the spinal cord or brain, "
    "not a root or nerve: suspect cord compression and arrange urgent assessment and imaging."
)


def red_flags(
    localizer: Localizer, resolved: Sequence[tuple[FindingKind, str, bool]], views: Sequence[Finding]
) -> tuple[RedFlag, ...]:
    """Urgent warnings raised by present findings: the sites' ``red_flag_for`` relations, and any increased reflex."""
    kg = localizer.kg
    raised: dict[str, tuple[list[Finding], str, tuple[str, ...]]] = {}
    for (spec, site, present), view in zip(resolved, views, strict=True):
        if not present:
            continue
        if spec.name == "pain" and kg.entity(site).type == "SkinRegion":
            continue  # pain in a region is no red flag by itself; loss of sensation there may be
        for node in sorted({site} | localizer.wholes(site)):
            for r in localizer.told(node, "red_flag_for"):
                note = next((a.note for a in r.assertions if a.note), "") or f"A warning sign of {kg.entity(r.object).label}."
                findings, _, _ = raised.setdefault(r.object, ([], note, r.sources))
                if view not in findings:
                    findings.append(view)
        if spec.name == "reflex_increased":
            target = "spinal_cord_compression" if "spinal_cord_compression" in kg else None
            if target:
                findings, _, _ = raised.setdefault(target, ([], UMN_MESSAGE, ()))
                if view not in findings:
                    findings.append(view)
    return tuple(
        RedFlag(ref(kg, c), tuple(f), msg, srcs)
        for c, (f, msg, srcs) in sorted(raised.items(), key=lambda kv: kg.entity(kv[0]).label)
    )


# ---------------------------------------------------------------- discriminators


def _make_probes(localizer: Localizer) -> list[tuple[str, str, str]]:
    kg = localizer.kg
    probes = [("weakness", e.id, "Movement") for e in kg.of_type("Movement")]
    probes += [("reflex_reduced", e.id, "Reflex") for e in kg.of_type("Reflex")]
    probes += [("test_positive", e.id, "ClinicalTest") for e in kg.of_type("ClinicalTest")]
    probes += [("numbness", e.id, "SkinRegion") for e in kg.of_type("SkinRegion") if not parts_of(kg, e.id)]
    return probes


def discriminators(localizer: Localizer, top: Sequence[_Scored], mentioned: set[str]) -> tuple[Discriminator, ...]:
    """Unexamined findings expected abnormal for some leading candidates and normal for others."""
    if len(top) < 2:
        return ()
    kg = localizer.kg
    ranked: list[tuple[tuple[int, int, int, int, str], Discriminator]] = []
    kind_order = {"weakness": 0, "reflex_reduced": 1, "numbness": 2, "test_positive": 3}
    # only probes some leader predicts anything about can tell them apart; in the probes' order
    nodes = {n for x in top for d in (x.profile.reach, x.profile.skin, x.profile.tests) for n in d}
    near = sorted({i for n in nodes for i in localizer.probes_by_node.get(n, ())})
    for kind, site, site_type in (localizer.probes[i] for i in near):
        if site in mentioned:
            continue
        says = [localizer.predicts(x.profile, kind, site, site_type) for x in top]
        if all(s is None for s in says) or all(s == "major" for s in says):
            continue
        lead = says[0]
        separated = sum(1 for s in says[1:] if (s == "major") != (lead == "major") and (s is None or lead is None))
        if not separated:
            continue
        expectations = tuple(
            Expectation(x.profile.description, "abnormal" if s == "major" else "abnormal in part" if s == "minor" else "normal")
            for x, s in zip(top, says, strict=True)
        )
        verb = {"weakness": "weak", "reflex_reduced": "reduced", "numbness": "numb", "test_positive": "positive"}[kind]
        what = {
            "weakness": "test",
            "reflex_reduced": "test the",
            "numbness": "test sensation over the",
            "test_positive": "do the",
        }[kind]
        site_label = kg.entity(site).label
        abnormal = [e.candidate for e in expectations if e.expect != "normal"]
        normal = [e.candidate for e in expectations if e.expect == "normal"]
        text = f"{what} {site_label}: {verb} in {' and '.join(abnormal)}; normal in {' and '.join(normal)}"
        finding = Finding(kind, ref(kg, site), True)
        splits_leaders = (says[0] == "major") != (says[1] == "major") and (says[0] is None or says[1] is None)
        key = (0 if splits_leaders else 1, -separated, kind_order[kind], 0 if lead else 1, site_label)
        ranked.append((key, Discriminator(finding, text, expectations)))
    ranked.sort(key=lambda r: r[0])
    return tuple(d for _, d in ranked[:MAX_DISCRIMINATORS])


def parse_finding(text: str, present: bool = True) -> FindingInput:
    """``numbness:anterior thigh`` → a finding (the CLI's form)."""
    kind, sep, site = text.partition(":")
    if not sep or not kind.strip() or not site.strip():
        raise InvalidQuery(f'a finding is KIND:SITE (e.g. numbness:"anterior thigh"), got {text!r}')
    return FindingInput(kind.strip(), site.strip().strip('"'), present)


__all__ = ["FindingInput", "Localization", "Localizer", "localize", "parse_finding"]
