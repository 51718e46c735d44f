"""`radix import`: muscle tables to Turtle extensions. Every test muscle is made up ("test muscle alpha")."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from api.cli import main
from api.state import AppState
from graph.vocabulary import RADIX, SCHEMA_ORG, SOURCE_BASE
from loaders.import_table import KNOWN_COLUMNS, TableImportError, import_table
from loaders.paths import graph_dir
from loaders.validate import check_files

INPUT = Path(__file__).parents[1] / "input" / "import"
ALPHA, BETA, BICEPS = RADIX.test_muscle_alpha, RADIX.test_muscle_beta, RADIX.biceps_brachii
TEST_SOURCE = URIRef(SOURCE_BASE + "test_source_import")
HEADER = "muscle\tnerve\troots\tsource\tdefinition\tsynonyms\tnew\n"
DEFINITION = "Made-up muscle for the Radix import tests; not anatomy."


def compiled(path: Path, shipped: AppState) -> Graph:
    return Graph().parse(data=import_table(path, shipped.kg, shipped.index), format="turtle")


def problems(path: Path, shipped: AppState) -> list[str]:
    with pytest.raises(TableImportError) as info:
        import_table(path, shipped.kg, shipped.index)
    return [str(p) for p in info.value.problems]


def table(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "table.tsv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def axioms(g: Graph, subject: URIRef, predicate: str) -> dict[str, tuple[str | None, set[str]]]:
    """``{target local name: (contribution, source local names)}`` of the axioms on ``subject predicate *``."""
    out = {}
    for axiom in g.subjects(OWL.annotatedSource, subject):
        if g.value(axiom, OWL.annotatedProperty) == RADIX[predicate]:
            target = str(g.value(axiom, OWL.annotatedTarget)).rsplit("/", 1)[-1]
            contribution = g.value(axiom, RADIX.contribution)
            sources = {str(s)[len(SOURCE_BASE) :] for s in g.objects(axiom, DCTERMS.source)}
            out[target] = (str(contribution) if contribution is not None else None, sources)
    return out


@pytest.fixture(scope="module")
def good(shipped: AppState) -> Graph:
    return compiled(INPUT / "good.tsv", shipped)


def test_a_new_muscle_gets_its_nerves_roots_and_actions_each_sourced(good: Graph) -> None:
    assert (ALPHA, RDF.type, RADIX.Muscle) in good
    assert good.value(ALPHA, RDFS.label) == Literal("test muscle alpha")
    assert (RADIX.musculocutaneous_nerve, RADIX.innervates, ALPHA) in good
    assert (RADIX.radial_nerve, RADIX.innervates, ALPHA) in good  # second row, nerve given as a CURIE
    assert axioms(good, ALPHA, "root_value") == {
        "spinal_nerve_C5": ("major", {"test_source_import"}),
        "spinal_nerve_C6": ("minor", {"test_source_import"}),
        "spinal_nerve_C7": ("minor", {"test_source_import"}),
    }
    assert axioms(good, ALPHA, "acts_in") == {
        "elbow_flexion": ("major", {"test_source_import"}),
        "forearm_supination": ("minor", {"test_source_import"}),
    }
    assert (TEST_SOURCE, RDF.type, RADIX.Source) in good
    assert str(good.value(TEST_SOURCE, SCHEMA_ORG.url)) == "https://example.org/radix-import-test"
    assert good.value(TEST_SOURCE, RADIX.tier) == Literal("C")
    notes = {str(good.value(a, RDFS.comment)) for a in good.subjects(OWL.annotatedSource, ALPHA)}
    assert notes == {"Made-up row for the import tests.", "Made-up second supply of the test muscle."}


def test_an_existing_muscle_gets_relations_but_is_not_redefined(good: Graph) -> None:
    assert axioms(good, BICEPS, "root_value") == {
        "spinal_nerve_C5": ("major", {"wheeless_biceps_brachii"}),
        "spinal_nerve_C6": ("major", {"wheeless_biceps_brachii"}),
    }
    assert (RADIX.musculocutaneous_nerve, RADIX.innervates, BICEPS) in good
    assert set(good.predicates(BICEPS)) == {RADIX.root_value, RADIX.acts_in}  # no type, label or definition
    assert (URIRef(SOURCE_BASE + "wheeless_biceps_brachii"), RDF.type, RADIX.Source) not in good  # shipped already


def test_the_extension_passes_every_check_with_the_shipped_graph(shipped: AppState, tmp_path: Path) -> None:
    out = tmp_path / "good.ttl"
    out.write_text(import_table(INPUT / "good.tsv", shipped.kg, shipped.index), encoding="utf-8")
    violations, _ = check_files([out])
    assert [str(v) for v in violations] == []


def test_the_output_is_deterministic_and_uses_the_shipped_prefixes(shipped: AppState) -> None:
    first = import_table(INPUT / "good.tsv", shipped.kg, shipped.index)
    assert first == import_table(INPUT / "good.tsv", shipped.kg, shipped.index)
    assert first.startswith("@prefix RADIX: <https://w3id.org/radix/> .")


def test_csv_input_with_quoted_cells_and_the_default_tier(shipped: AppState) -> None:
    g = compiled(INPUT / "good.csv", shipped)
    assert (RADIX.femoral_nerve, RADIX.innervates, BETA) in g
    assert {t: c for t, (c, _) in axioms(g, BETA, "root_value").items()} == {
        "spinal_nerve_L3": "major",
        "spinal_nerve_L4": "minor",
    }
    assert g.value(URIRef(SOURCE_BASE + "test_source_import_csv"), RADIX.tier) == Literal("B")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unknown_nerve", ["unknown_nerve.tsv:3: column nerve: 'musculocutaneus nerve'", "closest: 'musculocutaneous nerve'"]),
        ("bad_root", ["bad_root.tsv:3: column roots: 'C5-C6' is not a spinal nerve root", "write roots like 'C5, C6'"]),
        ("unknown_column", ["unknown_column.tsv:1: unknown column(s) 'side'", "muscle, nerve, roots, source (required)"]),
        ("source_without_citation", ["source_without_citation.tsv:3: column source: 'test_source_missing'", "citation and url"]),
        (
            "near_duplicate",
            ["near_duplicate.tsv:3: column muscle: 'biceps brachi'", "did you mean 'biceps brachii'", "set new to yes"],
        ),
    ],
)
def test_each_broken_table_names_file_row_column_and_the_fix(shipped: AppState, name: str, expected: list[str]) -> None:
    found = problems(INPUT / f"{name}.tsv", shipped)
    assert len(found) == 1, found
    for fragment in expected:
        assert fragment in found[0]


def test_every_problem_of_a_table_is_reported_at_once(shipped: AppState, tmp_path: Path) -> None:
    path = table(
        tmp_path,
        f"test muscle alpha\tno such nerve\tC5\twheeless_biceps_brachii\t{DEFINITION}\t\t",
        "test muscle gamma\tradial nerve\tC5 maybe\twheeless_biceps_brachii\t\t\t",
    )
    found = problems(path, shipped)
    assert [p.split(": ")[0:2] for p in found] == [
        [f"{path}:2", "column nerve"],
        [f"{path}:3", "column definition"],
        [f"{path}:3", "column roots"],
    ]


def test_new_yes_accepts_a_label_close_to_a_shipped_muscle(shipped: AppState, tmp_path: Path) -> None:
    path = table(tmp_path, f"biceps brachi\tmusculocutaneous nerve\tC5\twheeless_biceps_brachii\t{DEFINITION}\t\tyes")
    g = compiled(path, shipped)
    assert g.value(RADIX.biceps_brachi, RDFS.label) == Literal("biceps brachi")


def test_an_existing_muscle_takes_synonyms_but_not_a_definition(shipped: AppState, tmp_path: Path) -> None:
    row = "biceps brachii\tmusculocutaneous nerve\tC5\twheeless_biceps_brachii\t{}\tmade-up test alias\t"
    g = compiled(table(tmp_path, row.format("")), shipped)
    assert set(g.objects(BICEPS, SKOS.altLabel)) == {Literal("made-up test alias")}
    assert g.value(BICEPS, RDFS.label) is None
    assert "column definition: RADIX:biceps_brachii is shipped" in problems(table(tmp_path, row.format(DEFINITION)), shipped)[0]


def test_the_template_lists_every_column_and_no_row(shipped: AppState) -> None:
    template = graph_dir() / "templates" / "muscles.tsv"
    assert template.read_text(encoding="utf-8").splitlines()[0].split("\t") == list(KNOWN_COLUMNS)
    assert problems(template, shipped) == [f"{template}:1: the table has no rows"]


def test_cli_writes_the_file_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "alpha.ttl"
    assert main(["import", str(INPUT / "good.tsv"), "--output", str(out)]) == 0
    assert (RADIX.musculocutaneous_nerve, RADIX.innervates, ALPHA) in Graph().parse(out, format="turtle")
    assert capsys.readouterr().out == ""


def test_cli_check_keeps_the_turtle_on_stdout_and_the_report_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(INPUT / "good.csv"), "--check"]) == 0
    captured = capsys.readouterr()
    assert (RADIX.femoral_nerve, RADIX.innervates, BETA) in Graph().parse(data=captured.out, format="turtle")
    assert "0 error(s)" in captured.err


def test_cli_exits_2_with_the_problems_for_a_bad_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(INPUT / "unknown_nerve.tsv")]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("radix: 1 problem(s)") and "column nerve" in captured.err
    assert captured.out == ""
