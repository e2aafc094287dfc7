"""FD_CLOSE: the peer of a connected stream socket closes, and the one registration R8 keeps
hears of it (the WSAEventSelect page: FD_CLOSE is recorded when the close indication arrives
from the remote end; the local application's own close or shutdown records nothing)."""

from __future__ import annotations

import pytest
from wspshare.models.calls import (
    FD_CLOSE,
    FD_READ,
    SD_BOTH,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPRecv,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.state import AF_INET, SOCK_DGRAM, ProtocolInfo, World

from tests.conftest import Machine

CATALOGS = (1001, 1002, 1003)


def value(r: object) -> int:
    assert getattr(r, "ok", False), r
    v = getattr(r, "value", None)
    assert isinstance(v, int)
    return v


def connected_and_shared(m: Machine, catalog: int) -> tuple[World, int, int]:
    """A connected stream socket of the source, shared with the target (socket 0)."""
    sem = m.sem
    w, r = sem.call(m.world, m.source, 0, WSPSocket(catalog))
    s = value(r)
    w, _ = sem.call(w, m.source, 0, WSPConnect(s))
    w, r = sem.call(w, m.source, 0, WSPDuplicateSocket(s, w.procs[m.target].pid))
    assert isinstance(r.value, ProtocolInfo)
    w, r = sem.call(w, m.target, 0, WSPSocket(info=r.value))
    return w, s, value(r)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_fd_close_reaches_the_one_registration_r8_keeps_when_the_peer_closes(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s, d = connected_and_shared(machine, catalog)
    w, _ = sem.call(w, machine.source, 0, WSPEventSelect(s, FD_CLOSE))
    w, _ = sem.call(w, machine.target, 0, WSPEventSelect(d, FD_READ | FD_CLOSE))
    w, closed = sem.peer_closes(w, 0)
    assert closed
    target_pid = w.procs[machine.target].pid
    assert w.sockets[0].events == ((target_pid, d, FD_READ | FD_CLOSE),)  # not the source's
    assert w.sockets[0].signalled == FD_CLOSE


def test_fd_close_is_not_signalled_to_a_registration_that_did_not_ask_for_it(
    machine: Machine,
) -> None:
    sem = machine.sem
    w, _, d = connected_and_shared(machine, 1001)
    w, _ = sem.call(w, machine.target, 0, WSPEventSelect(d, FD_READ))
    w, closed = sem.peer_closes(w, 0)
    assert closed and w.sockets[0].signalled == 0


def test_fd_close_is_signalled_once_and_a_second_close_of_the_peer_is_no_event(
    machine: Machine,
) -> None:
    sem = machine.sem
    w, s, _ = connected_and_shared(machine, 1002)
    w, _ = sem.call(w, machine.source, 0, WSPEventSelect(s, FD_CLOSE))
    w, first = sem.peer_closes(w, 0)
    w2, again = sem.peer_closes(w, 0)
    assert first and not again and w2 == w


def test_the_local_shutdown_signals_no_fd_close(machine: Machine) -> None:
    sem = machine.sem
    w, s, _ = connected_and_shared(machine, 1003)
    w, _ = sem.call(w, machine.source, 0, WSPEventSelect(s, FD_CLOSE))
    w, r = sem.call(w, machine.source, 0, WSPShutdown(s, SD_BOTH))
    assert r.ok and w.sockets[0].signalled == 0


def test_a_receive_after_the_peer_closed_reads_the_data_then_end_of_stream(
    machine: Machine,
) -> None:
    sem = machine.sem
    w, _, d = connected_and_shared(machine, 1001)
    w, _ = sem.peer_closes(w, 0)
    w, first = sem.call(w, machine.target, 0, WSPRecv(d))
    w, second = sem.call(w, machine.target, 0, WSPRecv(d))
    assert value(first) == 1  # the greeting still waiting is read first
    assert second.ok and second.value == 0  # then end of stream, not WSAEWOULDBLOCK


def test_a_pending_receive_completes_when_the_peer_closes(machine: Machine) -> None:
    sem = machine.sem
    w, _, d = connected_and_shared(machine, 1002)
    w, _ = sem.call(w, machine.target, 0, WSPRecv(d))  # the greeting
    w, r = sem.call(w, machine.target, 0, WSPRecv(d, overlapped=5))
    assert r.error is WSAError.WSA_IO_PENDING
    w, _ = sem.peer_closes(w, 0)
    assert w.sockets[0].pending == ()
    assert w.completions == ((0, 0, 5, int(WSAError.NO_ERROR)),)


def test_only_a_connected_stream_socket_has_a_peer_that_can_close(machine: Machine) -> None:
    sem = machine.sem
    w, _ = sem.call(machine.world, machine.source, 0, WSPSocket(1001))
    w, r2 = sem.call(w, machine.source, 0, WSPSocket(1001, None, AF_INET, SOCK_DGRAM, 0))
    w, _ = sem.call(w, machine.source, 0, WSPConnect(value(r2)))  # a datagram's default peer
    for index in (0, 1, 2, -1):  # unconnected, datagram, no such socket
        w2, closed = sem.peer_closes(w, index)
        assert not closed and w2 == w, index
