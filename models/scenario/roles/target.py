"""A target process's program: steps 3, 7, 8 and 9 of the seed's table, and step 10's arrow.

The main thread answers the pid request, receives the protocol info, claims its descriptor with
``WSPSocket``, acknowledges (so the source may close), uses the socket and finally closes it.
With more threads, a helper thread does the data exchange through the same descriptor (R5).

In the patterns whose targets serve the network (``models.scenario.patterns``), step 9 is a
worker's loop instead: accept a pending connection (then close it once served) or read a datagram
from the shared queue, and stop when the network has sent every client it will (or when this
worker has served as many as there are: a bound that keeps the loop finite), then close.  The
accept or read is blocking: it is enabled only when something waits on the shared socket.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from wspshare.models.calls import (
    FD_READ,
    Call,
    WSPAccept,
    WSPCloseSocket,
    WSPEventSelect,
    WSPRecvFrom,
    WSPSend,
    WSPSocket,
)
from wspshare.models.kernel import find_handle
from wspshare.models.scenario.actions import Effect, Step, Timeout
from wspshare.models.scenario.messages import Direction, Kind, Message
from wspshare.models.scenario.roles.common import (
    Outcome,
    all_done,
    broken,
    call,
    close_end,
    note,
    readable,
    send,
    set_pc,
    set_regs,
    take,
)
from wspshare.models.scenario.state import DONE, MAIN, HandoffState, TargetRegs
from wspshare.models.state import ProtocolInfo

if TYPE_CHECKING:
    from wspshare.models.scenario.model import HandoffModel


class Pc(IntEnum):
    REQUEST = 0
    INFO = 1
    CLAIM = 2
    ACK = 3
    EVENTS = 4
    SEND = 5
    JOIN = 6
    CLOSE = 7
    REPLAY = 8
    LOOP = 9  # a worker serving the network's connections or datagrams


LABELS = {
    Pc.REQUEST: (3, "receive PID_REQUEST, reply"),
    Pc.INFO: (7, "receive INFO"),
    Pc.CLAIM: (8, "WSPSocket(info)"),
    Pc.ACK: (10, "send ACK"),
    Pc.EVENTS: (9, "WSPEventSelect"),
    Pc.SEND: (9, "WSPSend"),
    Pc.JOIN: (9, "join helper threads"),
    Pc.CLOSE: (9, "WSPCloseSocket"),
    Pc.REPLAY: (8, "WSPSocket(info) again"),
}
SERVE_LABELS = {"accept": "WSPAccept", "read": "WSPRecvFrom"}
CLOSE_CONNECTION = "WSPCloseSocket(accepted)"
STOP = "stop serving"
HELPER_LABELS = ("WSPEventSelect", "WSPSend")
AWAITING = (Pc.REQUEST, Pc.INFO)


class TargetProgram:
    """The correct target.  Variants subclass it and override one decision."""

    def initial_regs(self, threads: int, index: int) -> TargetRegs:
        return TargetRegs(
            pcs=(0,) * threads, sock=0, sock_id=-1, info=None, claimed=False, extra=0, chan=index
        )

    def steps(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Step]:
        regs = s.regs[slot]
        assert isinstance(regs, TargetRegs)
        out: list[Step] = []
        pc = regs.pcs[MAIN]
        if pc in AWAITING:
            if self._can_receive(m, s, regs):
                out.append(Step(slot, MAIN, LABELS[Pc(pc)][1]))
        elif pc == Pc.JOIN:
            if all_done(regs.pcs):
                out.append(Step(slot, MAIN, LABELS[Pc.JOIN][1]))
        elif pc == Pc.CLOSE and self.stray_info(s, regs):
            out.append(Step(slot, MAIN, "receive INFO again"))
        elif pc == Pc.LOOP:
            out.extend(Step(slot, MAIN, label) for label in self.loop_steps(m, s, regs))
        elif pc != DONE:
            out.append(Step(slot, MAIN, LABELS[Pc(pc)][1]))
        for t in range(1, len(regs.pcs)):
            hpc = regs.pcs[t]
            if hpc == DONE:
                continue
            if regs.sock and regs.pcs[MAIN] >= Pc.JOIN:
                out.append(Step(slot, t, HELPER_LABELS[hpc]))
            elif regs.pcs[MAIN] == DONE:
                out.append(Step(slot, t, "exit"))
        return out

    def timeouts(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Timeout]:
        regs = s.regs[slot]
        assert isinstance(regs, TargetRegs)
        if regs.pcs[MAIN] in AWAITING and not self._can_receive(m, s, regs):
            return [Timeout(slot, MAIN)]
        return []

    def _can_receive(self, m: HandoffModel, s: HandoffState, regs: TargetRegs) -> bool:
        k = regs.chan
        return readable(s, k, Direction.DOWN) or broken(m, s, k, Direction.DOWN)

    def stray_info(self, s: HandoffState, regs: TargetRegs) -> bool:
        """A target serves every INFO it receives: a duplicated one is claimed again (R2)."""
        inbox = s.chans[regs.chan].inbox[Direction.DOWN]
        return bool(inbox) and inbox[0].kind is Kind.INFO

    def goto(self, regs: TargetRegs, pc: int) -> TargetRegs:
        return regs._replace(pcs=set_pc(regs.pcs, MAIN, pc))

    def after_claim(self, m: HandoffModel, regs: TargetRegs) -> TargetRegs:
        if m.config.ack:
            return self.goto(regs, Pc.ACK)
        return self.after_ack(regs, m.pattern.loops)

    def after_ack(self, regs: TargetRegs, loops: bool = False) -> TargetRegs:
        if not regs.sock:
            return self.goto(regs, DONE)
        if loops:
            return self.goto(regs, Pc.LOOP)
        return self.goto(regs, Pc.EVENTS if len(regs.pcs) == 1 else Pc.JOIN)

    # --- a worker's loop (the listener and datagram patterns) ----------------------------------
    def waiting(self, s: HandoffState, regs: TargetRegs) -> int:
        """How many connections or datagrams wait on the shared socket."""
        if not 0 <= regs.sock_id < len(s.world.sockets):
            return 0
        return len(s.world.sockets[regs.sock_id].queue)

    def loop_steps(self, m: HandoffModel, s: HandoffState, regs: TargetRegs) -> list[str]:
        if regs.conn:
            return [CLOSE_CONNECTION]
        clients = m.config.clients
        waiting = self.waiting(s, regs)
        if waiting and regs.served < clients:
            return [SERVE_LABELS[m.pattern.serves]]
        if regs.served >= clients or (s.net >= clients and not waiting):
            return [STOP]
        return []

    def serve_call(self, m: HandoffModel, regs: TargetRegs) -> Call:
        if m.pattern.serves == "accept":
            return WSPAccept(regs.sock)
        return WSPRecvFrom(regs.sock)

    def loop(self, m: HandoffModel, s: HandoffState, step: Step, regs: TargetRegs) -> Outcome:
        if step.label == CLOSE_CONNECTION:
            s, _, effect = call(m, s, step, 9, WSPCloseSocket(regs.conn))
            return self.set(s, step, regs._replace(conn=0)), effect
        if step.label == STOP:
            regs = self.goto(regs, Pc.CLOSE if len(regs.pcs) == 1 else Pc.JOIN)
            return self.set(s, step, regs), note(step, 9, "stop serving")
        c = self.serve_call(m, regs)
        s, result, effect = call(m, s, step, 9, c, expect_sock=regs.sock_id)
        if result.ok:
            conn = result.value if isinstance(c, WSPAccept) and isinstance(result.value, int) else 0
            regs = regs._replace(conn=conn, served=regs.served + 1, worked=True)
        return self.set(s, step, regs), effect

    def run(self, m: HandoffModel, s: HandoffState, step: Step) -> Outcome:
        regs = s.regs[step.slot]
        assert isinstance(regs, TargetRegs)
        if step.thread != MAIN:
            return self.run_helper(m, s, step, regs)
        pc = regs.pcs[MAIN]
        if pc in AWAITING:
            return self.receive(m, s, step, regs)
        if pc == Pc.LOOP:
            return self.loop(m, s, step, regs)
        if pc == Pc.CLAIM:
            return self.claim(m, s, step, regs)
        if pc == Pc.ACK:
            ok = 1 if regs.sock else 0
            s = send(m, s, regs.chan, Direction.UP, Message(Kind.ACK, ok))
            regs = self.after_ack(regs, m.pattern.loops)
            return self.set(s, step, regs), note(step, 10, "send ACK", str(ok))
        if pc == Pc.EVENTS:
            c = WSPEventSelect(regs.sock, FD_READ)
            s, _, effect = call(m, s, step, 9, c, expect_sock=regs.sock_id)
            return self.set(s, step, self.goto(regs, Pc.SEND)), effect
        if pc == Pc.SEND:
            s, result, effect = call(m, s, step, 9, WSPSend(regs.sock), expect_sock=regs.sock_id)
            regs = regs._replace(worked=regs.worked or result.ok)
            return self.set(s, step, self.goto(regs, Pc.CLOSE)), effect
        if pc == Pc.JOIN:
            return self.set(s, step, self.goto(regs, Pc.CLOSE)), note(step, 9, "join helpers")
        if pc == Pc.REPLAY:
            s, result, effect = call(m, s, step, 8, WSPSocket(info=regs.info))
            if result.ok and isinstance(result.value, int):
                regs = regs._replace(extra=result.value)
            return self.set(s, step, self.goto(regs, Pc.CLOSE)), effect
        if step.label == "receive INFO again":
            s, msg = take(s, regs.chan, Direction.DOWN)
            regs = regs._replace(
                info=msg.payload if isinstance(msg.payload, ProtocolInfo) else None
            )
            return self.set(s, step, self.goto(regs, Pc.REPLAY)), note(step, 7, "receive", str(msg))
        if regs.extra:
            s, _, effect = call(m, s, step, 9, WSPCloseSocket(regs.extra))
            return self.set(s, step, regs._replace(extra=0)), effect
        s, _, effect = call(m, s, step, 9, WSPCloseSocket(regs.sock))
        return self.quit(s, step, regs), effect

    def set(self, s: HandoffState, step: Step, regs: TargetRegs) -> HandoffState:
        s = set_regs(s, step.slot, regs)
        if regs.pcs[MAIN] == DONE:
            s = close_end(s, regs.chan, 1)
        return s

    def quit(self, s: HandoffState, step: Step, regs: TargetRegs) -> HandoffState:
        return self.set(s, step, self.goto(regs, DONE))

    def receive(self, m: HandoffModel, s: HandoffState, step: Step, regs: TargetRegs) -> Outcome:
        pc = Pc(regs.pcs[MAIN])
        seed_step = LABELS[pc][0]
        if not readable(s, regs.chan, Direction.DOWN):
            return self.quit(s, step, regs), note(step, seed_step, "receive", "broken pipe")
        s, msg = take(s, regs.chan, Direction.DOWN)
        effect = note(step, seed_step, "receive", str(msg))
        if pc == Pc.REQUEST and msg.kind is Kind.PID_REQUEST:
            pid = s.world.procs[step.slot].pid
            s = send(m, s, regs.chan, Direction.UP, Message(Kind.PID_REPLY, pid))
            effect = effect._replace(result=f"reply PID_REPLY({pid})")
            return self.set(s, step, self.goto(regs, Pc.INFO)), effect
        if pc == Pc.INFO and msg.kind is Kind.INFO and isinstance(msg.payload, ProtocolInfo):
            regs = regs._replace(info=msg.payload)
            return self.set(s, step, self.goto(regs, Pc.CLAIM)), effect
        return self.set(s, step, regs), effect  # a stray duplicate: ignored

    def claim(self, m: HandoffModel, s: HandoffState, step: Step, regs: TargetRegs) -> Outcome:
        s, result, effect = call(m, s, step, 8, WSPSocket(info=regs.info))
        if result.ok and isinstance(result.value, int):
            handle = find_handle(s.world.procs[step.slot], result.value)
            sock_id = handle.obj if handle is not None else -1
            regs = regs._replace(sock=result.value, sock_id=sock_id, claimed=True)
        return self.set(s, step, self.after_claim(m, regs)), effect

    def run_helper(self, m: HandoffModel, s: HandoffState, step: Step, regs: TargetRegs) -> Outcome:
        hpc = regs.pcs[step.thread]
        nxt = DONE if step.label == "exit" or hpc + 1 >= len(HELPER_LABELS) else hpc + 1
        regs = regs._replace(pcs=set_pc(regs.pcs, step.thread, nxt))
        if step.label == "exit":
            return self.set(s, step, regs), note(step, 9, "exit")
        c = WSPEventSelect(regs.sock, FD_READ) if hpc == 0 else WSPSend(regs.sock)
        s, result, effect = call(m, s, step, 9, c, expect_sock=regs.sock_id)
        if isinstance(c, WSPSend):
            regs = regs._replace(worked=regs.worked or result.ok)
        return self.set(s, step, regs), effect

    def time_out(self, m: HandoffModel, s: HandoffState, t: Timeout) -> Outcome:
        regs = s.regs[t.slot]
        assert isinstance(regs, TargetRegs)
        step = Step(t.slot, t.thread, "timeout")
        seed_step = LABELS[Pc(regs.pcs[MAIN])][0]
        return self.quit(s, step, regs), Effect(t.slot, t.thread, seed_step, "receive", "timed out")
