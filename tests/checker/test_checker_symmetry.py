"""Symmetry reduction: same verdicts, fewer states, and paths that are still real behaviours."""

from __future__ import annotations

import math

from wspshare.properties.checker import Verdict, check

from tests.checker.checker_toys import Interchangeable


def test_k_interchangeable_components_reduce_to_multisets() -> None:
    # 3**k sequences of pcs in {0, 1, 2}; C(k+2, 2) multisets.  An orbit has at most k! members,
    # so a reduced count can never be below full / k!; here it is 15 against 81 / 24.
    k = 4
    full = check(Interchangeable(k))
    reduced = check(Interchangeable(k), symmetry=True)
    assert full.statistics.states == 3**k == 81
    assert reduced.statistics.states == math.comb(k + 2, 2) == 15
    assert full.statistics.states / math.factorial(k) <= reduced.statistics.states


def test_symmetry_keeps_every_verdict_and_the_shortest_lengths() -> None:
    full = check(Interchangeable(4))
    reduced = check(Interchangeable(4), symmetry=True)
    for name in ("not all done", "one done"):
        assert full[name].verdict is reduced[name].verdict
        a, b = full[name].path, reduced[name].path
        assert a is not None and b is not None and len(a) == len(b)
    assert reduced["not all done"].verdict is Verdict.VIOLATED
    assert reduced["one done"].path is not None and len(reduced["one done"].path) == 2


def test_a_path_found_under_symmetry_is_a_real_behaviour_of_the_model() -> None:
    model = Interchangeable(4)
    path = check(model, symmetry=True)["not all done"].path
    assert path is not None and len(path) == 8
    state = path.steps[0].state
    for step in path.steps[1:]:
        assert step.action in model.actions(state)
        state = model.next_state(state, step.action)
        assert step.state == state
    assert state == (2, 2, 2, 2)
