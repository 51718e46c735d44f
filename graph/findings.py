"""Finding kinds: what a finding's site may be, and which relations can explain it (DESIGN §5)."""

from __future__ import annotations

from dataclasses import dataclass

SENSORY = frozenset({"forms", "branches_into", "has_dermatome", "covers", "supplies_skin_of"})
MOTOR = frozenset({"forms", "branches_into", "innervates", "acts_in"})
REFLEX = frozenset({"forms", "branches_into", "mediates"})
JOINT = frozenset({"forms", "branches_into", "innervates_joint"})


@dataclass(frozen=True)
class FindingKind:
    name: str
    meaning: str
    #: classes the site may be, in order of preference when a name fits several
    site_types: tuple[str, ...]
    #: distal relations that can carry a lesion's effect to the site
    relations: frozenset[str]
    #: said with the answer when no root or nerve lesion explains this kind
    note: str = ""


FINDING_KINDS: dict[str, FindingKind] = {
    k.name: k
    for k in (
        FindingKind("numbness", "sensory loss, hypoaesthesia", ("SkinRegion",), SENSORY),
        FindingKind("paresthesia", "tingling, pins and needles", ("SkinRegion",), SENSORY),
        FindingKind(
            "pain",
            "pain felt in a region or a joint, or provoked by a movement or a test",
            ("SkinRegion", "Joint", "ClinicalTest", "Movement"),
            SENSORY | JOINT,
        ),
        FindingKind("weakness", "weakness of a movement or a muscle", ("Movement", "Muscle", "PelvicFunction"), MOTOR),
        FindingKind("atrophy", "wasting of a muscle", ("Muscle",), MOTOR),
        FindingKind("reflex_reduced", "reflex reduced or absent", ("Reflex",), REFLEX),
        FindingKind(
            "reflex_increased",
            "reflex increased",
            ("Reflex",),
            frozenset(),
            note=(
                "An increased reflex is an upper motor neuron sign: it points to the spinal cord or brain "
                "above the reflex's segments, not to a root or peripheral nerve lesion, so no root or nerve is listed."
            ),
        ),
        FindingKind(
            "sphincter_dysfunction",
            "bladder, bowel, anal sphincter or sexual function",
            ("PelvicFunction", "Muscle"),
            MOTOR,
        ),
        FindingKind(
            "test_positive",
            "a provocation test or clinical sign is positive (a pathological reflex such as Hoffmann's counts as present)",
            ("ClinicalTest", "Reflex"),
            frozenset(),
            note=(
                "A positive test implicates the structures it tests (see the test's entity); "
                "POST /localize weighs it together with the other findings."
            ),
        ),
    )
}
