"""Ctrl-C: a real SIGINT to a running command stops it within a second, with a one-line
summary of the work done, the partial result marked as such, exit 130 and no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SETTLE = 1.0  # seconds of work after the first progress line, so the command is deep in its loop


def interrupt(argv: list[str], cwd: Path) -> tuple[int, str, str, float]:
    """Run ``wspshare ARGV --progress``, send SIGINT once it is at work, and time how long it
    takes to end.  Waiting for the first progress line, not for a fixed time, keeps the test
    meaningful on a loaded machine, where start-up alone can take seconds."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wspshare", *argv, "--progress"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A shell starts background jobs with SIGINT ignored; this test wants the default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert proc.stderr is not None
    first = proc.stderr.readline()  # blocks until the command reports that it is at work
    assert first, f"the command ended before it could be interrupted: {proc.communicate()}"
    time.sleep(SETTLE)
    assert proc.poll() is None, "the command ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, first + err, time.monotonic() - sent


def assert_clean_interrupt(code: int, err: str, took: float, summary: str) -> None:
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("wspshare: interrupted") and summary in last, err
    assert took < 2.0, f"took {took:.2f} s to stop"  # a second, with room for a loaded machine


def test_ctrl_c_stops_an_exhaustive_check_with_partial_statistics(tmp_path: Path) -> None:
    out_json = tmp_path / "partial.json"
    argv = ["check", "fanout", "--targets", "3", "--no-symmetry", "--json", str(out_json)]
    code, out, err, took = interrupt(argv, tmp_path)
    assert_clean_interrupt(code, err, took, "states")
    assert "incomplete (interrupted)" in out
    saved = json.loads(out_json.read_text())
    assert saved["partial"] is True and saved["interrupted"] is True and saved["states"] > 0


def test_ctrl_c_stops_a_sweep_with_the_runs_finished(tmp_path: Path) -> None:
    code, out, err, took = interrupt(["simulate", "--runs", "100000"], tmp_path)
    assert_clean_interrupt(code, err, took, "of 100,000 runs")
    assert "(interrupted: partial)" in out


def test_ctrl_c_stops_a_proof_between_or_inside_solver_queries(tmp_path: Path) -> None:
    code, out, err, took = interrupt(["prove"], tmp_path)
    assert_clean_interrupt(code, err, took, "solver queries answered")
    assert "unfinished (interrupted)" in out and "NOT proved" in out


def test_ctrl_c_stops_bounded_model_checking_at_the_depth_being_asked(tmp_path: Path) -> None:
    code, out, err, took = interrupt(["bmc", "handoff", "--depth", "12"], tmp_path)
    assert_clean_interrupt(code, err, took, "depth")
    assert "deeper paths were not searched" in out


def test_ctrl_c_stops_the_parametric_proof_and_reports_nothing_of_it(tmp_path: Path) -> None:
    code, out, err, took = interrupt(["prove", "--parametric"], tmp_path)
    assert_clean_interrupt(code, err, took, "unfinished")
    assert "proved for every size" not in out


def test_an_interrupt_caught_inside_exec_still_exits_130() -> None:
    """CPython remembers a KeyboardInterrupt raised inside ``exec`` of a string as unhandled
    even after it is caught, and a ``python -m`` run then kills itself with SIGINT at exit
    (status -2) instead of exiting 130; ``cli.main`` clears that mark when it returns 130."""
    probe = subprocess.run(
        [sys.executable, "-m", "tests.cli.interrupted_in_exec"],
        capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert probe.returncode == 130, (probe.returncode, probe.stderr)
    assert probe.stderr.strip() == "wspshare: interrupted"
