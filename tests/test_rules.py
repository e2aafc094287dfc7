"""One test per documentation rule R1-R11 of SPEC.md, each able to fail if the rule is broken."""

from __future__ import annotations

import pytest
from wspshare.models.calls import (
    FD_CLOSE,
    FD_READ,
    FD_WRITE,
    SO_RCVBUF,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPRecv,
    WSPSend,
    WSPSetSockOpt,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.schedule import seed_order_run
from wspshare.models.state import HandleKind, ProtocolInfo, SocketStatus, World
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine

PROVIDERS = {"ifs": 1001, "non-ifs": 1002, "non-ifs-claim": 1003}


def ok_value(result: object) -> int:
    value = getattr(result, "value", None)
    assert getattr(result, "ok", False), result
    assert isinstance(value, int)
    return value


def connected(m: Machine, catalog: int) -> tuple[World, int]:
    w, r = m.sem.call(m.world, m.source, 0, WSPSocket(catalog))
    s = ok_value(r)
    w, r = m.sem.call(w, m.source, 0, WSPConnect(s))
    assert r.ok
    return w, s


def shared(m: Machine, catalog: int) -> tuple[World, int, int, ProtocolInfo]:
    """Steps 1-8 done by hand: the source's descriptor ``s`` and the target's ``d``."""
    w, s = connected(m, catalog)
    pid = w.procs[m.target].pid
    w, r = m.sem.call(w, m.source, 0, WSPDuplicateSocket(s, pid))
    assert r.ok and isinstance(r.value, ProtocolInfo)
    info = r.value
    w, r = m.sem.call(w, m.target, 0, WSPSocket(info=info))
    return w, s, ok_value(r), info


def sock_of(w: World, slot: int, value: int) -> int:
    handle = find_handle(w.procs[slot], value)
    assert handle is not None
    return handle.obj


@pytest.mark.parametrize("provider", PROVIDERS)
def test_r1_handoff_gives_the_target_a_descriptor_to_the_same_socket(provider: str) -> None:
    model = HandoffModel(ScenarioConfig(provider=provider))
    events = seed_order_run(model)
    claims = [e for e in events if e.effect.seed_step == 8]
    assert claims and claims[0].effect.result.startswith("OK")
    state_after_claim = claims[0].state
    src = state_after_claim.regs[0]
    tgt = state_after_claim.regs[1]
    assert src.sock_id == tgt.sock_id == 0
    assert state_after_claim.world.sockets[0].refs == 2  # the socket is now shared
    assert model.is_final(events[-1].state)
    assert all(k.status is SocketStatus.CLOSED for k in events[-1].state.world.sockets)


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r2_a_protocol_info_is_used_only_once(machine: Machine, catalog: int) -> None:
    w, _, _, info = shared(machine, catalog)
    w, again = machine.sem.call(w, machine.target, 1, WSPSocket(info=info))
    assert again.error is WSAError.WSAEINVAL
    assert w.sockets[0].refs == 2


def test_r3_ifs_info_carries_the_duplicated_handle(machine: Machine) -> None:
    w, s = connected(machine, 1001)
    w, r = machine.sem.call(w, machine.source, 0, WSPDuplicateSocket(s, w.procs[1].pid))
    assert isinstance(r.value, ProtocolInfo)
    pending = find_handle(w.procs[machine.target], r.value.provider_reserved)
    assert pending is not None and pending.kind is HandleKind.PENDING and pending.obj == 0
    assert w.sockets[0].refs == 2  # M3: the duplicated handle holds its reference at once


@pytest.mark.parametrize(("catalog", "refs_before_claim"), [(1002, 2), (1003, 1)])
def test_r3_non_ifs_info_carries_a_share_token(
    machine: Machine, catalog: int, refs_before_claim: int
) -> None:
    w, s = connected(machine, catalog)
    w, r = machine.sem.call(w, machine.source, 0, WSPDuplicateSocket(s, w.procs[1].pid))
    assert isinstance(r.value, ProtocolInfo) and r.value.provider_reserved == 1
    assert not r.value.service_flags1  # not an IFS provider
    assert w.procs[machine.target].handles == ()  # nothing in the target until it claims
    assert w.sockets[0].refs == refs_before_claim  # M4: reference at duplication, or not


def test_r4_ifs_descriptors_pass_through_wpu_modify_ifs_handle(machine: Machine) -> None:
    w, s, d, _ = shared(machine, 1001)
    for slot, value in ((machine.source, s), (machine.target, d)):
        handle = find_handle(w.procs[slot], value)
        assert handle is not None and handle.kind is HandleKind.IFS


@pytest.mark.parametrize("catalog", [1002, 1003])
def test_r4_non_ifs_descriptors_come_from_wpu_create_socket_handle(
    machine: Machine, catalog: int
) -> None:
    w, s, d, _ = shared(machine, catalog)
    for slot, value in ((machine.source, s), (machine.target, d)):
        handle = find_handle(w.procs[slot], value)
        assert handle is not None and handle.kind is HandleKind.WPU
        context = machine.sem.switch.query_socket_handle_context(w, slot, value)
        assert context.value == 0  # the context names the common socket
    w, r = machine.sem.call(w, machine.target, 0, WSPCloseSocket(d))
    assert r.ok and find_handle(w.procs[machine.target], d) is None  # WPUCloseSocketHandle


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r5_a_descriptor_is_valid_in_every_thread_of_its_process_only(
    machine: Machine, catalog: int
) -> None:
    w, s = connected(machine, catalog)
    w, r = machine.sem.call(w, machine.source, 1, WSPSend(s))  # made by thread 0, used by 1
    assert r.ok and w.sockets[0].sent == 1
    w, r = machine.sem.call(w, machine.target, 0, WSPSend(s))  # same value, other process
    assert r.error is WSAError.WSAENOTSOCK
    assert w.sockets[0].sent == 1


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r6_an_option_set_through_one_descriptor_is_read_through_the_other(
    machine: Machine, catalog: int
) -> None:
    w, s, d, _ = shared(machine, catalog)
    w, r = machine.sem.call(w, machine.source, 0, WSPSetSockOpt(s, SO_RCVBUF, 4096))
    assert r.ok
    w, r = machine.sem.call(w, machine.target, 1, WSPGetSockOpt(d, SO_RCVBUF))
    assert r.ok and r.value == 4096


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r7_closing_one_descriptor_leaves_the_socket_open(machine: Machine, catalog: int) -> None:
    w, s, d, _ = shared(machine, catalog)
    w, r = machine.sem.call(w, machine.source, 0, WSPCloseSocket(s))
    assert r.ok
    assert w.sockets[0].status is SocketStatus.CONNECTED  # the peer still sees it open
    w, r = machine.sem.call(w, machine.target, 0, WSPSend(d))
    assert r.ok and w.sockets[0].sent == 1
    w, r = machine.sem.call(w, machine.target, 0, WSPCloseSocket(d))
    assert w.sockets[0].status is SocketStatus.CLOSED  # the last close ends the connection
    assert w.sockets[0].refs == 0


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r8_event_registration_through_any_descriptor_cancels_the_earlier_one(
    machine: Machine, catalog: int
) -> None:
    w, s, d, _ = shared(machine, catalog)
    w, _ = machine.sem.call(w, machine.source, 0, WSPEventSelect(s, FD_READ | FD_CLOSE))
    w, r = machine.sem.call(w, machine.target, 0, WSPEventSelect(d, FD_WRITE))
    assert r.ok
    target_pid = w.procs[machine.target].pid
    assert w.sockets[0].events == ((target_pid, d, FD_WRITE),)


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r9_descriptors_of_a_shared_socket_are_used_independently(
    machine: Machine, catalog: int
) -> None:
    w, s, d, _ = shared(machine, catalog)
    w, a = machine.sem.call(w, machine.source, 0, WSPSend(s))
    w, b = machine.sem.call(w, machine.target, 0, WSPSend(d))
    w, first = machine.sem.call(w, machine.target, 0, WSPRecv(d))
    w, second = machine.sem.call(w, machine.source, 0, WSPRecv(s))
    assert a.ok and b.ok and w.sockets[0].sent == 2
    # One greeting from the peer: whoever reads first gets it; nothing arbitrates (R9).
    assert first.ok and second.error is WSAError.WSAEWOULDBLOCK


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r10_misuse_returns_the_documented_error_codes(machine: Machine, catalog: int) -> None:
    sem, src = machine.sem, machine.source
    w, s = connected(machine, catalog)
    assert sem.call(w, src, 0, WSPDuplicateSocket(40, 104))[1].error is WSAError.WSAENOTSOCK
    assert sem.call(w, src, 0, WSPDuplicateSocket(s, 999))[1].error is WSAError.WSAEINVAL
    # R12 names the code for an unknown type (the seed answered WSAEINVAL for every bad triple).
    unknown_type = sem.call(w, src, 0, WSPSocket(catalog, socket_type=99))[1]
    assert unknown_type.error is WSAError.WSAESOCKTNOSUPPORT
    full = w
    for _ in range(sem.kernel.max_handles - 1):
        full, r = sem.call(full, src, 0, WSPSocket(catalog))
        assert r.ok
    assert sem.call(full, src, 0, WSPSocket(catalog))[1].error is WSAError.WSAEMFILE
    starved = sem.inject_failure(w, src, WSAError.WSAENOBUFS)
    after, r = sem.call(starved, src, 0, WSPDuplicateSocket(s, 104))
    assert r.error is WSAError.WSAENOBUFS and after.sockets == w.sockets
    dead = sem.exit_process(w, src)
    assert sem.call(dead, src, 0, WSPSend(s))[1].error is WSAError.WSANOTINITIALISED
    assert world_violations(sem, full) == [] and world_violations(sem, dead) == []


@pytest.mark.parametrize("catalog", PROVIDERS.values())
def test_r11_process_exit_drops_every_reference_it_held(machine: Machine, catalog: int) -> None:
    w, _, _, _ = shared(machine, catalog)
    assert w.sockets[0].refs == 2
    w = machine.sem.exit_process(w, machine.target)
    assert w.sockets[0].refs == 1 and w.procs[machine.target].handles == ()
    assert w.sockets[0].status is SocketStatus.CONNECTED
    w = machine.sem.exit_process(w, machine.source)
    assert w.sockets[0].status is SocketStatus.CLOSED
    assert world_violations(machine.sem, w) == []


def test_r11_an_unclaimed_ifs_duplicate_is_held_until_the_target_exits(machine: Machine) -> None:
    """M3's consequence: the info never arrives, the reference stays until rundown."""
    w, s = connected(machine, 1001)
    w, _ = machine.sem.call(w, machine.source, 0, WSPDuplicateSocket(s, w.procs[1].pid))
    w, _ = machine.sem.call(w, machine.source, 0, WSPCloseSocket(s))
    assert w.sockets[0].refs == 1 and w.sockets[0].status is SocketStatus.CONNECTED
    w = machine.sem.exit_process(w, machine.target)
    assert w.sockets[0].status is SocketStatus.CLOSED


@pytest.mark.parametrize(
    "bad_call",
    [
        WSPSend("4"),  # type: ignore[arg-type]
        WSPEventSelect(4, None),  # type: ignore[arg-type]
        WSPSocket(info="forged"),  # type: ignore[arg-type]
        WSPSocket(info=ProtocolInfo(0, 1001, ("x",), 2, 1, 6, 4)),  # type: ignore[arg-type]
        WSPSocket(True),
        "WSPSend(4)",
        None,
    ],
)
def test_r10_ill_typed_arguments_are_answered_with_wsaeinval(
    machine: Machine, bad_call: object
) -> None:
    w, _ = connected(machine, 1001)
    after, r = machine.sem.call(w, machine.source, 0, bad_call)  # type: ignore[arg-type]
    assert r.error is WSAError.WSAEINVAL and after == w


def test_model_api_misuse_is_a_model_error_that_names_the_fix(machine: Machine) -> None:
    from wspshare.models.errors import ModelError

    with pytest.raises(ModelError, match="no process in slot 9"):
        machine.sem.inject_failure(machine.world, 9, WSAError.WSAENOBUFS)
    with pytest.raises(ModelError, match="no provider named"):
        machine.sem.provider_named("tcpip")
    dead = machine.sem.exit_process(machine.world, machine.source)
    _, value = machine.sem.kernel.open_process(dead, machine.source, 104)
    assert value is WSAError.WSAEINVAL  # a dead process opens nothing
