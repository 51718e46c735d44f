"""Fuzzed Turtle for ``radix check``: a broken contribution gets a clear message, never a crash.

Hypothesis mutates a small valid extension (examples/sternohyoid.ttl): lines deleted, duplicated or
swapped, characters replaced (Turtle's own punctuation most of all), random unicode or bytes
inserted, the file truncated. Each mutant goes through the function ``radix check FILE`` runs,
:func:`loaders.validate.parse_and_validate`; a few go through the command itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.cli import main
from loaders.paths import ontology_file
from loaders.rdf import TurtleSyntaxError
from loaders.validate import parse_and_validate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sternohyoid.ttl"
BASE = EXAMPLE.read_bytes()
#: Characters that carry Turtle's syntax, so a replacement often breaks it in an interesting way.
PUNCTUATION = list(".;,<>\"'[]()@^_:#\\{}= \n\t")
CHAR = st.sampled_from(PUNCTUATION) | st.characters(codec="utf-8")
LINE_WITH_NUMBER = re.compile(r"line \d+")


@st.composite
def mutants(draw: st.DrawFn) -> bytes:
    """The example with one to four random edits, as bytes (not always UTF-8)."""
    data = BASE
    for _ in range(draw(st.integers(1, 4))):
        lines = data.split(b"\n")
        at = draw(st.integers(0, len(data)))
        line = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete line", "duplicate line", "swap lines", "replace char", "delete range",
                                     "insert text", "insert bytes", "truncate"]))  # fmt: skip
        if edit == "delete line":
            del lines[line]
        elif edit == "duplicate line":
            lines.insert(line, lines[line])
        elif edit == "swap lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
        if edit in ("delete line", "duplicate line", "swap lines"):
            data = b"\n".join(lines)
        elif edit == "replace char":
            data = data[:at] + draw(CHAR).encode("utf-8") + data[at + 1 :]
        elif edit == "delete range":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif edit == "insert text":
            data = data[:at] + draw(st.text(CHAR, min_size=1, max_size=20)).encode("utf-8") + data[at:]
        elif edit == "insert bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        else:
            data = data[:at]
    return data


@pytest.fixture(scope="module")
def contribution(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each mutant is written (one file, rewritten per example)."""
    return tmp_path_factory.mktemp("fuzz") / "contribution.ttl"


# `radix check` validates the contribution together with the whole shipped graph (4 s a run); the
# fuzzing runs the same function over the schema alone (ontology.ttl, 25 ms a run), so the
# contribution's references to shipped entities come back as violations, which is fine: the
# property is that every outcome is a list of violations or a syntax error, never a crash.
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=mutants())
def test_a_mutated_contribution_gets_violations_or_a_syntax_error_naming_file_and_line(contribution: Path, data: bytes) -> None:
    contribution.write_bytes(data)
    try:
        _, violations = parse_and_validate([ontology_file()], [contribution])
    except TurtleSyntaxError as exc:
        message = str(exc)
        assert message.startswith(f"{contribution}: not valid Turtle: "), message
        assert LINE_WITH_NUMBER.search(message), message
        assert "Traceback" not in message
        return
    for v in violations:
        text = str(v)  # how `radix check` prints it
        assert v.severity in ("error", "warning") and v.rule and v.message, text
        if v.file == str(contribution):
            assert v.line is not None and 1 <= v.line <= data.count(b"\n") + 1, text


CLI_CASES = {
    "valid": BASE,
    "truncated in a statement": BASE[: BASE.index(b"rdfs:label")],
    "a stray byte": BASE.replace(b"RADIX:sternohyoid a", b"RADIX:sternohyoid \xff a", 1),
    "an undeclared prefix": BASE.replace(b"RADIX:Muscle", b"RADIXX:Muscle", 1),
}


@pytest.mark.parametrize("case", CLI_CASES)
def test_radix_check_on_a_broken_file_exits_non_zero_with_a_message_not_a_traceback(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contribution.ttl"
    path.write_bytes(CLI_CASES[case])
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if case == "valid":
        assert code == 0, out + err
        assert "0 error(s)" in out
    else:
        assert code != 0
        assert f"radix: {path}: not valid Turtle: line " in err, err
