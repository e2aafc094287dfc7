"""Error paths: what a failed call leaves behind.

A call that fails changes nothing, for every call and every failure, with two documented
exceptions: an injected shortage (M5) is used up by the call it fails, and an overlapped receive
or accept that cannot complete at once stays pending (WSA_IO_PENDING, R14) - neither of which is
a failure of the call's own making.  A non-IFS claim of a socket that closed before it was
claimed also drops the useless record (its reference was released with the socket).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from wspshare.models.calls import (
    Call,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPListen,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.kernel import Kernel
from wspshare.models.semantics import Semantics, allocates
from wspshare.models.state import HandleKind, ProtocolInfo, Result, World
from wspshare.properties.invariants import world_violations
from wspshare.properties.stateful.driver import Driver
from wspshare.properties.stateful.ops import CallOp, Op, ops

from tests.conftest import Machine

CATALOGS = (1001, 1002, 1003)
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # a failure is reported as found, unshrunk
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def expected_after_failure(before: World, slot: int, call: Call, result: Result) -> World:
    """The world a failed call may leave: the one it was given, less a used-up shortage."""
    procs = before.procs
    armed = 0 <= slot < len(procs) and procs[slot].fail_next is not WSAError.NO_ERROR
    if armed and procs[slot].alive and allocates(call) and result.error is procs[slot].fail_next:
        proc = procs[slot]
        return before._replace(
            procs=(
                *procs[:slot],
                proc._replace(fail_next=WSAError.NO_ERROR),
                *procs[slot + 1 :],
            )
        )
    return before


def claims_a_closed_share(sem: Semantics, before: World, call: Call, result: Result) -> bool:
    if not (isinstance(call, WSPSocket) and call.info is not None):
        return False
    return result.error is WSAError.WSAEINVAL and call.info.catalog_entry_id in (1002, 1003)


@SETTINGS
@given(st.lists(ops, min_size=60, max_size=60))
def test_every_failing_call_leaves_the_world_as_it_was(history: list[Op]) -> None:
    sem = Semantics()
    driver = Driver.start(sem)
    failures = 0
    for op in history:
        if not isinstance(op, CallOp):
            driver.apply(op)
            continue
        call = driver.build(op)
        before = driver.world
        after, result = sem.call(before, op.slot, op.thread, call)
        driver.world = after
        if result.ok or result.error is WSAError.WSA_IO_PENDING:
            continue
        failures += 1
        expected = expected_after_failure(before, op.slot, call, result)
        if after != expected and claims_a_closed_share(sem, before, call, result):
            # Only the record goes; the handle tables and the sockets are untouched.
            assert after.procs == expected.procs and after.sockets == expected.sockets, call
            continue
        if after != expected:
            pairs = zip(World._fields, after, expected, strict=True)
            diff = [name for name, x, y in pairs if x != y]
            raise AssertionError(f"{call} failed with {result.error} and changed {diff}")


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_full_handle_table_fails_socket_with_wsaemfile_and_leaves_no_socket(
    machine: Machine, catalog: int
) -> None:
    sem, w = machine.sem, machine.world
    for _ in range(sem.kernel.max_handles):
        w, r = sem.call(w, machine.source, 0, WSPSocket(catalog))
        assert r.ok
    sockets = len(w.sockets)
    after, r = sem.call(w, machine.source, 0, WSPSocket(catalog))
    assert r.error is WSAError.WSAEMFILE
    assert after == w and len(after.sockets) == sockets  # no socket without a reference
    assert world_violations(sem, after) == []


def fill(sem: Semantics, w: World, slot: int, room: int) -> World:
    """Fill ``slot``'s handle table with IFS sockets until ``room`` entries are left."""
    while len(w.procs[slot].handles) < sem.kernel.max_handles - room:
        w, r = sem.call(w, slot, 0, WSPSocket(1001))
        assert r.ok
    return w


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_claim_into_a_full_table_fails_and_the_info_stays_claimable(
    machine: Machine, catalog: int
) -> None:
    """The claim of a duplicate fails for want of a handle value; the target closes something
    and claims again: the share (or the pending handle) must still be there."""
    sem, src, tgt = machine.sem, machine.source, machine.target
    w, r = sem.call(machine.world, src, 0, WSPSocket(catalog))
    s = r.value
    assert isinstance(s, int)
    w = fill(sem, w, tgt, 1)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
    info = r.value
    assert isinstance(info, ProtocolInfo)
    if catalog == 1001:  # the IFS duplicate took the last entry at once (M3)
        assert len(w.procs[tgt].handles) == sem.kernel.max_handles
        claimed, r = sem.call(w, tgt, 0, WSPSocket(info=info))
        assert r.ok and world_violations(sem, claimed) == []
        return
    w = fill(sem, w, tgt, 0)
    after, r = sem.call(w, tgt, 0, WSPSocket(info=info))
    assert r.error is WSAError.WSAEMFILE and after == w
    victim = w.procs[tgt].handles[-1].value
    w, r = sem.call(w, tgt, 0, WSPCloseSocket(victim))
    assert r.ok
    w, r = sem.call(w, tgt, 0, WSPSocket(info=info))
    assert r.ok and world_violations(sem, w) == []
    assert w.sockets[0].refs == 2


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_duplication_into_a_full_table_fails_and_holds_nothing(
    machine: Machine, catalog: int
) -> None:
    sem, src, tgt = machine.sem, machine.source, machine.target
    w, r = sem.call(machine.world, src, 0, WSPSocket(catalog))
    s = r.value
    assert isinstance(s, int)
    w = fill(sem, w, tgt, 0)
    after, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
    if catalog == 1001:  # DuplicateHandle needs an entry in the target's table now
        assert r.error is WSAError.WSAEMFILE and after == w
    else:  # a non-IFS share needs none until its claim
        assert r.ok and world_violations(sem, after) == []


def test_an_accept_into_a_full_table_fails_and_keeps_the_connection_queued(
    machine: Machine,
) -> None:
    sem, src = machine.sem, machine.source
    w, r = sem.call(machine.world, src, 0, WSPSocket(1001))
    s = r.value
    assert isinstance(s, int)
    w, _ = sem.call(w, src, 0, WSPBind(s, 80))
    w, _ = sem.call(w, src, 0, WSPListen(s, 2))
    w, queued = sem.client_connects(w, 80, 7)
    assert queued
    w = fill(sem, w, src, 0)
    after, r = sem.call(w, src, 0, WSPAccept(s))
    assert not r.ok and after == w
    assert after.sockets[0].queue == (7,)


@pytest.mark.parametrize("catalog", CATALOGS)
@pytest.mark.parametrize("error", [WSAError.WSAENOBUFS, WSAError.WSAEMFILE])
def test_an_injected_shortage_fails_exactly_the_next_allocating_call(
    machine: Machine, catalog: int, error: WSAError
) -> None:
    sem, src = machine.sem, machine.source
    w, r = sem.call(machine.world, src, 0, WSPSocket(catalog))
    s = r.value
    assert isinstance(s, int)
    starved = sem.inject_failure(w, src, error)
    # A call that allocates nothing passes the shortage by and leaves it armed.
    passed, r = sem.call(starved, src, 0, WSPConnect(s))
    assert r.ok and passed.procs[src].fail_next is error
    failed, r = sem.call(passed, src, 0, WSPSocket(catalog))
    assert r.error is error
    assert failed.sockets == passed.sockets
    assert failed.procs[src].handles == passed.procs[src].handles
    assert failed.procs[src].fail_next is WSAError.NO_ERROR
    _, r = sem.call(failed, src, 0, WSPSocket(catalog))
    assert r.ok  # used up by the one call it failed


def test_kernel_operations_that_fail_return_the_world_they_were_given() -> None:
    sem = Semantics(kernel=Kernel(max_handles=2))
    w = sem.initial_world()
    w, a = sem.spawn(w, 1)
    w, b = sem.spawn(w, 1)
    k = sem.kernel
    w, sock = k.new_socket(w, 1001)
    for _ in range(2):
        w, value = k.add_handle(w, a, sock, 1001, HandleKind.IFS)
        assert isinstance(value, int)
    assert k.add_handle(w, a, sock, 1001, HandleKind.IFS) == (w, WSAError.WSAEMFILE)
    assert k.duplicate_handle(w, a, 40, b, HandleKind.PENDING) == (w, WSAError.WSAEINVAL)
    assert k.open_process(w, a, 12345) == (w, WSAError.WSAEINVAL)
    assert k.set_inheritable(w, a, 40, True) == (w, False)
    assert k.close_handle(w, b, 4) == w
    dead = k.exit_process(w, b)
    assert k.duplicate_handle(dead, a, 4, b, HandleKind.PENDING) == (dead, WSAError.WSAEINVAL)
    assert k.open_process(w, a, w.procs[b].pid)[1] is WSAError.WSAEMFILE
