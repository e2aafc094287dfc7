"""The edges of ``Semantics`` itself, beyond any one provider: what its entry points answer for a
slot that names no live process, which arguments are well formed (R10), the messages of its
model-level misuse, the network's arrivals that only some sockets may take, and the exit that
really closes a socket other processes still have I/O pending on (R14)."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wspshare.models.calls import (
    SO_RCVBUF,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPGetSockOpt,
    WSPListen,
    WSPRecv,
    WSPRecvFrom,
    WSPSend,
    WSPSendTo,
    WSPSetSockOpt,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.errors import ModelError, WSAError
from wspshare.models.profiles import WINE
from wspshare.models.providers import IfsProvider, NonIfsProvider
from wspshare.models.semantics import Semantics, well_formed
from wspshare.models.state import (
    AF_INET,
    AF_INET6,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
    TCP_V4,
    ProtocolInfo,
    Result,
    SocketStatus,
    World,
)
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine

CATALOGS = (1001, 1002, 1003)
UDP_V4 = (AF_INET, SOCK_DGRAM, 0)
ABORTED = int(WSAError.WSA_OPERATION_ABORTED)


def made(
    m: Machine, w: World, slot: int, catalog: int, kind: tuple[int, int, int]
) -> tuple[World, int]:
    w, r = m.sem.call(w, slot, 0, WSPSocket(catalog, None, *kind))
    assert r.ok and isinstance(r.value, int), r
    return w, r.value


def bound(
    m: Machine, w: World, catalog: int, kind: tuple[int, int, int], port: int
) -> tuple[World, int]:
    w, s = made(m, w, m.source, catalog, kind)
    w, r = m.sem.call(w, m.source, 0, WSPBind(s, port))
    assert r.ok, r
    return w, s


# --- a slot that names no live process ----------------------------------------------------------

EntryPoint = Callable[[Semantics, World, object], tuple[World, Result]]
ENTRY_POINTS: dict[str, EntryPoint] = {
    "call": lambda sem, w, slot: sem.call(w, slot, 0, WSPSocket(1001)),  # type: ignore[arg-type]
    "set_inheritable": lambda sem, w, slot: sem.set_inheritable(w, slot, 4),  # type: ignore[arg-type]
    "associate": lambda sem, w, slot: sem.associate(w, slot, 4, 1, 1),  # type: ignore[arg-type]
}
NO_PROCESS = {
    "negative": -1,
    "one past the last": 2,
    "far past the last": 7,
    "a bool": True,
    "a string": "0",
    "a float": 0.0,
    "None": None,
}


@pytest.mark.parametrize("where", NO_PROCESS)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_r10_each_entry_point_answers_a_slot_that_is_no_process_with_wsanotinitialised(
    machine: Machine, entry: str, where: str
) -> None:
    """Slots 0 and 1 are live and each has a descriptor 4, so only the slot can be wrong."""
    sem = machine.sem
    w, _ = made(machine, machine.world, machine.source, 1001, TCP_V4)
    w, _ = made(machine, w, machine.target, 1001, TCP_V4)
    after, r = ENTRY_POINTS[entry](sem, w, NO_PROCESS[where])
    assert r.error is WSAError.WSANOTINITIALISED and after == w


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_r10_each_entry_point_answers_an_exited_process_with_wsanotinitialised(
    machine: Machine, entry: str
) -> None:
    sem = machine.sem
    w, _ = made(machine, machine.world, machine.source, 1001, TCP_V4)
    w = sem.exit_process(w, machine.source)
    after, r = ENTRY_POINTS[entry](sem, w, machine.source)
    assert r.error is WSAError.WSANOTINITIALISED and after == w


@pytest.mark.parametrize("slot", [-1, 2, 7])
def test_the_exit_of_a_slot_that_holds_no_process_changes_nothing(
    machine: Machine, slot: int
) -> None:
    w, _ = made(machine, machine.world, machine.source, 1001, TCP_V4)
    assert machine.sem.exit_process(w, slot) == w


def test_set_inheritable_marks_only_the_named_descriptor(machine: Machine) -> None:
    sem = machine.sem
    w, s = made(machine, machine.world, machine.source, 1001, TCP_V4)
    w, other = made(machine, w, machine.target, 1001, TCP_V4)
    assert s == other  # the same value in two tables
    w, r = sem.set_inheritable(w, machine.source, s)
    assert r == Result(WSAError.NO_ERROR)
    assert [h.inheritable for h in w.procs[machine.source].handles] == [True]
    assert [h.inheritable for h in w.procs[machine.target].handles] == [False]


# --- well-formed arguments -------------------------------------------------------------------


class Word(IntEnum):
    """An integer of another class, as Python's own socket constants are."""

    FOUR = 4
    EIGHTY = 80


FIELD = st.one_of(
    st.integers(-3, 90),
    st.sampled_from([Word.FOUR, Word.EIGHTY, True, False, 4.0, "4", None, b"\x04"]),
)
PLAIN = [WSPConnect, WSPSend, WSPRecv, WSPBind, WSPListen, WSPAccept, WSPSendTo, WSPShutdown]


def is_integer(value: object) -> bool:
    """R10's rule for an argument, written out: an int of any class but bool."""
    return isinstance(value, int) and not isinstance(value, bool)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.sampled_from([*PLAIN, WSPSetSockOpt, WSPDuplicateSocket]), st.data())
def test_r10_a_call_is_well_formed_exactly_when_every_field_is_an_integer(
    kind: type, data: st.DataObject
) -> None:
    fields = data.draw(st.lists(FIELD, min_size=len(kind._fields), max_size=len(kind._fields)))
    call = kind(*fields)
    assert well_formed(call) == all(is_integer(v) for v in fields), call


def test_r10_integers_of_another_class_are_accepted_as_arguments(machine: Machine) -> None:
    sem = machine.sem
    w, s = made(machine, machine.world, machine.source, 1001, TCP_V4)
    after, r = sem.call(w, machine.source, 0, WSPBind(Word.FOUR, Word.EIGHTY))
    assert r.ok and after.sockets[0].port == 80 and s == 4


INFO = ProtocolInfo(0, 1001, (1001,), AF_INET, SOCK_STREAM, IPPROTO_TCP, 4)


ILL_TYPED_SOCKET_CALLS = {
    "family a string": WSPSocket(1001, None, "2", SOCK_STREAM, IPPROTO_TCP),  # type: ignore[arg-type]
    "protocol a float": WSPSocket(1001, None, AF_INET, SOCK_STREAM, 6.0),  # type: ignore[arg-type]
    "info family a string": WSPSocket(info=INFO._replace(address_family="2")),  # type: ignore[arg-type]
    "info type None": WSPSocket(info=INFO._replace(socket_type=None)),  # type: ignore[arg-type]
    "info reserved a bool": WSPSocket(info=INFO._replace(provider_reserved=True)),
    "info flags a float": WSPSocket(info=INFO._replace(service_flags1=0.0)),  # type: ignore[arg-type]
    "info chain a list": WSPSocket(info=INFO._replace(protocol_chain=[1001])),  # type: ignore[arg-type]
    "info chain holds a string": WSPSocket(info=INFO._replace(protocol_chain=(1001, "x"))),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("what", ILL_TYPED_SOCKET_CALLS)
def test_r10_a_socket_call_with_any_field_that_is_no_integer_is_wsaeinval(
    machine: Machine, what: str
) -> None:
    """Every field is checked, those after a missing info and every one of an info."""
    call = ILL_TYPED_SOCKET_CALLS[what]
    after, r = machine.sem.call(machine.world, machine.source, 0, call)
    assert r.error is WSAError.WSAEINVAL and after == machine.world


# --- model-level misuse ----------------------------------------------------------------------


def test_a_shortage_for_a_slot_one_past_the_last_names_the_slots_there_are(
    machine: Machine,
) -> None:
    with pytest.raises(ModelError, match=r"^no process in slot 2; slots are 0\.\.1$"):
        machine.sem.inject_failure(machine.world, 2, WSAError.WSAENOBUFS)


def test_an_unknown_provider_name_lists_the_installed_ones(machine: Machine) -> None:
    with pytest.raises(ModelError, match=r"installed: ifs, non-ifs, non-ifs-claim$"):
        machine.sem.provider_named("tcpip")


# --- the network's arrivals ----------------------------------------------------------------------


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r15_a_client_is_refused_by_a_port_that_is_bound_but_not_listening(
    machine: Machine, catalog: int
) -> None:
    """Port 80 is bound but not listening, port 81 is a UDP socket's; port 82 listens, and its
    backlog stays empty: a connection is queued only where its own port listens."""
    sem = machine.sem
    w, _ = bound(machine, machine.world, catalog, TCP_V4, 82)
    w, r = sem.call(w, machine.source, 0, WSPListen(4, 2))
    assert r.ok
    w, _ = bound(machine, w, catalog, TCP_V4, 80)
    w, _ = bound(machine, w, catalog, UDP_V4, 81)
    for port in (80, 81, 83):
        after, queued = sem.client_connects(w, port, 1)
        assert not queued and after == w
    w, queued = sem.client_connects(w, 82, 1)
    assert queued and w.sockets[0].queue == (1,)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_a_datagram_passes_a_stream_socket_on_its_port_to_the_datagram_socket_there(
    machine: Machine, catalog: int
) -> None:
    """A TCP and a UDP socket may share a port number; the datagram is the UDP socket's."""
    w, _ = bound(machine, machine.world, catalog, TCP_V4, 53)
    w, _ = bound(machine, w, catalog, UDP_V4, 53)
    w, delivered = machine.sem.datagram_arrives(w, 53, 9)
    assert delivered
    assert w.sockets[0].queue == () and w.sockets[1].queue == (9,)


# --- an exit that really closes a socket -----------------------------------------------------


@pytest.mark.parametrize("catalog", CATALOGS)
def test_r14_an_exit_that_closes_a_socket_aborts_what_another_process_left_pending_on_it(
    machine: Machine, catalog: int
) -> None:
    """The target issues an overlapped read and closes its descriptor (the read stays on the
    socket); the source, holding the last reference, then exits: the socket closes and the
    target's read is aborted, though the target is alive and never exited."""
    sem, src, tgt = machine.sem, machine.source, machine.target
    w, s = bound(machine, machine.world, catalog, UDP_V4, 80)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
    assert isinstance(r.value, ProtocolInfo)
    w, r = sem.call(w, tgt, 0, WSPSocket(info=r.value))
    assert isinstance(r.value, int)
    d = r.value
    w, r = sem.call(w, tgt, 0, WSPRecv(d, overlapped=6))
    assert r.error is WSAError.WSA_IO_PENDING
    w, r = sem.call(w, tgt, 0, WSPCloseSocket(d))
    assert r.ok and w.sockets[0].pending
    w = sem.exit_process(w, src)
    assert w.sockets[0].status is SocketStatus.CLOSED
    assert w.sockets[0].pending == () and w.completions == ((0, 0, 6, ABORTED),)
    assert world_violations(sem, w) == []


# --- threads, catalogs and the issued ghost ------------------------------------------------------


@pytest.mark.parametrize("thread", [-1, 2, 5, True, "0", None])
def test_r10_a_thread_the_process_does_not_have_is_wsaeinval(
    machine: Machine, thread: object
) -> None:
    """The machine's processes have threads 0 and 1."""
    after, r = machine.sem.call(machine.world, machine.source, thread, WSPSocket(1001))  # type: ignore[arg-type]
    assert r.error is WSAError.WSAEINVAL and after == machine.world


def test_r10_a_socket_of_a_catalog_entry_nobody_installed_is_wsaeinval(machine: Machine) -> None:
    for catalog in (0, 999, 1004):
        after, r = machine.sem.call(machine.world, machine.source, 0, WSPSocket(catalog))
        assert r.error is WSAError.WSAEINVAL and after == machine.world


@pytest.mark.parametrize("catalog", CATALOGS)
def test_only_a_call_that_hands_out_a_descriptor_records_it_as_issued(
    machine: Machine, catalog: int
) -> None:
    """An option's value and a datagram's id are integers too, but no descriptors (R4's ghost)."""
    sem, src = machine.sem, machine.source
    w, s = bound(machine, machine.world, catalog, UDP_V4, 80)
    w, r = sem.call(w, src, 0, WSPSetSockOpt(s, SO_RCVBUF, 77))
    assert r.ok
    w, _ = sem.datagram_arrives(w, 80, 99)
    issued = w.procs[src].issued
    for call in (WSPGetSockOpt(s, SO_RCVBUF), WSPRecvFrom(s)):
        w, r = sem.call(w, src, 0, call)
        assert r.ok and isinstance(r.value, int) and r.value not in (s, 0)
        assert w.procs[src].issued == issued, call


def test_wine_hands_back_the_stored_value_of_an_info_whose_kind_the_claim_overrides() -> None:
    """Wine's WSASocket takes the handle value from the info unchecked (models.profiles), also
    when the call's explicit family differs from the info's."""
    sem = Semantics(profile=WINE)
    w = sem.initial_world()
    w, src = sem.spawn(w)
    w, tgt = sem.spawn(w)
    w, r = sem.call(w, src, 0, WSPSocket(1001))
    assert isinstance(r.value, int)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(r.value, w.procs[tgt].pid))
    info = r.value
    assert isinstance(info, ProtocolInfo)
    w, r = sem.call(w, tgt, 0, WSPSocket(info=info, address_family=AF_INET6))
    assert r == Result(WSAError.NO_ERROR, info.provider_reserved)
    assert w.procs[tgt].issued == (info.provider_reserved,)


# --- processes and the catalog ----------------------------------------------------------------


def test_a_process_spawned_without_a_thread_count_has_one_thread() -> None:
    sem = Semantics()
    w, slot = sem.spawn(sem.initial_world())
    assert w.procs[slot].threads == 1
    _, r = sem.call(w, slot, 1, WSPSocket(1001))
    assert r.error is WSAError.WSAEINVAL


def test_a_process_needs_a_thread() -> None:
    sem = Semantics()
    with pytest.raises(ModelError, match=r"^a process needs at least one thread$"):
        sem.spawn(sem.initial_world(), threads=0)


def test_a_spawn_may_reuse_a_free_pid_but_not_one_in_use(machine: Machine) -> None:
    sem, w = machine.sem, machine.world
    live = w.procs[machine.target].pid
    with pytest.raises(ModelError, match=rf"^pid {live} is in use or pinned by a process handle$"):
        sem.spawn(w, pid=live)
    gone = sem.exit_process(w, machine.target)
    again, slot = sem.spawn(gone, pid=live)
    assert again.procs[slot].pid == live and again.procs[slot].alive


def test_a_parent_slot_one_past_the_last_is_no_parent(machine: Machine) -> None:
    with pytest.raises(ModelError, match=r"^no parent process in slot 2$"):
        machine.sem.spawn(machine.world, parent=2)


def test_two_providers_with_one_catalog_id_are_refused_with_the_ids() -> None:
    with pytest.raises(ModelError, match=r"must be distinct, got \[1001, 1001\]$"):
        Semantics(providers=(IfsProvider(), NonIfsProvider("twin", 1001)))


@pytest.mark.parametrize(("catalog", "refs_before_claim"), [(1002, 2), (1003, 1)])
def test_the_catalogs_non_ifs_providers_take_their_reference_at_duplication_and_at_claim(
    machine: Machine, catalog: int, refs_before_claim: int
) -> None:
    """1002 holds a reference for the target from WSPDuplicateSocket on; 1003 takes it only when
    the target claims (M4); either way the claim leaves the socket with two references."""
    sem, src, tgt = machine.sem, machine.source, machine.target
    w, s = made(machine, machine.world, src, catalog, TCP_V4)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
    assert isinstance(r.value, ProtocolInfo)
    assert w.sockets[0].refs == refs_before_claim
    w, r = sem.call(w, tgt, 0, WSPSocket(info=r.value))
    assert r.ok and w.sockets[0].refs == 2


def test_wine_duplicating_for_a_pinned_exited_target_names_the_sockets_own_kind() -> None:
    """Wine accepts a duplication for a pid that has exited but is still held open
    (models.profiles); the info it returns still describes the socket, here a UDP one."""
    sem = Semantics(profile=WINE)
    w = sem.initial_world()
    w, src = sem.spawn(w)
    w, tgt = sem.spawn(w)
    pid = w.procs[tgt].pid
    w, pin = sem.kernel.open_process(w, src, pid)
    assert isinstance(pin, int)
    w = sem.exit_process(w, tgt)
    w, r = sem.call(w, src, 0, WSPSocket(1001, None, *UDP_V4))
    assert isinstance(r.value, int)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(r.value, pid))
    info = r.value
    assert r.ok and isinstance(info, ProtocolInfo)
    kind = (info.address_family, info.socket_type, info.protocol)
    assert kind == (AF_INET, SOCK_DGRAM, IPPROTO_UDP)


@pytest.mark.parametrize("catalog", [1002, 1003])
def test_a_non_ifs_share_not_yet_claimed_is_a_pending_claim_of_its_target(
    machine: Machine, catalog: int
) -> None:
    """What the properties read to know which live process may still claim a socket (R7)."""
    sem, src, tgt = machine.sem, machine.source, machine.target
    w, s = made(machine, machine.world, src, catalog, TCP_V4)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
    assert isinstance(r.value, ProtocolInfo)
    provider = sem.provider(catalog)
    assert provider is not None
    claims = list(provider.pending_claims(sem.provider_state(w, provider)))
    assert [(c.sock, c.target_pid, c.holds_ref) for c in claims] == [
        (0, w.procs[tgt].pid, catalog == 1002)
    ]
    w, r = sem.call(w, tgt, 0, WSPSocket(info=r.value))
    assert r.ok and list(provider.pending_claims(sem.provider_state(w, provider))) == []


def test_wine_hands_back_the_value_of_an_info_claimed_before_and_changes_nothing() -> None:
    """A replayed IFS info under Wine: the handle is a descriptor already, not a pending
    duplicate, so it is not claimed again; Wine's WSASocket returns the stored value unchecked."""
    sem = Semantics(profile=WINE)
    w = sem.initial_world()
    w, src = sem.spawn(w)
    w, tgt = sem.spawn(w)
    w, r = sem.call(w, src, 0, WSPSocket(1001))
    assert isinstance(r.value, int)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(r.value, w.procs[tgt].pid))
    info = r.value
    assert isinstance(info, ProtocolInfo)
    w, r = sem.call(w, tgt, 0, WSPSocket(info=info))
    assert r.ok
    after, again = sem.call(w, tgt, 0, WSPSocket(info=info))
    assert again == Result(WSAError.NO_ERROR, info.provider_reserved) and after == w


def test_a_providers_repr_names_its_class_name_and_catalog_entry() -> None:
    assert repr(NonIfsProvider("non-ifs-claim", 1003)) == "NonIfsProvider('non-ifs-claim', 1003)"
    assert repr(IfsProvider()) == "IfsProvider('ifs', 1001)"
