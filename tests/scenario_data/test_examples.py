"""Every example scenario runs through check, simulate and bmc; the seed's handoff written as
a file agrees with the built-in configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from wspshare.properties.checker import check
from wspshare.properties.configs import Switches, model_for
from wspshare.properties.scenario_file import scenario_model

from wspshare.cli import main

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.toml"))
NAMES = [p.stem for p in SCENARIOS]


def test_the_examples_users_recognise_are_there() -> None:
    assert {
        "handoff", "prefork", "cpython-share", "dotnet-duplicate-and-close",
        "close-before-import", "self-duplicate",
    } <= set(NAMES)  # fmt: skip
    for path in SCENARIOS:
        assert path.read_text().startswith("#"), f"{path.name} says where its pattern comes from"


@pytest.mark.parametrize("path", SCENARIOS, ids=NAMES)
def test_check_holds(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(path)]) == 0
    assert "complete; deadlocks: 0" in capsys.readouterr().out


@pytest.mark.parametrize("path", SCENARIOS, ids=NAMES)
def test_simulate_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(path), "--runs", "20", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "completed" in out and "20" in out


@pytest.mark.parametrize("path", SCENARIOS, ids=NAMES)
def test_bmc_takes_the_files_shape(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bmc", str(path), "--depth", "1", "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert "no violation within 1 steps" in out


def test_simulate_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    runs = []
    for _ in range(2):
        main(["simulate", str(SCENARIOS[NAMES.index("prefork")]), "--seed", "5"])
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1]


def test_close_before_import_fails_with_a_late_reference(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(SCENARIOS[NAMES.index("close-before-import")])
    assert main(["check", path, "--provider", "non-ifs-claim"]) == 1
    assert "WSAEINVAL" in capsys.readouterr().out


@pytest.mark.parametrize("provider", ["ifs", "non-ifs", "non-ifs-claim"])
def test_handoff_file_matches_the_builtin(provider: str) -> None:
    """Same verdict for every property the two share, and the very same state space size:
    the file's target receives the pid request and replies in one atomic step, as the
    built-in's does (without ``atomic`` the file has one state more on that path)."""
    builtin = check(model_for("handoff", Switches(provider=provider)), stop_early=False)
    mine = check(scenario_model(str(SCENARIOS[NAMES.index("handoff")]), provider=provider))
    theirs = {r.name: r.verdict for r in builtin.properties}
    ours = {r.name: r.verdict for r in mine.properties}
    shared = set(theirs) & set(ours)
    assert {"reference-count", "descriptor-validity", "no-leak", "common-state"} <= shared
    assert all(theirs[n] == ours[n] for n in shared)
    assert builtin.ok and mine.ok
    assert mine.statistics.states == builtin.statistics.states == 29
    assert mine.statistics.transitions == builtin.statistics.transitions
    assert mine.statistics.max_depth == builtin.statistics.max_depth


def test_handoff_file_with_faults_holds_like_the_builtin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With each kind of fault the built-in handoff holds; so does the file, whose source
    gives up and exits (and is run down) when the handoff cannot go on, and whose receives
    may time out once a message can be lost."""
    path = str(SCENARIOS[NAMES.index("handoff")])
    for kind in ("--crash", "--lose", "--duplicate", "--reorder", "--exhaust"):
        assert main(["check", path, kind]) == 0, kind
        assert main(["check", "handoff", kind]) == 0, kind
    assert "deadlocks: 0" in capsys.readouterr().out


@pytest.mark.parametrize("flag", ["--stranger", "--no-ack", "--reuse-pid", "--targets=2"])
def test_switches_of_the_builtin_programs_are_refused_for_a_file(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(SCENARIOS[0]), flag]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("flag", [["--crash", "source@t=1"], ["--no-ack"], ["--targets", "2"]])
def test_simulate_refuses_the_builtin_simulators_switches(
    flag: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", str(SCENARIOS[0]), *flag]) == 2
    assert capsys.readouterr().err.count("\n") == 1
