"""Liveness under symmetry (``lifted``): the same verdicts as the full search, and lassos that are
real behaviours of the full model, weakly fair and never reaching the goal."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from wspshare.properties.checker import Verdict, check
from wspshare.properties.checker.checkpoint import Checkpoint, load
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


def test_a_saved_split_search_under_symmetry_resumes_to_the_same_lasso(tmp_path: Path) -> None:
    # The permutations are part of what a share saves: a search cut at a level and resumed
    # (with another number of workers) finds the lasso the uninterrupted one finds.
    model = next(
        m
        for m in (RandomSymmetric(seed, 3) for seed in range(100))
        if (found := check(m, symmetry=True, lifting=SortedLifting(3))["reaches"].path) is not None
        and found.loop_index is not None
        and check(m).statistics.max_depth >= 4
    )
    lifting_of = partial(_lifting, 3)
    straight = check(model, symmetry=True, lifting=SortedLifting(3))
    meta = {"what": "test"}
    cut = parallel_check(
        model, workers=2, symmetry=True, lifting_of=lifting_of, max_depth=2,
        checkpoint=Checkpoint(tmp_path, 0.0, meta),
    )  # fmt: skip
    assert not cut.complete
    resumed = parallel_check(
        model, workers=1, symmetry=True, lifting_of=lifting_of, resume=load(tmp_path, meta)
    )
    assert [(r.verdict, r.path) for r in resumed.properties] == [
        (r.verdict, r.path) for r in straight.properties
    ]
    assert resumed["reaches"].verdict is Verdict.VIOLATED
