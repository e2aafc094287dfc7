"""Situations the handoff configurations never reach, pinned call by call: a process duplicating
to itself, two duplications for the same target, several descriptors of one socket in one
process, the pids the kernel hands out and what pins them, and the state of a fresh socket."""

from __future__ import annotations

import pytest
from wspshare.models.calls import WSPCloseSocket, WSPDuplicateSocket, WSPSend, WSPSocket
from wspshare.models.kernel import FIRST_PID, PID_STEP, Kernel, find_handle
from wspshare.models.semantics import Semantics
from wspshare.models.state import TCP_V4, HandleKind, ProtocolInfo, Sock, SocketStatus, World
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine

CATALOGS = (1001, 1002, 1003)


def made(m: Machine, catalog: int) -> tuple[World, int]:
    w, r = m.sem.call(m.world, m.source, 0, WSPSocket(catalog))
    assert isinstance(r.value, int)
    return w, r.value


def duplicate(m: Machine, w: World, s: int, slot: int) -> tuple[World, ProtocolInfo]:
    w, r = m.sem.call(w, m.source, 0, WSPDuplicateSocket(s, w.procs[slot].pid))
    assert isinstance(r.value, ProtocolInfo), r
    return w, r.value


def claim(m: Machine, w: World, slot: int, info: ProtocolInfo) -> tuple[World, int]:
    w, r = m.sem.call(w, slot, 0, WSPSocket(info=info))
    assert isinstance(r.value, int), r
    return w, r.value


@pytest.mark.parametrize("catalog", CATALOGS)
def test_two_duplications_for_one_target_give_two_descriptors_each_claimed_once(
    machine: Machine, catalog: int
) -> None:
    w, s = made(machine, catalog)
    w, first = duplicate(machine, w, s, machine.target)
    w, second = duplicate(machine, w, s, machine.target)
    assert first != second
    w, d1 = claim(machine, w, machine.target, first)
    if catalog == 1001:  # the claim turns only its own entry into a descriptor
        pending = find_handle(w.procs[machine.target], second.provider_reserved)
        assert pending is not None and pending.kind is HandleKind.PENDING
    w, d2 = claim(machine, w, machine.target, second)
    assert d1 != d2 and w.sockets[0].refs == 3
    for info in (first, second):
        _, r = machine.sem.call(w, machine.target, 0, WSPSocket(info=info))
        assert not r.ok  # R2
    # Several descriptors of one socket in one process: closing one leaves the other working.
    w, r = machine.sem.call(w, machine.target, 0, WSPCloseSocket(d1))
    assert r.ok and w.sockets[0].refs == 2
    w, r = machine.sem.call(w, machine.target, 0, WSPSend(d2))
    assert r.error.name in ("NO_ERROR", "WSAENOTCONN")
    assert world_violations(machine.sem, w) == []


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_process_may_duplicate_a_socket_to_itself_and_claim_a_second_descriptor(
    machine: Machine, catalog: int
) -> None:
    w, s = made(machine, catalog)
    w, info = duplicate(machine, w, s, machine.source)
    w, d = claim(machine, w, machine.source, info)
    assert d != s and w.sockets[0].refs == 2
    w, r = machine.sem.call(w, machine.source, 0, WSPCloseSocket(s))
    assert r.ok and w.sockets[0].status is not SocketStatus.CLOSED
    w, r = machine.sem.call(w, machine.source, 0, WSPCloseSocket(d))
    assert r.ok and w.sockets[0].status is SocketStatus.CLOSED and w.sockets[0].refs == 0
    assert world_violations(machine.sem, w) == []


def test_a_claim_changes_only_the_claimed_entry_of_the_table(machine: Machine) -> None:
    sem = machine.sem
    w, s = made(machine, 1001)
    w, r = sem.call(w, machine.target, 0, WSPSocket(1002))  # a non-IFS descriptor in the target
    other = r.value
    w, pin = sem.kernel.open_process(w, machine.target, w.procs[machine.source].pid)
    w, info = duplicate(machine, w, s, machine.target)
    before = {h.value: h for h in w.procs[machine.target].handles}
    w, d = claim(machine, w, machine.target, info)
    after = {h.value: h for h in w.procs[machine.target].handles}
    changed = {v for v in before if before[v] != after[v]}
    assert changed == {d} and after[d].kind is HandleKind.IFS
    assert after[other].kind is HandleKind.WPU and after[pin].kind is HandleKind.PROCESS


def test_fresh_pids_count_up_from_the_first_and_never_repeat() -> None:
    sem = Semantics()
    w = sem.initial_world()
    pids = []
    for _ in range(4):
        w, slot = sem.spawn(w, 1)
        pids.append(w.procs[slot].pid)
    assert pids == [FIRST_PID + PID_STEP * i for i in range(4)]
    w = sem.exit_process(w, 3)
    w, slot = sem.spawn(w, 1)
    assert w.procs[slot].pid not in pids  # a fresh pid, not the freed one


def test_an_exited_process_is_not_alive_and_holds_nothing(machine: Machine) -> None:
    w, _ = made(machine, 1001)
    w = machine.sem.exit_process(w, machine.source)
    proc = w.procs[machine.source]
    assert proc.alive is False and proc.handles == () and proc.issued == ()


def test_a_pid_is_reusable_only_once_no_live_process_has_it_and_no_handle_pins_it() -> None:
    k = Kernel()
    sem = Semantics(kernel=k)
    w = sem.initial_world()
    w, a = sem.spawn(w, 1)
    w, b = sem.spawn(w, 1)
    w, c = sem.spawn(w, 1)
    pid_b = w.procs[b].pid
    assert not k.pid_reusable(w, pid_b)  # b is alive
    w, pin = k.open_process(w, a, pid_b)
    assert isinstance(pin, int)
    handle = find_handle(w.procs[a], pin)
    assert handle is not None and (handle.obj, handle.catalog) == (b, 0)
    assert handle.kind is HandleKind.PROCESS
    # A process handle to another process, and a socket whose index is b's slot, pin nothing.
    w, _ = k.open_process(w, b, w.procs[c].pid)
    for _ in range(b + 1):
        w, r = sem.call(w, c, 0, WSPSocket(1001))
        assert r.ok
    w = sem.exit_process(w, b)
    assert not k.pid_reusable(w, pid_b)  # pinned by a's handle
    w = k.close_handle(w, a, pin)
    assert k.pid_reusable(w, pid_b)  # other live processes have other pids
    w, again = sem.spawn(w, 1, pid=pid_b)
    assert w.procs[again].pid == pid_b and k.live_slot(w, pid_b) == again
    assert not k.pid_reusable(w, pid_b)


def test_set_handle_information_changes_one_entry_and_says_whether_it_exists(
    machine: Machine,
) -> None:
    k = machine.sem.kernel
    w, s = made(machine, 1001)
    w, r = machine.sem.call(w, machine.source, 0, WSPSocket(1001))
    other = r.value
    w, found = k.set_inheritable(w, machine.source, s, True)
    assert found is True
    flags = {h.value: h.inheritable for h in w.procs[machine.source].handles}
    assert flags == {s: True, other: False}
    unchanged, found = k.set_inheritable(w, machine.source, 40, True)
    assert found is False and unchanged == w


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_new_socket_starts_created_with_nothing_sent_read_set_or_registered(
    machine: Machine, catalog: int
) -> None:
    w, _ = made(machine, catalog)
    assert w.sockets[0] == Sock(catalog, 1, SocketStatus.CREATED, (), (), 0, 0, (0, 0), TCP_V4)
