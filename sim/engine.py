"""A discrete-event runner for any model whose actions belong to actors, on SimPy's clock.

Each actor is a SimPy process: it picks one of its enabled actions, waits the action's duration,
then applies it.  Items in flight (messages on a wire) are delivered by a separate action after a
delay, first in first out.  Planned environment actions (faults) fire once their trigger arms them
and the model offers them.  The engine knows nothing of what the actions mean: an ``Adapter``
answers every question about the model, and an observer sees every applied action.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import simpy

S = TypeVar("S")
A = TypeVar("A")
E = TypeVar("E")
S_in = TypeVar("S_in", contravariant=True)
E_in = TypeVar("E_in", contravariant=True)


class Adapter(Protocol[S, A, E]):
    """What the engine needs to know about a model."""

    def initial(self) -> S: ...
    def actors(self, state: S) -> Sequence[Hashable]: ...
    def choices(self, state: S, actor: Hashable) -> Sequence[A]:
        """The actor's enabled actions (it performs one of them)."""
        ...

    def give_up(self, state: S, actor: Hashable) -> A | None:
        """The action an actor blocked with no choice takes when its patience runs out."""
        ...

    def execute(self, state: S, action: A) -> tuple[S, E]: ...
    def duration(self, state: S, action: A, rng: random.Random) -> float: ...
    def in_flight(self, state: S) -> Mapping[Hashable, int]:
        """How many items wait on each queue for a delivery action."""
        ...

    def deliver(self, queue: Hashable) -> A: ...
    def delivery_delay(self, queue: Hashable, effect: E, rng: random.Random) -> float: ...
    def finished(self, state: S) -> bool: ...


class Plan(Protocol[S_in, A, E_in]):
    """An environment action to inject: armed at a time or by an applied action, then fired as
    soon as ``pick`` finds it applicable."""

    at: float | None  # arm at this simulated time (None: armed by ``matches`` only)
    before: bool  # ``matches`` looks at the action about to run (True) or just run (False)

    def matches(self, before: S_in, action: A, effect: E_in, after: S_in) -> bool: ...
    def pick(self, state: S_in) -> A | None: ...


Observer = Callable[[float, S, A, E, S], bool]  # returns True to stop the run


@dataclass
class Outcome(Generic[S]):
    """How a run ended: ``finished`` (the model says so), ``stopped`` (the observer asked),
    ``deadlock`` (nothing left to happen) or ``horizon`` (out of simulated time)."""

    end: str
    state: S
    time: float  # when the last action was applied
    actions: int
    unfired: list[int] = field(default_factory=list)  # indices of plans that never fired


class Engine(Generic[S, A, E]):
    """One run of a model in simulated time; build, then call ``run`` once."""

    def __init__(
        self,
        adapter: Adapter[S, A, E],
        rng: random.Random,
        observe: Observer[S, A, E],
        plans: Sequence[Plan[S, A, E]] = (),
        patience: float = math.inf,
        horizon: float = math.inf,
    ) -> None:
        self.adapter = adapter
        self.rng = rng
        self.observe = observe
        self.plans = list(plans)
        self.patience = patience
        self.horizon = horizon
        self.env = simpy.Environment()
        self.state = adapter.initial()
        self.changed = self.env.event()
        self.stopped = False
        self.finished = adapter.finished(self.state)
        self.blocked: dict[Hashable, object] = {}  # actors waiting in a receive: their deadline
        self.known_actors: Sequence[Hashable] = ()
        self.last_time = 0.0
        self.count = 0
        self.spawned: set[Hashable] = set()
        self.scheduled: dict[Hashable, list[list[float]]] = {}  # per queue: [time] tokens
        self.last_delivery: dict[Hashable, float] = {}
        self.last_flight: Mapping[Hashable, int] = {}
        self.armed: list[int] = []
        self.fired: set[int] = set()
        self.before_plans = [i for i, p in enumerate(plans) if p.before and p.at is None]
        self.after_plans = [i for i, p in enumerate(plans) if not p.before and p.at is None]

    # --- running -------------------------------------------------------------------------------
    def run(self) -> Outcome[S]:
        self._spawn_actors()
        for i, plan in enumerate(self.plans):
            if plan.at is not None:
                self.env.timeout(plan.at).callbacks.append(self._arm_at(i))
        end = "finished"
        env = self.env
        while True:
            if self.stopped:
                end = "stopped"
                break
            if self.finished:
                break
            t = env.peek()
            if t == math.inf:
                end = "deadlock"
                break
            if t > self.horizon:
                end = "horizon"
                break
            env.step()
        unfired = [i for i in range(len(self.plans)) if i not in self.fired]
        return Outcome(end, self.state, self.last_time, self.count, unfired)

    def apply(self, action: A) -> None:
        """Apply one enabled action now; then wake every actor and fire armed plans."""
        if self.stopped:
            return
        before = self.state
        after, effect = self.adapter.execute(before, action)
        self.state = after
        self.count += 1
        self.last_time = self.env.now
        if self.observe(self.env.now, before, action, effect, after):
            self.stopped = True
        self.finished = self.adapter.finished(after)
        self._schedule_deliveries(effect)
        self._spawn_actors()
        for i in self.after_plans:
            unarmed = i not in self.fired and i not in self.armed
            if unarmed and self.plans[i].matches(before, action, effect, after):
                self.armed.append(i)
        woken, self.changed = self.changed, self.env.event()
        woken.succeed()
        self._fire_armed()

    def _fire_armed(self) -> None:
        for i in list(self.armed):
            if self.stopped or i in self.fired:
                continue
            action = self.plans[i].pick(self.state)
            if action is not None:
                self.armed.remove(i)
                self.fired.add(i)
                self.apply(action)

    def _arm_at(self, i: int) -> Callable[[Any], None]:
        def arm(_: Any) -> None:
            self.armed.append(i)
            self._fire_armed()

        return arm

    def _arm_before(self, action: A) -> None:
        """Arm the plans triggered by the action about to run (seen through a dry run)."""
        pending = [i for i in self.before_plans if i not in self.fired and i not in self.armed]
        if not pending:
            return
        after, effect = self.adapter.execute(self.state, action)
        hits = [i for i in pending if self.plans[i].matches(self.state, action, effect, after)]
        if hits:
            self.armed.extend(hits)
            self._fire_armed()

    # --- actors --------------------------------------------------------------------------------
    def _spawn_actors(self) -> None:
        actors = self.adapter.actors(self.state)
        if actors is self.known_actors:
            return
        self.known_actors = actors
        for actor in actors:
            if actor not in self.spawned:
                self.spawned.add(actor)
                self.env.process(self._actor(actor))

    def _actor(self, actor: Hashable) -> Any:
        adapter, env, rng = self.adapter, self.env, self.rng
        while not self.stopped:
            options = adapter.choices(self.state, actor)
            if options:
                self.blocked.pop(actor, None)
                action = options[0] if len(options) == 1 else options[rng.randrange(len(options))]
                yield env.timeout(adapter.duration(self.state, action, rng))
                if self.stopped:
                    return
                if self.before_plans:
                    self._arm_before(action)
                if action in adapter.choices(self.state, actor):
                    self.apply(action)
                continue
            if self.patience < math.inf and adapter.give_up(self.state, actor) is not None:
                if actor not in self.blocked:
                    token = object()
                    self.blocked[actor] = token
                    env.timeout(self.patience).callbacks.append(self._deadline(actor, token))
            else:
                self.blocked.pop(actor, None)
            yield self.changed

    def _deadline(self, actor: Hashable, token: object) -> Callable[[Any], None]:
        """An actor blocked in a receive since ``patience`` ago gives up (if it still is)."""

        def expire(_: Any) -> None:
            if self.stopped or self.finished or self.blocked.get(actor) is not token:
                return
            give_up = self.adapter.give_up(self.state, actor)
            if give_up is not None and not self.adapter.choices(self.state, actor):
                del self.blocked[actor]
                self.apply(give_up)

        return expire

    # --- deliveries ----------------------------------------------------------------------------
    def _schedule_deliveries(self, effect: E) -> None:
        """Keep one scheduled delivery per item in flight, first in first out; an item that
        vanished (lost) cancels the latest scheduled delivery of its queue."""
        flight = self.adapter.in_flight(self.state)
        if flight == self.last_flight:
            return  # every change of a queue's length shows here; none, nothing to reconcile
        self.last_flight = flight
        for queue, count in flight.items():
            tokens = self.scheduled.setdefault(queue, [])
            while len(tokens) > count:
                tokens.pop()[0] = math.nan  # cancelled
            while len(tokens) < count:
                delay = self.adapter.delivery_delay(queue, effect, self.rng)
                at = max(self.env.now + delay, tokens[-1][0] if tokens else 0.0)
                at = max(at, self.last_delivery.get(queue, 0.0))
                token = [at]
                tokens.append(token)
                self.env.timeout(at - self.env.now).callbacks.append(self._delivery(queue, token))

    def _delivery(self, queue: Hashable, token: list[float]) -> Callable[[Any], None]:
        def deliver(_: Any) -> None:
            tokens = self.scheduled[queue]
            if self.stopped or math.isnan(token[0]) or not tokens or tokens[0] is not token:
                return
            tokens.pop(0)
            self.last_delivery[queue] = self.env.now
            if self.adapter.in_flight(self.state).get(queue, 0) > 0:
                self.apply(self.adapter.deliver(queue))

        return deliver
