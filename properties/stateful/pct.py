"""How the scenario machine picks its next action: PCT priorities, drawn by Hypothesis.

Uniform choice among the enabled actions almost never finds a bug that needs one event at one
exact moment: a crash and a pid reuse between the source's PID_REPLY and its WSPDuplicateSocket
(``no-pid-pin``) happen in about 1 of 2,000 uniform walks, because a fault that is always on offer
is nearly always taken early.  PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A randomized
scheduler with probabilistic guarantees of finding bugs", ASPLOS 2010) gives every *actor* (a
thread, a channel's deliveries, one kind of fault at one place) a priority, always runs the
highest-priority enabled actor, and at a few drawn steps (the change points) sends the actor that
just ran to the bottom.  A bug that needs d ordering constraints is then found with probability
at least 1/(n k^(d-1)) for n actors and k steps, whatever the uniform odds.

The priorities are an order built from Hypothesis draws (each actor, when first enabled, is
inserted at a drawn position), so a failing schedule shrinks like any other data.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from hypothesis import strategies as st
from wspshare.models.scenario.actions import (
    Action,
    Arrive,
    Crash,
    Deliver,
    Duplicate,
    Exhaust,
    Lose,
    Reorder,
    ReusePid,
    Step,
    Timeout,
)

# d - 1 in the paper: two change points reach bugs of depth 3, which is what the handoff's races
# need (reply received, then crash, then reuse, before the duplicate).
CHANGE_POINTS = 2
# The change points fall within the first HORIZON steps: a handoff with one target completes in
# about 20 steps, and a change after the end changes nothing.
HORIZON = 24


def actor_of(action: Action) -> Hashable:
    """Who takes the action: a process's thread, a channel direction, or a fault at one place.

    A thread's steps and its timeouts are separate actors, so a receive can time out while the
    thread itself is starved or preferred.
    """
    match action:
        case Step(slot=slot, thread=thread):
            return ("thread", slot, thread)
        case Timeout(slot=slot, thread=thread):
            return ("timeout", slot, thread)
        case Deliver(chan=chan, direction=direction):
            return ("deliver", chan, direction)
        case Crash(slot=slot):
            return ("crash", slot)
        case Lose(chan=chan, direction=direction):
            return ("lose", chan, direction)
        case Duplicate(chan=chan, direction=direction):
            return ("duplicate", chan, direction)
        case Reorder(chan=chan, direction=direction):
            return ("reorder", chan, direction)
        case ReusePid(dead_slot=slot):
            return ("reuse-pid", slot)
        case Exhaust(slot=slot):
            return ("exhaust", slot)
        case Arrive():
            return ("network",)
    raise TypeError(f"not an action: {action!r}")


class PctSchedule:
    """One example's schedule: the priority order of the actors seen so far and the change
    points.  The first actor of ``order`` has the highest priority."""

    def __init__(self) -> None:
        self.order: list[Hashable] = []
        self.change_points: frozenset[int] | None = None
        self.steps = 0

    def pick(self, data: st.DataObject, enabled: Sequence[Action]) -> Action:
        """The enabled action of the highest-priority actor (ties, when one actor has several
        enabled actions, go to the first the model lists)."""
        if self.change_points is None:
            points = st.lists(
                st.integers(0, HORIZON - 1), min_size=CHANGE_POINTS, max_size=CHANGE_POINTS
            )
            self.change_points = frozenset(data.draw(points, label="change points"))
        actors = [actor_of(action) for action in enabled]
        for actor in actors:
            if actor not in self.order:
                at = data.draw(st.integers(0, len(self.order)), label=f"priority of {actor}")
                self.order.insert(at, actor)
        rank = {actor: i for i, actor in enumerate(self.order)}
        best = min(range(len(enabled)), key=lambda i: rank[actors[i]])
        if self.steps in self.change_points:
            self.order.remove(actors[best])
            self.order.append(actors[best])
        self.steps += 1
        return enabled[best]
