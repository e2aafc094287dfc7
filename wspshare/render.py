"""Plain-text rendering shared by the commands: fixed-width tables and names of things.

Plain text (not a terminal-width-dependent layout) so output is byte-for-byte reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence

from wspshare.models.scenario import HandoffState, SourceRegs, StrangerRegs, TargetRegs
from wspshare.sim.trace import descriptors


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))

    def line(items: Sequence[str]) -> str:
        return "  ".join(c.ljust(widths[i]) for i, c in enumerate(items)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def role_name(state: HandoffState, slot: int) -> str:
    """``source``, ``target1`` ..., or ``stranger``, with the pid."""
    if slot < 0:
        return "ipc"
    regs = state.regs[slot]
    pid = state.world.procs[slot].pid
    if isinstance(regs, SourceRegs):
        role = "source"
    elif isinstance(regs, TargetRegs):
        role = f"target{regs.chan + 1}"
    elif isinstance(regs, StrangerRegs):
        role = "stranger"
    else:  # pragma: no cover - every slot has one of the three
        role = "process"
    return f"{role}({pid})"


def descriptor_map(state: HandoffState) -> str:
    """Each process's socket handles by role, as the simulator labels them: ``source:4
    target1:4~`` (``~``: duplicated, not yet a descriptor)."""
    parts = [f"{who}:{','.join(values)}" for who, values in descriptors(state).items()]
    return " ".join(parts) or "-"


def reference_counts(state: HandoffState) -> str:
    """Reference count of each socket, ``x`` when it is closed."""
    if not state.world.sockets:
        return "-"
    return ",".join("x" if s.status.name == "CLOSED" else str(s.refs) for s in state.world.sockets)
