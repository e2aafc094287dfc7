"""Clean-up: every socket that closes releases everything that referred to it.

After any history of calls, exits, shortages and network events, a closed socket has no
reference left, no handle-table entry of any process names it, no share record holds a
reference on it, and nothing is pending on it; and every socket still open is named by some
handle or some reference-holding record (nothing open is unreachable)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from wspshare.models.calls import WSPCloseSocket, WSPDuplicateSocket, WSPSend, WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.semantics import Semantics
from wspshare.models.state import HandleKind, ProtocolInfo, SocketStatus, World
from wspshare.properties.invariants import world_violations
from wspshare.properties.stateful.driver import Driver
from wspshare.properties.stateful.ops import Op, ops

from tests.conftest import Machine


def dangling(sem: Semantics, w: World) -> list[str]:
    found = []
    named = {h.obj for p in w.procs for h in p.handles if h.kind is not HandleKind.PROCESS}
    held = {
        claim.sock
        for provider, state in zip(sem.providers, w.providers, strict=True)
        for claim in provider.pending_claims(state)
        if claim.holds_ref
    }
    for index, sock in enumerate(w.sockets):
        if sock.status is SocketStatus.CLOSED:
            if sock.refs != 0:
                found.append(f"closed socket {index} has {sock.refs} references")
            if index in named:
                found.append(f"closed socket {index} is still in a handle table")
            if index in held:
                found.append(f"closed socket {index} is held by a share record")
            if sock.pending:
                found.append(f"closed socket {index} has pending operations {sock.pending}")
        elif sock.refs > 0 and index not in named | held:
            found.append(f"open socket {index} is held by nothing anyone can name")
    return found


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(st.lists(ops, min_size=60, max_size=60))
def test_every_closed_socket_is_released_by_everything_that_referred_to_it(
    history: list[Op],
) -> None:
    sem = Semantics()
    driver = Driver.start(sem)
    for op in history:
        driver.apply(op)
        found = dangling(sem, driver.world)
        assert not found, f"after {op}: {found}"


@pytest.mark.parametrize(("catalog", "survives"), [(1001, True), (1002, True), (1003, False)])
def test_a_claim_after_the_source_closed_works_only_where_the_share_holds_a_reference(
    machine: Machine, catalog: int, survives: bool
) -> None:
    sem, src, tgt = machine.sem, machine.source, machine.target
    w, r = sem.call(machine.world, src, 0, WSPSocket(catalog))
    s = r.value
    assert isinstance(s, int)
    w, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
    info = r.value
    assert isinstance(info, ProtocolInfo)
    w, r = sem.call(w, src, 0, WSPCloseSocket(s))
    assert r.ok
    assert (w.sockets[0].status is not SocketStatus.CLOSED) is survives
    w, r = sem.call(w, tgt, 0, WSPSocket(info=info))
    assert r.ok is survives
    if not survives:  # the premature close (M4 at claim): the useless record is forgotten
        assert r.error is WSAError.WSAEINVAL
        assert list(sem.provider_named("non-ifs-claim").pending_claims(w.providers[2])) == []
    assert dangling(sem, w) == [] and world_violations(sem, w) == []
    # A closed socket is closed for every later call through any descriptor.
    if survives:
        d = r.value
        assert isinstance(d, int)
        w, r = sem.call(w, tgt, 0, WSPCloseSocket(d))
        assert r.ok and w.sockets[0].status is SocketStatus.CLOSED and w.sockets[0].refs == 0
        _, r = sem.call(w, tgt, 0, WSPSend(d))
        assert r.error is WSAError.WSAENOTSOCK


@pytest.mark.parametrize("catalog", [1001, 1002, 1003])
def test_an_exited_target_releases_every_unclaimed_duplicate_made_for_it(
    machine: Machine, catalog: int
) -> None:
    sem, src, tgt = machine.sem, machine.source, machine.target
    w, r = sem.call(machine.world, src, 0, WSPSocket(catalog))
    s = r.value
    assert isinstance(s, int)
    for _ in range(2):
        w, r = sem.call(w, src, 0, WSPDuplicateSocket(s, w.procs[tgt].pid))
        assert r.ok
    w = sem.exit_process(w, tgt)
    assert w.sockets[0].refs == 1  # only the source's own descriptor
    for provider, state in zip(sem.providers, w.providers, strict=True):
        assert list(provider.pending_claims(state)) == []
    w, r = sem.call(w, src, 0, WSPCloseSocket(s))
    assert r.ok and w.sockets[0].status is SocketStatus.CLOSED
    assert dangling(sem, w) == []
