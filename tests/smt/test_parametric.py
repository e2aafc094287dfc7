"""The parameterised proof of the reference count (``properties.smt.parametric``): the correct
twin is proved for a world of any size; the two close-drops bugs are refuted by concrete worlds;
the counting lemmas the proof rests on are proved at small explicit sizes and, in generic form,
for every length; wrong lemmas are refuted (so those checks can fail); and a bug that overrides
a twin helper breaks the link between the proof's operations and the twin (about 10 s)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import z3
from wspshare.properties.smt.mutations import MUTATIONS
from wspshare.properties.smt.parametric import (
    COUNTEREXAMPLE,
    DIFFERS,
    FORMULAS,
    IND_I,
    IND_I0,
    IND_N,
    LEMMAS,
    LINK_BOUNDS,
    MATCHES,
    OPERATIONS,
    PROVED,
    SEARCH,
    SEQ,
    STATIC_NEEDS,
    SUMS,
    UNKNOWN,
    Counts,
    Exists,
    ParametricResult,
    Purge,
    SumFact,
    Universe,
    Verdict,
    World,
    by_induction,
    check_lemma,
    check_lemmas,
    check_link,
    fresh_counts,
    fresh_world,
    initial_holds,
    lemma_clear_row,
    lemma_purge,
    lemma_store_cell,
    prove_parametric,
    prove_sum_facts,
    search_counterexample,
    static_lemmas,
    sum_succ,
    sum_zero,
)
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.twin import Twin

BOUNDS = Bounds()  # the twin's own bounds play no part in the unbounded proof
CLOSE_BUGS = {"close-drops-twice": 2, "close-drops-none": 0}


@pytest.fixture(scope="module")
def correct() -> ParametricResult:
    return prove_parametric(Twin(BOUNDS))


def test_correct_twin_preserves_the_count_for_any_size(correct: ParametricResult) -> None:
    assert correct.holds and correct.proved and correct.initial_ok
    pairs = {(v.operation, v.formula) for v in correct.verdicts}
    assert pairs == {(op, f) for op in OPERATIONS for f in FORMULAS}
    assert all(v.status == PROVED for v in correct.verdicts)
    assert correct.counterexamples() == []


def test_every_operation_fires_somewhere_and_matches_the_twin(correct: ParametricResult) -> None:
    assert correct.enabled == dict.fromkeys(OPERATIONS, True)
    assert correct.link == dict.fromkeys(OPERATIONS, MATCHES)


def test_the_counting_facts_of_the_proof_are_all_proved(correct: ParametricResult) -> None:
    assert correct.lemmas and all(s == PROVED for s in correct.lemmas.values())
    used = {name for names in STATIC_NEEDS.values() for name in names}
    assert set(LEMMAS) | used <= set(correct.lemmas)
    assert len(correct.lines()) == len(OPERATIONS) + 2


def test_initial_world_satisfies_the_invariant() -> None:
    assert initial_holds()


@pytest.mark.parametrize("variant", sorted(CLOSE_BUGS))
def test_close_drops_bug_is_refuted_on_close_by_a_concrete_world(variant: str) -> None:
    drops = CLOSE_BUGS[variant]
    result = prove_parametric(MUTATIONS[variant](BOUNDS), link_bounds=None, lemma_universe=None)
    assert not result.proved and not result.holds
    # close_drops() also sets what rundown drops per socket handle; nothing else reads it.
    broken = {"close_handle", "rundown"}
    assert {op for op in OPERATIONS if result.status(op) == COUNTEREXAMPLE} == broken
    assert all(result.status(op) == PROVED for op in set(OPERATIONS) - broken)
    [cex] = [v for v in result.counterexamples() if v.operation == "close_handle"]
    x = cex.values
    assert cex.formula == "reference-count" and x["drops"] == drops
    assert x["probe_k"] == x["k"]  # the count goes wrong at the closed handle's socket
    assert x["refs_before"] == x["handles_before"] + x["shares_before"]
    assert x["handles_after"] == x["handles_before"] - 1
    assert x["refs_after"] == x["refs_before"] - drops
    assert x["refs_after"] != x["handles_after"] + x["shares_after"]


def test_the_counterexample_search_finds_nothing_for_the_correct_close() -> None:
    status, values = search_counterexample(Twin(BOUNDS), "close_handle", "reference-count", SEARCH)
    assert (status, values) == (PROVED, {})


@pytest.mark.parametrize(
    ("variant", "differs"),
    [
        ("no-rundown", {"rundown"}),
        ("rundown-skips-pending", {"rundown"}),
        ("accept-twice", {"claim(1002)", "consume(1002)"}),
        ("keeps-dead-shares", {"on_process_exit(1002)"}),
        ("ifs-duplicate-closes-source", {"duplicate(IFS)"}),
        ("close-drops-twice", set()),  # flows in through close_drops(): the link holds
    ],
)
def test_a_bug_that_overrides_a_twin_helper_breaks_the_link(
    variant: str, differs: set[str]
) -> None:
    link = check_link(MUTATIONS[variant](BOUNDS), LINK_BOUNDS)
    assert {op for op, s in link.items() if s != MATCHES} == differs
    assert all(link[op] == DIFFERS for op in differs)


@pytest.mark.parametrize(
    "universe",
    [Universe(1, 1, 1), Universe(2, 2, 2), Universe(3, 3, 3), Universe(1, 3, 2), Universe(3, 1, 1)],
    ids=str,
)
def test_counting_lemmas_hold_at_small_explicit_sizes(universe: Universe) -> None:
    got = check_lemmas(universe)
    names = static_lemmas(fresh_world("t"), fresh_counts("t"), Exists(), *z3.Ints("p k"))
    assert set(got) == {*LEMMAS, "empty", *names}
    assert all(s == PROVED for s in got.values()), got


def _forgets_to_subtract(w: World, g: Counts, ch: Any) -> tuple[World, Counts]:
    """Clearing a row leaves the total as it was."""
    post, counts = lemma_clear_row(w, g, ch)
    return post, replace(counts, total=g.total)


def _wrong_sign(w: World, g: Counts, ch: Any) -> tuple[World, Counts]:
    """A stored cell moves the total the wrong way."""
    post, counts = lemma_store_cell(w, g, ch)
    return post, replace(counts, total=lambda k: 2 * g.total(k) - counts.total(k))


def _purge_keeps_pid_count(w: World, g: Counts, ch: Purge) -> tuple[World, Counts]:
    """After a purge, the purged pid still counts its records."""
    post, counts = lemma_purge(w, g, ch)
    return post, replace(counts, shared_of=g.shared_of)


@pytest.mark.parametrize(
    ("lemma", "kind"),
    [
        (_forgets_to_subtract, "clear-row"),
        (_wrong_sign, "store-cell"),
        (_purge_keeps_pid_count, "purge"),
    ],
    ids=["row-clear-forgets-to-subtract", "store-cell-wrong-sign", "purge-keeps-pid-count"],
)
def test_a_wrong_lemma_is_refuted_at_small_size(lemma: Any, kind: str) -> None:
    assert check_lemma(lemma, kind, Universe(2, 2, 2)) == COUNTEREXAMPLE


def test_generic_sum_facts_are_proved_for_every_length() -> None:
    assert prove_sum_facts() == dict.fromkeys(
        ("point-change", "all-zero", "linearity", "witness", "padding"), PROVED
    )


def test_a_false_sum_fact_is_refuted_by_the_induction() -> None:
    (a, b, _), (sa, sb, _) = SEQ, SUMS
    i, i0 = IND_I, IND_I0
    # A point change counted even when it lies past the end: false at length 0 (the base).
    uncounted = SumFact(
        z3.Implies(i != i0, b[i] == a[i]),
        lambda x: sb(x) == sa(x) + b[i0] - a[i0],
        sum_zero(),
        sum_succ(IND_N),
    )
    # "A sum is never negative", with nothing said of the terms: true at 0, the step fails.
    nonnegative = SumFact(z3.BoolVal(True), lambda x: sa(x) >= 0, sum_zero(), sum_succ(IND_N))
    assert by_induction(uncounted) == COUNTEREXAMPLE
    assert by_induction(nonnegative) == COUNTEREXAMPLE


def test_unknown_is_not_a_proof() -> None:
    result = ParametricResult("t", initial_ok=True, verdicts=[Verdict("op", "f", UNKNOWN, 0.0)])
    assert result.status("op") == UNKNOWN
    assert not result.proved and not result.holds
    with pytest.raises(KeyError):
        result.status("other")
