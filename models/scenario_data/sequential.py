"""Running a sequential scenario: its one order of steps, and what each step observed.

A conformance case is a sequential scenario; its prediction is the list of observations this
returns (one per step: the call, the result word, the value), which the conformance suite
compares with what a real Winsock returned for the same steps, call by call.
"""

from __future__ import annotations

from dataclasses import dataclass

from wspshare.models.errors import ModelError
from wspshare.models.scenario_data.model import Go, ScenarioModel
from wspshare.models.scenario_data.schema import Scenario
from wspshare.models.semantics import Semantics


@dataclass(frozen=True)
class Observation:
    """Step ``index`` of the case (in its one order), run by ``process``: what it was, the
    result (``ok``, a Winsock error name, or what a pipe or peer step saw) and its value."""

    index: int
    process: str
    what: str
    result: str
    value: int | None = None
    expect: str = ""
    expect_value: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "process": self.process,
            "what": self.what,
            "result": self.result,
            "value": self.value,
        }


def run_sequential(scenario: Scenario, semantics: Semantics | None = None) -> list[Observation]:
    """The model's prediction for a sequential scenario: one observation per step, in order.
    A step that cannot run (a receive on an empty pipe) ends the run with a ``blocked`` one."""
    if scenario.mode != "sequential":
        raise ModelError(f"{scenario.name}: only a sequential scenario has one order to run")
    model = ScenarioModel(scenario, semantics)
    state = model.init_states()[0]
    out: list[Observation] = []
    for n, (p, t, i) in enumerate(scenario.order):
        step = model.programs[p][t][i]
        name = scenario.processes[p].name
        actions = [a for a in model.actions(state) if isinstance(a, Go)]
        if not actions:
            out.append(
                Observation(n, name, str(step), "blocked", None, step.expect, step.expect_value)
            )
            break
        state, effect = model.execute(state, actions[0])
        out.append(
            Observation(
                n, name, str(step), effect.result, effect.value, step.expect, step.expect_value
            )
        )
    return out
