"""ALWAYS and SOMETIMES properties, deadlocks, bounds and statistics, on hand-counted toys."""

from __future__ import annotations

from wspshare.properties.checker import Progress, Verdict, check

from tests.checker.checker_toys import CheckThenSet, LostUpdate, OppositeLocks


def test_bfs_counts_every_reachable_state_of_the_lost_update_race() -> None:
    # Hand count for two processes: one state each at (0,0) (1,0) (0,1) (2,0) (0,2) (1,1);
    # two at (2,1) and two at (1,2) (the second reader saw 0 or 1); three at (2,2).
    result = check(LostUpdate(2))
    assert result.complete
    assert result.statistics.states == 13
    assert result.statistics.transitions == 14
    assert result.statistics.max_depth == 4


def test_bfs_reports_the_shortest_lost_update_both_read_before_either_writes() -> None:
    result = check(LostUpdate(2))
    verdict = result["no lost update"]
    assert verdict.verdict is Verdict.VIOLATED
    assert verdict.path is not None
    assert [step.label for step in verdict.path.steps] == [
        "init",
        "read 0",
        "read 1",
        "write 0",
        "write 1",
    ]
    assert verdict.path.last == ((2, 2), (0, 0), 1)


def test_bfs_counterexample_is_shortest_even_with_a_third_process_to_interleave() -> None:
    result = check(LostUpdate(3))
    path = result["no lost update"].path
    assert path is not None and len(path) == 4


def test_dfs_explores_the_same_states_and_its_counterexample_is_a_real_violation() -> None:
    model = LostUpdate(3)
    bfs, dfs = check(model), check(model, strategy="dfs")
    assert dfs.statistics.states == bfs.statistics.states
    path = dfs["no lost update"].path
    assert path is not None and len(path) >= 4
    assert not model.props[0].holds(path.last)
    state = path.steps[0].state
    for step in path.steps[1:]:
        assert step.action in model.actions(state)
        state = model.next_state(state, step.action)
        assert state == step.state


def test_sometimes_reports_a_shortest_witness() -> None:
    result = check(LostUpdate(2))
    witness = result["all done"]
    assert witness.verdict is Verdict.WITNESS_FOUND
    assert witness.path is not None and len(witness.path) == 4


def test_sometimes_not_found_when_the_search_is_complete() -> None:
    model = CheckThenSet(2, atomic=True)
    model.props = [
        *model.props[:1],
        type(model.props[0])("both inside", "toy", model.props[0].expectation.SOMETIMES,
                             lambda s: s[0] == (2, 2)),
    ]  # fmt: skip
    result = check(model)
    assert result["both inside"].verdict is Verdict.NOT_FOUND
    assert result["mutual exclusion"].verdict is Verdict.HOLDS


def test_non_atomic_test_then_set_breaks_mutual_exclusion_in_four_steps() -> None:
    result = check(CheckThenSet(2))
    path = result["mutual exclusion"].path
    assert result["mutual exclusion"].verdict is Verdict.VIOLATED
    assert path is not None
    assert [s.label for s in path.steps[1:]] == ["check 0", "check 1", "set 0", "set 1"]


def test_atomic_test_and_set_keeps_mutual_exclusion_in_three_states() -> None:
    result = check(CheckThenSet(2, atomic=True))
    assert result["mutual exclusion"].verdict is Verdict.HOLDS
    assert (result.statistics.states, result.statistics.transitions) == (3, 4)


def test_opposite_lock_order_deadlocks_after_each_takes_its_first_lock() -> None:
    # 13 reachable (pc0, pc1) pairs of 16; the one deadlock is (1, 1); (3, 3) is final.
    result = check(OppositeLocks())
    assert (result.statistics.states, result.statistics.transitions) == (13, 14)
    assert result.deadlock_count == 1
    (deadlock,) = result.deadlocks
    assert deadlock.last == (1, 1) and len(deadlock) == 2
    assert not result.ok


def test_a_final_state_without_actions_is_no_deadlock() -> None:
    assert check(LostUpdate(2)).deadlock_count == 0


def test_max_states_cuts_the_search_and_leaves_undecided_verdicts_unknown() -> None:
    result = check(CheckThenSet(2, atomic=True), max_states=2)
    assert not result.complete
    assert result.statistics.states == 2
    assert result["mutual exclusion"].verdict is Verdict.UNKNOWN


def test_max_depth_cuts_the_search_before_the_race_is_visible() -> None:
    result = check(LostUpdate(2), max_depth=3)
    assert not result.complete
    assert result["no lost update"].verdict is Verdict.UNKNOWN
    assert result.statistics.max_depth == 3


def test_a_violation_found_within_bounds_is_still_reported() -> None:
    result = check(LostUpdate(3), max_depth=4)
    assert result["no lost update"].verdict is Verdict.VIOLATED


def test_stop_early_ends_once_every_safety_property_has_its_discovery() -> None:
    model = LostUpdate(3)
    model.props = model.props[:2]  # no EVENTUALLY property
    full, early = check(model), check(model, stop_early=True)
    assert not early.complete
    assert early.statistics.states < full.statistics.states
    assert early["no lost update"].verdict is Verdict.VIOLATED
    assert early["all done"].verdict is Verdict.WITNESS_FOUND


def test_progress_is_reported_through_the_callback() -> None:
    seen: list[Progress] = []
    check(LostUpdate(2), progress=seen.append)
    assert seen and seen[-1].states == 13 and seen[-1].transitions == 14


def test_statistics_estimate_a_small_store_per_state() -> None:
    stats = check(LostUpdate(4)).statistics
    assert 14 <= stats.bytes_per_state <= 100  # 14 bytes of columns, then the table
    assert stats.states_per_second > 0


def test_an_unknown_strategy_is_refused_with_the_choices() -> None:
    import pytest

    with pytest.raises(ValueError, match="'bfs', 'dfs' or 'random'"):
        check(LostUpdate(2), strategy="bsf")  # type: ignore[arg-type]
