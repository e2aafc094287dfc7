"""The Hypothesis machine accepts a scenario file: it finds nothing in the examples and finds
the late-reference race of close-before-import."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from wspshare.properties.scenario_file_machine import ScenarioViolation, scenario_file_machine

SCENARIOS = Path(__file__).parents[2] / "scenarios"
QUICK = settings(
    max_examples=60, derandomize=True, deadline=None, stateful_step_count=40,
    suppress_health_check=list(HealthCheck), database=None,
)  # fmt: skip


@pytest.mark.parametrize("name", ["handoff", "prefork", "self-duplicate"])
def test_examples_hold(name: str) -> None:
    run_state_machine_as_test(scenario_file_machine(str(SCENARIOS / f"{name}.toml")),
                              settings=QUICK)  # fmt: skip


def test_finds_the_late_reference_race() -> None:
    machine = scenario_file_machine(
        str(SCENARIOS / "close-before-import.toml"), provider="non-ifs-claim"
    )
    with pytest.raises(ScenarioViolation, match="expectations violated"):
        run_state_machine_as_test(machine, settings=QUICK)
