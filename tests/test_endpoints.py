"""Socket kinds and the calls beyond the seed (R12, R15): one behaviour a test, each can fail."""

from __future__ import annotations

import pytest
from wspshare.models.calls import (
    SD_SEND,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPListen,
    WSPRecv,
    WSPRecvFrom,
    WSPSend,
    WSPSendTo,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.state import (
    AF_INET,
    AF_INET6,
    FROM_PROTOCOL_INFO,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
    ProtocolInfo,
    SocketStatus,
    World,
)
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine

CATALOGS = (1001, 1002, 1003)
UDP_V6 = (AF_INET6, SOCK_DGRAM, IPPROTO_UDP)


def ok(result: object) -> int:
    assert getattr(result, "ok", False), result
    value = getattr(result, "value", None)
    assert isinstance(value, int)
    return value


def made(m: Machine, w: World, catalog: int, *kind: int) -> tuple[World, int]:
    w, r = m.sem.call(w, m.source, 0, WSPSocket(catalog, None, *kind))
    return w, ok(r)


def share(m: Machine, w: World, s: int, **asked: int) -> tuple[World, ProtocolInfo, object]:
    """Duplicate ``s`` for the target and claim it there with the parameters ``asked``."""
    w, r = m.sem.call(w, m.source, 0, WSPDuplicateSocket(s, w.procs[m.target].pid))
    assert isinstance(r.value, ProtocolInfo)
    info = r.value
    w, claim = m.sem.call(w, m.target, 0, WSPSocket(info=info, **asked))
    return w, info, claim


def listening(m: Machine, catalog: int, port: int = 80) -> tuple[World, int]:
    w, s = made(m, m.world, catalog)
    w, r = m.sem.call(w, m.source, 0, WSPBind(s, port))
    assert r.ok
    w, r = m.sem.call(w, m.source, 0, WSPListen(s, 2))
    assert r.ok
    return w, s


def sock_of(w: World, slot: int, value: int) -> int:
    handle = find_handle(w.procs[slot], value)
    assert handle is not None
    return handle.obj


# --- R12: WSPSocket's parameters ---------------------------------------------------------------
@pytest.mark.parametrize("catalog", CATALOGS)
def test_r12_a_wildcard_family_and_type_are_taken_from_the_info(
    machine: Machine, catalog: int
) -> None:
    w, s = made(machine, machine.world, catalog, *UDP_V6)
    w, info, claim = share(machine, w, s, address_family=0, socket_type=0, protocol=0)
    assert (info.address_family, info.socket_type, info.protocol) == UDP_V6
    d = ok(claim)
    assert sock_of(w, machine.target, d) == sock_of(w, machine.source, s)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r12_from_protocol_info_takes_every_value_from_the_info(
    machine: Machine, catalog: int
) -> None:
    w, s = made(machine, machine.world, catalog, *UDP_V6)
    w, _, claim = share(machine, w, s)  # the call's defaults are FROM_PROTOCOL_INFO
    ok(claim)
    assert world_violations(machine.sem, w) == []


def test_r12_explicit_values_override_the_catalog_entry(machine: Machine) -> None:
    # The catalog entry's own info says IPv4 TCP; the explicit family and type win, and the
    # protocol left to the info is TCP, which is no datagram protocol.
    kind = (AF_INET6, SOCK_DGRAM, FROM_PROTOCOL_INFO)
    w, r = machine.sem.call(machine.world, machine.source, 0, WSPSocket(1001, None, *kind))
    assert r.error is WSAError.WSAEPROTOTYPE
    w, _ = made(machine, w, 1001, AF_INET6, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO)
    assert w.sockets[0].kind == (AF_INET6, SOCK_STREAM, IPPROTO_TCP)


def test_r12_explicit_family_and_type_with_protocol_zero_make_that_kind(machine: Machine) -> None:
    w, _ = made(machine, machine.world, 1002, AF_INET6, SOCK_DGRAM, 0)
    assert w.sockets[0].kind == UDP_V6


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ((6, SOCK_STREAM, 0), WSAError.WSAEAFNOSUPPORT),
        ((AF_INET, 3, 0), WSAError.WSAESOCKTNOSUPPORT),
        ((AF_INET, SOCK_STREAM, 99), WSAError.WSAEPROTONOSUPPORT),
        ((AF_INET, SOCK_DGRAM, IPPROTO_TCP), WSAError.WSAEPROTOTYPE),
        ((AF_INET6, SOCK_STREAM, IPPROTO_UDP), WSAError.WSAEPROTOTYPE),
        ((6, 3, 99), WSAError.WSAEAFNOSUPPORT),  # the first thing wrong is the one reported
    ],
)
def test_r12_impossible_combinations_get_the_documented_errors(
    machine: Machine, kind: tuple[int, int, int], error: WSAError
) -> None:
    w, r = machine.sem.call(machine.world, machine.source, 0, WSPSocket(1001, None, *kind))
    assert r.error is error and w == machine.world


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r12_a_claim_overriding_the_info_with_another_kind_fails(
    machine: Machine, catalog: int
) -> None:
    w, s = made(machine, machine.world, catalog)
    w, _, claim = share(machine, w, s, address_family=AF_INET6)
    assert getattr(claim, "error", None) is WSAError.WSAEINVAL  # R3: the common socket is IPv4


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r12_a_duplicate_names_the_socket_kind_in_its_info(machine: Machine, catalog: int) -> None:
    w, s = made(machine, machine.world, catalog, AF_INET, SOCK_DGRAM, 0)
    _, info, _ = share(machine, w, s)
    assert (info.address_family, info.socket_type, info.protocol) == (
        AF_INET,
        SOCK_DGRAM,
        IPPROTO_UDP,
    )


# --- bind and listen ----------------------------------------------------------------------------
def test_bind_errors_follow_binds_page(machine: Machine) -> None:
    sem, src = machine.sem, machine.source
    w, a = made(machine, machine.world, 1001)
    w, b = made(machine, w, 1001)
    w, r = sem.call(w, src, 0, WSPBind(a, 80))
    assert r.ok and w.sockets[0].port == 80
    assert sem.call(w, src, 0, WSPBind(a, 81))[1].error is WSAError.WSAEINVAL  # already bound
    assert sem.call(w, src, 0, WSPBind(b, 80))[1].error is WSAError.WSAEADDRINUSE
    assert sem.call(w, src, 0, WSPBind(b, 1 << 17))[1].error is WSAError.WSAEFAULT
    w, r = sem.call(w, src, 0, WSPBind(b, 0))
    assert r.ok and w.sockets[1].port == 49152  # the provider picks a free port
    w, u = made(machine, w, 1001, AF_INET, SOCK_DGRAM, 0)
    assert sem.call(w, src, 0, WSPBind(u, 80))[1].ok  # UDP has its own port space


def test_listen_needs_a_bound_stream_socket(machine: Machine) -> None:
    sem, src = machine.sem, machine.source
    w, s = made(machine, machine.world, 1002)
    assert sem.call(w, src, 0, WSPListen(s, 1))[1].error is WSAError.WSAEINVAL  # unbound
    w, u = made(machine, w, 1002, AF_INET, SOCK_DGRAM, 0)
    assert sem.call(w, src, 0, WSPListen(u, 1))[1].error is WSAError.WSAEOPNOTSUPP
    w, c = made(machine, w, 1002)
    w, _ = sem.call(w, src, 0, WSPConnect(c))
    w, _ = sem.call(w, src, 0, WSPBind(c, 90))
    assert sem.call(w, src, 0, WSPListen(c, 1))[1].error is WSAError.WSAEISCONN


def test_a_backlog_is_cut_to_somaxconn_and_a_second_listen_keeps_it(machine: Machine) -> None:
    w, s = made(machine, machine.world, 1001)
    w, _ = machine.sem.call(w, machine.source, 0, WSPBind(s, 80))
    w, _ = machine.sem.call(w, machine.source, 0, WSPListen(s, 500))
    assert w.sockets[0].backlog == 2
    w, r = machine.sem.call(w, machine.source, 0, WSPListen(s, 1))
    assert r.ok and w.sockets[0].backlog == 2


# --- R15: accepting on a shared listening socket ------------------------------------------------
@pytest.mark.parametrize("catalog", CATALOGS)
def test_r15_every_descriptor_of_a_shared_listening_socket_accepts(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s = listening(machine, catalog)
    w, _, claim = share(machine, w, s)
    d = ok(claim)
    w, _ = sem.client_connects(w, 80, 1)
    w, _ = sem.client_connects(w, 80, 2)
    w, by_source = sem.call(w, machine.source, 0, WSPAccept(s))
    w, by_target = sem.call(w, machine.target, 0, WSPAccept(d))
    a, b = ok(by_source), ok(by_target)
    assert w.sockets[sock_of(w, machine.source, a)].origin == 1
    assert w.sockets[sock_of(w, machine.target, b)].origin == 2
    assert world_violations(sem, w) == []


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r15_each_pending_connection_is_accepted_exactly_once(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s = listening(machine, catalog)
    w, _, claim = share(machine, w, s)
    d = ok(claim)
    w, _ = sem.client_connects(w, 80, 7)
    w, first = sem.call(w, machine.target, 0, WSPAccept(d))
    w, second = sem.call(w, machine.source, 0, WSPAccept(s))
    ok(first)
    assert second.error is WSAError.WSAEWOULDBLOCK
    assert w.sockets[0].taken == (7,) and w.sockets[0].queue == ()


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r15_the_accepted_socket_belongs_to_the_accepting_process_only(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s = listening(machine, catalog)
    w, _ = sem.client_connects(w, 80, 1)
    w, r = sem.call(w, machine.source, 0, WSPAccept(s))
    a = ok(r)
    conn = sock_of(w, machine.source, a)
    assert w.sockets[conn].refs == 1 and w.sockets[conn].status is SocketStatus.CONNECTED
    assert a in w.procs[machine.source].issued
    assert not any(h.obj == conn for h in w.procs[machine.target].handles)
    w, r = sem.call(w, machine.source, 1, WSPRecv(a))  # the client's greeting, any thread (R5)
    assert r.ok


def test_r15_a_failed_accept_leaves_the_connection_pending(machine: Machine) -> None:
    sem = machine.sem
    w, s = listening(machine, 1001)
    w, _ = sem.client_connects(w, 80, 1)
    starved = sem.inject_failure(w, machine.source, WSAError.WSAEMFILE)
    after, r = sem.call(starved, machine.source, 0, WSPAccept(s))
    assert r.error is WSAError.WSAEMFILE and after.sockets == w.sockets


def test_r15_a_full_backlog_refuses_and_a_closed_listener_accepts_nothing(
    machine: Machine,
) -> None:
    sem = machine.sem
    w, s = listening(machine, 1001)
    w, first = sem.client_connects(w, 80, 1)
    w, second = sem.client_connects(w, 80, 2)
    w, third = sem.client_connects(w, 80, 3)
    assert (first, second, third) == (True, True, False)
    w, _ = sem.call(w, machine.source, 0, WSPCloseSocket(s))
    assert sem.client_connects(w, 80, 4) == (w, False)
    assert sem.call(w, machine.source, 0, WSPAccept(s))[1].error is WSAError.WSAENOTSOCK


def test_accept_on_a_socket_that_is_not_listening_is_wsaeinval(machine: Machine) -> None:
    w, s = made(machine, machine.world, 1001)
    assert machine.sem.call(w, machine.source, 0, WSPAccept(s))[1].error is WSAError.WSAEINVAL
    w, u = made(machine, w, 1001, AF_INET, SOCK_DGRAM, 0)
    assert machine.sem.call(w, machine.source, 0, WSPAccept(u))[1].error is WSAError.WSAEOPNOTSUPP


# --- datagrams -----------------------------------------------------------------------------------
@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_datagram_on_a_shared_socket_is_read_once_through_any_descriptor(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, u = made(machine, machine.world, catalog, AF_INET, SOCK_DGRAM, 0)
    assert sem.call(w, machine.source, 0, WSPRecvFrom(u))[1].error is WSAError.WSAEINVAL
    w, _ = sem.call(w, machine.source, 0, WSPBind(u, 53))
    w, _, claim = share(machine, w, u)
    d = ok(claim)
    w, queued = sem.datagram_arrives(w, 53, 5)
    assert queued
    w, got = sem.call(w, machine.target, 0, WSPRecvFrom(d))
    w, again = sem.call(w, machine.source, 0, WSPRecvFrom(u))
    assert got.ok and got.value == 5 and again.error is WSAError.WSAEWOULDBLOCK
    assert w.sockets[0].taken == (5,)


def test_sendto_binds_an_unbound_datagram_socket_and_needs_a_destination(
    machine: Machine,
) -> None:
    sem = machine.sem
    w, u = made(machine, machine.world, 1002, AF_INET, SOCK_DGRAM, 0)
    assert sem.call(w, machine.source, 0, WSPSendTo(u, 0))[1].error is WSAError.WSAEADDRNOTAVAIL
    w, r = sem.call(w, machine.source, 0, WSPSendTo(u, 53))
    assert r.ok and w.sockets[0].port == 49152 and w.sockets[0].sent == 1


def test_datagrams_for_a_port_nobody_binds_are_dropped(machine: Machine) -> None:
    w, _ = made(machine, machine.world, 1001, AF_INET, SOCK_DGRAM, 0)
    assert machine.sem.datagram_arrives(w, 53, 1) == (w, False)


# --- shutdown ------------------------------------------------------------------------------------
@pytest.mark.parametrize("catalog", CATALOGS)
def test_shutdown_of_sends_through_one_descriptor_stops_sends_through_all(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    w, s = made(machine, machine.world, catalog)
    assert sem.call(w, machine.source, 0, WSPShutdown(s, SD_SEND))[1].error is (
        WSAError.WSAENOTCONN
    )
    w, _ = sem.call(w, machine.source, 0, WSPConnect(s))
    w, _, claim = share(machine, w, s)
    d = ok(claim)
    w, r = sem.call(w, machine.target, 0, WSPShutdown(d, SD_SEND))
    assert r.ok
    assert sem.call(w, machine.source, 0, WSPSend(s))[1].error is WSAError.WSAESHUTDOWN
    assert sem.call(w, machine.source, 0, WSPRecv(s))[1].ok  # receives still work (R6)
    assert sem.call(w, machine.source, 0, WSPShutdown(s, 7))[1].error is WSAError.WSAEINVAL
