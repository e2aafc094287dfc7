"""The glue between the generic engine and the handoff model: who performs which action, how long
it takes, which pipe a message waits on, and how a planned fault becomes a model action.

Every thread of every process is an actor ``(slot, thread)``; its choices are its enabled
``Step`` actions, and its ``Timeout`` is what it does when a receive has waited too long.  Each
direction of each pipe is a delivery queue.  Nothing here decides what a call does: that is the
model's ``execute``.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from typing import cast

from wspshare.models.errors import WSAError
from wspshare.models.scenario import (
    Action,
    Arrive,
    Crash,
    Deliver,
    Direction,
    Duplicate,
    Effect,
    Exhaust,
    HandoffModel,
    HandoffState,
    Lose,
    Reorder,
    ReusePid,
    Step,
    Timeout,
)
from wspshare.sim.faults import MESSAGE_KINDS, MESSAGE_STEPS, PlannedFault
from wspshare.sim.memo import Memo
from wspshare.sim.timing import Timing, draw

Actor = tuple[int, int]
NETWORK: Actor = (-1, 0)  # the network clients of the listener and datagram patterns
Queue = tuple[int, int]  # (channel, direction)
HandoffMemo = Memo[HandoffState, Action, Effect]


class Enabled:
    """A state's enabled actions, grouped the way the engine asks for them."""

    __slots__ = ("actions", "steps", "timeouts")

    def __init__(self, actions: list[Action]) -> None:
        self.actions = actions
        self.steps: dict[Actor, list[Step | Arrive]] = {}
        self.timeouts: dict[Actor, Timeout] = {}
        for a in actions:
            if type(a) is Step:
                self.steps.setdefault((a.slot, a.thread), []).append(a)
            elif type(a) is Arrive:  # the network's clients act like one more thread
                self.steps.setdefault(NETWORK, []).append(a)
            elif type(a) is Timeout:
                self.timeouts.setdefault((a.slot, a.thread), a)


class HandoffAdapter:
    """Answers the engine's questions about one run of a ``HandoffModel``."""

    def __init__(self, memo: HandoffMemo, timing: Timing, plan: Sequence[PlannedFault]) -> None:
        assert isinstance(memo.model, HandoffModel)
        self.memo = memo
        self.model: HandoffModel = memo.model
        self.timing = timing
        self.delays = [f for f in plan if f.kind == "delay"]
        self.delays_used: set[int] = set()
        self._queues: list[Queue] = [
            (k, d) for k in range(self.model.config.targets) for d in Direction
        ]

    def grouped(self, state: HandoffState) -> Enabled:
        return self.memo.of(state, "enabled", self._group)

    def _group(self, state: HandoffState) -> Enabled:
        return Enabled(self.model.actions(state))

    def enabled(self, state: HandoffState) -> list[Action]:
        """The model's enabled actions (computed once per state: every actor asks)."""
        return self.grouped(state).actions

    # --- Adapter protocol ----------------------------------------------------------------------
    def initial(self) -> HandoffState:
        return self.memo.initial

    def actors(self, state: HandoffState) -> Sequence[Hashable]:
        if self.model.pattern.loops:
            return self.memo.of(state, "actors", _actors_and_network)
        return self.memo.of(state, "actors", _actors)

    def choices(self, state: HandoffState, actor: Hashable) -> Sequence[Action]:
        return self.grouped(state).steps.get(cast(Actor, actor), [])

    def give_up(self, state: HandoffState, actor: Hashable) -> Action | None:
        return self.grouped(state).timeouts.get(cast(Actor, actor))

    def execute(self, state: HandoffState, action: Action) -> tuple[HandoffState, Effect]:
        return self.memo.execute(state, action)

    def duration(self, state: HandoffState, action: Action, rng: random.Random) -> float:
        took = draw(rng, self.timing.call)
        if (
            isinstance(action, Step)
            and action.slot == self.model.source_slot
            and action.label == "WSPCloseSocket"
        ):
            took += self.timing.close_delay  # the source waits before it closes (step 10)
        return took

    def in_flight(self, state: HandoffState) -> Mapping[Hashable, int]:
        return self.memo.of(state, "in_flight", self._in_flight)

    def _in_flight(self, state: HandoffState) -> Mapping[Hashable, int]:
        chans = state.chans
        return {(k, d): len(chans[k].wire[d]) for k, d in self._queues}

    def deliver(self, queue: Hashable) -> Action:
        k, d = cast(Queue, queue)
        return Deliver(k, Direction(d))

    def delivery_delay(self, queue: Hashable, effect: Effect, rng: random.Random) -> float:
        delay = draw(rng, self.timing.ipc)
        k, d = cast(Queue, queue)
        for i, f in enumerate(self.delays):
            if i in self.delays_used or f.target_index - 1 != k:
                continue
            if effect.seed_step == f.step and MESSAGE_STEPS[f.step] == d:
                self.delays_used.add(i)
                delay += f.ms
        return delay

    def finished(self, state: HandoffState) -> bool:
        return self.memo.of(state, "final", self.model.is_final)


def _actors(state: HandoffState) -> list[Actor]:
    return [(slot, t) for slot, regs in enumerate(state.regs) for t in range(len(regs.pcs))]


def _actors_and_network(state: HandoffState) -> list[Actor]:
    return [*_actors(state), NETWORK]


class ProcessFault:
    """A planned crash, resource exhaustion or pid reuse: armed at a time or by a seed step, then
    injected as soon as the model offers it."""

    def __init__(self, fault: PlannedFault, adapter: HandoffAdapter) -> None:
        self.fault = fault
        self.adapter = adapter
        model = adapter.model
        index = fault.target_index
        self.slot = model.source_slot if index == 0 else model.target_slot(index - 1)
        kind, value = fault.when
        self.at: float | None = value if kind == "t" else (0.0 if kind == "asap" else None)
        self.before = kind == "before"
        self.seed_step = int(value)

    def matches(
        self, before: HandoffState, action: Action, effect: Effect, after: HandoffState
    ) -> bool:
        return effect.seed_step == self.seed_step

    def action(self) -> Action:
        kind = self.fault.kind
        if kind == "crash":
            return Crash(self.slot)
        if kind == "exhaust":
            return Exhaust(self.slot, WSAError[self.fault.error])
        return ReusePid(self.slot)

    def pick(self, state: HandoffState) -> Action | None:
        action = self.action()
        return action if is_enabled(action, self.adapter.enabled(state)) else None


class MessageFault:
    """A planned loss, duplication or reordering of the message a seed step writes to a pipe:
    injected while that message is still on the wire, right after it was written."""

    at: float | None = None
    before = False

    def __init__(self, fault: PlannedFault, adapter: HandoffAdapter) -> None:
        self.fault = fault
        self.adapter = adapter
        self.chan = fault.target_index - 1
        self.direction = MESSAGE_STEPS[fault.step]
        self.window = False

    def matches(
        self, before: HandoffState, action: Action, effect: Effect, after: HandoffState
    ) -> bool:
        if effect.seed_step != self.fault.step or not isinstance(action, Step):
            return False
        k, d = self.chan, self.direction
        self.window = len(after.chans[k].wire[d]) > len(before.chans[k].wire[d])
        return self.window

    def pick(self, state: HandoffState) -> Action | None:
        if not self.window:
            return None
        self.window = False  # one chance: right after the message was written
        wire = state.chans[self.chan].wire[self.direction]
        last = len(wire) - 1
        kind = self.fault.kind
        action: Action
        if kind == "lose":
            action = Lose(self.chan, self.direction, True, last)
        elif kind == "duplicate":
            action = Duplicate(self.chan, self.direction, True, last)
        else:
            action = Reorder(self.chan, self.direction, True)
        return action if is_enabled(action, self.adapter.enabled(state)) else None


def is_enabled(action: Action, enabled: Sequence[Action]) -> bool:
    """``action in enabled``, minding the type: the model's actions are named tuples, and two
    of different types with the same fields compare equal (``Crash(1) == ReusePid(1)``)."""
    kind = type(action)
    return any(type(a) is kind and a == action for a in enabled)


def plans(
    adapter: HandoffAdapter, plan: Sequence[PlannedFault]
) -> list[ProcessFault | MessageFault]:
    """The engine's plans for a fault plan (delays are not actions: the adapter applies them)."""
    out: list[ProcessFault | MessageFault] = []
    for f in plan:
        if f.kind == "delay":
            continue
        out.append(
            MessageFault(f, adapter) if f.kind in MESSAGE_KINDS else ProcessFault(f, adapter)
        )
    return out
