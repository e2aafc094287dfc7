"""Handle inheritance (CreateProcess with bInheritHandles): copies of inheritable handles only,
and never the descriptor a target claimed from a protocol info."""

from __future__ import annotations

import pytest
from wspshare.models.api import WSA_FLAG_NO_HANDLE_INHERIT, Ws2
from wspshare.models.calls import WSPCloseSocket, WSPConnect, WSPDuplicateSocket, WSPSend, WSPSocket
from wspshare.models.errors import ModelError, WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.state import ProtocolInfo, SocketStatus, World
from wspshare.properties.invariants import world_violations

from tests.conftest import Machine


def inheritable_socket(m: Machine) -> tuple[World, int]:
    w, r = m.sem.call(m.world, m.source, 0, WSPSocket(1001))
    assert isinstance(r.value, int)
    w, _ = m.sem.call(w, m.source, 0, WSPConnect(r.value))
    w, flag = m.sem.set_inheritable(w, m.source, r.value)
    assert flag.ok
    return w, r.value


def test_a_process_created_with_inheritance_gets_copies_of_inheritable_handles(
    machine: Machine,
) -> None:
    sem = machine.sem
    w, s = inheritable_socket(machine)
    w, _ = sem.call(w, machine.source, 0, WSPSocket(1001))  # a second one, not inheritable
    w, child = sem.spawn(w, 1, parent=machine.source)
    copies = [h for h in w.procs[child].handles]
    assert [(h.value, h.obj) for h in copies] == [(s, 0)]
    assert w.sockets[0].refs == 2  # the copy holds its own reference (R7)
    w, _ = sem.call(w, machine.source, 0, WSPCloseSocket(s))
    assert w.sockets[0].status is SocketStatus.CONNECTED
    assert sem.call(w, child, 0, WSPSend(s))[1].ok  # the same value works in the child
    assert world_violations(sem, w) == []


def test_a_process_created_without_inheritance_gets_nothing(machine: Machine) -> None:
    w, _ = inheritable_socket(machine)
    w, child = machine.sem.spawn(w, 1)
    assert w.procs[child].handles == () and w.sockets[0].refs == 1


@pytest.mark.parametrize("catalog", [1001, 1002, 1003])
def test_the_descriptor_a_target_gets_from_a_protocol_info_is_not_inheritable(
    machine: Machine, catalog: int
) -> None:
    sem = machine.sem
    api, w = Ws2(sem), machine.world
    w, _ = api.startup(w, machine.source, 0x0202)
    w, r = api.socket(w, machine.source, 0, catalog=catalog)  # inheritable by default
    assert isinstance(r.value, int)
    s = r.value
    handle = find_handle(w.procs[machine.source], s)
    assert handle is not None and handle.inheritable
    w, dup = sem.call(w, machine.source, 0, WSPDuplicateSocket(s, w.procs[machine.target].pid))
    assert isinstance(dup.value, ProtocolInfo)
    w, claim = sem.call(w, machine.target, 0, WSPSocket(info=dup.value))
    assert isinstance(claim.value, int)
    claimed = find_handle(w.procs[machine.target], claim.value)
    assert claimed is not None and not claimed.inheritable
    w, grandchild = sem.spawn(w, 1, parent=machine.target)
    assert not any(h.obj == 0 for h in w.procs[grandchild].handles)


def test_wsa_flag_no_handle_inherit_makes_a_socket_that_is_not_inherited(
    machine: Machine,
) -> None:
    api, w = Ws2(machine.sem), machine.world
    w, _ = api.startup(w, machine.source, 0x0202)
    w, r = api.socket(w, machine.source, 0, flags=WSA_FLAG_NO_HANDLE_INHERIT)
    assert isinstance(r.value, int)
    w, child = machine.sem.spawn(w, 1, parent=machine.source)
    assert w.procs[child].handles == ()


def test_inheritance_misuse_is_answered_not_raised(machine: Machine) -> None:
    sem = machine.sem
    assert sem.set_inheritable(machine.world, machine.source, 40)[1].error is WSAError.WSAENOTSOCK
    with pytest.raises(ModelError, match="no parent process"):
        sem.spawn(machine.world, 1, parent=9)
