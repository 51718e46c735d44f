"""The closed Radix vocabulary: every class, relation and qualifier the graph may use.

Individuals (entities, sources) share the ``RADIX:`` namespace, so schema terms are
reached through :func:`term`, which refuses a misspelt name, and the loader rejects data
whose classes or predicates under ``RADIX:`` are not listed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from rdflib import Namespace, URIRef

BASE_IRI: Final = "https://w3id.org/radix/"
PREFIX: Final = "RADIX"

#: Where sources live, and the ontologies entities are cross-referenced to (CURIE prefix → IRI base).
SOURCE_BASE: Final = BASE_IRI + "source/"
XREF_PREFIXES: Final[dict[str, str]] = {
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "FMA": "http://purl.obolibrary.org/obo/FMA_",
}

#: rdflib namespaces, made on first use by the module's ``__getattr__``: importing rdflib costs 0.1 s, and
#: only reading, checking and comparing Turtle use them, never a warm start (which reads the cache).
_NAMESPACES: Final[dict[str, str]] = {"RADIX": BASE_IRI, "SCHEMA_ORG": "https://schema.org/"}
#: Namespace for individuals (entities and sources): open, any local name.
RADIX: Namespace
SCHEMA_ORG: Namespace


def __getattr__(name: str) -> Namespace:
    """``RADIX`` or ``SCHEMA_ORG``, made once, on first use.

    >>> from graph.vocabulary import SCHEMA_ORG
    >>> SCHEMA_ORG.url
    rdflib.term.URIRef('https://schema.org/url')
    """
    if name not in _NAMESPACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace

    namespace = globals()[name] = Namespace(_NAMESPACES[name])
    return namespace


CLASSES: Final[tuple[str, ...]] = (
    "AnatomicalEntity",
    "Vertebra",
    "IntervertebralDisc",
    "IntervertebralForamen",
    "SpinalNerve",
    "SpinalCordSegment",
    "SpinalCordRegion",
    "Plexus",
    "PlexusPart",
    "Nerve",
    "Muscle",
    "BodyFunction",
    "Movement",
    "PelvicFunction",
    "Reflex",
    "Dermatome",
    "SkinRegion",
    "Joint",
    "Landmark",
    "Condition",
    "SoftTissue",
    "BloodVessel",
    "Ganglion",
    "ClinicalTest",
    "Source",
    "DermatomeMap",
)

#: Classes whose individuals are graph nodes (sources and maps are side tables).
ENTITY_CLASSES: Final[tuple[str, ...]] = tuple(
    c for c in CLASSES if c not in {"AnatomicalEntity", "BodyFunction", "Source", "DermatomeMap"}
)

#: Relations followed when predicting the deficits of a lesion; they point distally.
DISTAL_RELATIONS: Final[tuple[str, ...]] = (
    "forms",
    "branches_into",
    "innervates",
    "acts_in",
    "has_dermatome",
    "covers",
    "supplies_skin_of",
    "mediates",
    "innervates_joint",
    "gives_rise_to",
)
#: Segmental supply: constrains paths, is never followed.
SEGMENTAL_RELATIONS: Final[tuple[str, ...]] = ("root_value",)
#: Course, structure and clinical context: shown, never followed when predicting deficits.
CONTEXT_RELATIONS: Final[tuple[str, ...]] = (
    "part_of",
    "key_sensory_point",
    "exits_at",
    "traverses",
    "lies_at",
    "connects",
    "passes_under",
    "passes_through",
    "attaches_to",
    "affects",
    "refers_pain_to",
    "tests",
    "tests_at",
    "pain_provoked_by",
    "arises_proximal_to",
    "occurs_at",
    "presents_with",
    "presents_with_pain_in",
    "red_flag_for",
)
RELATIONS: Final[tuple[str, ...]] = DISTAL_RELATIONS + SEGMENTAL_RELATIONS + CONTEXT_RELATIONS

QUALIFIERS: Final[tuple[str, ...]] = ("contribution", "map", "relationKind", "tier")
CONTRIBUTIONS: Final[tuple[str, ...]] = ("major", "minor")

#: Every term of the schema namespace; anything else under BASE_IRI is an individual.
SCHEMA_TERMS: Final[frozenset[str]] = frozenset(CLASSES + RELATIONS + QUALIFIERS)


def term(local_name: str) -> URIRef:
    """The IRI of a schema term, refusing names outside the closed vocabulary.

    >>> term("covers")
    rdflib.term.URIRef('https://w3id.org/radix/covers')
    >>> term("cover")
    Traceback (most recent call last):
    ...
    KeyError: "'cover' is not a Radix schema term"
    """
    if local_name not in SCHEMA_TERMS:
        raise KeyError(f"{local_name!r} is not a Radix schema term")
    from rdflib import URIRef

    return URIRef(BASE_IRI + local_name)


def local_name(iri: str) -> str:
    """The local name of a Radix IRI (``https://w3id.org/radix/femoral_nerve`` → ``femoral_nerve``)."""
    return iri[len(BASE_IRI) :] if iri.startswith(BASE_IRI) else iri


def curie(local: str) -> str:
    """The CURIE of a Radix local name (``femoral_nerve`` → ``RADIX:femoral_nerve``)."""
    return f"{PREFIX}:{local}"
