"""A Hypothesis machine that walks a scenario file, as the scenario machine walks the handoff.

The built-in scenario machine (``properties.stateful.machines.scenario_machine``) is written
for the handoff model's actions and properties; a scenario file has its own actions
(``models.scenario_data.model``), so this machine is its counterpart for files: one behaviour
of the file per example, each next action drawn by Hypothesis among the enabled ones (faults
included, within the file's budgets), every safety property checked after every step, and a
failure shrunk to a short story of actions.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule
from wspshare.models.protocol import Expectation
from wspshare.models.scenario_data.model import ScenarioModel, ScenarioState
from wspshare.properties.scenario_file import scenario_model


class ScenarioViolation(AssertionError):
    """A safety property failed; the message names it and lists the actions taken."""


def scenario_file_machine(
    path: str, variant: str = "correct", provider: str | None = None
) -> type[RuleBasedStateMachine]:
    """The machine of scenario file ``path`` (optionally on a seeded bug's semantics)."""
    model: ScenarioModel = scenario_model(path, variant, provider)
    safety = [p for p in model.properties() if p.expectation is Expectation.ALWAYS]

    class ScenarioFile(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.state: ScenarioState = model.init_states()[0]
            self.story: list[str] = []

        def enabled(self) -> bool:
            return bool(model.actions(self.state))

        @precondition(lambda self: self.enabled())
        @rule(data=st.data())
        def act(self, data: st.DataObject) -> None:
            action = data.draw(st.sampled_from(model.actions(self.state)), label="action")
            self.state, effect = model.execute(self.state, action)
            self.story.append(f"{action} -> {effect.result}")
            for prop in safety:
                if not prop.holds(self.state):
                    steps = "\n  ".join(self.story)
                    raise ScenarioViolation(f"{prop.name} violated after:\n  {steps}")

        @precondition(lambda self: not self.enabled())
        @rule()
        def quiescent(self) -> None:
            """Nothing is enabled: the behaviour has ended (Hypothesis needs a rule to run)."""

    ScenarioFile.__name__ = f"ScenarioFile_{model.scenario.name.replace('-', '_')}"
    return ScenarioFile
