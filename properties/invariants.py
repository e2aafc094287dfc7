"""What must hold of the machine's state (SPEC "What must hold"), as diagnoses.

Each function looks at a ``World`` (or a scenario state) and returns ``None`` when the rule holds,
or one sentence saying what is wrong where.  The named ``Property`` values in
``properties.catalog`` wrap them; the Hypothesis machines and the simulator call them directly
so their reports can quote the sentence.
"""

from __future__ import annotations

from collections import Counter

from wspshare.models.providers import Provider
from wspshare.models.providers.layered import base_of
from wspshare.models.semantics import Semantics
from wspshare.models.state import XP1_IFS_HANDLES, HandleKind, SocketStatus, World

Diagnosis = str | None


def reference_holders(sem: Semantics, w: World) -> Counter[int]:
    """Every reference that really exists, by socket: socket handles in any table, plus the
    pending claims a provider's own state says hold one."""
    held: Counter[int] = Counter()
    for proc in w.procs:
        for h in proc.handles:
            if h.kind is not HandleKind.PROCESS:
                held[h.obj] += 1
    for provider, state in zip(sem.providers, w.providers, strict=True):
        for claim in provider.pending_claims(state):
            if claim.holds_ref:
                held[claim.sock] += 1
    return held


def reference_count(sem: Semantics, w: World) -> Diagnosis:
    """R7, R11: a socket's count equals the number of references that exist."""
    held = reference_holders(sem, w)
    for i, sock in enumerate(w.sockets):
        if sock.refs != held[i]:
            return f"socket {i} counts {sock.refs} references but {held[i]} exist"
    return None


def open_iff_referenced(sem: Semantics, w: World) -> Diagnosis:
    """No premature close, no zombie: a socket is open exactly while its count is positive."""
    for i, sock in enumerate(w.sockets):
        closed = sock.status is SocketStatus.CLOSED
        if sock.refs > 0 and closed:
            return f"socket {i} is closed with {sock.refs} references (premature close)"
        if sock.refs <= 0 and not closed:
            return f"socket {i} is open with no reference (a zombie)"
    return None


def descriptor_validity(sem: Semantics, w: World) -> Diagnosis:
    """Every handle in a table names a live socket of its provider; dead processes hold none;
    every descriptor a client was handed and has not closed is still in its table."""
    for slot, proc in enumerate(w.procs):
        values = {h.value for h in proc.handles}
        for value in proc.issued:
            if value not in values:
                return f"P{slot} holds descriptor {value}, which is not in its handle table"
        for h in proc.handles:
            if not proc.alive:
                return f"P{slot} exited but still holds handle {h.value} (no rundown, R11)"
            if h.kind is HandleKind.PROCESS:
                continue
            if not 0 <= h.obj < len(w.sockets):
                return f"P{slot} handle {h.value} names no socket"
            sock = w.sockets[h.obj]
            if sock.status is SocketStatus.CLOSED:
                return f"P{slot} handle {h.value} names closed socket {h.obj}"
            if sock.catalog != h.catalog and base_of(sem.provider(h.catalog)) != sock.catalog:
                return (
                    f"P{slot} handle {h.value} dispatches to {h.catalog}, socket is {sock.catalog}"
                )
    return None


def provider_discipline(sem: Semantics, w: World) -> Diagnosis:
    """R4: what a client was handed went through WPUModifyIFSHandle (IFS) or came from
    WPUCreateSocketHandle (non-IFS), so the switch dispatches it to its provider."""
    for slot, proc in enumerate(w.procs):
        kinds = {h.value: h for h in proc.handles}
        for value in proc.issued:
            h = kinds.get(value)
            if h is None:
                return f"P{slot} was handed descriptor {value}, which is not in its table"
            provider = sem.provider(h.catalog)
            want = HandleKind.IFS if _is_ifs(provider) else HandleKind.WPU
            if h.kind is not want:
                return f"P{slot} was handed {value} as a {h.kind.name} handle, not {want.name}"
    return None


def _is_ifs(provider: Provider | None) -> bool:
    return provider is not None and bool(provider.service_flags1 & XP1_IFS_HANDLES)


def common_state(sem: Semantics, w: World) -> Diagnosis:
    """R6: the last option set through any descriptor is what every descriptor reads."""
    for slot, proc in enumerate(w.procs):
        if not proc.alive:
            continue
        for h in proc.handles:
            if not h.is_descriptor or not 0 <= h.obj < len(w.sockets):
                continue
            option, value = w.sockets[h.obj].last_set
            provider = sem.provider(h.catalog)
            if option == 0 or provider is None:
                continue
            _, result = provider.getsockopt(sem, w, slot, h, option)
            if result.ok and result.value != value:
                return (
                    f"P{slot} reads option {option:#x} = {result.value} through {h.value}, "
                    f"but {value} was set on socket {h.obj}"
                )
    return None


def single_registration(sem: Semantics, w: World) -> Diagnosis:
    """R8: one event registration per socket, whichever descriptor made it."""
    for i, sock in enumerate(w.sockets):
        if len(sock.events) > 1:
            return f"socket {i} has {len(sock.events)} event registrations"
    return None


def nothing_pending_on_a_closed_socket(sem: Semantics, w: World) -> Diagnosis:
    """R14: an overlapped operation is pending only on an open socket (the last close, or the
    issuing process's exit, completes it with WSA_OPERATION_ABORTED).  Kept out of
    ``WORLD_INVARIANTS``: the scenarios issue no overlapped I/O; the call-level checks add it."""
    for i, sock in enumerate(w.sockets):
        if sock.pending and sock.status is SocketStatus.CLOSED:
            return f"socket {i} is closed with {len(sock.pending)} operations still pending"
        live = {p.pid for p in w.procs if p.alive}
        for _, tag, pid, _ in sock.pending:
            if pid not in live:
                return f"socket {i} keeps operation {tag} of pid {pid}, which has exited"
    return None


def each_taken_once(sem: Semantics, w: World) -> Diagnosis:
    """R15: each pending connection or datagram is taken off its queue at most once, and no two
    sockets were accepted for one connection.  Like the check above, kept out of
    ``WORLD_INVARIANTS`` (the seed's configurations have no queues): the serving patterns
    check it as ``accepted-once``/``read-once``, the call-level checks add it."""
    for i, sock in enumerate(w.sockets):
        if len(set(sock.taken)) < len(sock.taken):
            twice = next(x for x in sock.taken if sock.taken.count(x) > 1)
            return f"socket {i} handed out {twice} {sock.taken.count(twice)} times"
    origins = [sock.origin for sock in w.sockets if sock.origin >= 0]
    if len(set(origins)) < len(origins):
        doubled = next(x for x in origins if origins.count(x) > 1)
        return f"connection {doubled} was accepted into {origins.count(doubled)} sockets"
    return None


WORLD_INVARIANTS = {
    "reference-count": reference_count,
    "open-iff-referenced": open_iff_referenced,
    "descriptor-validity": descriptor_validity,
    "provider-discipline": provider_discipline,
    "common-state": common_state,
    "single-registration": single_registration,
}


def world_violations(sem: Semantics, w: World) -> list[tuple[str, str]]:
    """Every world invariant that fails, with its diagnosis."""
    out = []
    for name, check in WORLD_INVARIANTS.items():
        found = check(sem, w)
        if found is not None:
            out.append((name, found))
    return out
