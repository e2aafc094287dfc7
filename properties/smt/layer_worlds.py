"""Worlds and steps for the cross-check of the layered twin (``properties.smt.layer_concrete``).

A scripted handoff through the chain (create through the top, duplicate for process 1, claim
there, close in the source) gives worlds where every layered call can succeed; from each, every
step of a small menu is tried.  Random histories of mostly well-aimed steps add the error paths
and the orders a script does not take (a claim replayed or misdelivered, a close before the
claim, an exit with contexts held, a shortage in the middle of a chain).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from wspshare.models.calls import (
    FD_READ,
    SO_RCVBUF,
    Call,
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
from wspshare.models.semantics import Semantics
from wspshare.models.state import ProtocolInfo, World
from wspshare.properties.smt.layer_concrete import Step, layered_fits, python_step
from wspshare.properties.smt.layers import LayeredTwin

THREADS = (1, 1, 1)  # source, target, bystander


def start(sem: Semantics) -> World:
    w = sem.initial_world()
    for n in THREADS:
        w, _ = sem.spawn(w, n)
    return w


def top(twin: LayeredTwin) -> int:
    return twin.layers[-1].catalog


def handoff(sem: Semantics, twin: LayeredTwin) -> Iterator[tuple[str, World, list[ProtocolInfo]]]:
    """The handoff through the chain, one labelled world per step, with the infos made so far:
    created, duplicated for process 1, claimed there, connected by the target, source closed."""
    w = start(sem)
    yield "start", w, []
    w, r = sem.call(w, 0, 0, WSPSocket(top(twin)))
    source = r.value
    assert isinstance(source, int), r
    yield "created", w, []
    w, r = sem.call(w, 0, 0, WSPDuplicateSocket(source, w.procs[1].pid))
    info = r.value
    assert isinstance(info, ProtocolInfo), r
    yield "duplicated", w, [info]
    w, r = sem.call(w, 1, 0, WSPSocket(info=info))
    target = r.value
    assert isinstance(target, int), r
    yield "claimed", w, [info]
    w, r = sem.call(w, 1, 0, WSPConnect(target))
    assert r.ok, r
    yield "connected", w, [info]
    w, r = sem.call(w, 0, 0, WSPCloseSocket(source))
    assert r.ok, r
    yield "source-closed", w, [info]


def menu(
    w: World, infos: list[ProtocolInfo], twin: LayeredTwin, client: bool = False
) -> Iterator[Step]:
    """Every step worth trying from ``w``: each call on each handle value of each process.  With
    ``client``, only what a client of the chain's top does: it creates through the top,
    duplicates for the other processes and calls on the descriptors dispatched to the top."""
    pids = [p.pid for p in w.procs]
    covered = twin.covered()
    for slot, proc in enumerate(w.procs):
        values = sorted({h.value for h in proc.handles if not client or h.catalog not in covered})
        values = values if client else sorted({*values, 4})
        entries = (top(twin),) if client else twin.entries()
        calls: list[Call] = [WSPSocket(c) for c in entries]
        for info in infos:
            unchained = info._replace(protocol_chain=info.protocol_chain[-1:])
            calls += [WSPSocket(info=info), WSPSocket(info=unchained)]
        for v in values:
            calls += [WSPDuplicateSocket(v, pid) for pid in pids if not client or pid != proc.pid]
            calls += [
                WSPCloseSocket(v), WSPConnect(v), WSPSend(v), WSPRecv(v),
                WSPSetSockOpt(v, SO_RCVBUF, 7), WSPGetSockOpt(v, SO_RCVBUF),
                WSPEventSelect(v, FD_READ),
            ]  # fmt: skip
        yield from (Step("call", slot, 0, c) for c in calls)
        yield Step("exit", slot)


def random_step(
    rng: random.Random, w: World, infos: list[tuple[ProtocolInfo, int]], twin: LayeredTwin
) -> Step:
    """A step aimed at a live process's own descriptors nine times in ten; a claim is made by
    the info's target three times in four (else by anyone, a misdelivery)."""
    live = [i for i, p in enumerate(w.procs) if p.alive] or [0]
    roll = rng.random()
    if roll < 0.05 and len(w.procs) < twin.b.procs:
        dead = [p.pid for p in w.procs if not p.alive]
        pid = rng.choice(dead) if dead and rng.random() < 0.5 else None
        return Step("spawn", threads=1, pid=pid)
    if roll < 0.10:
        return Step("exit", rng.choice(live))
    if roll < 0.13:
        return Step(
            "inject", rng.choice(live), error=rng.choice((WSAError.WSAENOBUFS, WSAError.WSAEMFILE))
        )
    slot = rng.choice(live) if rng.random() < 0.9 else rng.randint(0, len(w.procs) - 1)
    values = [h.value for h in w.procs[slot].handles] if slot < len(w.procs) else []
    v = rng.choice(values) if values and rng.random() < 0.9 else rng.choice((4, 8, 12))
    pid = rng.choice([p.pid for p in w.procs])
    roll = rng.random()
    call: Call
    if roll < 0.25:
        call = WSPSocket(top(twin) if rng.random() < 0.8 else rng.choice(twin.entries()))
    elif roll < 0.45 and infos:
        info, target = rng.choice(infos)
        if rng.random() < 0.75 and target < len(w.procs):
            slot = target
        if rng.random() < 0.1:
            info = info._replace(protocol_chain=info.protocol_chain[-1:])
        call = WSPSocket(info=info)
    elif roll < 0.65:
        call = WSPDuplicateSocket(v, pid)
    elif roll < 0.8:
        call = WSPCloseSocket(v)
    else:
        call = rng.choice(
            (WSPConnect(v), WSPSend(v), WSPRecv(v), WSPSetSockOpt(v, SO_RCVBUF, 3),
             WSPGetSockOpt(v, SO_RCVBUF), WSPEventSelect(v, FD_READ))
        )  # fmt: skip
    return Step("call", slot, 0, call)


def random_history(
    sem: Semantics, twin: LayeredTwin, rng: random.Random, length: int
) -> Iterator[tuple[World, Step]]:
    """(world, step) pairs along one random history that stays within the twin's bounds (a
    step that would leave them is still yielded, so the twin's refusal is compared too)."""
    w, infos = start(sem), list[tuple[ProtocolInfo, int]]()
    for _ in range(length):
        step = random_step(rng, w, infos, twin)
        yield w, step
        w2, result, _, _ = python_step(sem, w, step)
        if not layered_fits(w2, sem, twin):
            continue
        if result is not None and result.ok and isinstance(result.value, ProtocolInfo):
            assert isinstance(step.call, WSPDuplicateSocket)
            pid = step.call.pid
            target = next((i for i, p in enumerate(w.procs) if p.alive and p.pid == pid), -1)
            infos.append((result.value, target))
        w = w2
