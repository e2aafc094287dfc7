"""The seed's own order: a fault-free run that always takes the step lowest in the seed's table.

This is the run ``wspshare handoff`` prints: with one target it follows the table row by row.
Ties go to the lowest process slot, then thread, then target, so the run is deterministic.
"""

from __future__ import annotations

from typing import NamedTuple

from wspshare.models.scenario.actions import Action, Deliver, Effect, Step
from wspshare.models.scenario.model import HandoffModel
from wspshare.models.scenario.state import HandoffState


class Event(NamedTuple):
    """One executed action with what it did and the state it left."""

    action: Action
    effect: Effect
    state: HandoffState


def seed_order_run(model: HandoffModel, max_steps: int = 10_000) -> list[Event]:
    """Run fault-free to quiescence (or until nothing is enabled), in the seed's order."""
    state = model.init_states()[0]
    events: list[Event] = []
    for _ in range(max_steps):
        candidates = []
        for action in model.actions(state):
            if not isinstance(action, Step | Deliver):
                continue
            nxt, effect = model.execute(state, action)
            rank = (
                (0, 0, 0, 0)
                if isinstance(action, Deliver)
                else (effect.seed_step, action.slot, action.thread, action.target)
            )
            candidates.append((rank, action, effect, nxt))
        if not candidates:
            break
        _, action, effect, state = min(candidates, key=lambda c: c[0])
        events.append(Event(action, effect, state))
    return events
