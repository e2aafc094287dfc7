"""``wspshare simulate`` on the command line: tables, reports, exit statuses, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wspshare.cli import main


def test_single_run_prints_the_table_and_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "WSPDuplicateSocket" in out and out.rstrip().endswith("outcome: completed")


def test_sweep_finding_a_violation_exits_1_and_reports_rates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    failure = tmp_path / "fail.jsonl"
    argv = ["simulate", "--provider", "non-ifs-claim", "--no-ack", "--runs", "200"]
    code = main([*argv, "--workers", "1", "--json", "-", "--save-failure", str(failure)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    names = {o["name"]: o for o in report["outcomes"]}
    assert names["no-premature-close"]["count"] > 0
    low, high = names["no-premature-close"]["ci95"]
    assert low <= names["no-premature-close"]["rate"] <= high
    saved = [json.loads(line) for line in failure.read_text().splitlines()]
    assert saved[0]["seed"] == report["first_failure"]["seed"]
    assert saved[-1]["outcome"] == "no-premature-close"


def test_text_report_lists_outcomes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--runs", "50", "--workers", "1", "--lose", "6", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "OUTCOME" in out and "leak" in out and "50 runs" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "--crash", "target1"],
        ["simulate", "--lose", "4"],
        ["simulate", "--crash", "target3@after:5"],
        ["simulate", "--runs", "0"],
        ["simulate", "--ipc-delay", "-1"],
        ["simulate", "--diagram", "x.pdf"],
        ["simulate", "--runs", "5", "--trace", "x.jsonl"],
        ["simulate", "--fault-plan", "/nonexistent/plan.txt"],
        ["simulate", "--faults", "plan.txt"],  # the old spelling of --fault-plan
        ["simulate", "--json"],  # once a bare flag, now it takes a file
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("wspshare")
