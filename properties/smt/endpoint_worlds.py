"""Worlds where the endpoint calls succeed, for the cross-check (``properties.smt.crosscheck``).

Random histories seldom build a listening socket with a connection waiting, or a bound datagram
socket with a datagram queued, before they run out of bounds; so the cross-check also starts
from these few scripted worlds (the prefork listener, the shared datagram socket, an accepted
connection whose peer may close) and tries every endpoint call from each of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from wspshare.models.calls import (
    FD_ACCEPT,
    FD_CLOSE,
    FD_READ,
    WSPAccept,
    WSPBind,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPListen,
    WSPSocket,
)
from wspshare.models.semantics import Semantics
from wspshare.models.state import AF_INET, SOCK_DGRAM, World
from wspshare.properties.stateful.ops import CallOp, DescPick, InfoPick, NetOp, Op, PeerOp, PidPick

LISTEN_PORT, DATAGRAM_PORT = 80, 81
EVENTS = FD_READ | FD_ACCEPT | FD_CLOSE


def _value(result: object) -> int:
    value = getattr(result, "value", None)
    assert isinstance(value, int), result
    return value


def shared(sem: Semantics, catalog: int, datagram: bool) -> World:
    """Process 0 makes the socket, binds it, listens (stream), shares it with process 1, which
    claims it and registers for every network event; one connection or datagram waits."""
    w = sem.initial_world()
    for _ in range(2):
        w, _ = sem.spawn(w, 1)
    kind = (AF_INET, SOCK_DGRAM, 0) if datagram else (-1, -1, -1)
    w, r = sem.call(w, 0, 0, WSPSocket(catalog, None, *kind))
    s = _value(r)
    w, _ = sem.call(w, 0, 0, WSPBind(s, DATAGRAM_PORT if datagram else LISTEN_PORT))
    if not datagram:
        w, _ = sem.call(w, 0, 0, WSPListen(s, 2))
    w, info = sem.call(w, 0, 0, WSPDuplicateSocket(s, w.procs[1].pid))
    assert info.value is not None and not isinstance(info.value, int)
    w, claimed = sem.call(w, 1, 0, WSPSocket(info=info.value))
    w, _ = sem.call(w, 1, 0, WSPEventSelect(_value(claimed), EVENTS))
    if datagram:
        w, _ = sem.datagram_arrives(w, DATAGRAM_PORT, 5)
    else:
        w, _ = sem.client_connects(w, LISTEN_PORT, 7)
    return w


def accepted(sem: Semantics, catalog: int) -> World:
    """The listener's first connection accepted by process 1 and registered there for every
    event; a second connection waits."""
    w = shared(sem, catalog, datagram=False)
    w, _ = sem.client_connects(w, LISTEN_PORT, 8)
    listener = w.procs[1].handles[-1].value
    w, r = sem.call(w, 1, 0, WSPAccept(listener))
    w, _ = sem.call(w, 1, 0, WSPEventSelect(_value(r), EVENTS))
    return w


def worlds(sem: Semantics, catalog: int) -> Iterator[tuple[str, World]]:
    yield "listener", shared(sem, catalog, datagram=False)
    yield "datagram", shared(sem, catalog, datagram=True)
    yield "accepted", accepted(sem, catalog)
    closed, _ = sem.peer_closes(accepted(sem, catalog), 1)
    yield "peer closed", closed


# (call, values of its integer argument): ports, backlogs and shutdown's ``how``, good and bad.
CALL_ARGS = (
    ("WSPAccept", (0,)),
    ("WSPRecvFrom", (0,)),
    ("WSPRecv", (0,)),
    ("WSPSendTo", (0, LISTEN_PORT, -1)),
    ("WSPSend", (0,)),
    ("WSPBind", (0, LISTEN_PORT, 1 << 17)),
    ("WSPListen", (1, 5)),
    ("WSPShutdown", (0, 1, 2, 3)),
    ("WSPConnect", (0,)),
    ("WSPEventSelect", (FD_CLOSE, 0)),
    ("WSPCloseSocket", (0,)),
)


def ops(w: World, slots: tuple[int, ...] = (0, 1), every_value: bool = True) -> Iterator[Op]:
    """Every endpoint call on every descriptor of ``slots`` (with every argument value listed,
    or only the first), and every network event."""
    pick_info, pick_pid = InfoPick("made", 0, 0, 0, AF_INET, 1), PidPick(0, 0)
    for slot in slots:
        for h in w.procs[slot].handles:
            desc = DescPick("raw", 0, h.value)
            for name, values in CALL_ARGS:
                for v in values if every_value else values[:1]:
                    yield CallOp(slot, 0, name, desc, pick_info, pick_pid, 0, 0, v)
    for port in (LISTEN_PORT, DATAGRAM_PORT):
        yield NetOp(False, port, 9)
        yield NetOp(True, port, 9)
    for k in range(len(w.sockets)):
        yield PeerOp(k)
