"""SSSOM export: the graph's cross-references to UBERON and FMA as a mapping set.

Generated from the loaded graph (``skos:exactMatch`` / ``skos:closeMatch`` of each entity),
so the file always says what the graph says. https://mapping-commons.github.io/sssom/
"""

from __future__ import annotations

from graph.model import KnowledgeGraph
from graph.vocabulary import XREF_PREFIXES

MAPPING_SET_ID = "https://w3id.org/radix/mappings/radix.sssom.tsv"
JUSTIFICATION = "semapv:ManualMappingCuration"
COLUMNS = ("subject_id", "subject_label", "subject_category", "predicate_id", "object_id", "mapping_justification")


def to_sssom(kg: KnowledgeGraph) -> str:
    """The SSSOM/TSV text of every cross-reference, sorted for stable diffs."""
    prefixes = {
        "RADIX": "https://w3id.org/radix/",
        **XREF_PREFIXES,
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "semapv": "https://w3id.org/semapv/vocab/",
    }
    header = ["#curie_map:"]
    header += [f"#  {name}: {iri}" for name, iri in prefixes.items()]
    header += [
        f"#mapping_set_id: {MAPPING_SET_ID}",
        f"#mapping_set_version: {kg.version or 'unversioned'}",
        "#license: https://creativecommons.org/licenses/by/4.0/",
        "#mapping_set_description: Radix entities mapped to UBERON and FMA; every id was seen with"
        " its label in the Uberon release files.",
    ]
    rows: list[tuple[str, ...]] = []
    for e in kg.entities():
        for predicate, targets in (("skos:exactMatch", e.exact_match), ("skos:closeMatch", e.close_match)):
            rows.extend((e.curie, e.label, e.type, predicate, t, JUSTIFICATION) for t in targets)
    rows.sort()
    lines = [*header, "\t".join(COLUMNS), *("\t".join(r) for r in rows)]
    return "\n".join(lines) + "\n"


def to_sssom_json(tsv: str) -> dict[str, object]:
    """The SSSOM/TSV text as JSON: its header (curie map, set id, version, licence) and its rows."""
    header = [line[1:] for line in tsv.splitlines() if line.startswith("#")]
    curie_map = {k.strip(): v.strip() for k, _, v in (h.partition(":") for h in header if h.startswith(" "))}
    meta = {k: v.strip() for k, _, v in (h.partition(":") for h in header if not h.startswith(" "))}
    columns, *table = [line.split("\t") for line in tsv.splitlines() if line and not line.startswith("#")]
    return {
        "data": [dict(zip(columns, values, strict=True)) for values in table],
        "count": len(table),
        "curie_map": curie_map,
        **{key: meta[key] for key in ("mapping_set_id", "mapping_set_version", "license")},
    }
