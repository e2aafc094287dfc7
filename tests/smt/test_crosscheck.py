"""The z3 twin takes the same step as the executable semantics, on random (world, op) pairs."""

from __future__ import annotations

import itertools

from wspshare.models.calls import WSPConnect, WSPDuplicateSocket, WSPSocket
from wspshare.models.kernel import Kernel
from wspshare.models.kernel_variants import CloseDropsTwiceKernel
from wspshare.models.semantics import Semantics
from wspshare.properties.smt.crosscheck import compare, random_pairs
from wspshare.properties.smt.mutations import CloseDropsTwice
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.twin import Twin
from wspshare.properties.stateful.driver import Driver
from wspshare.properties.stateful.ops import CallOp, DescPick, InfoPick, PidPick

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


def test_twin_checks_wspsockets_parameters_as_r12_says() -> None:
    """Every (family, type, protocol) of creation, wildcards included, and every (family, type)
    of a claimed info: the twin gives the Python code, or is disabled where Python makes a kind
    of socket the twin does not hold."""
    sem = Semantics(kernel=Kernel(max_handles=BOUNDS.handles))
    twin = Twin(BOUNDS)
    d = Driver.start(sem, (2, 2))
    w, r = sem.call(d.world, 0, 0, WSPSocket(1001))
    assert isinstance(r.value, int)
    w, _ = sem.call(w, 0, 0, WSPConnect(r.value))
    w, dup = sem.call(w, 0, 0, WSPDuplicateSocket(r.value, w.procs[1].pid))
    reserved = getattr(dup.value, "provider_reserved", 0)
    pick, pid = DescPick("raw", 0, 4), PidPick(0, 0)
    mismatches = []
    for kind in itertools.product((-1, 0, 2, 23, 6), (-1, 0, 1, 2, 3), (-1, 0, 6, 17, 99)):
        info = InfoPick("forged", 0, 1001, reserved, 2, 1)
        op = CallOp(0, 0, "WSPSocketKind", pick, info, pid, 1001, 0, 0, kind)
        mismatches.append(compare(twin, sem, w, op, []))
    for family, stype in itertools.product((-1, 0, 2, 23, 6), (-1, 0, 1, 2, 3)):
        info = InfoPick("forged", 0, 1001, reserved, family, stype)
        op = CallOp(1, 0, "claim", pick, info, pid, 1001, 0, 0)
        mismatches.append(compare(twin, sem, w, op, []))
    assert [m for m in mismatches if m is not None] == []
