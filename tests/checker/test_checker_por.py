"""The checker's side of partial-order reduction (``properties.checker.por``): a model's
persistent set is expanded alone, the cycle proviso stops it from putting an action off for
ever, and ``por=False`` expands everything."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from wspshare.models.protocol import Expectation, Property
from wspshare.properties.checker import check

from .checker_toys import Act, ToyModel

State = tuple[int, int]  # (p's counter, q's counter)


class Independent(ToyModel):
    """Two processes each counting to ``n`` on their own; the bad state is both at ``n``.  Every
    step of p is independent of every step of q, so p's steps alone are a persistent set."""

    def __init__(self, n: int = 4, reduce: bool = True) -> None:
        self.n = n
        self.reduce = reduce
        self.props = [
            Property("not both done", "toy", Expectation.ALWAYS, lambda s: s != (self.n, self.n))
        ]

    def init_states(self) -> Sequence[State]:
        return ((0, 0),)

    def actions(self, s: State) -> list[Act]:
        return [Act("step", who) for who in (0, 1) if s[who] < self.n]

    def next_state(self, s: State, a: Act) -> State:
        return (s[0] + 1, s[1]) if a.who == 0 else (s[0], s[1] + 1)

    def persistent(
        self, s: State, actions: Sequence[Act], successors: Sequence[State]
    ) -> list[int] | None:
        if not self.reduce:
            return None
        # Invisible unless it completes the bad state: the property reads both counters.
        mine = [i for i, a in enumerate(actions) if a.who == 0 and successors[i][0] < self.n]
        return mine or None


class Toggle(ToyModel):
    """p toggles a bit for ever (a local, invisible step); q may once set a flag that violates
    the property.  Taking p's toggle alone in every state would close a cycle and never take
    q's step: the proviso must expand fully where the toggle leads back."""

    def __init__(self) -> None:
        self.props = [Property("q never moves", "toy", Expectation.ALWAYS, lambda s: s[1] == 0)]

    def init_states(self) -> Sequence[State]:
        return ((0, 0),)

    def actions(self, s: State) -> list[Act]:
        return [Act("toggle", 0)] + ([Act("set", 1)] if s[1] == 0 else [])

    def next_state(self, s: State, a: Act) -> State:
        return (1 - s[0], s[1]) if a.who == 0 else (s[0], 1)

    def persistent(
        self, s: State, actions: Sequence[Act], successors: Sequence[State]
    ) -> list[int] | None:
        return [0]


def test_a_persistent_set_prunes_interleavings_and_keeps_the_violation() -> None:
    reduced, full = check(Independent()), check(Independent(), por=False)
    assert full.statistics.states == 25  # every (i, j) with i, j <= 4
    assert reduced.statistics.states < full.statistics.states
    assert reduced.statistics.reduced > 0 and reduced.statistics.por
    assert reduced["not both done"].failed and full["not both done"].failed
    path = reduced["not both done"].path
    assert path is not None and path.last == (4, 4)


def test_without_a_persistent_set_nothing_changes() -> None:
    a, b = check(Independent(reduce=False)), check(Independent(), por=False)
    assert (a.statistics.states, a.statistics.transitions) == (
        b.statistics.states,
        b.statistics.transitions,
    )
    assert a.statistics.reduced == 0


@pytest.mark.parametrize("strategy", ["bfs", "dfs"])
def test_the_cycle_proviso_keeps_an_action_from_being_put_off_for_ever(strategy: str) -> None:
    result = check(Toggle(), strategy=strategy)  # type: ignore[arg-type]
    assert result["q never moves"].failed


def test_por_false_is_the_full_search() -> None:
    result = check(Toggle(), por=False)
    assert not result.statistics.por and result.statistics.reduced == 0
    assert result.statistics.states == 4
