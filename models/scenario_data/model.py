"""The interpreter: a ``Scenario`` as a ``Model`` over the one executable semantics.

Each process of the scenario is a process of the ``World`` (slot = its place in the file), each
thread runs its program one step at a time, and every call goes through ``Semantics.call``;
pipes are per-direction queues; faults (M5) are the handoff model's kinds within the file's
budgets.  In ``sequential`` mode exactly one step is enabled at a time: the next one of the
file's order.  The state carries the registers the steps write, the connections made (so a
step can observe what the network peer sees) and a ghost: the first step whose result differs
from what the file claims (``expect``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

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
from wspshare.models.errors import ModelError, WSAError
from wspshare.models.kernel import find_handle, replace_at
from wspshare.models.profiles import profile_named
from wspshare.models.protocol import Property
from wspshare.models.scenario_data.calls import EVENTS, HOW, KINDS, OPTIONS, flag_value, info_code
from wspshare.models.scenario_data.schema import Scenario, StepSpec
from wspshare.models.semantics import Semantics
from wspshare.models.state import (
    FROM_PROTOCOL_INFO,
    SOCK_DGRAM,
    HandleKind,
    ProtocolInfo,
    Result,
    SocketStatus,
    World,
    fail,
)

Value = int | ProtocolInfo | str | None
Message = int | ProtocolInfo | str
SHORTAGES = (WSAError.WSAENOBUFS, WSAError.WSAEMFILE)
CRASH, LOSE, DUPLICATE, REORDER, EXHAUST = range(5)
ZERO_INFO = ProtocolInfo(0, 0, (), 0, 0, 0, 0)  # a WSAPROTOCOL_INFO of zero bytes


Queue = tuple[Message, ...]


def set_queue(pair: tuple[Queue, Queue], end: int, queue: Queue) -> tuple[Queue, Queue]:
    """A pipe's two queues with the one towards ``end`` replaced."""
    return (queue, pair[1]) if end == 0 else (pair[0], queue)


class ScenarioState(NamedTuple):
    world: World
    pcs: tuple[tuple[int, ...], ...]  # per process, per thread: the next step's index
    regs: tuple[tuple[Value, ...], ...]  # per process, in ``ProcessSpec.registers`` order
    pipes: tuple[tuple[Queue, Queue], ...]  # per pipe: the messages towards end 0, end 1
    budget: tuple[int, ...]  # crash, lose, duplicate, reorder, exhaust still allowed
    turn: int  # sequential: the index in ``Scenario.order`` of the next step
    conns: tuple[int, ...]  # sockets in the order their connect succeeded (the peer's view)
    net: int  # network clients that connected so far
    faulted: bool  # ghost: a fault or a timeout happened
    surprise: str  # ghost: the first claimed result that did not come ("" none)


@dataclass(frozen=True)
class Go:
    """Thread ``thread`` of process ``proc`` runs its next step."""

    proc: int
    thread: int
    label: str

    def __str__(self) -> str:
        return f"P{self.proc}.T{self.thread}: {self.label}"


@dataclass(frozen=True)
class TimeOut:
    proc: int
    thread: int

    def __str__(self) -> str:
        return f"P{self.proc}.T{self.thread}: receive times out"


@dataclass(frozen=True)
class Fault:
    """M5: ``kind`` crash or exhaust (of process ``target``), or lose, duplicate or reorder
    (message ``position`` of pipe ``target`` towards end ``direction``)."""

    kind: str
    target: int
    direction: int = 0
    position: int = 0
    error: WSAError = WSAError.NO_ERROR

    def __str__(self) -> str:
        if self.kind in ("crash", "exhaust"):
            extra = f" ({self.error})" if self.kind == "exhaust" else ""
            return f"fault: P{self.target} {self.kind}{extra}"
        return f"fault: pipe{self.target} to end {self.direction} {self.kind} {self.position}"


Action = Go | TimeOut | Fault


class Effect(NamedTuple):
    """What a step did: its process, thread and index, what it was, and its result."""

    proc: int
    thread: int
    step: int
    what: str
    result: str  # "ok", a Winsock error name, or what a non-call step saw
    value: int | None = None


class ScenarioModel:
    """A scenario file's processes and programs, explorable by every checker."""

    def __init__(
        self,
        scenario: Scenario,
        semantics: Semantics | None = None,
        properties: Sequence[Property[ScenarioState]] = (),
    ) -> None:
        self.scenario = scenario
        # The file's implementation profile is the semantics' own (``models.profiles``): a
        # seeded bug's semantics keeps its mutation and takes the file's profile.
        semantics = semantics or Semantics()
        profile = profile_named(scenario.profile)
        if semantics.profile != profile:
            semantics = replace(semantics, profile=profile)
        self.semantics = semantics
        self.catalog = self.semantics.provider_named(scenario.provider).catalog_id
        self.registers = tuple(p.registers() for p in scenario.processes)
        self.programs = tuple(tuple(t.steps for t in p.threads) for p in scenario.processes)
        self.pipe_ends = tuple(
            (scenario.process_index(p.ends[0]), scenario.process_index(p.ends[1]))
            for p in scenario.pipes
        )
        self._properties = tuple(properties)

    def with_properties(self, properties: Sequence[Property[ScenarioState]]) -> ScenarioModel:
        return ScenarioModel(self.scenario, self.semantics, properties)

    # --- Model protocol ------------------------------------------------------------------------
    def init_states(self) -> Sequence[ScenarioState]:
        sem, sc = self.semantics, self.scenario
        w = sem.initial_world()
        for proc in sc.processes:
            w, _ = sem.spawn(w, len(proc.threads))
        f = sc.faults
        return (
            ScenarioState(
                w,
                tuple((0,) * len(p) for p in self.programs),
                tuple((None,) * len(r) for r in self.registers),
                tuple(((), ()) for _ in sc.pipes),
                (f.crash, f.lose, f.duplicate, f.reorder, f.exhaust),
                0,
                (),
                0,
                False,
                "",
            ),
        )

    def actions(self, state: ScenarioState) -> list[Action]:
        if self.scenario.mode == "sequential":
            if state.turn >= len(self.scenario.order):
                return []
            p, t, _ = self.scenario.order[state.turn]
            step = self.current(state, p, t)
            label = str(step) if step is not None else "skipped (its process has exited)"
            if step is None or self.enabled(state, p, t, step):
                return [Go(p, t, label)]
            return []
        out: list[Action] = []
        procs = state.world.procs
        for p, threads in enumerate(self.programs):
            if not procs[p].alive:
                continue
            for t in range(len(threads)):
                step = self.current(state, p, t)
                if step is not None and self.enabled(state, p, t, step):
                    out.append(Go(p, t, str(step)))
        if self.scenario.faults.lose:  # a receive may give up once messages can be lost
            out.extend(
                TimeOut(p, t)
                for p in range(len(self.programs))
                if procs[p].alive
                for t in range(len(self.programs[p]))
                if (s := self.current(state, p, t)) is not None
                and s.op == "recv"
                and not self.enabled(state, p, t, s)
            )
        out.extend(self.faults(state))
        return out

    def current(self, state: ScenarioState, p: int, t: int) -> StepSpec | None:
        pc = state.pcs[p][t]
        program = self.programs[p][t]
        return program[pc] if pc < len(program) and state.world.procs[p].alive else None

    def done(self, state: ScenarioState, p: int) -> bool:
        """A process has finished when it exited or every thread ran its last step."""
        if not state.world.procs[p].alive:
            return True
        return all(pc >= len(prog) for pc, prog in zip(state.pcs[p], self.programs[p], strict=True))

    def enabled(self, state: ScenarioState, p: int, t: int, step: StepSpec) -> bool:
        if step.op == "recv":
            k = self.scenario.pipe_index(step.pipe)
            end = self.pipe_ends[k].index(p)
            return bool(state.pipes[k][end]) or self.done(state, self.pipe_ends[k][1 - end])
        if step.op == "join":
            return all(
                pc >= len(prog)
                for i, (pc, prog) in enumerate(zip(state.pcs[p], self.programs[p], strict=True))
                if i != t
            )
        if step.op == "wait":
            return self.done(state, self.scenario.process_index(str(step.arg("target"))))
        if step.op == "call" and step.arg("block") is True:
            return self.ready(state, p, step)
        return True

    def ready(self, state: ScenarioState, p: int, step: StepSpec) -> bool:
        """A blocking accept or receive waits until there is something to take (or the
        descriptor no longer names a live socket, when it runs and fails at once)."""
        handle = self.semantics.switch.descriptor(
            state.world, p, self.number(state, p, step.arg("s"))
        )
        if handle is None or not 0 <= handle.obj < len(state.world.sockets):
            return True
        sock = state.world.sockets[handle.obj]
        if sock.status is SocketStatus.CLOSED:
            return True
        if step.call == "WSPRecv" and sock.status is SocketStatus.CONNECTED:
            return sock.inbox > 0
        return bool(sock.queue)

    def faults(self, state: ScenarioState) -> list[Action]:
        out: list[Action] = []
        b, procs = state.budget, state.world.procs
        running = [p for p in range(len(self.programs)) if not self.done(state, p)]
        if b[CRASH]:
            out.extend(Fault("crash", p) for p in running)
        if b[EXHAUST]:
            out.extend(
                Fault("exhaust", p, error=e)
                for p in running
                if procs[p].fail_next is WSAError.NO_ERROR
                for e in SHORTAGES
            )
        for k, queues in enumerate(state.pipes):
            for d, queue in enumerate(queues):
                if b[LOSE]:
                    out.extend(Fault("lose", k, d, i) for i in range(len(queue)))
                if b[DUPLICATE]:
                    out.extend(Fault("duplicate", k, d, i) for i in range(len(queue)))
                if b[REORDER] and len(queue) >= 2:
                    out.append(Fault("reorder", k, d))
        return out

    def next_state(self, state: ScenarioState, action: Action) -> ScenarioState:
        return self.execute(state, action)[0]

    def properties(self) -> Sequence[Property[ScenarioState]]:
        return self._properties

    def is_final(self, state: ScenarioState) -> bool:
        if self.scenario.mode == "sequential":
            return state.turn >= len(self.scenario.order)
        return all(self.done(state, p) for p in range(len(self.programs)))

    def is_fair(self, action: Action) -> bool:
        return isinstance(action, Go)

    def representative(self, state: ScenarioState) -> ScenarioState:
        return state

    # --- executing -----------------------------------------------------------------------------
    def execute(self, state: ScenarioState, action: Action) -> tuple[ScenarioState, Effect]:
        if isinstance(action, Fault):
            return self.inject(state, action)
        if isinstance(action, TimeOut):
            s = state._replace(faulted=True)
            step = self.current(s, action.proc, action.thread)
            assert step is not None
            return self.advance(s, action.proc, action.thread, step, False), Effect(
                action.proc, action.thread, s.pcs[action.proc][action.thread], "recv", "timed out"
            )
        p, t = action.proc, action.thread
        step = self.current(state, p, t)
        if step is None:  # sequential: the step's process is gone
            return state._replace(turn=state.turn + 1), Effect(p, t, -1, action.label, "skipped")
        index = state.pcs[p][t]
        state, result, value = self.perform(state, p, step)
        effect = Effect(p, t, index, str(step), result, value)
        surprise = self.surprise(step, result, value)
        if surprise and not state.surprise:
            name = self.scenario.processes[p].name
            state = state._replace(surprise=f"{name} step {index + 1} {step}: {surprise}")
        ok = result == "ok"
        state = self.advance(state, p, t, step, ok)
        if self.scenario.mode == "sequential":
            state = state._replace(turn=state.turn + 1)
        nxt = self.current(state, p, t) if ok and step.atomic else None
        if nxt is not None and self.enabled(state, p, t, nxt):
            state, second = self.execute(state, Go(p, t, str(nxt)))
            effect = effect._replace(
                what=f"{effect.what}; {second.what}", result=f"{effect.result}; {second.result}"
            )
        return state, effect

    def surprise(self, step: StepSpec, result: str, value: int | None) -> str:
        if step.expect and result != step.expect:
            return f"expected {step.expect}, got {result}"
        if step.expect_value is not None and result == "ok" and value != step.expect_value:
            return f"expected the value {step.expect_value}, got {value}"
        return ""

    def advance(
        self, state: ScenarioState, p: int, t: int, step: StepSpec, ok: bool
    ) -> ScenarioState:
        w = state.world
        if step.op == "exit" or (not ok and step.on_error == "exit"):
            w = self.semantics.exit_process(w, p)
            return state._replace(world=w)
        pcs = state.pcs[p]
        nxt = len(self.programs[p][t]) if not ok and step.on_error == "stop" else pcs[t] + 1
        return state._replace(pcs=replace_at(state.pcs, p, replace_at(pcs, t, nxt)))

    def inject(self, state: ScenarioState, f: Fault) -> tuple[ScenarioState, Effect]:
        sem = self.semantics
        kind = ("crash", "lose", "duplicate", "reorder", "exhaust").index(f.kind)
        s = state._replace(
            faulted=True, budget=replace_at(state.budget, kind, state.budget[kind] - 1)
        )
        effect = Effect(f.target if f.kind in ("crash", "exhaust") else -1, -1, -1, str(f), "fault")
        if f.kind == "crash":
            return s._replace(world=sem.exit_process(s.world, f.target)), effect
        if f.kind == "exhaust":
            return s._replace(world=sem.inject_failure(s.world, f.target, f.error)), effect
        queue = s.pipes[f.target][f.direction]
        if f.kind == "lose":
            queue = queue[: f.position] + queue[f.position + 1 :]
        elif f.kind == "duplicate":
            queue = queue[: f.position + 1] + queue[f.position :]
        else:
            queue = (queue[1], queue[0], *queue[2:])
        pair = set_queue(s.pipes[f.target], f.direction, queue)
        return s._replace(pipes=replace_at(s.pipes, f.target, pair)), effect

    # --- one step ------------------------------------------------------------------------------
    def reg(self, state: ScenarioState, p: int, name: str) -> Value:
        return state.regs[p][self.registers[p].index(name)]

    def set_reg(self, state: ScenarioState, p: int, name: str, value: Value) -> ScenarioState:
        if not name:
            return state
        regs = replace_at(state.regs[p], self.registers[p].index(name), value)
        return state._replace(regs=replace_at(state.regs, p, regs))

    def number(self, state: ScenarioState, p: int, arg: object) -> int:
        """A descriptor, pid or handle argument: a literal, ``@process``, or a register."""
        if isinstance(arg, bool) or arg is None:
            return 0
        if isinstance(arg, int):
            return arg
        text = str(arg)
        if text.startswith("@"):
            name = text[1:]
            slot = p if name == "self" else self.scenario.process_index(name)
            return state.world.procs[slot].pid
        value = self.reg(state, p, text)
        return value if isinstance(value, int) else 0

    def perform(
        self, state: ScenarioState, p: int, step: StepSpec
    ) -> tuple[ScenarioState, str, int | None]:
        """Run ``step`` in process ``p``: the new state, its result word and value."""
        if step.op == "call":
            return self.perform_call(state, p, step)
        if step.op == "send":
            return self.send(state, p, step), "ok", None
        if step.op == "recv":
            return self.receive(state, p, step)
        if step.op == "open_process":
            w, value = self.semantics.kernel.open_process(
                state.world, p, self.number(state, p, step.arg("target"))
            )
            if isinstance(value, WSAError):
                return state, str(value), None
            return self.set_reg(state._replace(world=w), p, step.out, value), "ok", value
        if step.op == "close_handle":
            value = self.number(state, p, step.arg("target"))
            handle = find_handle(state.world.procs[p], value)
            if handle is None or handle.kind is not HandleKind.PROCESS:
                return state, "ERROR_INVALID_HANDLE", None
            w = self.semantics.kernel.close_handle(state.world, p, value)
            return state._replace(world=w), "ok", None
        if step.op == "peer":
            return state, self.peer_view(state, step), None
        if step.op == "client":
            return self.client(state, p, step)
        return state, "ok", None  # join, wait, exit: their effect is in ``enabled``/``advance``

    def peer_view(self, state: ScenarioState, step: StepSpec) -> str:
        """What the network peer of connection ``conn`` sees: the end of the connection only
        once the underlying socket is really closed (R7), and how many messages came."""
        k = int(step.arg("conn") or 0)
        if k >= len(state.conns):
            return "no such connection"
        sock = state.world.sockets[state.conns[k]]
        eof, data = sock.status is SocketStatus.CLOSED, sock.sent
        want_eof, want_data = step.arg("eof"), step.arg("data")
        if want_eof is not None and bool(want_eof) != eof:
            return f"eof={'true' if eof else 'false'}"
        if want_data is not None and want_data != data:
            return f"data={data}"
        return "ok"

    def client(
        self, state: ScenarioState, p: int, step: StepSpec
    ) -> tuple[ScenarioState, str, int | None]:
        target = step.arg("target")
        if isinstance(target, int):
            port = target
        else:
            d = self.number(state, p, target)
            handle = self.semantics.switch.descriptor(state.world, p, d)
            if handle is None:
                return state, "WSAENOTSOCK", None
            sock = state.world.sockets[handle.obj]
            if sock.kind[1] == SOCK_DGRAM:  # a datagram for the socket's own port
                w, _ = self.semantics.datagram_arrives(state.world, sock.port, state.net + 1)
                return state._replace(world=w, net=state.net + 1), "ok", None
            port = sock.port
        w, queued = self.semantics.client_connects(state.world, port, state.net + 1)
        return state._replace(world=w, net=state.net + 1), "ok" if queued else "refused", None

    def send(self, state: ScenarioState, p: int, step: StepSpec) -> ScenarioState:
        k = self.scenario.pipe_index(step.pipe)
        end = self.pipe_ends[k].index(p)
        reader = self.pipe_ends[k][1 - end]
        if self.done(state, reader):
            return state  # a broken pipe: the write is lost
        msg: Message
        if step.arg("pid") is True:
            msg = state.world.procs[p].pid
        elif step.arg("token") is not None:
            msg = str(step.arg("token"))
        else:
            value = self.reg(state, p, str(step.arg("reg")))
            msg = value if value is not None else 0
        pair = set_queue(state.pipes[k], 1 - end, (*state.pipes[k][1 - end], msg))
        return state._replace(pipes=replace_at(state.pipes, k, pair))

    def receive(
        self, state: ScenarioState, p: int, step: StepSpec
    ) -> tuple[ScenarioState, str, int | None]:
        k = self.scenario.pipe_index(step.pipe)
        end = self.pipe_ends[k].index(p)
        queue = state.pipes[k][end]
        if not queue:
            return state, "broken pipe", None
        msg, rest = queue[0], queue[1:]
        state = state._replace(
            pipes=replace_at(state.pipes, k, set_queue(state.pipes[k], end, rest))
        )
        token = step.arg("token")
        if token is not None and msg != token:
            return state, f"unexpected message {msg}", None
        state = self.set_reg(state, p, step.out, msg)
        return state, "ok", msg if isinstance(msg, int) else None

    def perform_call(
        self, state: ScenarioState, p: int, step: StepSpec
    ) -> tuple[ScenarioState, str, int | None]:
        call = self.build(state, p, step)
        w = state.world
        early = self.api_checks(w, p, step, call)
        if early is not None:
            w, result = w, early
        else:
            w, result = self.semantics.call(w, p, 0, call)
        state = state._replace(world=w)
        if not result.ok:
            state = self.set_reg(
                state, p, step.out, None if step.call == "WSPDuplicateSocket" else 0
            )
            return state, str(result.error), None
        if isinstance(call, WSPConnect):
            handle = self.semantics.switch.descriptor(w, p, call.s)
            if handle is not None:
                state = state._replace(conns=(*state.conns, handle.obj))
        state = self.set_reg(state, p, step.out, result.value)
        if isinstance(result.value, ProtocolInfo):
            info = result.value
            return state, "ok", info_code(info.address_family, info.socket_type, info.protocol)
        return state, "ok", result.value if isinstance(result.value, int) else None

    def api_checks(self, w: World, p: int, step: StepSpec, call: Call) -> Result | None:
        """The API layer's own check the sources exercise (R13): WSADuplicateSocket with no
        output buffer fails with WSAEFAULT, after the checks of the socket and the pid (Wine's
        test_WSADuplicateSocket asserts this order, and Wine follows it; ``models.api`` has
        the same order, here applied to the scenario's SPI-level call)."""
        if not isinstance(call, WSPDuplicateSocket) or step.arg("buffer", True) is not False:
            return None
        if self.semantics.switch.descriptor(w, p, call.s) is None:
            return fail(WSAError.WSAENOTSOCK)
        if self.semantics.kernel.live_slot(w, call.pid) is None:
            return fail(WSAError.WSAEINVAL)
        return fail(WSAError.WSAEFAULT)

    def build(self, state: ScenarioState, p: int, step: StepSpec) -> Call:
        name = step.call
        d = self.number(state, p, step.arg("s"))
        if name == "WSPSocket":
            info_arg = step.arg("info")
            kind = str(step.arg("kind", "from-info" if info_arg is not None else "tcp"))
            family, stype, proto = KINDS.get(kind, (FROM_PROTOCOL_INFO,) * 3)
            if info_arg is None:
                return WSPSocket(self.catalog, None, family, stype, proto)
            info = ZERO_INFO if info_arg == "zero" else self.reg(state, p, str(info_arg))
            if not isinstance(info, ProtocolInfo):
                info = ZERO_INFO
            return WSPSocket(0, info, family, stype, proto)
        if name == "WSPDuplicateSocket":
            return WSPDuplicateSocket(d, self.number(state, p, step.arg("pid")))
        if name == "WSPSetSockOpt":
            option = flag_value(step.arg("option", 0), OPTIONS) or 0  # type: ignore[arg-type]
            return WSPSetSockOpt(d, option, int(step.arg("value", 1)))  # type: ignore[arg-type]
        if name == "WSPGetSockOpt":
            option = flag_value(step.arg("option", 0), OPTIONS) or 0  # type: ignore[arg-type]
            return WSPGetSockOpt(d, option)
        if name == "WSPEventSelect":
            mask = flag_value(step.arg("mask", 0), EVENTS)  # type: ignore[arg-type]
            return WSPEventSelect(d, mask or 0)
        if name == "WSPBind":
            return WSPBind(d, int(step.arg("port", 0)))  # type: ignore[arg-type]
        if name == "WSPListen":
            return WSPListen(d, int(step.arg("backlog", 1)))  # type: ignore[arg-type]
        if name == "WSPSendTo":
            return WSPSendTo(d, int(step.arg("port", 0)))  # type: ignore[arg-type]
        if name == "WSPShutdown":
            how = flag_value(step.arg("how", "SD_BOTH"), HOW)  # type: ignore[arg-type]
            return WSPShutdown(d, how if how is not None else 2)
        simple: dict[
            str, type[WSPConnect | WSPSend | WSPRecv | WSPCloseSocket | WSPAccept | WSPRecvFrom]
        ] = {
            "WSPConnect": WSPConnect,
            "WSPSend": WSPSend,
            "WSPRecv": WSPRecv,
            "WSPCloseSocket": WSPCloseSocket,
            "WSPAccept": WSPAccept,
            "WSPRecvFrom": WSPRecvFrom,
        }
        if name in simple:
            return simple[name](d)
        raise ModelError(f"no model of call {name}")
