"""Edges of the API layer (R13), of overlapped I/O and completion ports (R14) and of the endpoint
calls, where the tests of the common path leave a boundary or an order unpinned."""

from __future__ import annotations

import pytest
from wspshare.models.api import Ws2
from wspshare.models.calls import (
    EPHEMERAL_PORT,
    FD_ACCEPT,
    FD_READ,
    MAX_PORT,
    SD_RECEIVE,
    SD_SEND,
    WSPAccept,
    WSPBind,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPListen,
    WSPRecv,
    WSPRecvFrom,
    WSPSend,
    WSPSendTo,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.semantics import Semantics
from wspshare.models.state import (
    AF_INET,
    AF_INET6,
    SOCK_DGRAM,
    SOCK_STREAM,
    ProtocolInfo,
    SocketStatus,
    World,
)
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine

CATALOGS = (1001, 1002, 1003)
UDP_V4 = (AF_INET, SOCK_DGRAM, 0)
ABORTED = int(WSAError.WSA_OPERATION_ABORTED)
DONE = int(WSAError.NO_ERROR)
V22 = 0x0202


def udp(m: Machine, w: World, slot: int, catalog: int, port: int = 80) -> tuple[World, int]:
    w, r = m.sem.call(w, slot, 0, WSPSocket(catalog, None, *UDP_V4))
    assert isinstance(r.value, int), r
    w, b = m.sem.call(w, slot, 0, WSPBind(r.value, port))
    assert b.ok, b
    return w, r.value


def shared_udp(m: Machine, catalog: int) -> tuple[World, int, int]:
    """A bound UDP socket of the source and the target's claimed descriptor of it."""
    w, s = udp(m, m.world, m.source, catalog)
    w, r = m.sem.call(w, m.source, 0, WSPDuplicateSocket(s, w.procs[m.target].pid))
    assert isinstance(r.value, ProtocolInfo), r
    w, r = m.sem.call(w, m.target, 0, WSPSocket(info=r.value))
    assert isinstance(r.value, int), r
    return w, s, r.value


# --- completion ports ------------------------------------------------------------------------


@pytest.mark.parametrize("port", [0, -1])
def test_r14_a_completion_port_must_be_a_port(machine: Machine, port: int) -> None:
    w, s = udp(machine, machine.world, machine.source, 1001)
    after, r = machine.sem.associate(w, machine.source, s, port, 1)
    assert r.error is WSAError.WSAEINVAL and after == w


def test_r14_the_first_port_there_is_can_be_associated(machine: Machine) -> None:
    w, s = udp(machine, machine.world, machine.source, 1001)
    w, r = machine.sem.associate(w, machine.source, s, 1, 9)
    assert r.ok and w.sockets[0].completion == (1, 9)


@pytest.mark.parametrize("first_key", [0, 78])
@pytest.mark.parametrize("catalog", CATALOGS)
def test_r14_a_second_association_with_another_port_fails_whatever_the_first_key(
    machine: Machine, catalog: int, first_key: int
) -> None:
    """The refusal looks at the port already associated, not at its key (a key may be 0, or
    equal the number of the port asked for next)."""
    w, s, d = shared_udp(machine, catalog)
    w, r = machine.sem.associate(w, machine.source, s, 77, first_key)
    assert r.ok
    after, r = machine.sem.associate(w, machine.target, d, 78, 1)
    assert r.error is WSAError.WSAEINVAL and after == w


# --- the exit of the issuing process ---------------------------------------------------------


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r14_an_exit_cancels_the_processs_request_when_it_is_the_only_one_pending(
    machine: Machine, catalog: int
) -> None:
    """The source still holds the socket open; only the target's read was pending on it."""
    sem = machine.sem
    w, _, d = shared_udp(machine, catalog)
    w, r = sem.call(w, machine.target, 0, WSPRecv(d, overlapped=3))
    assert r.error is WSAError.WSA_IO_PENDING
    w = sem.exit_process(w, machine.target)
    assert w.sockets[0].status is not SocketStatus.CLOSED
    assert w.sockets[0].pending == () and w.completions == ((0, 0, 3, ABORTED),)
    assert world_violations(sem, w) == []


# --- WSACleanup ------------------------------------------------------------------------------


def test_wsacleanup_by_default_closes_through_the_first_thread_of_a_one_thread_process() -> None:
    sem = Semantics()
    api = Ws2(sem)
    w, slot = sem.spawn(sem.initial_world())  # one thread: thread 0 only
    w, r = api.startup(w, slot, V22)
    assert r.ok
    w, r = api.socket(w, slot, 0)
    assert r.ok
    w, r = api.cleanup(w, slot)
    assert r.ok and w.procs[slot].handles == ()
    assert w.sockets[0].status is SocketStatus.CLOSED


# --- WSAStartup and WSASocket ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "granted"), [(0x0002, 0x0002), (0x0201, 0x0201), (0x0102, 0x0102)]
)
def test_wsastartup_grants_a_version_up_to_2_2_as_asked_minor_and_major_apart(
    machine: Machine, asked: int, granted: int
) -> None:
    """MAKEWORD(major, minor): the low byte is the major; 2.0, 1.2 and 2.1 come back unchanged."""
    _, r = Ws2(machine.sem).startup(machine.world, machine.source, asked)
    assert r.ok and r.value == granted


@pytest.mark.parametrize("slot", [-1, 2, 9])
def test_wsastartup_of_a_slot_that_holds_no_process_is_wsanotinitialised(
    machine: Machine, slot: int
) -> None:
    after, r = Ws2(machine.sem).startup(machine.world, slot, V22)
    assert r.error is WSAError.WSANOTINITIALISED and after == machine.world


def test_wsastartup_of_an_exited_process_is_wsanotinitialised(machine: Machine) -> None:
    w = machine.sem.exit_process(machine.world, machine.source)
    after, r = Ws2(machine.sem).startup(w, machine.source, V22)
    assert r.error is WSAError.WSANOTINITIALISED and after == w


def test_wsasocket_without_a_catalog_entry_uses_the_first_installed_provider(
    machine: Machine,
) -> None:
    api = Ws2(machine.sem)
    w, _ = api.startup(machine.world, machine.source, V22)
    w, r = api.socket(w, machine.source, 0)
    assert r.ok and w.sockets[0].catalog == machine.sem.providers[0].catalog_id == 1001


# --- arrivals: what completes, what is signalled, what is made --------------------------------


def listener(m: Machine, w: World, slot: int, catalog: int, v6: bool = False) -> tuple[World, int]:
    kind = (AF_INET6, SOCK_STREAM, 0) if v6 else (AF_INET, SOCK_STREAM, 0)
    w, r = m.sem.call(w, slot, 0, WSPSocket(catalog, None, *kind))
    assert isinstance(r.value, int), r
    s = r.value
    w, _ = m.sem.call(w, slot, 0, WSPBind(s, 80))
    w, r = m.sem.call(w, slot, 0, WSPListen(s, 2))
    assert r.ok, r
    return w, s


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r14_pending_reads_complete_one_datagram_each_in_the_order_issued_and_make_nothing(
    machine: Machine, catalog: int
) -> None:
    """A pending read takes a datagram off the queue; it makes no socket and no descriptor, and
    the next read stays pending until the next datagram."""
    sem = machine.sem
    w, s, d = shared_udp(machine, catalog)
    w, _ = sem.call(w, machine.target, 0, WSPRecv(d, overlapped=1))
    w, _ = sem.call(w, machine.source, 0, WSPRecv(s, overlapped=2))
    sockets, tables = len(w.sockets), [p.handles for p in w.procs]
    w, _ = sem.datagram_arrives(w, 80, 7)
    assert w.completions == ((0, 0, 1, DONE),)
    assert [p[1] for p in w.sockets[0].pending] == [2]
    assert w.sockets[0].taken == (7,) and w.sockets[0].queue == ()
    w, _ = sem.datagram_arrives(w, 80, 8)
    assert w.completions == ((0, 0, 1, DONE), (0, 0, 2, DONE))
    assert w.sockets[0].pending == () and w.sockets[0].taken == (7, 8)
    assert len(w.sockets) == sockets and [p.handles for p in w.procs] == tables
    assert world_violations(sem, w) == []


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r8_a_datagram_signals_fd_read_and_leaves_the_sockets_after_it_alone(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s = udp(machine, machine.world, machine.source, catalog)
    w, r = sem.call(w, machine.source, 0, WSPEventSelect(s, FD_READ | FD_ACCEPT))
    assert r.ok
    w, _ = udp(machine, w, machine.source, catalog, port=81)
    w, _ = udp(machine, w, machine.source, catalog, port=82)
    later = w.sockets[1:]
    w, delivered = sem.datagram_arrives(w, 80, 5)
    assert delivered and w.sockets[0].signalled == FD_READ
    assert w.sockets[1:] == later


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r14_a_pending_accept_with_no_room_for_a_descriptor_fails_and_the_client_waits(
    machine: Machine, catalog: int
) -> None:
    """The accepting process's table fills up while its accept is pending: the client's arrival
    completes the request with WSAEMFILE, and the connection stays queued for a later accept."""
    sem, src = machine.sem, machine.source
    w, s = listener(machine, machine.world, src, catalog)
    w, _ = udp(machine, w, src, catalog, port=90)
    w, r = sem.call(w, src, 0, WSPAccept(s, overlapped=4))
    assert r.error is WSAError.WSA_IO_PENDING
    while len(w.procs[src].handles) < sem.kernel.max_handles:
        w, r = sem.call(w, src, 0, WSPSocket(1001))
        assert r.ok
    before = w
    w, queued = sem.client_connects(w, 80, 3)
    assert queued
    assert w.completions == ((0, 0, 4, int(WSAError.WSAEMFILE)),)
    assert w.sockets[0].pending == () and w.sockets[0].queue == (3,)
    assert w.sockets[1:] == before.sockets[1:] and w.procs == before.procs
    assert world_violations(sem, w) == []


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r14_a_completed_pending_accept_leaves_nothing_pending(
    machine: Machine, catalog: int
) -> None:
    sem, src = machine.sem, machine.source
    w, s = listener(machine, machine.world, src, catalog)
    w, _ = sem.call(w, src, 0, WSPAccept(s, overlapped=4))
    w, _ = sem.client_connects(w, 80, 3)
    assert w.completions == ((0, 0, 4, DONE),) and w.sockets[0].pending == ()


@pytest.mark.parametrize("v6", [False, True])
@pytest.mark.parametrize("catalog", CATALOGS)
def test_r15_an_accepted_connection_has_its_listeners_kind_and_one_greeting_to_read(
    machine: Machine, catalog: int, v6: bool
) -> None:
    sem, src = machine.sem, machine.source
    w, s = listener(machine, machine.world, src, catalog, v6)
    w, _ = sem.client_connects(w, 80, 3)
    w, r = sem.call(w, src, 0, WSPAccept(s))
    assert isinstance(r.value, int), r
    conn = r.value
    assert w.sockets[-1].kind == w.sockets[0].kind
    w, first = sem.call(w, src, 0, WSPRecv(conn))
    _, second = sem.call(w, src, 0, WSPRecv(conn))
    assert first.ok and second.error is WSAError.WSAEWOULDBLOCK


# --- ports, backlogs and sendto --------------------------------------------------------------


def stream(m: Machine, w: World, catalog: int = 1001) -> tuple[World, int]:
    w, r = m.sem.call(w, m.source, 0, WSPSocket(catalog, None, AF_INET, SOCK_STREAM, 0))
    assert isinstance(r.value, int), r
    return w, r.value


def test_binds_to_port_0_take_the_lowest_free_ephemeral_ports_in_turn(machine: Machine) -> None:
    """Each port space (family and type) counts on its own: the UDP socket's first ephemeral
    port is the one the TCP sockets took first."""
    sem, src = machine.sem, machine.source
    w = machine.world
    ports = []
    for _ in range(3):
        w, s = stream(machine, w)
        w, r = sem.call(w, src, 0, WSPBind(s, 0))
        assert r.ok
        ports.append(w.sockets[-1].port)
    assert ports == [EPHEMERAL_PORT, EPHEMERAL_PORT + 1, EPHEMERAL_PORT + 2]
    w, _ = udp(machine, w, src, 1001, port=0)
    assert w.sockets[-1].port == EPHEMERAL_PORT


def test_an_unbound_datagram_socket_sending_is_bound_to_the_next_free_ephemeral_port(
    machine: Machine,
) -> None:
    sem, src = machine.sem, machine.source
    w = machine.world
    for expected in (EPHEMERAL_PORT, EPHEMERAL_PORT + 1):
        w, r = sem.call(w, src, 0, WSPSocket(1001, None, *UDP_V4))
        assert isinstance(r.value, int)
        w, r = sem.call(w, src, 0, WSPSendTo(r.value, 53))
        assert r.ok and w.sockets[-1].port == expected


def test_the_highest_port_is_a_port_for_bind_and_sendto(machine: Machine) -> None:
    sem, src = machine.sem, machine.source
    w, s = stream(machine, machine.world)
    w, r = sem.call(w, src, 0, WSPBind(s, MAX_PORT))
    assert r.ok and w.sockets[0].port == MAX_PORT
    w, u = udp(machine, w, src, 1001)
    w, r = sem.call(w, src, 0, WSPSendTo(u, MAX_PORT))
    assert r.ok
    after, r = sem.call(w, src, 0, WSPSendTo(u, MAX_PORT + 1))
    assert r.error is WSAError.WSAEFAULT and after == w


def test_sendto_after_the_sending_side_is_shut_down_is_wsaeshutdown(machine: Machine) -> None:
    sem, src = machine.sem, machine.source
    w, u = udp(machine, machine.world, src, 1001)
    w, r = sem.call(w, src, 0, WSPShutdown(u, SD_SEND))
    assert r.ok
    after, r = sem.call(w, src, 0, WSPSendTo(u, 53))
    assert r.error is WSAError.WSAESHUTDOWN and after == w


@pytest.mark.parametrize("catalog", CATALOGS)
def test_sendto_on_a_stream_socket_is_a_send_that_ignores_the_address(
    machine: Machine, catalog: int
) -> None:
    sem, src = machine.sem, machine.source
    w, s = stream(machine, machine.world, catalog)
    for before in (w, sem.call(w, src, 0, WSPConnect(s))[0]):  # unconnected, then connected
        sent = sem.call(before, src, 0, WSPSend(s))
        assert sem.call(before, src, 0, WSPSendTo(s, 53)) == sent
        assert sem.call(before, src, 0, WSPSendTo(s, 0)) == sent


@pytest.mark.parametrize("backlog", [0, -5, 1])
def test_a_backlog_below_one_is_raised_to_one(machine: Machine, backlog: int) -> None:
    sem, src = machine.sem, machine.source
    w, s = stream(machine, machine.world)
    w, _ = sem.call(w, src, 0, WSPBind(s, 80))
    w, r = sem.call(w, src, 0, WSPListen(s, backlog))
    assert r.ok and w.sockets[0].backlog == 1
    w, first = sem.client_connects(w, 80, 1)
    _, second = sem.client_connects(w, 80, 2)
    assert first and not second


# --- which registration hears of an arrival (R8) ---------------------------------------------


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r8_a_registration_is_not_sent_an_event_it_did_not_ask_for(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s = udp(machine, machine.world, machine.source, catalog)
    w, r = sem.call(w, machine.source, 0, WSPEventSelect(s, FD_ACCEPT))
    assert r.ok
    w, delivered = sem.datagram_arrives(w, 80, 5)
    assert delivered and w.sockets[0].signalled == 0 and w.sockets[0].queue == (5,)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_receive_shut_down_through_one_descriptor_is_wsaeshutdown_through_the_other(
    machine: Machine, catalog: int
) -> None:
    """The shutdown is the socket's (R6): the datagram waiting stays queued, unread."""
    sem = machine.sem
    w, s, d = shared_udp(machine, catalog)
    w, _ = sem.datagram_arrives(w, 80, 5)
    w, r = sem.call(w, machine.source, 0, WSPShutdown(s, SD_RECEIVE))
    assert r.ok
    after, r = sem.call(w, machine.target, 0, WSPRecvFrom(d))
    assert r.error is WSAError.WSAESHUTDOWN and after == w
    assert after.sockets[0].queue == (5,)
