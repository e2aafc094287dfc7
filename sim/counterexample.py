"""A model checker's path run in the simulator, and written as the simulator's trace file.

The checker's model hands an IPC message to its pipe at once; the simulator's puts it on a wire
and delivers it by a separate action, so that delivery can take time.  ``simulate_path`` runs a
path in the simulator's model of the same scenario, delivering every message on a wire before
each of the path's actions (as soon as possible, which is what the checker's model does), and
records it the way ``sim.run.simulate`` does; ``trace_records`` gives the JSON Lines records
that ``sim.replay.replay_trace`` reads back.  The fault budget of the trace's header is a plan
with one entry per fault the path takes (process faults only: the patterns' message faults act
on the checker's pipes, which the simulator keeps on wires).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from wspshare.models.errors import ModelError
from wspshare.models.scenario import (
    Action,
    Crash,
    Deliver,
    Exhaust,
    Faults,
    HandoffModel,
    HandoffState,
    ScenarioConfig,
)
from wspshare.models.scenario.schedule import Event
from wspshare.sim.config import SimConfig
from wspshare.sim.faults import PlannedFault
from wspshare.sim.handoff import is_enabled
from wspshare.sim.run import model_for
from wspshare.sim.trace import MessageLedger, Record, event_record, role


@dataclass
class SimulatedPath:
    config: SimConfig
    events: list[Event] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    def trace_records(self) -> list[Record]:
        """The simulator's trace: a run header, one record per action, an end record."""
        header: Record = {"event": "run", "seed": 0, "config": self.config.to_json()}
        end: Record = {"event": "end", "outcome": "replayed path", "actions": len(self.events)}
        return [header, *self.records, end]


def fault_plan(state: HandoffState, actions: Sequence[Action]) -> tuple[PlannedFault, ...]:
    """One planned process fault per fault action, by role, at its index as a simulated time
    (``simulate_path`` records the n-th action at time n)."""
    plan = []
    for n, a in enumerate(actions):
        if isinstance(a, Crash):
            plan.append(PlannedFault("crash", role(state, a.slot), ("t", float(n))))
        elif isinstance(a, Exhaust):
            who = role(state, a.slot)
            plan.append(PlannedFault("exhaust", who, ("t", float(n)), error=a.error.name))
        elif type(a).__name__ in ("Lose", "Duplicate", "Reorder", "ReusePid"):
            raise ModelError(f"{a}: only process faults are run on the simulator's wires here")
    return tuple(plan)


def simulate_path(scenario: ScenarioConfig, actions: Sequence[Action]) -> SimulatedPath:
    """Run ``actions`` (a checker's path of ``scenario``) in the simulator's model."""
    bare = scenario.with_(faults=Faults())  # the simulator's budget comes from its plan
    start = HandoffModel(scenario).init_states()[0]
    config = SimConfig(bare, faults=fault_plan(start, actions))
    model = model_for(config)
    ledger = MessageLedger(scenario.targets)
    out = SimulatedPath(config)
    state = model.init_states()[0]

    def run(action: Action) -> None:
        nonlocal state
        before = state
        state, effect = model.execute(state, action)
        out.events.append(Event(action, effect, state))
        ipc = ledger.follow(before, action, state)
        n = len(out.records)
        out.records.append(event_record(n, float(n), action, effect, state, ipc))

    for i, action in enumerate(actions):
        while wire := [a for a in model.actions(state) if type(a) is Deliver]:
            run(wire[0])
        if not is_enabled(action, model.actions(state)):
            raise ModelError(f"simulate_path: action {i} ({action}) is not enabled")
        run(action)
    out.config = SimConfig(bare, faults=fault_plan(start, [e.action for e in out.events]))
    return out
