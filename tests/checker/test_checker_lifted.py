"""Liveness under symmetry (``lifted``): the same verdicts as the full search, and lassos that are
real behaviours of the full model, weakly fair and never reaching the goal."""

from __future__ import annotations

from functools import partial

import pytest
from wspshare.properties.checker import Verdict, check
from wspshare.properties.checker.split import parallel_check

from tests.checker.symmetric_toys import RandomSymmetric, SortedLifting, TurnTaking, fair_lasso_of


def test_a_quotient_self_loop_that_renames_the_processes_is_a_fair_real_cycle() -> None:
    model = TurnTaking()
    full = check(model)["finishes"]
    lifted = check(model, symmetry=True, lifting=SortedLifting(2))["finishes"]
    assert full.verdict is lifted.verdict is Verdict.VIOLATED
    assert lifted.path is not None
    assert [s.label for s in lifted.path.steps[1:]] == ["step 0", "step 1"]
    fair_lasso_of(model, lifted.path, "finishes")


def test_without_a_lifting_liveness_under_symmetry_is_not_checked() -> None:
    result = check(TurnTaking(), symmetry=True)["finishes"]
    assert result.verdict is Verdict.UNKNOWN and "not checked" in result.note


@pytest.mark.parametrize("k", [2, 3])
def test_random_symmetric_systems_get_the_full_searchs_verdict(k: int) -> None:
    seen = set()
    for seed in range(150):
        model = RandomSymmetric(seed, k)
        full = check(model)["reaches"]
        lifted_result = check(model, symmetry=True, lifting=SortedLifting(k))
        lifted = lifted_result["reaches"]
        assert lifted.verdict is full.verdict, seed
        seen.add((full.verdict, None if full.path is None else full.path.loop_index is None))
        if lifted.path is not None:
            fair_lasso_of(model, lifted.path, "reaches")
    # the family covers both verdicts and both kinds of counterexample
    assert {(Verdict.HOLDS, None), (Verdict.VIOLATED, True), (Verdict.VIOLATED, False)} <= seen


@pytest.mark.parametrize("workers", [1, 2])
def test_the_split_search_checks_liveness_under_symmetry_as_one_process_does(
    workers: int,
) -> None:
    models = [(TurnTaking(), 2)] + [(RandomSymmetric(seed, 3), 3) for seed in range(12)]
    for model, k in models:
        one = check(model, symmetry=True, lifting=SortedLifting(k))
        split = parallel_check(
            model, workers=workers, symmetry=True, lifting_of=partial(_lifting, k)
        )
        assert [(r.verdict, r.path) for r in split.properties] == [
            (r.verdict, r.path) for r in one.properties
        ]
        assert split.statistics.states == one.statistics.states


def _lifting(k: int, model: object) -> SortedLifting:
    return SortedLifting(k)
