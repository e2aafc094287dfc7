"""The data-path calls of every provider, in the states the handoff never puts them in: each
misuse answers its documented code (R10) and changes nothing; each boundary value is accepted;
an event registration starts afresh; and the Wine profile's duplication to an exited, pinned
target (``models.profiles``)."""

from __future__ import annotations

import pytest
from wspshare.models.calls import (
    FD_ACCEPT,
    FD_ALL_EVENTS,
    FD_READ,
    SD_RECEIVE,
    SO_RCVBUF,
    SO_SNDBUF,
    WSPBind,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPListen,
    WSPRecv,
    WSPSetSockOpt,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.profiles import WINE
from wspshare.models.semantics import Semantics
from wspshare.models.state import (
    AF_INET,
    FIRST_HANDLE_VALUE,
    IPPROTO_UDP,
    SOCK_DGRAM,
    ProtocolInfo,
    World,
)

CATALOGS = (1001, 1002, 1003)


def one_socket(catalog: int, sem: Semantics | None = None) -> tuple[Semantics, World, int]:
    sem = sem or Semantics()
    w = sem.initial_world()
    w, _ = sem.spawn(w, 1)
    w, _ = sem.spawn(w, 1)
    w, r = sem.call(w, 0, 0, WSPSocket(catalog))
    assert isinstance(r.value, int)
    return sem, w, r.value


def refused(sem: Semantics, w: World, call: object, error: WSAError) -> None:
    after, r = sem.call(w, 0, 0, call)  # type: ignore[arg-type]
    assert r.error is error, (call, r)
    assert after == w


@pytest.mark.parametrize("catalog", CATALOGS)
def test_each_misuse_of_a_descriptor_call_answers_its_code_and_changes_nothing(
    catalog: int,
) -> None:
    sem, w, s = one_socket(catalog)
    refused(sem, w, WSPSetSockOpt(s, 9999, 1), WSAError.WSAENOPROTOOPT)
    refused(sem, w, WSPGetSockOpt(s, 9999), WSAError.WSAENOPROTOOPT)
    refused(sem, w, WSPSetSockOpt(s, SO_RCVBUF, -1), WSAError.WSAEINVAL)
    refused(sem, w, WSPEventSelect(s, FD_ALL_EVENTS + 1 << 12), WSAError.WSAEINVAL)
    refused(sem, w, WSPEventSelect(s, 1 << 20), WSAError.WSAEINVAL)
    refused(sem, w, WSPEventSelect(s, -1), WSAError.WSAEINVAL)
    w, r = sem.call(w, 0, 0, WSPConnect(s))
    assert r.ok
    refused(sem, w, WSPConnect(s), WSAError.WSAEISCONN)
    _, w2, ls = one_socket(catalog)
    w2, _ = sem.call(w2, 0, 0, WSPBind(ls, 80))
    w2, r = sem.call(w2, 0, 0, WSPListen(ls, 1))
    assert r.ok
    refused(sem, w2, WSPConnect(ls), WSAError.WSAEINVAL)  # connect on a listening socket


@pytest.mark.parametrize("catalog", CATALOGS)
def test_an_option_may_be_set_to_zero(catalog: int) -> None:
    sem, w, s = one_socket(catalog)
    w, r = sem.call(w, 0, 0, WSPSetSockOpt(s, SO_RCVBUF, 4096))
    w, r = sem.call(w, 0, 0, WSPSetSockOpt(s, SO_RCVBUF, 0))
    assert r.ok
    _, r = sem.call(w, 0, 0, WSPGetSockOpt(s, SO_RCVBUF))
    assert r.ok and r.value == 0


@pytest.mark.parametrize("catalog", CATALOGS)
def test_an_event_registration_is_kept_for_any_mask_and_cancelled_by_mask_zero(
    catalog: int,
) -> None:
    sem, w, s = one_socket(catalog)
    pid = w.procs[0].pid
    for mask in (FD_READ, FD_ALL_EVENTS):
        w, r = sem.call(w, 0, 0, WSPEventSelect(s, mask))
        assert r.ok and w.sockets[0].events == ((pid, s, mask),)
    w, r = sem.call(w, 0, 0, WSPEventSelect(s, 0))
    assert r.ok and w.sockets[0].events == ()


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_new_registration_starts_with_no_event_delivered(catalog: int) -> None:
    sem, w, s = one_socket(catalog)
    w, _ = sem.call(w, 0, 0, WSPBind(s, 80))
    w, _ = sem.call(w, 0, 0, WSPListen(s, 2))
    w, r = sem.call(w, 0, 0, WSPEventSelect(s, FD_ACCEPT))
    assert r.ok
    w, queued = sem.client_connects(w, 80, 5)
    assert queued and w.sockets[0].signalled & FD_ACCEPT
    w, r = sem.call(w, 0, 0, WSPEventSelect(s, FD_ACCEPT))
    assert r.ok and w.sockets[0].signalled == 0


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_connected_datagram_socket_has_nothing_to_read(catalog: int) -> None:
    sem, w, _ = one_socket(catalog)
    w, r = sem.call(w, 0, 0, WSPSocket(catalog, None, AF_INET, SOCK_DGRAM, IPPROTO_UDP))
    u = r.value
    assert isinstance(u, int)
    w, r = sem.call(w, 0, 0, WSPConnect(u))
    assert r.ok and w.sockets[1].inbox == 0
    _, r = sem.call(w, 0, 0, WSPRecv(u))
    assert not r.ok  # a datagram peer sends no greeting


def test_wine_duplicates_to_an_exited_pinned_target_into_no_table() -> None:
    sem, w, s = one_socket(1001, Semantics(profile=WINE))
    target_pid = w.procs[1].pid
    w, pin = sem.kernel.open_process(w, 0, target_pid)
    assert isinstance(pin, int)
    w = sem.exit_process(w, 1)
    after, r = sem.call(w, 0, 0, WSPDuplicateSocket(s, target_pid))
    assert r.ok and isinstance(r.value, ProtocolInfo)
    assert r.value.provider_reserved == FIRST_HANDLE_VALUE and r.value.catalog_entry_id == 1001
    assert after == w  # the handle lands in no live table, no reference is taken
    unpinned = sem.kernel.close_handle(w, 0, pin)
    refused_after, r = sem.call(unpinned, 0, 0, WSPDuplicateSocket(s, target_pid))
    assert r.error is WSAError.WSAEINVAL and refused_after == unpinned
    # The documented profile refuses an exited target, pinned or not.
    sem2, w2, s2 = one_socket(1001)
    w2, pin2 = sem2.kernel.open_process(w2, 0, target_pid)
    w2 = sem2.exit_process(w2, 1)
    _, r = sem2.call(w2, 0, 0, WSPDuplicateSocket(s2, target_pid))
    assert r.error is WSAError.WSAEINVAL
    assert find_handle(w2.procs[0], pin2) is not None


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_stream_receive_answers_not_connected_shut_down_or_one_message(catalog: int) -> None:
    sem, w, s = one_socket(catalog)
    refused(sem, w, WSPRecv(s), WSAError.WSAENOTCONN)
    w, _ = sem.call(w, 0, 0, WSPConnect(s))
    w, r = sem.call(w, 0, 0, WSPRecv(s))
    assert r.ok and r.value == 1 and w.sockets[0].inbox == 0  # the peer's one greeting
    w, r = sem.call(w, 0, 0, WSPShutdown(s, SD_RECEIVE))
    assert r.ok
    refused(sem, w, WSPRecv(s), WSAError.WSAESHUTDOWN)


def test_wine_hands_back_the_stored_value_of_an_info_it_cannot_claim() -> None:
    sem, w, _ = one_socket(1001, Semantics(profile=WINE))
    forged = ProtocolInfo(0x00020000, 1001, (1001,), AF_INET, 1, 6, 40)
    after, r = sem.call(w, 1, 0, WSPSocket(info=forged))
    assert r.ok and r.value == 40 and after.procs[1].handles == ()


@pytest.mark.parametrize("catalog", CATALOGS)
def test_an_option_keeps_the_last_value_set_and_the_others_theirs(catalog: int) -> None:
    sem, w, s = one_socket(catalog)
    for option, value in ((SO_SNDBUF, 1024), (SO_RCVBUF, 4096), (SO_RCVBUF, 8192)):
        w, r = sem.call(w, 0, 0, WSPSetSockOpt(s, option, value))
        assert r.ok and w.sockets[0].last_set == (option, value)  # the common-state ghost
    assert w.sockets[0].options == ((SO_SNDBUF, 1024), (SO_RCVBUF, 8192))
    for option, value in ((SO_SNDBUF, 1024), (SO_RCVBUF, 8192)):
        _, r = sem.call(w, 0, 0, WSPGetSockOpt(s, option))
        assert r.ok and r.value == value


@pytest.mark.parametrize("catalog", (1002, 1003))
def test_wpu_query_socket_handle_context_succeeds_on_a_non_ifs_descriptor(catalog: int) -> None:
    sem, w, s = one_socket(catalog)
    context = sem.switch.query_socket_handle_context(w, 0, s)
    assert context.ok and context.value == 0


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_claim_of_another_kind_fails_and_leaves_the_duplicate_claimable(catalog: int) -> None:
    sem, w, s = one_socket(catalog)
    w, r = sem.call(w, 0, 0, WSPDuplicateSocket(s, w.procs[1].pid))
    info = r.value
    assert isinstance(info, ProtocolInfo)
    after, r = sem.call(w, 1, 0, WSPSocket(info=info, socket_type=SOCK_DGRAM, protocol=IPPROTO_UDP))
    assert r.error is WSAError.WSAEINVAL and after == w
    _, r = sem.call(after, 1, 0, WSPSocket(info=info))
    assert r.ok


@pytest.mark.parametrize("catalog", CATALOGS)
def test_an_option_never_set_reads_zero(catalog: int) -> None:
    sem, w, s = one_socket(catalog)
    _, r = sem.call(w, 0, 0, WSPGetSockOpt(s, SO_SNDBUF))
    assert r.ok and r.value == 0
