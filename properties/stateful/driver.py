"""Apply ops to a world and check, after every one, everything that must hold.

The driver is shared by the 10,000-call fuzz test and the call-level state machine.  Besides the
world invariants of ``properties.invariants`` it keeps two ghosts the world does not record:

* **single use** (R2): each protocol info a duplication returned yields at most one descriptor.
  Infos are plain data (M2), so two duplications may return equal bytes (an IFS handle value is
  reused after its claim and close); the newer duplication starts a new *generation* of those
  bytes, and a claim counts against the current generation.
* **no access for strangers**: a claim succeeds only in the process that had the named pid when the
  info was made.  A process that later got the same pid (reuse) is a stranger.

Every result must be one of the codes ``allowed`` lists for its call (R10), and no exception may
escape ``Semantics.call``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from wspshare.models.calls import (
    Call,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
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
from wspshare.models.errors import WSAError
from wspshare.models.params import resolve
from wspshare.models.providers.base import kind_of
from wspshare.models.semantics import Semantics
from wspshare.models.state import (
    AF_INET,
    IPPROTO_TCP,
    SOCK_STREAM,
    HandleKind,
    ProtocolInfo,
    Result,
    SocketStatus,
    World,
)
from wspshare.properties.invariants import (
    each_taken_once,
    nothing_pending_on_a_closed_socket,
    world_violations,
)
from wspshare.properties.stateful.allowed import allowed
from wspshare.properties.stateful.ops import (
    AF_IPX,
    MAX_SLOTS,
    CallOp,
    DescPick,
    ExitOp,
    InfoPick,
    NetOp,
    Op,
    PeerOp,
    PidPick,
    SpawnOp,
)

TraceRow = tuple[str, str, str, str, str, str]
TRACE_HEADERS = ("STEP", "ACTOR", "EVENT", "RESULT", "DESCRIPTORS", "REFS")


class PropertyViolation(AssertionError):
    """A property failed after some op; carries the history that led there."""

    def __init__(self, name: str, diagnosis: str, trace: list[TraceRow]) -> None:
        super().__init__(f"{name}: {diagnosis}")
        self.name = name
        self.diagnosis = diagnosis
        self.trace = trace


@dataclass
class Generation:
    """One duplication's protocol info: the slot it was meant for, and whether it was claimed."""

    intended: int
    claimed: bool = False


@dataclass
class Driver:
    sem: Semantics
    world: World
    infos: list[ProtocolInfo] = field(default_factory=list)
    generations: dict[ProtocolInfo, Generation] = field(default_factory=dict)
    stale: dict[int, list[int]] = field(default_factory=dict)
    trace: list[TraceRow] = field(default_factory=list)
    calls: int = 0
    made: Counter[str] = field(default_factory=Counter)  # calls made, by call type
    answered: Counter[tuple[str, WSAError]] = field(default_factory=Counter)  # ... and their codes

    @classmethod
    def start(cls, sem: Semantics, threads: tuple[int, ...] = (2, 2, 1)) -> Driver:
        """A world with one process per entry of ``threads`` (source, target, bystander)."""
        w = sem.initial_world()
        for n in threads:
            w, _ = sem.spawn(w, n)
        return cls(sem, w)

    # --- resolution of indirect arguments -----------------------------------------------------
    def descriptor(self, slot: int, pick: DescPick) -> int:
        procs = self.world.procs
        if pick.source == "raw" or not 0 <= slot < len(procs):
            return pick.raw
        if pick.source == "own":
            values = [h.value for h in procs[slot].handles]
        elif pick.source == "stale":
            values = self.stale.get(slot, [])
        else:
            values = [h.value for i, p in enumerate(procs) if i != slot for h in p.handles]
        return values[pick.nth % len(values)] if values else pick.raw

    def info(self, pick: InfoPick) -> ProtocolInfo:
        if pick.source == "made" and self.infos:
            return self.infos[pick.nth % len(self.infos)]
        provider = self.sem.provider(pick.catalog)
        flags = provider.service_flags1 if provider else 0
        return ProtocolInfo(
            flags,
            pick.catalog,
            (pick.catalog,),
            pick.family,
            pick.socket_type,
            IPPROTO_TCP,
            pick.reserved,
        )

    def pid(self, pick: PidPick) -> int:
        procs = self.world.procs
        return procs[pick.slot].pid if pick.slot < len(procs) else pick.raw

    def build(self, op: CallOp) -> Call:
        s = self.descriptor(op.slot, op.desc)
        if op.name == "WSPSocket":
            family = AF_INET if op.value != -1 else AF_IPX
            return WSPSocket(op.catalog, None, family, SOCK_STREAM, IPPROTO_TCP)
        if op.name == "WSPSocketKind":
            return WSPSocket(op.catalog, None, *op.kind)
        if op.name == "WSPBind":
            return WSPBind(s, op.value)
        if op.name == "WSPListen":
            return WSPListen(s, op.value)
        if op.name == "WSPSendTo":
            return WSPSendTo(s, op.value)
        if op.name == "WSPShutdown":
            return WSPShutdown(s, op.value)
        if op.name == "WSPRecvOverlapped":
            return WSPRecv(s, overlapped=1 + op.option % 7)
        if op.name == "WSPAcceptOverlapped":
            return WSPAccept(s, overlapped=1 + op.option % 7)
        if op.name == "claim":
            return WSPSocket(info=self.info(op.info))
        if op.name == "WSPDuplicateSocket":
            return WSPDuplicateSocket(s, self.pid(op.pid))
        if op.name == "WSPSetSockOpt":
            return WSPSetSockOpt(s, op.option, op.value)
        if op.name == "WSPGetSockOpt":
            return WSPGetSockOpt(s, op.option)
        if op.name == "WSPEventSelect":
            return WSPEventSelect(s, op.value)
        simple: dict[str, Callable[[int], Call]] = {
            "WSPConnect": WSPConnect,
            "WSPSend": WSPSend,
            "WSPRecv": WSPRecv,
            "WSPCloseSocket": WSPCloseSocket,
            "WSPAccept": WSPAccept,
            "WSPRecvFrom": WSPRecvFrom,
        }
        return simple[op.name](s)

    # --- applying ops ---------------------------------------------------------------------------
    def apply(self, op: Op) -> None:
        if isinstance(op, CallOp):
            self.call(op.slot, op.thread, self.build(op))
        elif isinstance(op, SpawnOp):
            self.spawn(op.threads, op.reuse)
        elif isinstance(op, NetOp):
            self.network(op)
        elif isinstance(op, PeerOp):
            self.peer_closes(op)
        elif isinstance(op, ExitOp):
            self.world = self.sem.exit_process(self.world, op.slot)
            self.record("-", f"ExitProcess(P{op.slot})", "done")
        else:
            if op.slot < len(self.world.procs):
                self.world = self.sem.inject_failure(self.world, op.slot, op.error)
            self.record("-", f"fault: P{op.slot}'s next allocation fails with {op.error}", "done")

    def network(self, op: NetOp) -> None:
        """A client connects, or a datagram arrives, at ``op.port`` (queued or refused)."""
        if op.datagram:
            self.world, queued = self.sem.datagram_arrives(self.world, op.port, op.ident)
            event = f"datagram {op.ident} for port {op.port}"
        else:
            self.world, queued = self.sem.client_connects(self.world, op.port, op.ident)
            event = f"client {op.ident} connects to port {op.port}"
        self.record("-", event, "queued" if queued else "refused")
        self.check()

    def peer_closes(self, op: PeerOp) -> None:
        """The peer of the ``op.nth``-th socket closes (nothing when it has no open peer)."""
        index = op.nth % len(self.world.sockets) if self.world.sockets else 0
        self.world, closed = self.sem.peer_closes(self.world, index)
        self.record("-", f"the peer of socket {index} closes", "FD_CLOSE" if closed else "none")
        self.check()

    def spawn(self, threads: int, reuse: int) -> None:
        w = self.world
        if len(w.procs) >= MAX_SLOTS:
            self.record("-", "spawn (no slot left)", "skipped")
            return
        pid = None
        procs = w.procs
        dead = 0 <= reuse < len(procs) and not procs[reuse].alive
        if dead and self.sem.kernel.pid_reusable(w, procs[reuse].pid):
            pid = procs[reuse].pid
        self.world, slot = self.sem.spawn(w, threads, pid)
        how = f"reusing the pid of P{reuse}" if pid is not None else "fresh pid"
        self.record("-", f"spawn P{slot} ({threads} threads, {how})", f"pid {pid or '-'}")
        self.check()

    def call(self, slot: int, thread: int, call: Call) -> Result:
        before = self.world
        self.world, result = self.sem.call(before, slot, thread, call)
        self.calls += 1
        self.made[type(call).__name__] += 1
        self.answered[type(call).__name__, result.error] += 1
        self.record(f"P{slot}.T{thread}", str(call), str(result))
        if result.error not in allowed(call):
            self.fail("error-codes", f"{call} answered {result.error}, not allowed by R10")
        self.ghosts(before, slot, call, result)
        self.check()
        return result

    def ghosts(self, before: World, slot: int, call: Call, result: Result) -> None:
        if isinstance(call, WSPCloseSocket) and result.ok:
            self.stale.setdefault(slot, []).append(call.s)
        if isinstance(call, WSPDuplicateSocket) and isinstance(result.value, ProtocolInfo):
            target = self.sem.kernel.live_slot(before, call.pid)
            self.infos.append(result.value)
            self.generations[as_claimed(result.value)] = Generation(
                -1 if target is None else target
            )
        if isinstance(call, WSPSocket) and call.info is not None and result.ok:
            gen = self.generations.get(as_claimed(call.info))
            if gen is None:
                self.fail("no-strangers", f"P{slot} got a descriptor from an info never made")
                return
            if gen.claimed:
                self.fail("single-use", f"P{slot} got a second descriptor from {call.info}")
            if gen.intended != slot:
                self.fail("no-strangers", f"P{slot} claimed {call.info}, made for P{gen.intended}")
            gen.claimed = True

    def check(self) -> None:
        found = world_violations(self.sem, self.world)
        if found:
            self.fail(*found[0])
        pending = nothing_pending_on_a_closed_socket(self.sem, self.world)
        if pending is not None:
            self.fail("pending-on-open-socket", pending)
        twice = each_taken_once(self.sem, self.world)
        if twice is not None:
            self.fail("taken-once", twice)

    def fail(self, name: str, diagnosis: str) -> None:
        raise PropertyViolation(name, diagnosis, list(self.trace))

    def record(self, actor: str, event: str, result: str) -> None:
        self.trace.append(
            (
                str(len(self.trace) + 1),
                actor,
                event,
                result,
                descriptors(self.world),
                refs(self.world),
            )
        )


def as_claimed(info: ProtocolInfo) -> ProtocolInfo:
    """The info as a claim reads it: a protocol of 0 is the default protocol of the type (R12),
    so an info that differs from a made one only there names the same share."""
    kind = resolve(kind_of(info), kind_of(info))
    if isinstance(kind, WSAError) or kind == kind_of(info):
        return info
    return ProtocolInfo(*info[:3], *kind, info.provider_reserved)


def descriptors(w: World) -> str:
    """Each process's socket handles, ``~`` marking a pending (not yet handed out) one."""
    parts = []
    for slot, proc in enumerate(w.procs):
        vals = [
            f"{h.value}{'~' if h.kind is HandleKind.PENDING else ''}"
            for h in proc.handles
            if h.kind is not HandleKind.PROCESS
        ]
        mark = "" if proc.alive else "+"
        if vals or not proc.alive:
            parts.append(f"P{slot}{mark}:{','.join(vals) or '-'}")
    return " ".join(parts) or "-"


def refs(w: World) -> str:
    return (
        ",".join("x" if s.status is SocketStatus.CLOSED else str(s.refs) for s in w.sockets) or "-"
    )


def format_trace(rows: list[TraceRow]) -> str:
    """A fixed-width table of a history (plain text, so it is byte-for-byte reproducible)."""
    table = [TRACE_HEADERS, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(TRACE_HEADERS))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
