"""``stop_at_first``: the search ends at its first failure (SPIN's default), and breadth-first it
still reports exactly the counterexamples an exhaustive search reports for what it decided."""

from __future__ import annotations

from wspshare.models.protocol import Expectation, Property
from wspshare.properties.checker import Verdict, check

from tests.checker.checker_toys import LostState, LostUpdate, OppositeLocks


def never_three(model: LostUpdate) -> LostUpdate:
    """The lost update toy with a second safety property that fails only deeper (counter 3)."""
    late = Property[LostState]("counter below 3", "toy", Expectation.ALWAYS, lambda s: s[2] < 3)
    return LostUpdate(model.n, [*model.props, late])


def test_bfs_stops_after_the_depth_of_the_first_violation_with_the_same_path() -> None:
    model = never_three(LostUpdate(3))
    full, first = check(model), check(model, stop_at_first=True)
    assert first.stopped and not first.complete and not full.stopped
    assert first.statistics.states < full.statistics.states
    assert first["no lost update"].verdict is Verdict.VIOLATED
    assert first["no lost update"].path == full["no lost update"].path
    # Deeper failures, witnesses and liveness are left undecided, never guessed.
    assert full["counter below 3"].verdict is Verdict.VIOLATED
    assert first["counter below 3"].verdict is Verdict.UNKNOWN
    assert first["finishes"].verdict is Verdict.UNKNOWN
    assert first["all done"].verdict is Verdict.UNKNOWN


def test_every_state_as_deep_as_the_first_violation_is_checked() -> None:
    model = LostUpdate(3)
    path = check(model)["no lost update"].path
    assert path is not None
    first = check(model, stop_at_first=True)
    assert first.statistics.max_depth == len(path) + 1  # one state deeper showed the level done


def test_a_deadlock_is_a_failure_to_stop_at() -> None:
    full, first = check(OppositeLocks()), check(OppositeLocks(), stop_at_first=True)
    assert first.stopped and first.deadlock_count >= 1
    assert first.deadlocks[0] == full.deadlocks[0]


def test_a_witness_is_no_failure_and_a_correct_model_is_searched_to_the_end() -> None:
    model = LostUpdate(2, [p for p in LostUpdate(2).props if p.name != "no lost update"])
    full, first = check(model), check(model, stop_at_first=True)
    assert not first.stopped and first.complete
    assert [r.verdict for r in first.properties] == [r.verdict for r in full.properties]
    assert first.statistics.states == full.statistics.states


def test_depth_first_stops_at_once_on_a_real_violation() -> None:
    first = check(LostUpdate(3), strategy="dfs", stop_at_first=True)
    found = first["no lost update"]
    assert first.stopped and found.verdict is Verdict.VIOLATED and found.path is not None
    assert found.path.last[2] != sum(pc == 2 for pc in found.path.last[0])
