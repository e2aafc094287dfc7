"""The source process's program: steps 1, 2, 4, 5, 6 and 10 of the seed's table.

The main thread creates and connects the socket, then serves each target in any order it can
(M7): ask for its pid, pin the pid with a process handle, duplicate, send the info, await the
acknowledgement.  It closes its descriptor only when every target is served and its helper
threads are done.  Helper threads use the descriptor too (R5).
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from wspshare.models.calls import (
    MAX_BACKLOG,
    SO_KEEPALIVE,
    Call,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPListen,
    WSPSetSockOpt,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle, replace_at
from wspshare.models.scenario.actions import Effect, Step, Timeout
from wspshare.models.scenario.messages import Direction, Kind, Message
from wspshare.models.scenario.roles.common import (
    Outcome,
    all_done,
    broken,
    call,
    close_end,
    note,
    peer_gone,
    readable,
    send,
    set_pc,
    set_regs,
    take,
)
from wspshare.models.scenario.state import DONE, MAIN, HandoffState, SourceRegs
from wspshare.models.state import TCP_V4, ProtocolInfo

if TYPE_CHECKING:
    from wspshare.models.scenario.model import HandoffModel


class Pc(IntEnum):
    SOCKET = 0
    CONNECT = 1
    OPTION = 2
    EVENTS = 3
    SERVE = 4
    JOIN = 5
    CLOSE = 6
    UNPIN = 7
    LISTEN = 8  # a second set-up call after WSPSocket (the listener's WSPListen)


class Phase(IntEnum):
    """How far the source got with one target."""

    REQUEST = 0
    AWAIT_PID = 1
    PIN = 2
    DUPLICATE = 3
    SEND_INFO = 4
    AWAIT_ACK = 5
    SERVED = 6


PHASE_LABELS = {
    Phase.REQUEST: (2, "send PID_REQUEST"),
    Phase.AWAIT_PID: (4, "receive PID_REPLY"),
    Phase.PIN: (4, "OpenProcess(target)"),
    Phase.DUPLICATE: (5, "WSPDuplicateSocket"),
    Phase.SEND_INFO: (6, "send INFO"),
    Phase.AWAIT_ACK: (10, "receive ACK"),
}
MAIN_LABELS = {
    Pc.SOCKET: (1, "WSPSocket"),
    Pc.CONNECT: (1, "WSPConnect"),
    Pc.OPTION: (1, "WSPSetSockOpt"),
    Pc.EVENTS: (1, "WSPEventSelect"),
    Pc.JOIN: (10, "join helper threads"),
    Pc.CLOSE: (10, "WSPCloseSocket"),
    Pc.UNPIN: (10, "CloseHandle(target process)"),
}
AWAITING = (Phase.AWAIT_PID, Phase.AWAIT_ACK)
SETUP_PCS = (Pc.CONNECT, Pc.LISTEN)  # the pattern's set-up calls, in order
SETUP_LABELS = {"connect": "WSPConnect", "bind": "WSPBind", "listen": "WSPListen"}


class SourceProgram:
    """The correct source.  Variants subclass it and override one decision."""

    def initial_regs(self, threads: int, targets: int) -> SourceRegs:
        return SourceRegs(
            (0,) * threads, 0, -1, (Phase.REQUEST,) * targets, (0,) * targets,
            (0,) * targets, (None,) * targets, False, 0,
        )  # fmt: skip

    # --- enabled steps -------------------------------------------------------------------------
    def steps(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Step]:
        regs = s.regs[slot]
        assert isinstance(regs, SourceRegs)
        out: list[Step] = []
        pc = regs.pcs[MAIN]
        if pc == Pc.SERVE:
            for k, phase in enumerate(regs.phases):
                if phase == Phase.SERVED:
                    continue
                if phase in AWAITING and not self._can_receive(m, s, k):
                    continue
                out.append(Step(slot, MAIN, PHASE_LABELS[Phase(phase)][1], k))
        elif pc == Pc.JOIN:
            if self.helpers_done(regs):
                out.append(Step(slot, MAIN, MAIN_LABELS[Pc.JOIN][1]))
        elif pc != DONE:
            out.append(Step(slot, MAIN, self.label(m, Pc(pc))))
        for t in range(1, len(regs.pcs)):
            if regs.pcs[t] == DONE:
                continue
            if regs.sock and regs.pcs[MAIN] > Pc.CONNECT:
                out.append(Step(slot, t, "WSPSetSockOpt"))
            elif regs.pcs[MAIN] == DONE:
                out.append(Step(slot, t, "exit"))
        return out

    def timeouts(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Timeout]:
        regs = s.regs[slot]
        assert isinstance(regs, SourceRegs)
        if regs.pcs[MAIN] != Pc.SERVE:
            return []
        return [
            Timeout(slot, MAIN, k)
            for k, phase in enumerate(regs.phases)
            if phase in AWAITING and not self._can_receive(m, s, k)
        ]

    def _can_receive(self, m: HandoffModel, s: HandoffState, k: int) -> bool:
        return readable(s, k, Direction.UP) or broken(m, s, k, Direction.UP)

    def label(self, m: HandoffModel, pc: Pc) -> str:
        if pc in SETUP_PCS:
            return SETUP_LABELS[m.pattern.setup[SETUP_PCS.index(pc)]]
        return MAIN_LABELS[pc][1]

    def setup_call(self, m: HandoffModel, regs: SourceRegs, pc: Pc) -> Call:
        what = m.pattern.setup[SETUP_PCS.index(pc)]
        if what == "connect":
            return WSPConnect(regs.sock)
        if what == "bind":
            return WSPBind(regs.sock, m.pattern.port)
        return WSPListen(regs.sock, MAX_BACKLOG)

    def helpers_done(self, regs: SourceRegs) -> bool:
        return all_done(regs.pcs)

    # --- running a step ------------------------------------------------------------------------
    def run(self, m: HandoffModel, s: HandoffState, step: Step) -> Outcome:
        regs = s.regs[step.slot]
        assert isinstance(regs, SourceRegs)
        if step.thread != MAIN:
            return self.run_helper(m, s, step, regs)
        pc = regs.pcs[MAIN]
        if pc == Pc.SERVE:
            return self.serve(m, s, step, regs, step.target)
        if pc == Pc.SOCKET:
            made = WSPSocket(m.catalog_id)  # the catalog entry's own kind: IPv4 TCP (R12)
            if m.pattern.kind != TCP_V4:
                made = WSPSocket(m.catalog_id, None, *m.pattern.kind)
            s, result, effect = call(m, s, step, 1, made)
            if not result.ok or not isinstance(result.value, int):
                return self.give_up(m, s, step.slot, regs), effect
            handle = find_handle(s.world.procs[step.slot], result.value)
            sock_id = handle.obj if handle is not None else -1
            regs = regs._replace(sock=result.value, sock_id=sock_id)
            return set_regs(s, step.slot, self.goto(regs, Pc.CONNECT)), effect
        if pc in SETUP_PCS:
            s, result, effect = call(m, s, step, 1, self.setup_call(m, regs, Pc(pc)))
            if not result.ok:
                # Give up, but still close the descriptor (step 10) after telling the targets.
                for k in range(len(regs.phases)):
                    s = close_end(s, k, 0)
                served = (Phase.SERVED,) * len(regs.phases)
                return set_regs(
                    s, step.slot, self.goto(regs._replace(phases=served), Pc.CLOSE)
                ), effect
            nxt = Pc.OPTION if len(regs.pcs) == 1 else Pc.EVENTS
            if pc == Pc.CONNECT and len(m.pattern.setup) > 1:
                nxt = Pc.LISTEN
            return set_regs(s, step.slot, self.goto(regs, nxt)), effect
        if pc == Pc.OPTION:
            s, _, effect = call(m, s, step, 1, WSPSetSockOpt(regs.sock, SO_KEEPALIVE, 1))
            return set_regs(s, step.slot, self.goto(regs, Pc.EVENTS)), effect
        if pc == Pc.EVENTS:
            s, _, effect = call(m, s, step, 1, WSPEventSelect(regs.sock, m.pattern.events))
            return set_regs(s, step.slot, self.goto(regs, Pc.SERVE)), effect
        if pc == Pc.JOIN:
            return set_regs(s, step.slot, self.goto(regs, Pc.CLOSE)), note(step, 10, "join helpers")
        if pc == Pc.CLOSE:
            return self.close(m, s, step, regs)
        return self.unpin(m, s, step, regs)

    def goto(self, regs: SourceRegs, pc: int) -> SourceRegs:
        return regs._replace(pcs=set_pc(regs.pcs, MAIN, pc))

    def after_serving(self, regs: SourceRegs) -> SourceRegs:
        """Once every target is served: join the helpers, then close (step 10)."""
        if any(p != Phase.SERVED for p in regs.phases):
            return regs
        return self.goto(regs, Pc.JOIN if len(regs.pcs) > 1 else Pc.CLOSE)

    def close(self, m: HandoffModel, s: HandoffState, step: Step, regs: SourceRegs) -> Outcome:
        s, _, effect = call(m, s, step, 10, WSPCloseSocket(regs.sock))
        regs = regs._replace(closed=True)
        regs = self.goto(regs, Pc.UNPIN if any(regs.pins) else DONE)
        return set_regs(s, step.slot, regs), effect

    def unpin(self, m: HandoffModel, s: HandoffState, step: Step, regs: SourceRegs) -> Outcome:
        # Lowest handle value first, not lowest target index: the order must not tell targets
        # apart (M7), or symmetry reduction over them would be unsound.
        k = min((i for i, v in enumerate(regs.pins) if v), key=regs.pins.__getitem__)
        handle = regs.pins[k]
        w = m.semantics.kernel.close_handle(s.world, step.slot, handle)
        regs = regs._replace(pins=replace_at(regs.pins, k, 0))
        regs = self.goto(regs, Pc.UNPIN if any(regs.pins) else DONE)
        effect = note(step, 10, f"CloseHandle({handle})", "OK")
        return set_regs(s._replace(world=w), step.slot, regs), effect

    def give_up(
        self, m: HandoffModel, s: HandoffState, slot: int, regs: SourceRegs
    ) -> HandoffState:
        for k in range(len(regs.phases)):
            s = close_end(s, k, 0)
        served = (Phase.SERVED,) * len(regs.phases)
        return set_regs(s, slot, self.goto(regs._replace(phases=served), DONE))

    def run_helper(self, m: HandoffModel, s: HandoffState, step: Step, regs: SourceRegs) -> Outcome:
        pcs = set_pc(regs.pcs, step.thread, DONE)
        if step.label == "exit":
            return set_regs(s, step.slot, regs._replace(pcs=pcs)), note(step, 1, "exit")
        c = WSPSetSockOpt(regs.sock, SO_KEEPALIVE, 1)
        s, _, effect = call(m, s, step, 1, c, expect_sock=regs.sock_id)
        return set_regs(s, step.slot, regs._replace(pcs=pcs)), effect

    # --- serving one target (M7) ------------------------------------------------------------------
    def serve(
        self, m: HandoffModel, s: HandoffState, step: Step, regs: SourceRegs, k: int
    ) -> Outcome:
        phase = regs.phases[k]
        seed_step = PHASE_LABELS[Phase(phase)][0]
        if phase == Phase.REQUEST:
            s = send(m, s, k, Direction.DOWN, Message(Kind.PID_REQUEST))
            return self.advance(s, step, regs, k, Phase.AWAIT_PID), note(
                step, 2, "send PID_REQUEST"
            )
        if phase in AWAITING:
            return self.receive(m, s, step, regs, k)
        if phase == Phase.PIN:
            return self.pin(m, s, step, regs, k)
        if phase == Phase.DUPLICATE:
            s, result, effect = call(m, s, step, 5, WSPDuplicateSocket(regs.sock, regs.pids[k]))
            if not result.ok or not isinstance(result.value, ProtocolInfo):
                return self.finish(s, step, regs, k), effect
            regs = regs._replace(infos=replace_at(regs.infos, k, result.value))
            return self.advance(s, step, regs, k, Phase.SEND_INFO), effect
        info = regs.infos[k]
        s = send(m, s, k, Direction.DOWN, Message(Kind.INFO, info))
        effect = note(step, seed_step, "send INFO", str(info))
        if m.config.ack:
            return self.advance(s, step, regs, k, Phase.AWAIT_ACK), effect
        return self.finish(s, step, regs, k), effect

    def pin(
        self, m: HandoffModel, s: HandoffState, step: Step, regs: SourceRegs, k: int
    ) -> Outcome:
        """Open a handle to the target, then check the pipe is still connected: if it is, the
        process we pinned is the target (a live process's pid is unique, and the handle keeps it
        from being reused); if not, the pid may already belong to someone else."""
        kernel = m.semantics.kernel
        w, value = kernel.open_process(s.world, step.slot, regs.pids[k])
        s = s._replace(world=w)
        effect = note(step, 4, f"OpenProcess({regs.pids[k]})", str(value))
        if isinstance(value, WSAError):
            return self.finish(s, step, regs, k), effect
        if peer_gone(m, s, k, reader_is_source=True):
            s = s._replace(world=kernel.close_handle(s.world, step.slot, value))
            return self.finish(s, step, regs, k), effect._replace(result="pipe gone: unpinned")
        regs = regs._replace(pins=replace_at(regs.pins, k, value))
        return self.advance(s, step, regs, k, Phase.DUPLICATE), effect

    def receive(
        self, m: HandoffModel, s: HandoffState, step: Step, regs: SourceRegs, k: int
    ) -> Outcome:
        phase = regs.phases[k]
        seed_step = PHASE_LABELS[Phase(phase)][0]
        if not readable(s, k, Direction.UP):
            return self.finish(s, step, regs, k), note(step, seed_step, "receive", "broken pipe")
        s, msg = take(s, k, Direction.UP)
        effect = note(step, seed_step, "receive", str(msg))
        if phase == Phase.AWAIT_PID and msg.kind is Kind.PID_REPLY:
            assert isinstance(msg.payload, int)
            regs = regs._replace(pids=replace_at(regs.pids, k, msg.payload))
            nxt = Phase.PIN if m.config.pin else Phase.DUPLICATE
            return self.advance(s, step, regs, k, nxt), effect
        if phase == Phase.AWAIT_ACK and msg.kind is Kind.ACK:
            return self.finish(s, step, regs, k), effect
        return set_regs(s, step.slot, regs), effect  # a stray duplicate: ignored

    def advance(
        self, s: HandoffState, step: Step, regs: SourceRegs, k: int, phase: Phase
    ) -> HandoffState:
        return set_regs(s, step.slot, regs._replace(phases=replace_at(regs.phases, k, phase)))

    def finish(self, s: HandoffState, step: Step, regs: SourceRegs, k: int) -> HandoffState:
        """Target ``k`` is served (or given up on): close our end of its pipe."""
        regs = regs._replace(phases=replace_at(regs.phases, k, Phase.SERVED))
        return set_regs(close_end(s, k, 0), step.slot, self.after_serving(regs))

    def time_out(self, m: HandoffModel, s: HandoffState, t: Timeout) -> Outcome:
        regs = s.regs[t.slot]
        assert isinstance(regs, SourceRegs)
        step = Step(t.slot, t.thread, "timeout", t.target)
        effect = Effect(t.slot, t.thread, 10, "receive", "timed out", 0)
        return self.finish(s, step, regs, t.target), effect
