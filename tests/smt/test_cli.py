"""``wspshare prove`` and ``wspshare bmc``: output forms and exit codes (0, 1 found, 2 bad)."""

from __future__ import annotations

import pytest

from wspshare.cli import main

SMALL = ["--bound", "2,2,2,2,1"]


def test_prove_exits_0_when_everything_is_proved(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", *SMALL]) == 0
    assert "all invariants proved inductive" in capsys.readouterr().out


def test_prove_shows_a_cti_for_a_seeded_bug(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["prove", *SMALL, "--variant", "close-drops-none", "--invariant", "reference-count"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "counterexample to induction of reference-count" in out
    assert "before:" in out and "action: " in out and "after:" in out


def test_parametric_proof_exits_0_for_the_correct_twin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--parametric"]) == 0
    out = capsys.readouterr().out
    assert "for any number of processes" in out and "reference count proved for every size" in out


def test_parametric_proof_refutes_close_drops_twice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--parametric", "--variant", "close-drops-twice"]) == 1
    out = capsys.readouterr().out
    [close] = [line for line in out.splitlines() if line.startswith("close_handle ")]
    assert "reference-count: counterexample" in close and "drops=2" in close
    assert out.rstrip().endswith("NOT proved")


def test_bmc_prints_the_replayed_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bmc", "handoff", "--depth", "3", "--variant", "close-drops-twice"]) == 1
    out = capsys.readouterr().out
    assert "violated (replayed in the executable semantics): reference-count" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["bmc", "three-targets", "--depth", "2"],
        ["bmc", "handoff", "--depth", "0"],
        ["prove", "--variant", "no-such-bug", *SMALL],
        ["prove", "--bound", "3,2"],
        ["prove", "--parametric", "--invariant", "common-state"],
        ["prove", "--parametric", "--bound", "2,2,2,2"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
