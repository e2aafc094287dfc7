"""Each seeded bug of SPEC.md makes a Hypothesis machine fail, with a shrunk history as a trace.

The call-level machine is tried first (a bug of the world's transitions shows in a few calls);
bugs of the protocol's programs need the scenario machine, over the variant's witness model.
The shrunk trace is printed (``pytest -s`` shows it) and must end in a violation the variant
catalogue says the bug causes.
"""

from __future__ import annotations

import pytest
from hypothesis import settings

from models.variants import VARIANTS
from properties.stateful import profiles
from properties.stateful.machines import call_machine, scenario_machine
from properties.stateful.run import Failure, find_failure

SETTINGS = profiles.load()
SCENARIO = settings(SETTINGS, max_examples=300)
SPEC_BUGS = sorted(name for name, v in VARIANTS.items() if v.spec_bug)
# A wrong target pid only after a crash and a pid reuse at the right moment: no ci-sized random
# run has found it (1,500 examples tried); the exhaustive checker does.  Listed, not hidden.
# The stale handle needs the source's helper thread to run after the close and the reuse of its
# value: some runs find it, others not (the kill matrix's Hypothesis column records a miss), so it
# is not claimed here either.
NOT_FOUND_BY_RANDOM_RUNS = {"no-pid-pin", "stale-handle-reuse"}


def failure_of(name: str) -> Failure | None:
    variant = VARIANTS[name]
    found = find_failure(call_machine(variant.semantics), SETTINGS)
    if found is None:
        found = find_failure(scenario_machine(variant.model), SCENARIO)
    return found


@pytest.mark.parametrize("name", [n for n in SPEC_BUGS if n not in NOT_FOUND_BY_RANDOM_RUNS])
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
