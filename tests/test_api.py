"""The API layer over the SPI (R13): startup and cleanup, argument checks in the documented
order, and that it only ever dispatches to the SPI."""

from __future__ import annotations

import pytest
from wspshare.models.api import WSAPROTOCOL_INFOW_SIZE, Ws2
from wspshare.models.calls import WSPCloseSocket, WSPConnect
from wspshare.models.errors import WSAError
from wspshare.models.state import ProtocolInfo, SocketStatus, World
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine

V22 = 0x0202
CATALOGS = (1001, 1002, 1003)


def started(m: Machine, *slots: int) -> tuple[Ws2, World]:
    api, w = Ws2(m.sem), m.world
    for slot in slots:
        w, r = api.startup(w, slot, V22)
        assert r.ok and r.value == V22
    return api, w


def socket_of(api: Ws2, w: World, slot: int, catalog: int = 1001) -> tuple[World, int]:
    w, r = api.socket(w, slot, 0, catalog=catalog)
    assert r.ok and isinstance(r.value, int)
    return w, r.value


def test_calls_before_wsastartup_fail_with_wsanotinitialised(machine: Machine) -> None:
    api, w = Ws2(machine.sem), machine.world
    src = machine.source
    assert api.socket(w, src, 0)[1].error is WSAError.WSANOTINITIALISED
    assert api.closesocket(w, src, 0, 4)[1].error is WSAError.WSANOTINITIALISED
    assert api.duplicate(w, src, 0, 4, 104, 628)[1].error is WSAError.WSANOTINITIALISED
    assert api.cleanup(w, src)[1].error is WSAError.WSANOTINITIALISED


def test_calls_after_the_last_wsacleanup_fail_with_wsanotinitialised(machine: Machine) -> None:
    api, w = started(machine, machine.source, machine.source)
    w, _ = api.cleanup(w, machine.source)
    assert api.socket(w, machine.source, 0)[1].ok  # one startup is left
    w, _ = api.cleanup(w, machine.source)
    assert api.socket(w, machine.source, 0)[1].error is WSAError.WSANOTINITIALISED


def test_wsastartup_grants_at_most_version_2_2_and_refuses_below_1_0(machine: Machine) -> None:
    api, w = Ws2(machine.sem), machine.world
    assert api.startup(w, machine.source, 0x0303)[1].value == V22
    assert api.startup(w, machine.source, 0x0101)[1].value == 0x0101
    assert api.startup(w, machine.source, 0x0100)[1].error is WSAError.WSAVERNOTSUPPORTED
    assert api.startup(w, machine.source, V22, wsadata=False)[1].error is WSAError.WSAEFAULT


@pytest.mark.parametrize("catalog", CATALOGS)
def test_wsacleanup_of_the_last_reference_closes_every_descriptor_of_the_process(
    machine: Machine, catalog: int
) -> None:
    api, w = started(machine, machine.source, machine.target)
    w, s = socket_of(api, w, machine.source, catalog)
    w, _ = machine.sem.call(w, machine.source, 0, WSPConnect(s))
    w, r = api.duplicate(w, machine.source, 0, s, w.procs[machine.target].pid, 628)
    assert isinstance(r.value, ProtocolInfo)
    w, claim = api.socket(w, machine.target, 0, info=r.value)
    assert claim.ok and w.sockets[0].refs == 2
    w, r = api.cleanup(w, machine.target)
    assert r.ok and not any(h.is_descriptor for h in w.procs[machine.target].handles)
    assert w.sockets[0].refs == 1 and w.sockets[0].status is SocketStatus.CONNECTED  # R7
    w, _ = api.cleanup(w, machine.source)
    assert w.sockets[0].status is SocketStatus.CLOSED
    assert world_violations(machine.sem, w) == []


def test_wsacleanup_with_a_startup_left_keeps_the_descriptors(machine: Machine) -> None:
    api, w = started(machine, machine.source, machine.source)
    w, s = socket_of(api, w, machine.source)
    w, _ = api.cleanup(w, machine.source)
    assert machine.sem.call(w, machine.source, 0, WSPConnect(s))[1].ok


def test_wsaduplicatesocket_checks_the_socket_before_the_pid_before_the_buffer(
    machine: Machine,
) -> None:
    api, w = started(machine, machine.source)
    w, s = socket_of(api, w, machine.source)
    pid = w.procs[machine.target].pid
    # All three wrong: the bad socket is reported; then the bad pid; then the bad buffer.
    assert api.duplicate(w, machine.source, 0, 40, 9999, None)[1].error is WSAError.WSAENOTSOCK
    assert api.duplicate(w, machine.source, 0, s, 9999, None)[1].error is WSAError.WSAEINVAL
    assert api.duplicate(w, machine.source, 0, s, pid, None)[1].error is WSAError.WSAEFAULT
    small = WSAPROTOCOL_INFOW_SIZE - 1
    after, r = api.duplicate(w, machine.source, 0, s, pid, small)
    assert r.error is WSAError.WSAEFAULT and after == w  # nothing duplicated
    after, r = api.duplicate(w, machine.source, 0, s, pid, WSAPROTOCOL_INFOW_SIZE)
    assert isinstance(r.value, ProtocolInfo) and after.sockets[0].refs == 2


def test_a_bad_pid_is_wsaeinval_even_for_a_process_that_has_exited(machine: Machine) -> None:
    api, w = started(machine, machine.source)
    w, s = socket_of(api, w, machine.source)
    pid = w.procs[machine.target].pid
    w = machine.sem.exit_process(w, machine.target)
    assert api.duplicate(w, machine.source, 0, s, pid, 628)[1].error is WSAError.WSAEINVAL


def test_wsasocket_passes_its_parameters_to_wspsocket_and_refuses_groups(
    machine: Machine,
) -> None:
    api, w = started(machine, machine.source)
    assert api.socket(w, machine.source, 0, 6, 1, 6)[1].error is WSAError.WSAEAFNOSUPPORT
    assert api.socket(w, machine.source, 0, group=1)[1].error is WSAError.WSAEINVAL
    w, r = api.socket(w, machine.source, 0, 23, 2, 0, catalog=1002)
    assert r.ok and w.sockets[0].kind == (23, 2, 17) and w.sockets[0].catalog == 1002


def test_closesocket_is_the_spis_close(machine: Machine) -> None:
    api, w = started(machine, machine.source)
    w, s = socket_of(api, w, machine.source)
    via_api, r = api.closesocket(w, machine.source, 0, s)
    via_spi, q = machine.sem.call(w, machine.source, 0, WSPCloseSocket(s))
    assert r == q and via_api == via_spi
    assert api.closesocket(via_api, machine.source, 0, s)[1].error is WSAError.WSAENOTSOCK
