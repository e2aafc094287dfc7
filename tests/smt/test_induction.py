"""Inductive proofs at a small bound and at the default bound of ``wspshare prove`` (3 processes
x 2 threads, 8 handle values, 2 sockets, 2 share records per provider: about 40 s for all of it)."""

from __future__ import annotations

import pytest
import z3
from wspshare.properties.smt.induction import prove, split_by_slot
from wspshare.properties.smt.mutations import MUTATIONS
from wspshare.properties.smt.state import Bounds, flat, fresh
from wspshare.properties.smt.twin import Twin

# Minutes of solver or Hypothesis time: the slow tier, which .ci/run runs after the suite.
pytestmark = pytest.mark.slow

SMALL = Bounds(procs=2, threads=2, handles=2, sockets=2, shares=1)
DEFAULT = Bounds()

# The invariant each transition-changing seeded bug breaks first, and the action that breaks it.
EXPECTED_CTI = {
    "close-drops-twice": ("reference-count", "WSPCloseSocket"),
    "close-drops-none": ("reference-count", "WSPCloseSocket"),
    "close-at-one": ("open-iff-referenced", "WSPCloseSocket"),
    "no-rundown": ("descriptor-validity", "ExitProcess"),
    "rundown-skips-pending": ("descriptor-validity", "ExitProcess"),
    "accept-twice": ("S4-share-records", "claim"),  # a claimed record stays: single use is gone
    "no-pid-check": ("no-strangers", "claim"),
    "keeps-dead-shares": ("S4-share-records", "ExitProcess"),  # a record outlives its target
    "skip-modify-ifs-handle": ("provider-discipline", "WSPSocket"),
    "skip-create-socket-handle": ("provider-discipline", "claim"),
    "per-descriptor-options": ("common-state", "WSPSetSockOpt"),
    "per-descriptor-events": ("single-registration", "WSPEventSelect"),
    "ifs-duplicate-closes-source": ("provider-discipline", "WSPDuplicateSocket"),
}


@pytest.mark.parametrize("bounds", [SMALL, DEFAULT], ids=["small", "default"])
def test_every_invariant_is_inductive_for_the_correct_providers(bounds: Bounds) -> None:
    result = prove(Twin(bounds))
    assert result.initial_ok
    assert result.ctis == [] and result.unknown == []
    assert all(result.proved.values())


@pytest.mark.parametrize("action", sorted(Twin.targeting))
def test_the_split_by_target_is_the_unsplit_action_under_its_guard(action: str) -> None:
    """The prover's cases for a pid-taking action cover every state, and under its guard each
    case's outcome is exactly the action's (so proving the cases proves the action)."""
    twin = Twin(SMALL)
    s = fresh(SMALL, "pre")
    _, run = twin.actions[action]
    cases = split_by_slot(twin, s, action)
    for slot in {args["slot"].as_long() for _, args, _, _ in cases}:
        mine = [
            (args, out, guard) for _, args, out, guard in cases if args["slot"].as_long() == slot
        ]
        assert len(mine) == SMALL.procs + 1
        cover = z3.Solver()
        cover.add(z3.Not(z3.Or([guard for _, _, guard in mine])))
        assert cover.check() == z3.unsat
        for args, out, guard in mine:
            plain = run(s, args)
            same = [out.enabled == plain.enabled, out.error == plain.error]
            same += [out.value == plain.value]
            same += [a == b for a, b in zip(flat(out.post), flat(plain.post), strict=True)]
            differ = z3.Solver()
            differ.add(guard, z3.Not(z3.And(same)))
            assert differ.check() == z3.unsat


def test_every_transition_changing_bug_has_an_expected_cti() -> None:
    assert set(EXPECTED_CTI) == set(MUTATIONS)


@pytest.mark.parametrize("bounds", [SMALL, DEFAULT], ids=["small", "default"])
@pytest.mark.parametrize("variant", sorted(EXPECTED_CTI))
def test_seeded_bug_gives_a_counterexample_to_induction(variant: str, bounds: Bounds) -> None:
    formula, action = EXPECTED_CTI[variant]
    result = prove(MUTATIONS[variant](bounds), formulas=[formula], actions=[action])
    assert not result.proved[formula]
    cti = result.ctis[0]
    assert (cti.formula, cti.action) == (formula, action)
    # The pre-state satisfies the invariant, the post-state does not: two different states.
    assert cti.before != cti.after
