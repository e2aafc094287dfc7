"""Each seeded bug of SPEC.md makes a Hypothesis machine fail, with a shrunk history as a trace.

The call-level machine is tried first (a bug of the world's transitions shows in a few calls);
bugs of the protocol's programs need the scenario machine, over the variant's witness model.
The shrunk trace is printed (``pytest -s`` shows it) and must end in a violation the variant
catalogue says the bug causes.
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from wspshare.models.variants import VARIANTS
from wspshare.properties.stateful import profiles
from wspshare.properties.stateful.machines import call_machine, scenario_machine
from wspshare.properties.stateful.run import Failure, find_failure

# Minutes of solver or Hypothesis time: the slow tier, which .ci/run runs after the suite.
pytestmark = pytest.mark.slow

SETTINGS = profiles.load()
# Enough behaviours for PCT to meet the races (ci is derandomized: the same ones every run).
SCENARIO = settings(SETTINGS, max_examples=profiles.scenario_examples())
SPEC_BUGS = sorted(name for name, v in VARIANTS.items() if v.spec_bug)


def failure_of(name: str) -> Failure | None:
    variant = VARIANTS[name]
    found = find_failure(call_machine(variant.semantics), SETTINGS)
    if found is None:
        found = find_failure(scenario_machine(variant.model), SCENARIO)
    return found


@pytest.mark.parametrize("name", SPEC_BUGS)
def test_seeded_bug_fails_a_machine_with_a_short_trace(name: str) -> None:
    failure = failure_of(name)
    assert failure is not None, f"{name}: no machine failed"
    print(f"\n{name}\n{failure.render()}")
    assert failure.name in VARIANTS[name].caught_by
    # Shrinking has a time budget, so under load a trace may come out less short; it never
    # exceeds one example's steps.
    assert 1 <= len(failure.trace) <= SCENARIO.stateful_step_count


def test_the_correct_machine_is_the_control() -> None:
    assert failure_of("correct") is None


@pytest.mark.parametrize("name", ["no-pid-pin", "stale-handle-reuse"])
def test_the_races_need_the_bug(name: str) -> None:
    """The schedules that find each race find nothing when the correct programs run in the same
    configuration (crash and pid reuse included): the failure is the bug's, not the faults'."""
    assert find_failure(scenario_machine(VARIANTS[name].control), SCENARIO) is None
