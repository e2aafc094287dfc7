"""The z3 twin takes the same step as the executable semantics, on random (world, op) pairs."""

from __future__ import annotations

from wspshare.models.kernel import Kernel
from wspshare.models.kernel_variants import CloseDropsTwiceKernel
from wspshare.models.semantics import Semantics
from wspshare.properties.smt.crosscheck import compare, random_pairs
from wspshare.properties.smt.mutations import CloseDropsTwice
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.twin import Twin

BOUNDS = Bounds(procs=3, threads=2, handles=4, sockets=3, shares=2)
PAIRS = 160


def test_twin_and_semantics_agree_on_random_pairs() -> None:
    sem = Semantics(kernel=Kernel(max_handles=BOUNDS.handles))
    twin = Twin(BOUNDS)
    mismatches = [
        m
        for w, infos, op in random_pairs(sem, twin, PAIRS, seed=7)
        if (m := compare(twin, sem, w, op, infos)) is not None
    ]
    assert mismatches == []


def test_crosscheck_notices_a_twin_that_drops_twice() -> None:
    """The comparison can fail: the correct semantics against a twin whose close drops twice."""
    sem = Semantics(kernel=Kernel(max_handles=BOUNDS.handles))
    twin = CloseDropsTwice(BOUNDS)
    found = [
        m
        for w, infos, op in random_pairs(sem, twin, 60, seed=7)
        if (m := compare(twin, sem, w, op, infos)) is not None
    ]
    assert any("WSPCloseSocket" in m or "ExitProcess" in m for m in found)


def test_mutated_twin_agrees_with_its_python_variant() -> None:
    sem = Semantics(kernel=CloseDropsTwiceKernel(max_handles=BOUNDS.handles))
    twin = CloseDropsTwice(BOUNDS)
    mismatches = [
        m
        for w, infos, op in random_pairs(sem, twin, 40, seed=3)
        if (m := compare(twin, sem, w, op, infos)) is not None
    ]
    assert mismatches == []
