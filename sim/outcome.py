"""What a finished run amounts to: one outcome name, a pure function of how the run ended.

``completed``: every target claimed its descriptor and everything was released.  ``aborted``:
a fault or timeout stopped the handoff, but nothing is left behind.  ``leak``: everything is
quiescent, yet a socket, a handle or a share record remains (after a fault the properties allow
it, M3/M4, but a user wants to see it).  ``deadlock``: threads wait and nothing can happen.
``horizon``: out of simulated time.  Otherwise the name of the first invariant violated.
"""

from __future__ import annotations

from typing import NamedTuple

from wspshare.models.errors import WSAError
from wspshare.models.scenario import HandoffModel, HandoffState, TargetRegs
from wspshare.models.state import SocketStatus
from wspshare.sim.trace import role

COMPLETED = "completed"
ABORTED = "aborted"
LEAK = "leak"
DEADLOCK = "deadlock"
HORIZON = "horizon"
BENIGN = (COMPLETED, ABORTED)
ERROR_NAMES = frozenset(e.name for e in WSAError if e is not WSAError.NO_ERROR)


class RunResult(NamedTuple):
    """The small, picklable summary of one run that a sweep aggregates."""

    seed: int
    outcome: str
    errors: tuple[str, ...]  # error codes calls returned, in order of first appearance
    actions: int
    time: float
    detail: str  # the violated invariant's sentence, or what leaked, or what is stuck

    @property
    def failed(self) -> bool:
        """An invariant violated, a leak, a deadlock or a run out of time."""
        return self.outcome not in BENIGN


def leftovers(model: HandoffModel, s: HandoffState) -> str:
    """What remains at quiescence: a handle, a share record or an open socket ('' if none)."""
    w = s.world
    for slot, proc in enumerate(w.procs):
        for h in proc.handles:
            return f"{role(s, slot)} still holds handle {h.value} ({h.kind.name})"
    for provider, state in zip(model.semantics.providers, w.providers, strict=True):
        for claim in provider.pending_claims(state):
            return f"{provider.name} still keeps a share of socket {claim.sock}"
    for i, sock in enumerate(w.sockets):
        if sock.status is not SocketStatus.CLOSED:
            return f"socket {i} is still open with {sock.refs} references"
    return ""


def classify(model: HandoffModel, s: HandoffState, end: str) -> tuple[str, str]:
    """Outcome and detail of a run that ended without a violation (``end`` from the engine)."""
    if end == "deadlock":
        return DEADLOCK, "threads wait for something that cannot happen"
    if end == "horizon":
        return HORIZON, "the run was cut short by the simulated-time horizon"
    left = leftovers(model, s)
    if left:
        return LEAK, left
    claimed = all(r.claimed for r in s.regs if isinstance(r, TargetRegs))
    return (COMPLETED, "") if claimed else (ABORTED, "a target never got its descriptor")
