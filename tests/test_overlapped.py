"""Overlapped I/O, completion ports and network events on shared sockets (R14, R8)."""

from __future__ import annotations

import pytest
from wspshare.models.calls import (
    FD_ACCEPT,
    FD_READ,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPListen,
    WSPRecv,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.state import AF_INET, SOCK_DGRAM, ProtocolInfo, SocketStatus, World
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine

CATALOGS = (1001, 1002, 1003)
ABORTED = int(WSAError.WSA_OPERATION_ABORTED)
DONE = int(WSAError.NO_ERROR)


def ok(r: object) -> int:
    assert getattr(r, "ok", False), r
    value = getattr(r, "value", None)
    assert isinstance(value, int)
    return value


def shared(m: Machine, catalog: int, udp: bool = False) -> tuple[World, int, int]:
    """A bound socket (listening, or UDP) of the source, shared with the target."""
    sem, src, tgt = m.sem, m.source, m.target
    kind = (AF_INET, SOCK_DGRAM, 0) if udp else (-1, -1, -1)
    w, r = sem.call(m.world, src, 0, WSPSocket(catalog, None, *kind))
    s = ok(r)
    w, _ = sem.call(w, src, 0, WSPBind(s, 80))
    if not udp:
        w, _ = sem.call(w, src, 0, WSPListen(s, 2))
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
    assert isinstance(r.value, ProtocolInfo)
    w, r = sem.call(w, tgt, 0, WSPSocket(info=r.value))
    return w, s, ok(r)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_pending_accept_survives_the_close_of_the_descriptor_that_issued_it_and_is_aborted_by_the_last_close(  # noqa: E501
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s, d = shared(machine, catalog)
    w, r = sem.call(w, machine.target, 0, WSPAccept(d, overlapped=7))
    assert r.error is WSAError.WSA_IO_PENDING and w.sockets[0].pending
    w, _ = sem.call(w, machine.target, 0, WSPCloseSocket(d))
    assert w.sockets[0].pending and w.completions == ()  # the socket is still open (R7)
    w, _ = sem.call(w, machine.source, 0, WSPCloseSocket(s))
    assert w.sockets[0].status is SocketStatus.CLOSED and w.sockets[0].pending == ()
    assert w.completions == ((0, 0, 7, ABORTED),)
    assert world_violations(sem, w) == []


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_pending_accept_completes_into_the_issuing_process_when_a_client_connects(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, _, d = shared(machine, catalog)
    w, _ = sem.call(w, machine.target, 0, WSPAccept(d, overlapped=3))
    w, _ = sem.call(w, machine.target, 0, WSPCloseSocket(d))  # it survives this close
    w, queued = sem.client_connects(w, 80, 1)
    assert queued and w.completions == ((0, 0, 3, DONE),)
    conn = next(i for i, sock in enumerate(w.sockets) if sock.origin == 1)
    assert any(h.obj == conn for h in w.procs[machine.target].handles)
    assert w.sockets[0].queue == () and w.sockets[0].taken == (1,)
    assert world_violations(sem, w) == []


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_pending_recv_on_a_shared_datagram_socket_completes_with_the_next_datagram(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s, d = shared(machine, catalog, udp=True)
    w, r = sem.call(w, machine.target, 0, WSPRecv(d, overlapped=5))
    assert r.error is WSAError.WSA_IO_PENDING
    w, _ = sem.datagram_arrives(w, 80, 9)
    assert w.completions == ((0, 0, 5, DONE),) and w.sockets[0].taken == (9,)
    w, again = sem.call(w, machine.source, 0, WSPRecv(s))
    assert again.error is WSAError.WSAEWOULDBLOCK  # the datagram went to the pending read only


@pytest.mark.parametrize("catalog", CATALOGS)
def test_io_through_a_duplicate_completes_to_the_port_and_key_of_the_original(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s, d = shared(machine, catalog, udp=True)
    w, r = sem.associate(w, machine.source, s, port=77, key=0xAB)
    assert r.ok
    w, _ = sem.call(w, machine.target, 0, WSPRecv(d, overlapped=1))
    w, _ = sem.datagram_arrives(w, 80, 2)
    assert w.completions == ((77, 0xAB, 1, DONE),)
    # The association is the socket's: the duplicate cannot move it to another port.
    assert sem.associate(w, machine.target, d, port=78, key=1)[1].error is WSAError.WSAEINVAL
    assert sem.associate(w, machine.target, 40, port=78, key=1)[1].error is WSAError.WSAENOTSOCK


def test_the_exit_of_the_issuing_process_cancels_its_pending_io_only(machine: Machine) -> None:
    sem = machine.sem
    w, s, d = shared(machine, 1001, udp=True)
    w, _ = sem.call(w, machine.target, 0, WSPRecv(d, overlapped=1))
    w, _ = sem.call(w, machine.source, 0, WSPRecv(s, overlapped=2))
    w = sem.exit_process(w, machine.target)
    assert w.completions == ((0, 0, 1, ABORTED),)
    assert [p[1] for p in w.sockets[0].pending] == [2]  # the source's read still waits


def test_an_overlapped_call_that_can_complete_at_once_does_so(machine: Machine) -> None:
    sem = machine.sem
    w, s, _ = shared(machine, 1002)
    w, _ = sem.client_connects(w, 80, 1)
    w, r = sem.call(w, machine.source, 0, WSPAccept(s, overlapped=4))
    assert r.ok and w.sockets[0].pending == () and w.completions == ()


@pytest.mark.parametrize("catalog", CATALOGS)
def test_network_events_are_delivered_to_the_one_registration_r8_keeps(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s, d = shared(machine, catalog)
    w, _ = sem.call(w, machine.source, 0, WSPEventSelect(s, FD_ACCEPT))
    w, _ = sem.call(w, machine.target, 0, WSPEventSelect(d, FD_ACCEPT | FD_READ))
    assert w.sockets[0].signalled == 0  # the new registration has been sent nothing yet
    w, _ = sem.client_connects(w, 80, 1)
    target_pid = w.procs[machine.target].pid
    assert w.sockets[0].events == ((target_pid, d, FD_ACCEPT | FD_READ),)  # not the source's
    assert w.sockets[0].signalled == FD_ACCEPT
