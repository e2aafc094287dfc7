"""Symmetric toys with their symmetry as permutations (``lifted.Lifting``), for liveness tests.

``TurnTaking`` is the case that makes naming actions in the representative's frame wrong; the
random family draws many small symmetric systems, so the lifted search can be compared with the
full one on shapes nobody thought of.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wspshare.models.protocol import Expectation, Property
from wspshare.properties.checker import Path

from tests.checker.checker_toys import Act, ToyModel

Perm = tuple[int, ...]
Locals = tuple[tuple[int, ...], int]  # (each process's local state, a shared value)


def sorting(values: tuple[int, ...]) -> Perm:
    """The renaming (``perm[new] = old``) that sorts ``values``."""
    return tuple(sorted(range(len(values)), key=values.__getitem__))


class SortedLifting:
    """Processes renamed by sorting their local states; an ``Act``'s ``who`` follows them."""

    def __init__(self, k: int) -> None:
        self.identity: Perm = tuple(range(k))

    def canonical_with(self, state: Locals) -> tuple[Locals, Perm]:
        perm = sorting(state[0])
        return (tuple(state[0][old] for old in perm), state[1]), perm

    def rename_action(self, action: Act, perm: Perm) -> Act:
        return Act(action.verb, perm.index(action.who))


# --- turn taking: a quotient cycle that takes one label, a real cycle that takes two ----------


@dataclass
class TurnTaking(ToyModel):
    """Two processes; ``step i`` passes the turn when ``i`` holds it and finishes otherwise.

    Passing the turn back and forth is weakly fair (each step is taken every other move) and
    never finishes.  In the quotient (turn 0 stands for both turns) that cycle is one self-loop
    labelled ``step 0``, with ``step 1`` enabled and never taken on it: read naively, no fair
    cycle, a wrong "holds"."""

    props: Sequence[Property[Locals]] = field(
        default_factory=lambda: [
            Property("finishes", "toy", Expectation.EVENTUALLY, lambda s: s[1] == 1)
        ]
    )

    def init_states(self) -> list[Locals]:
        return [((1, 0), 0)]  # local state 1: holds the turn

    def actions(self, state: Locals) -> list[Act]:
        return [] if state[1] else [Act("step", 0), Act("step", 1)]

    def next_state(self, state: Locals, action: Act) -> Locals:
        turns = state[0]
        if turns[action.who]:
            return (turns[::-1], 0)
        return (turns, 1)

    def representative(self, state: object) -> object:
        assert isinstance(state, tuple)
        return SortedLifting(2).canonical_with(state)[0]


# --- a random family ---------------------------------------------------------------------------


@dataclass
class RandomSymmetric(ToyModel):
    """``k`` processes with local states ``0..2`` and a shared value ``0..2``.  Each process's
    step, and whether it is enabled and fair, depends only on its own local state, the shared
    value and how many others share its local state, through tables drawn from ``seed``; so
    renaming processes is a symmetry.  The property asks for a class-invariant condition."""

    seed: int = 0
    k: int = 2
    table: dict[tuple[int, int, int], tuple[int, int] | None] = field(default_factory=dict)
    unfair: set[tuple[int, int]] = field(default_factory=set)
    goal: set[tuple[tuple[int, ...], int]] = field(default_factory=set)
    props: Sequence[Property[Locals]] = ()

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        for local in range(3):
            for shared in range(3):
                for same in range(self.k):
                    roll = rng.random()
                    self.table[local, shared, same] = (
                        None if roll < 0.25 else (rng.randrange(3), rng.randrange(3))
                    )
                if rng.random() < 0.2:
                    self.unfair.add((local, shared))
        classes = {(tuple(sorted(ls)), g) for ls in _tuples(self.k) for g in range(3)}
        self.goal = {c for c in sorted(classes) if rng.random() < 0.3}
        self.props = [Property("reaches", "toy", Expectation.EVENTUALLY, self.reached)]

    def reached(self, s: Locals) -> bool:
        return (tuple(sorted(s[0])), s[1]) in self.goal

    def init_states(self) -> list[Locals]:
        return [((0,) * self.k, 0)]

    def _move(self, s: Locals, who: int) -> tuple[int, int] | None:
        mine = s[0][who]
        return self.table[mine, s[1], s[0].count(mine) - 1]

    def actions(self, state: Locals) -> list[Act]:
        out = [Act("step", i) for i in range(self.k) if self._move(state, i) is not None]
        # a process whose step is unfair here may also be poked (unfair) without moving
        out += [Act("poke", i) for i in range(self.k) if (state[0][i], state[1]) in self.unfair]
        return out

    def next_state(self, state: Locals, action: Act) -> Locals:
        if action.verb == "poke":
            return state
        move = self._move(state, action.who)
        assert move is not None
        local, shared = move
        locals_ = list(state[0])
        locals_[action.who] = local
        return (tuple(locals_), shared)

    def is_fair(self, action: object) -> bool:
        return isinstance(action, Act) and action.verb == "step"

    def representative(self, state: object) -> object:
        assert isinstance(state, tuple)
        return SortedLifting(self.k).canonical_with(state)[0]


def _tuples(k: int) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [()]
    for _ in range(k):
        out = [(*t, v) for t in out for v in range(3)]
    return out


def fair_lasso_of(model: Any, path: Path[Any, Any], prop: str) -> None:
    """``path`` is a real behaviour of ``model`` on which ``prop`` never holds, and it is weakly
    fair: it stops where no fair action is enabled, or its loop takes every fair action enabled
    in all of the loop's states."""
    holds = next(p for p in model.properties() if p.name == prop).holds
    state = path.steps[0].state
    assert state in model.init_states()
    for step in path.steps[1:]:
        assert step.action in model.actions(state)
        state = model.next_state(state, step.action)
        assert state == step.state
    assert not any(holds(s) for s in path.states)
    fair = {a for a in model.actions(path.last) if model.is_fair(a)}
    if path.loop_index is None:
        assert not fair
        return
    assert path.last == path.steps[path.loop_index].state
    loop = path.steps[path.loop_index :]
    always = set.intersection(
        *({a for a in model.actions(s.state) if model.is_fair(a)} for s in loop)
    )
    assert always <= {s.action for s in loop[1:]}
