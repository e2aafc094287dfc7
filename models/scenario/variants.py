"""Seeded protocol-user bugs (program subclasses), and a stranger some witnesses need.

Each mistaken program subclasses the correct one and changes one decision; its docstring says
what the protocol user got wrong and what they would see.  ``ProbingStranger`` is no mistake of
the protocol's users: it is an environment, a process that calls on descriptor values it was
never handed, which only a broken switch lets reach anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.calls import WSPCloseSocket, WSPSend, WSPSocket
from wspshare.models.scenario.actions import Step
from wspshare.models.scenario.messages import Direction, Kind, Message
from wspshare.models.scenario.roles.common import Outcome, call, note, send, set_pc, set_regs
from wspshare.models.scenario.roles.source import Pc as SourcePc
from wspshare.models.scenario.roles.source import Phase, SourceProgram
from wspshare.models.scenario.roles.stranger import StrangerProgram
from wspshare.models.scenario.roles.target import Pc as TargetPc
from wspshare.models.scenario.roles.target import TargetProgram
from wspshare.models.scenario.state import (
    DONE,
    MAIN,
    HandoffState,
    SourceRegs,
    StrangerRegs,
    TargetRegs,
)

if TYPE_CHECKING:
    from wspshare.models.scenario.model import HandoffModel

# Program counters of the source's main thread after its early close (beyond ``SourcePc``).
REOPEN = 20
CLOSE_NEXT = 21
REUSE_LABELS = {REOPEN: (1, "WSPSocket (next connection)"), CLOSE_NEXT: (10, "WSPCloseSocket")}

# The descriptor values a prober tries, and the socket it "expects" to reach: none of them.
PROBE_VALUES = (4, 8)
NO_SOCKET = 1 << 30


class NoJoinReuseSource(SourceProgram):
    """Closes its descriptor without joining its helper thread, then creates the socket for its
    next connection, which gets the same (lowest free) value (M1).

    Real system: the helper's ``setsockopt`` (or ``send``) on the old value lands on the new
    connection: options change on the wrong socket, data goes to the wrong peer.  Nothing fails,
    so nothing tells the user.  Needs a helper thread (``threads >= 2``).
    """

    def after_serving(self, regs: SourceRegs) -> SourceRegs:
        if any(p != Phase.SERVED for p in regs.phases):
            return regs
        return self.goto(regs, SourcePc.CLOSE)

    def close(self, m: HandoffModel, s: HandoffState, step: Step, regs: SourceRegs) -> Outcome:
        s, _, effect = call(m, s, step, 10, WSPCloseSocket(regs.sock))
        return set_regs(s, step.slot, self.goto(regs._replace(closed=True), REOPEN)), effect

    def steps(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Step]:
        regs = s.regs[slot]
        assert isinstance(regs, SourceRegs)
        pc = regs.pcs[MAIN]
        if pc not in REUSE_LABELS:
            return super().steps(m, s, slot)
        helpers_only = set_regs(s, slot, self.goto(regs, DONE))
        return [Step(slot, MAIN, REUSE_LABELS[pc][1]), *super().steps(m, helpers_only, slot)]

    def run(self, m: HandoffModel, s: HandoffState, step: Step) -> Outcome:
        regs = s.regs[step.slot]
        assert isinstance(regs, SourceRegs)
        pc = regs.pcs[MAIN]
        if step.thread != MAIN or pc not in REUSE_LABELS:
            return super().run(m, s, step)
        if pc == REOPEN:
            s, result, effect = call(m, s, step, 1, WSPSocket(m.catalog_id))
            spare = result.value if result.ok and isinstance(result.value, int) else 0
            return set_regs(s, step.slot, self.goto(regs._replace(spare=spare), CLOSE_NEXT)), effect
        s, _, effect = call(m, s, step, 10, WSPCloseSocket(regs.spare))
        regs = self.goto(regs._replace(spare=0), SourcePc.UNPIN if any(regs.pins) else DONE)
        return set_regs(s, step.slot, regs), effect


class AckBeforeClaimTarget(TargetProgram):
    """Acknowledges as soon as the protocol info arrives, before its ``WSPSocket`` has claimed.

    Real system: harmless with a provider that holds a reference from duplication; with one that
    takes its reference at claim, the source closes on the acknowledgement, the socket goes, and
    the target's ``WSPSocket`` fails (or its descriptor is dead), intermittently, depending on
    which process runs first.
    """

    def goto(self, regs: TargetRegs, pc: int) -> TargetRegs:
        return super().goto(regs, TargetPc.ACK if pc == TargetPc.CLAIM else pc)

    def after_claim(self, m: HandoffModel, regs: TargetRegs) -> TargetRegs:
        return self.after_ack(regs)  # already acknowledged

    def run(self, m: HandoffModel, s: HandoffState, step: Step) -> Outcome:
        regs = s.regs[step.slot]
        assert isinstance(regs, TargetRegs)
        if step.thread != MAIN or regs.pcs[MAIN] != TargetPc.ACK:
            return super().run(m, s, step)
        s = send(m, s, regs.chan, Direction.UP, Message(Kind.ACK, 1))
        regs = regs._replace(pcs=set_pc(regs.pcs, MAIN, TargetPc.CLAIM))
        return self.set(s, step, regs), note(step, 10, "send ACK", "1 (not claimed yet)")


class ProbingStranger(StrangerProgram):
    """An environment, not a mistake: a process that calls ``send`` on the descriptor values it
    would have if it had sockets, without ever having been handed one.  Each call is marked as
    expecting no socket, so reaching any socket sets the ``stale_use`` ghost."""

    def steps(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Step]:
        regs = s.regs[slot]
        assert isinstance(regs, StrangerRegs)
        pc = regs.pcs[MAIN]
        if pc >= len(PROBE_VALUES):
            return []
        return [Step(slot, MAIN, f"WSPSend(s={PROBE_VALUES[pc]}) (never handed)")]

    def run(self, m: HandoffModel, s: HandoffState, step: Step) -> Outcome:
        regs = s.regs[step.slot]
        assert isinstance(regs, StrangerRegs)
        pc = regs.pcs[MAIN]
        c = WSPSend(PROBE_VALUES[pc])
        s, _, effect = call(m, s, step, 0, c, expect_sock=NO_SOCKET)
        nxt = pc + 1 if pc + 1 < len(PROBE_VALUES) else DONE
        return set_regs(s, step.slot, regs._replace(pcs=set_pc(regs.pcs, MAIN, nxt))), effect
