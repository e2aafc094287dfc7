"""``wspshare check --checkpoint DIR``: a check killed mid-run resumes from its last checkpoint
(``--resume DIR``) to the result of a run never interrupted; Ctrl-C saves before it exits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wspshare.cli import main

# Every target's interleaving with three targets: 28,242 states, all properties hold (the
# benchmark's row), long enough on one core to be killed in the middle.
ARGV = ["check", "fanout", "--targets", "3", "--no-symmetry", "--quiet", "--all"]
EXPECTED = {"states": 28242, "transitions": 97015, "max_depth": 47, "complete": True}


def start(tmp_path: Path, *extra: str, argv: list[str] = ARGV) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "wspshare", *argv, *extra], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no checkpoint was written"
        time.sleep(0.05)


def resume(capsys: pytest.CaptureFixture[str], saved: Path, out: Path) -> dict[str, object]:
    code = main([*ARGV, "--resume", str(saved), "--json", str(out), "--workers", "1"])
    capsys.readouterr()
    assert code == 0
    result: dict[str, object] = json.loads(out.read_text())
    return result


def test_a_killed_check_resumes_from_its_checkpoint_to_the_same_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved"
    proc = start(tmp_path, "--checkpoint", str(saved), "--checkpoint-every", "0.3",
                 "--workers", "2")  # fmt: skip
    wait_for(saved / "checkpoint.pickle", proc)
    time.sleep(1.0)  # a few more levels, and maybe a save under way
    proc.kill()  # no chance to save anything more: only what was saved survives
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    result = resume(capsys, saved, tmp_path / "resumed.json")
    assert {k: result[k] for k in EXPECTED} == EXPECTED
    assert set(result["properties"].values()) == {"holds"}  # type: ignore[union-attr]


def test_ctrl_c_saves_the_search_and_exits_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved"
    proc = start(tmp_path, "--checkpoint", str(saved), "--checkpoint-every", "600")
    wait_for(saved / "checkpoint.pickle", proc)  # the first save, before the first level
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("wspshare: interrupted")
    result = resume(capsys, saved, tmp_path / "resumed.json")
    assert {k: result[k] for k in EXPECTED} == EXPECTED


def test_resuming_with_other_switches_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved"
    assert main(["check", "handoff", "--quiet", "--checkpoint", str(saved)]) == 0
    capsys.readouterr()
    code = main(["check", "handoff", "--crash", "--quiet", "--resume", str(saved)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "switches" in err


def test_ctrl_c_stops_forked_workers_within_a_second(tmp_path: Path) -> None:
    # Four targets without symmetry: far more than a minute of search, so the interrupt
    # always lands in the middle (the three-target search ends within a few seconds).
    argv = ["check", "fanout", "--targets", "4", "--no-symmetry", "--quiet", "--all"]
    proc = start(tmp_path, "--workers", "2", "--json", str(tmp_path / "partial.json"), argv=argv)
    time.sleep(5.0)
    assert proc.poll() is None, "the check ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert time.monotonic() - sent < 1.5
    saved = json.loads((tmp_path / "partial.json").read_text())
    assert saved["interrupted"] is True and saved["states"] > 0
