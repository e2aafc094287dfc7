"""The conformance suite against the recorded Wine observations (no Wine needed), and the
seeded-bug check that shows the suite catches a wrong model."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from wspshare.cli import main
from wspshare.conformance import suite
from wspshare.conformance.cgen import c_program

CASES = suite.load_cases()
OBSERVED = suite.load_observed()
KNOWN = suite.load_known()


def test_at_least_forty_cases_each_citing_its_source() -> None:
    assert len(CASES) >= 40
    sources = {c.source.split(" ")[0] for c in CASES}
    assert {"Wine", "ReactOS", "CPython", "dotnet/runtime"} <= sources
    for case in CASES:
        text = (suite.ROOT / "cases" / f"{case.name}.toml").read_text()
        assert text.startswith("#"), f"{case.name} says in its own words what it claims"
        assert any(s.expect for p in case.processes for t in p.threads for s in t.steps)


def test_every_case_was_run_under_wine() -> None:
    assert str(OBSERVED["wine"]).startswith("wine-")
    recorded = OBSERVED["cases"]
    assert isinstance(recorded, dict)
    assert {c.name for c in CASES} <= set(recorded)


def test_conform_passes_on_the_recorded_observations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "conform.json"
    assert main(["conform", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    verdicts = {c["case"]: c["verdict"] for c in data["cases"]}
    assert set(verdicts.values()) <= {"match", "explained"}
    assert verdicts["wine-dup-tcp-info"] == "match"
    assert verdicts["doc-single-use"] == "explained"
    assert "44 cases" in capsys.readouterr().out or len(verdicts) >= 40


def test_profiles_predict_their_side_where_wine_and_the_documentation_differ() -> None:
    """Where Wine departs from the documentation, the documented profile predicts the claim
    and the wine profile predicts what Wine returned, at that very step."""
    recorded = OBSERVED["cases"]
    assert isinstance(recorded, dict)
    documentation = [k for k in KNOWN.values() if k.kind == "documentation"]
    assert len(documentation) >= 3
    for known in documentation:
        case = next(c for c in CASES if c.name == known.case)
        n = known.step - 1
        documented = suite.predict(case, "documented", None)[n]
        wine = suite.predict(case, "wine", None)[n]
        seen = recorded[case.name][n]["result"]
        assert documented.result == documented.expect != seen
        assert wine.result == seen


def test_every_known_difference_is_needed() -> None:
    results = suite.run_suite(CASES, OBSERVED, KNOWN)
    explained = {(r.name, int(note.split(":")[0].split()[1])) for r in results
                 for note in r.notes if "(known:" in note}  # fmt: skip
    assert set(KNOWN) == explained


def test_a_seeded_bug_fails_a_case_that_wine_passes(tmp_path: Path) -> None:
    """Options kept per descriptor (per-descriptor-options) break R6: the conformance suite
    fails on a case whose every claim Wine met."""
    out = tmp_path / "bug.json"
    assert main(["conform", "--variant", "per-descriptor-options", "--json", str(out)]) == 1
    data = json.loads(out.read_text())
    failed = [c for c in data["cases"] if c["verdict"] == "mismatch"]
    assert failed
    wine_passes = [
        c for c in failed
        if all(s["claimed"] in ("", s["wine"]) for s in c["steps"])
    ]  # fmt: skip
    assert "doc-option-set-through-source" in {c["case"] for c in wine_passes}


def test_correct_model_passes_where_the_bug_fails() -> None:
    case = next(c for c in CASES if c.name == "doc-option-set-through-source")
    recorded = OBSERVED["cases"]
    assert isinstance(recorded, dict)
    assert suite.compare(case, recorded[case.name], KNOWN).verdict == "match"


def test_unknown_case_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conform", "--case", "no-such-case"]) == 2
    assert "no case named no-such-case" in capsys.readouterr().err


@pytest.mark.wine  # needs mingw-w64: run by .ci/run after installing it, not by the plain pytest
def test_every_case_compiles(tmp_path: Path) -> None:
    for case in CASES:
        source = tmp_path / f"{case.name}.c"
        source.write_text(c_program(case))
        done = subprocess.run(
            ["x86_64-w64-mingw32-gcc", "-fsyntax-only", str(source)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
