"""EVENTUALLY under weak fairness: which lassos count as counterexamples."""

from __future__ import annotations

from wspshare.models.protocol import Expectation, Property
from wspshare.properties.checker import Path, Verdict, check

from tests.checker.checker_toys import Act, Blinker, CheckThenSet, CrashOnly, LostUpdate, Spinner


def test_a_fair_finish_cannot_be_postponed_forever_by_spinning() -> None:
    # finish is enabled in the spin loop's only state and never taken there: not weakly fair.
    assert check(Spinner(finish_fair=True))["done"].verdict is Verdict.HOLDS


def test_an_unfair_finish_may_be_postponed_forever_the_lasso_is_one_spin() -> None:
    result = check(Spinner(finish_fair=False))["done"]
    assert result.verdict is Verdict.VIOLATED
    assert result.path is not None
    assert result.path.loop_index == 0
    assert [s.label for s in result.path.steps] == ["init", "spin 0"]


def test_weak_fairness_does_not_force_an_action_that_is_only_intermittently_enabled() -> None:
    # finish is enabled at x=1 only; the toggle loop is weakly fair (strong fairness would not be).
    result = check(Blinker())["done"]
    assert result.verdict is Verdict.VIOLATED
    assert result.path is not None and result.path.loop_index == 0
    assert [s.label for s in result.path.steps[1:]] == ["toggle 0", "toggle 0"]
    assert result.path.last == result.path.steps[0].state


def test_a_behaviour_may_stop_where_only_unfair_actions_are_enabled() -> None:
    result = check(CrashOnly())["delivered"]
    assert result.verdict is Verdict.VIOLATED
    assert result.path is not None
    assert len(result.path) == 0 and result.path.loop_index is None


def test_weak_fairness_allows_starvation_by_a_competitor_that_keeps_reacquiring() -> None:
    # Atomic lock: process 1 acquires and leaves forever; acquire 0 is disabled while 1 holds.
    result = check(CheckThenSet(2, atomic=True))["0 enters"]
    assert result.verdict is Verdict.VIOLATED
    assert result.path is not None and result.path.loop_index == 0
    assert [s.label for s in result.path.steps[1:]] == ["acquire 1", "leave 1"]


def test_a_terminating_race_eventually_finishes() -> None:
    assert check(LostUpdate(3))["finishes"].verdict is Verdict.HOLDS


def test_eventually_is_unknown_when_the_graph_was_cut() -> None:
    assert check(LostUpdate(3), max_states=5)["finishes"].verdict is Verdict.UNKNOWN


def test_eventually_is_not_checked_under_symmetry_and_says_how_to_check_it() -> None:
    result = check(LostUpdate(2), symmetry=True)["finishes"]
    assert result.verdict is Verdict.UNKNOWN
    assert "symmetry=False" in result.note


def test_the_lasso_stays_where_the_property_is_false_from_the_start() -> None:
    # In the lock model process 0 can enter at once; the counterexample must not pass through it.
    result = check(CheckThenSet(2, atomic=True))["0 enters"]
    assert result.path is not None
    assert all(state[0][0] != 2 for state in result.path.states)


class Detour(Spinner):
    """A: ``stay`` (loop), ``go`` (to B), ``exit`` (to done); B: ``back`` (to A), and ``exit``
    too when ``exit_from_b``.  Looping on ``stay`` alone is unfair; touring A and B may be fair."""

    def __init__(self, exit_from_b: bool) -> None:
        super().__init__()
        self.exit_from_b = exit_from_b
        self.props = [Property("done", "toy", Expectation.EVENTUALLY, lambda s: s == "done")]

    def init_states(self) -> list[str]:  # type: ignore[override]
        return ["A"]

    def actions(self, s: str) -> list[Act]:  # type: ignore[override]
        if s == "A":
            return [Act("stay"), Act("go"), Act("exit")]
        if s == "B":
            return [Act("back"), Act("exit")] if self.exit_from_b else [Act("back")]
        return []

    def next_state(self, s: str, a: Act) -> str:  # type: ignore[override]
        return {"stay": "A", "go": "B", "back": "A", "exit": "done"}[a.verb]

    def is_fair(self, a: object) -> bool:
        return True


def _weakly_fair(model: Detour, path: Path[str, Act]) -> bool:
    """No action enabled in every state of the loop is missing from the loop's actions."""
    assert path.loop_index is not None
    loop = path.steps[path.loop_index :]
    always = set.intersection(*(set(model.actions(step.state)) for step in loop))
    return always <= {step.action for step in loop[1:]}


def test_the_reported_cycle_is_itself_weakly_fair_not_just_its_component() -> None:
    model = Detour(exit_from_b=False)
    result = check(model)["done"]
    assert result.verdict is Verdict.VIOLATED
    assert result.path is not None
    assert "B" in result.path.states  # the one-state stay loop would be unfair
    assert _weakly_fair(model, result.path)


def test_an_action_enabled_all_around_the_component_must_be_taken() -> None:
    assert check(Detour(exit_from_b=True))["done"].verdict is Verdict.HOLDS
