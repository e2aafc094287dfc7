"""Does the twin take the same step as the executable semantics?  One (world, op) pair at a time.

The world is encoded into the twin, the op applied on both sides, and the twin's successor
decoded and compared with the Python successor (and the error code and returned value with the
Python ``Result``).  When the Python successor does not fit the bounds, the twin must say the
action is disabled.  A mismatch is returned as a sentence; ``None`` means they agree.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator

import z3
from wspshare.models.calls import (
    FD_ALL_EVENTS,
    FD_READ,
    KNOWN_OPTIONS,
    WSPBind,
    WSPListen,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.semantics import Semantics
from wspshare.models.state import (
    AF_INET,
    FROM_PROTOCOL_INFO,
    SOCK_DGRAM,
    SOCK_STREAM,
    ProtocolInfo,
    Result,
    World,
)
from wspshare.properties.smt.concrete import (
    decode,
    encode,
    evaluator,
    fits,
    outcome_differs,
    twin_call,
)
from wspshare.properties.smt.twin import Twin
from wspshare.properties.stateful.driver import Driver, PropertyViolation
from wspshare.properties.stateful.ops import (
    CALL_NAMES,
    CATALOGS,
    ENDPOINT_CALLS,
    MAKING_CALLS,
    PORTS,
    RAW_VALUES,
    CallOp,
    DescPick,
    ExitOp,
    InfoPick,
    InjectOp,
    NetOp,
    Op,
    PeerOp,
    PidPick,
    SpawnOp,
)


def python_step(
    sem: Semantics, w: World, op: Op, infos: list[ProtocolInfo]
) -> tuple[World, Result | None, str, dict[str, int]]:
    """The Python successor of ``op`` and the twin action that must match it."""
    if isinstance(op, CallOp):
        call = Driver(sem, w, infos=list(infos)).build(op)
        w2, result = sem.call(w, op.slot, op.thread, call)
        name, args = twin_call(call, op.slot, op.thread)
        return w2, result, name, args
    if isinstance(op, ExitOp):
        return sem.exit_process(w, op.slot), None, "ExitProcess", {"slot": op.slot}
    if isinstance(op, InjectOp):
        w2 = sem.inject_failure(w, op.slot, op.error) if op.slot < len(w.procs) else w
        return w2, None, "InjectFailure", {"slot": op.slot, "error": int(op.error)}
    if isinstance(op, NetOp):
        arrive = sem.datagram_arrives if op.datagram else sem.client_connects
        w2, queued = arrive(w, op.port, op.ident)
        name = "DatagramArrives" if op.datagram else "ClientConnects"
        return (
            w2,
            Result(WSAError.NO_ERROR, int(queued)),
            name,
            {"port": op.port, "ident": op.ident},
        )
    if isinstance(op, PeerOp):
        w2, closed = sem.peer_closes(w, op.nth)
        return w2, Result(WSAError.NO_ERROR, int(closed)), "PeerCloses", {"sock": op.nth}
    assert isinstance(op, SpawnOp)
    procs = w.procs
    pid = None
    dead = 0 <= op.reuse < len(procs) and not procs[op.reuse].alive
    if dead and sem.kernel.pid_reusable(w, procs[op.reuse].pid):
        pid = procs[op.reuse].pid
    w2, _ = sem.spawn(w, op.threads, pid)
    args = {"threads": op.threads, "reuse": int(pid is not None), "pid": pid or 0}
    return w2, None, "Spawn", args


def compare(twin: Twin, sem: Semantics, w: World, op: Op, infos: list[ProtocolInfo]) -> str | None:
    b = twin.b
    catalogs = tuple(p.catalog_id for p in sem.providers)
    w2, result, name, args = python_step(sem, w, op, infos)
    _, run = twin.actions[name]
    out = run(encode(w, b, catalogs), {k: z3.IntVal(v) for k, v in args.items()})
    ev = evaluator()
    enabled = ev(out.enabled)
    if isinstance(op, InjectOp) and op.slot >= len(w.procs):
        return None if not enabled else f"{name}{args}: twin enabled, Python ignores it"
    if not fits(w2, b, catalogs):
        return None if not enabled else f"{name}{args}: beyond the bounds, yet the twin is enabled"
    if not enabled:
        return f"{name}{args}: the twin is disabled but Python stays within the bounds"
    keys = tuple(k for s in w2.sockets for k, _ in s.options)
    want = decode(ev, encode(w2, b, catalogs), b, keys)
    got = decode(ev, out.post, b, keys)
    return outcome_differs(f"{name}{args}", want, got, ev, out, result)


# Calls that make descriptors or infos come up twice as often, so later calls have some to use.
CALLS = (*CALL_NAMES, *MAKING_CALLS)
# The endpoint calls the twin encodes (not the overlapped ones, R14); creation of any kind and
# binding come up twice as often, so that listening and datagram sockets exist to be used.
TWIN_ENDPOINT_CALLS = tuple(c for c in ENDPOINT_CALLS if not c.endswith("Overlapped"))
ENDPOINT_MIX = (*TWIN_ENDPOINT_CALLS, "WSPSocketKind", "WSPBind", "WSPListen")
LISTEN_PORT, DATAGRAM_PORT = 80, 81  # where ``endpoint_setup`` binds; the network aims there
NET_PORTS = (LISTEN_PORT, LISTEN_PORT, DATAGRAM_PORT, DATAGRAM_PORT, 49152, 0)
KINDS = ((-1, -1, -1), (0, 2, 0), (23, 2, 17), (23, 1, 6), (2, 2, 0), (6, 1, 6), (2, 3, 0))


def random_op(rng: random.Random, w: World, endpoints: bool = False) -> Op:
    """Mostly well-aimed ops (live callers, their own descriptors, real pids and infos), so that
    the successful paths are compared as often as the error paths.  With ``endpoints``, about
    half are the calls beyond the seed and the network's arrivals and closes."""
    live = [i for i, p in enumerate(w.procs) if p.alive] or [0]
    roll = rng.random()
    if endpoints and roll < 0.5:
        return endpoint_op(rng, live)
    if endpoints:
        roll = rng.random()
    if roll < 0.06:
        return SpawnOp(rng.randint(1, 2), rng.choice([-1, *range(len(w.procs))]))
    if roll < 0.11:
        return ExitOp(rng.choice(live))
    if roll < 0.14:
        return InjectOp(rng.choice(live), rng.choice((WSAError.WSAENOBUFS, WSAError.WSAEMFILE)))
    slot = rng.choice(live) if rng.random() < 0.9 else rng.randint(0, 4)
    thread = 0 if rng.random() < 0.8 else rng.randint(-1, 2)
    source = rng.choice(("own", "own", "own", "own", "foreign", "stale", "raw"))
    return CallOp(
        slot,
        thread,
        rng.choice(CALLS),
        DescPick(source, rng.randint(0, 7), rng.choice(RAW_VALUES)),
        InfoPick(
            "made" if rng.random() < 0.8 else "forged",
            rng.randint(0, 7),
            rng.choice((*CATALOGS, 0)),
            rng.randint(-1, 6),
            AF_INET if rng.random() < 0.9 else 23,
            SOCK_STREAM if rng.random() < 0.9 else 2,
        ),
        PidPick(
            rng.choice(live) if rng.random() < 0.9 else rng.randint(0, 4), rng.choice((0, 7777))
        ),
        rng.choice((*CATALOGS, CATALOGS[0], 0)),
        rng.choice((*KNOWN_OPTIONS, 0x7777)),
        rng.choice((0, 1, 4096, -1, FD_READ, FD_ALL_EVENTS, 0x400)),
    )


def endpoint_op(rng: random.Random, live: list[int]) -> Op:
    """A network event or an endpoint call, well aimed nine times in ten."""
    roll = rng.random()
    if roll < 0.12:
        return NetOp(rng.random() < 0.5, rng.choice(NET_PORTS), rng.randint(1, 9))
    if roll < 0.17:
        return PeerOp(rng.randint(0, 3))
    slot = rng.choice(live) if rng.random() < 0.9 else rng.randint(0, 4)
    thread = 0 if rng.random() < 0.9 else rng.choice((-1, 2))
    source = rng.choice(("own", "own", "own", "own", "foreign", "stale", "raw"))
    return CallOp(
        slot,
        thread,
        rng.choice(ENDPOINT_MIX),
        DescPick(source, rng.randint(0, 7), rng.choice(RAW_VALUES)),
        InfoPick("made", 0, CATALOGS[0], 0, AF_INET, SOCK_STREAM),
        PidPick(0, 0),
        rng.choice((*CATALOGS, CATALOGS[0], 0)),
        0,
        rng.choice((*PORTS, 49152, 1, 2, 3, 5)),  # a port, a backlog or a shutdown's ``how``
        rng.choice(KINDS),
    )


def endpoint_setup(rng: random.Random, d: Driver) -> None:
    """Process 0 makes a listening stream socket or a bound datagram socket of a random provider,
    so that random histories go on to accept connections and read datagrams (a random history
    seldom builds that pipeline itself)."""
    stream = rng.random() < 0.5
    kind = (FROM_PROTOCOL_INFO,) * 3 if stream else (AF_INET, SOCK_DGRAM, 0)
    s = d.call(0, 0, WSPSocket(rng.choice(CATALOGS), None, *kind)).value
    assert isinstance(s, int)
    d.call(0, 0, WSPBind(s, LISTEN_PORT if stream else DATAGRAM_PORT))
    if stream:
        d.call(0, 0, WSPListen(s, rng.choice((1, 2))))


def random_pairs(
    sem: Semantics, twin: Twin, count: int, seed: int, history: int = 30
) -> Iterator[tuple[World, list[ProtocolInfo], Op]]:
    """``count`` (world, infos made so far, op) triples; worlds are reached by random histories
    that stay within the twin's bounds (an op that would leave them is dropped)."""
    rng = random.Random(seed)
    catalogs = tuple(p.catalog_id for p in sem.providers)
    for _ in range(count):
        d = Driver.start(sem, (2, 2))
        if twin.endpoints and rng.random() < 0.7:
            with contextlib.suppress(PropertyViolation):
                endpoint_setup(rng, d)
        for _ in range(rng.randint(0, history)):
            before, infos = d.world, list(d.infos)
            with contextlib.suppress(PropertyViolation):  # a bug's world is still a world
                d.apply(random_op(rng, d.world, twin.endpoints))
            if not fits(d.world, twin.b, catalogs):
                d.world, d.infos = before, infos
        yield d.world, list(d.infos), random_op(rng, d.world, twin.endpoints)
