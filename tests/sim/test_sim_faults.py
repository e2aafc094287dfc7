"""Fault plans become model faults at the planned moment; their consequences show in the trace."""

from __future__ import annotations

import pytest
from wspshare.models.errors import ModelError
from wspshare.models.scenario import ScenarioConfig
from wspshare.sim.config import SimConfig
from wspshare.sim.faults import parse_line, parse_plan
from wspshare.sim.run import simulate


def plan(*lines: str) -> tuple:  # type: ignore[type-arg]
    return tuple(parse_line(line) for line in lines)


@pytest.mark.parametrize("when", ["after:5", "after:6", "before:7", "before:8"])
def test_target_crash_between_steps_5_and_8_is_run_down_under_ifs(when: str) -> None:
    """M3 + R11: the duplicated handle is the target's; its rundown drops the reference."""
    run = simulate(SimConfig(faults=plan(f"crash target1@{when}")), 11)
    records = run.records
    crash = next(i for i, r in enumerate(records) if r["kind"] == "fault")
    before, after = records[crash - 1], records[crash]
    assert before["descriptors"].get("target1") == ["4~"]  # pending, not yet claimed
    assert before["refs"] == [2]
    assert "target1" not in after["descriptors"]
    assert after["refs"] == [1]  # the held reference went with the process
    assert run.result.outcome == "aborted"  # nothing left behind
    assert records[-1]["refs"] == [None]  # the socket closed once the source let go


def test_lost_info_with_target_alive_is_reported_as_a_leak() -> None:
    """M3: the info never arrives, so the reference held for it stays until the target exits."""
    run = simulate(SimConfig(faults=plan("lose 6")), 11)
    assert run.result.outcome == "leak"
    assert "target1" in run.result.detail and "PENDING" in run.result.detail
    assert run.violation is None  # the property allows it after a fault; the outcome shows it
    assert any(i["op"] == "lost" for r in run.records for i in r["ipc"])


def test_lost_info_under_non_ifs_leaves_the_share_record() -> None:
    run = simulate(SimConfig(ScenarioConfig(provider="non-ifs"), faults=plan("lose 6")), 11)
    assert run.result.outcome == "leak"
    assert "share" in run.result.detail


def test_exhaustion_makes_the_duplication_fail_with_its_error() -> None:
    run = simulate(SimConfig(faults=plan("exhaust source@before:5")), 2)
    dup = next(r for r in run.records if r["step"] == 5)
    assert dup["call"].startswith("WSPDuplicateSocket") and dup["result"] == "WSAENOBUFS"
    assert run.result.errors == ("WSAENOBUFS",)
    assert run.result.outcome == "aborted"


def test_exhaustion_can_name_the_other_shortage() -> None:
    fault = parse_line("exhaust source@before:5,WSAEMFILE")
    assert str(fault) == "exhaust source@before:5,WSAEMFILE"
    run = simulate(SimConfig(faults=(fault,)), 2)
    dup = next(r for r in run.records if r["step"] == 5)
    assert dup["result"] == "WSAEMFILE"
    assert run.result.errors == ("WSAEMFILE",)


def test_duplicated_info_is_refused_the_second_time() -> None:
    """R2: the replayed claim fails; the handoff itself completes."""
    run = simulate(SimConfig(faults=plan("duplicate 6")), 2)
    assert run.result.outcome == "completed"
    assert "WSAEINVAL" in run.result.errors


def test_delay_postpones_the_delivery() -> None:
    base = simulate(SimConfig(), 4).records
    late = simulate(SimConfig(faults=plan("delay 6:500")), 4).records

    def arrival(records: list) -> float:  # type: ignore[type-arg]
        return next(r["time"] for r in records if r["kind"] == "step" and r["step"] == 7)

    assert arrival(late) >= arrival(base) + 500 - 1e-6


def test_reused_pid_without_pin_lets_a_stranger_in() -> None:
    config = SimConfig(
        ScenarioConfig(pin=False), faults=plan("crash target1@after:4", "reuse-pid target1")
    )
    run = simulate(config, 0)
    assert run.result.outcome == "no-strangers"
    assert run.violation is not None and "stranger" in run.violation.sentence


def test_fault_whose_moment_never_comes_is_reported() -> None:
    run = simulate(SimConfig(faults=plan("crash target1@t=100000")), 1)
    assert run.result.outcome == "completed"
    assert run.unfired == ["crash target1@t=100000"]


@pytest.mark.parametrize(
    "line",
    [
        "crash target1",
        "crash nobody@after:5",
        "lose 5",
        "delay 6",
        "crash target1@soon",
        "explode target1@after:5",
        "exhaust source@after:1,WSAEFAULT",
    ],
)
def test_bad_fault_lines_are_refused_with_a_hint(line: str) -> None:
    with pytest.raises(ModelError, match="bad fault"):
        parse_line(line)


def test_plan_file_text_and_json_agree() -> None:
    text = "# a plan\ncrash target1@after:5\nlose 6@target1  # the info\n"
    assert parse_plan(text) == parse_plan('["crash target1@after:5", "lose 6"]')


def test_fault_on_a_missing_target_is_refused() -> None:
    with pytest.raises(ModelError, match="only 1 target"):
        SimConfig(faults=plan("crash target2@after:5"))
