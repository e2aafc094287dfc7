"""Run a state machine to its first failure and return the shrunk history as a value.

``find_failure`` is how a test (or a seeded-bug report) asks "does this machine fail, and with
what shortest story?": Hypothesis shrinks, replays the smallest failing example last, and the
``PropertyViolation`` raised by that replay carries the history the machine recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import settings as Settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test
from wspshare.properties.stateful.driver import PropertyViolation, TraceRow, format_trace


@dataclass(frozen=True)
class Failure:
    """A property that failed, why, and the shrunk history that leads there."""

    name: str
    diagnosis: str
    trace: tuple[TraceRow, ...]

    def render(self) -> str:
        return f"{self.name}: {self.diagnosis}\n{format_trace(list(self.trace))}"


def find_failure(machine: type[RuleBasedStateMachine], settings: Settings) -> Failure | None:
    """``None`` when every example passes; otherwise the smallest failure Hypothesis found."""
    quiet = Settings(settings, report_multiple_bugs=False, print_blob=False, database=None)
    try:
        run_state_machine_as_test(machine, settings=quiet)
    except PropertyViolation as err:
        return Failure(err.name, err.diagnosis, tuple(err.trace))
    return None
