"""What must hold of the patterns beyond the seed: a shared listening socket, a shared datagram
socket (R15, and R7 for the socket every worker holds).

* **taken once**: every pending connection, and every datagram, is taken off the shared queue
  at most once, and no two sockets were accepted for the same connection.  In the listener
  configuration it is called ``accepted-once``, in the datagram one ``read-once``.
* **queue kept**: while the shared socket is open, every connection or datagram that reached it
  is still waiting or has been taken: nothing is dropped while some descriptor holds the socket.
* **listener held open**: once listening, the socket stays listening while any process holds a
  handle to it (a worker's crash or close must not take it from the others).

With the liveness of ``properties.handoff`` (every worker claimed, every client accepted or
datagram read, everything released) these give "each connection accepted exactly once".  The
checks are diagnoses like those of ``properties.invariants``: ``None`` when the rule holds.
"""

from __future__ import annotations

from collections.abc import Callable

from wspshare.models.scenario import HandoffModel, HandoffState, SourceRegs
from wspshare.models.state import HandleKind, Sock, SocketStatus
from wspshare.properties.invariants import each_taken_once

Diagnosis = str | None
PatternCheck = Callable[[HandoffModel, HandoffState], Diagnosis]


def shared_socket(model: HandoffModel, s: HandoffState) -> tuple[int, Sock] | None:
    """The socket the source made and shares (None before WSPSocket succeeded)."""
    src = s.regs[model.source_slot]
    assert isinstance(src, SourceRegs)
    if not 0 <= src.sock_id < len(s.world.sockets):
        return None
    return src.sock_id, s.world.sockets[src.sock_id]


def taken_once(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """R15: each connection or datagram is taken off the shared queue at most once."""
    return each_taken_once(model.semantics, s.world)


def queue_kept(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """R15, R7: while the shared socket is open, nothing that reached it has vanished."""
    found = shared_socket(model, s)
    if found is None or found[1].status is SocketStatus.CLOSED:
        return None
    index, sock = found
    there = {*sock.queue, *sock.taken}
    for ident in range(1, s.net + 1):
        if ident not in there:
            return f"client {ident} reached socket {index}, which is open, and is gone"
    return None


def listener_held_open(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """R7: a socket that listens keeps listening while any process holds a handle to it."""
    found = shared_socket(model, s)
    if found is None or found[1].backlog == 0:  # it never listened
        return None
    index, sock = found
    for slot, proc in enumerate(s.world.procs):
        for h in proc.handles:
            held = h.kind is not HandleKind.PROCESS and h.obj == index
            if held and sock.status is not SocketStatus.LISTENING:
                return (
                    f"P{slot} holds handle {h.value} to socket {index}, which is {sock.status.name}"
                )
    return None


def served_everyone(model: HandoffModel, s: HandoffState) -> bool:
    """Liveness of a serving pattern: every client came, and each was accepted or read."""
    found = shared_socket(model, s)
    taken = set(found[1].taken) if found is not None else set()
    clients = model.config.clients
    return s.net == clients and all(i in taken for i in range(1, clients + 1))


# name -> (rule, check, the serving patterns it applies to)
PATTERN_INVARIANTS: dict[str, tuple[str, PatternCheck, tuple[str, ...]]] = {
    "accepted-once": ("R15", taken_once, ("accept",)),
    "read-once": ("R15", taken_once, ("read",)),
    "queue-kept": ("R15, R7", queue_kept, ("accept", "read")),
    "listener-held-open": ("R7, R15", listener_held_open, ("accept",)),
}


def pattern_invariants(model: HandoffModel) -> dict[str, tuple[str, PatternCheck]]:
    """The invariants of this model's pattern (none for the seed's handoff)."""
    serves = model.pattern.serves
    return {
        name: (rule, check)
        for name, (rule, check, applies) in PATTERN_INVARIANTS.items()
        if serves in applies
    }
