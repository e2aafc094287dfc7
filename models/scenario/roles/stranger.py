"""A stranger: a process that was never named as a target, trying forged protocol infos.

It guesses ``dwProviderReserved`` the way an attacker would (the first handle values, the first
share tokens).  It appears when the configuration asks for one, or when a fault gives a new
process the pid of an exited target.  Whatever it does, it must never get a descriptor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.calls import WSPCloseSocket, WSPSocket
from wspshare.models.scenario.actions import Step, Timeout
from wspshare.models.scenario.roles.common import Outcome, call, set_regs
from wspshare.models.scenario.state import DONE, MAIN, HandoffState, StrangerRegs
from wspshare.models.state import XP1_IFS_HANDLES

if TYPE_CHECKING:
    from wspshare.models.scenario.model import HandoffModel

CLOSE = 50


class StrangerProgram:
    def initial_regs(self, threads: int) -> StrangerRegs:
        return StrangerRegs((0,) * threads, 0, 0)

    def guesses(self, m: HandoffModel) -> tuple[int, ...]:
        """Handle values for an IFS provider, share tokens otherwise."""
        return (4, 8) if m.provider.service_flags1 & XP1_IFS_HANDLES else (1, 2)

    def steps(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Step]:
        regs = s.regs[slot]
        assert isinstance(regs, StrangerRegs)
        pc = regs.pcs[MAIN]
        if pc == DONE:
            return []
        if pc == CLOSE:
            return [Step(slot, MAIN, "WSPCloseSocket")]
        return [Step(slot, MAIN, f"WSPSocket(forged info, rsv={self.guesses(m)[pc]})")]

    def timeouts(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Timeout]:
        return []

    def run(self, m: HandoffModel, s: HandoffState, step: Step) -> Outcome:
        regs = s.regs[step.slot]
        assert isinstance(regs, StrangerRegs)
        pc = regs.pcs[MAIN]
        guesses = self.guesses(m)
        if pc == CLOSE:
            s, _, effect = call(m, s, step, 0, WSPCloseSocket(regs.sock))
            regs = regs._replace(sock=0)
            nxt = regs.tries if regs.tries < len(guesses) else DONE
            return set_regs(s, step.slot, regs._replace(pcs=(nxt, *regs.pcs[1:]))), effect
        forged = m.provider.protocol_info(guesses[pc])
        s, result, effect = call(m, s, step, 0, WSPSocket(info=forged))
        tries = pc + 1
        if result.ok and isinstance(result.value, int):
            regs = regs._replace(sock=result.value, tries=tries, pcs=(CLOSE, *regs.pcs[1:]))
        else:
            nxt = tries if tries < len(guesses) else DONE
            regs = regs._replace(tries=tries, pcs=(nxt, *regs.pcs[1:]))
        return set_regs(s, step.slot, regs), effect
