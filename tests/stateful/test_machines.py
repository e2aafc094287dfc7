"""The Hypothesis machines pass on the correct semantics and fail, with a short trace, on bugs."""

from __future__ import annotations

import pytest
from hypothesis.stateful import run_state_machine_as_test
from wspshare.models.kernel import Kernel
from wspshare.models.scenario import Faults, HandoffModel, ScenarioConfig
from wspshare.models.semantics import Semantics
from wspshare.models.state import World
from wspshare.properties.stateful import profiles
from wspshare.properties.stateful.machines import call_machine, scenario_machine
from wspshare.properties.stateful.run import find_failure

SETTINGS = profiles.load()
ALL_FAULTS = Faults(crash=1, lose=1, duplicate=1, reorder=1, reuse_pid=1, exhaust=1)


def test_call_machine_passes_on_the_correct_providers() -> None:
    run_state_machine_as_test(call_machine(Semantics), settings=SETTINGS)


@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
def test_scenario_machine_passes_on_the_correct_providers(provider: str) -> None:
    cfg = ScenarioConfig(provider=provider, targets=2, threads=2, stranger=True, faults=ALL_FAULTS)
    run_state_machine_as_test(scenario_machine(lambda: HandoffModel(cfg)), settings=SETTINGS)


class LeakyExitKernel(Kernel):
    """A test-local mistake: exit marks the process dead but closes nothing (R11 broken)."""

    def exit_process(self, w: World, slot: int) -> World:
        procs = list(w.procs)
        procs[slot] = procs[slot]._replace(alive=False, issued=())
        return w._replace(procs=tuple(procs))


@pytest.mark.slow  # over a minute on two busy cores; .ci/run runs the slow tier
def test_call_machine_fails_with_a_short_trace_when_exit_does_not_run_down() -> None:
    failure = find_failure(call_machine(lambda: Semantics(kernel=LeakyExitKernel())), SETTINGS)
    assert failure is not None
    assert failure.name == "descriptor-validity"
    # Shrunk: one socket, one exit (maybe a spawn or two on the way), not a 40-step history.
    assert len(failure.trace) <= 4
    assert "ExitProcess" in failure.render()


@pytest.mark.slow  # over a minute on two busy cores; .ci/run runs the slow tier
def test_scenario_machine_finds_the_premature_close_of_a_late_reference() -> None:
    cfg = ScenarioConfig(provider="non-ifs-claim", ack=False)
    failure = find_failure(scenario_machine(lambda: HandoffModel(cfg)), SETTINGS)
    assert failure is not None
    assert failure.name == "no-premature-close"
    assert "WSPCloseSocket" in failure.trace[-1][2]
