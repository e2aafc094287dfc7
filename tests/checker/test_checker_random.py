"""Seeded random walks: reproducible bug finding that proves nothing."""

from __future__ import annotations

from wspshare.properties.checker import Verdict, check

from tests.checker.checker_toys import CrashOnly, LostUpdate, OppositeLocks


def test_random_walks_are_reproducible_from_the_seed() -> None:
    a = check(LostUpdate(3), strategy="random", walks=30, seed=7)
    b = check(LostUpdate(3), strategy="random", walks=30, seed=7)
    assert a.summary()["properties"] == b.summary()["properties"]
    assert a["no lost update"].path == b["no lost update"].path
    assert a.statistics.states == b.statistics.states


def test_random_walks_find_the_lost_update_and_keep_the_shortest() -> None:
    result = check(LostUpdate(2), strategy="random", walks=200, seed=1)
    found = result["no lost update"]
    assert found.verdict is Verdict.VIOLATED
    assert found.path is not None and len(found.path) == 4  # every complete run has 4 steps


def test_random_walks_never_claim_a_property_holds() -> None:
    result = check(LostUpdate(2), strategy="random", walks=200, seed=1)
    assert result["finishes"].verdict is Verdict.UNKNOWN
    assert not result.complete


def test_random_walks_report_each_deadlocked_state_once() -> None:
    result = check(OppositeLocks(), strategy="random", walks=200, seed=3)
    assert result.deadlock_count == 1
    assert result.deadlocks[0].last == (1, 1)


def test_random_walks_respect_the_depth_bound() -> None:
    result = check(LostUpdate(3), strategy="random", walks=20, max_depth=2, seed=0)
    assert result.statistics.max_depth == 2
    assert result["no lost update"].verdict is Verdict.UNKNOWN


def test_random_walks_see_a_behaviour_stop_where_only_faults_are_enabled() -> None:
    result = check(CrashOnly(), strategy="random", walks=1)
    assert result["delivered"].verdict is Verdict.VIOLATED
