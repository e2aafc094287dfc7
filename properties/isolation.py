"""Descriptor validity across processes (SPEC "What must hold": "a thread of another process can
never reach a socket through a value it was not handed").

``properties.invariants.descriptor_validity`` checks what a table entry names; this checks who
can reach it.  A process reaches a socket only through a value it was handed (R1: only the
handoff makes a descriptor in another process; R4: the switch dispatches a value through the
calling process's own map).  It asks the switch itself (``descriptor``, which every call goes
through), so a switch that dispatches wrongly is caught, not only a table that looks wrong.

The other half of that SPEC item, "a descriptor works in every thread of its process" (R5), is
structural here: ``Semantics.call`` checks only that the thread exists and dispatches without it,
and no variant can change that; ``tests/test_rules.py`` pins it down for the semantics.
"""

from __future__ import annotations

from wspshare.models.providers.layered import handed_to_a_layer
from wspshare.models.semantics import Semantics
from wspshare.models.state import World
from wspshare.properties.invariants import Diagnosis


def process_isolation(sem: Semantics, w: World) -> Diagnosis:
    """R1, R4: a process reaches a socket only through its own entry for a value it was handed."""
    values = {h.value for p in w.procs for h in p.handles} | {v for p in w.procs for v in p.issued}
    for slot, proc in enumerate(w.procs):
        if not proc.alive:
            continue
        for value in values:
            handle = sem.switch.descriptor(w, slot, value)
            if handle is None:
                continue
            if handle not in proc.handles:
                return f"P{slot} reaches socket {handle.obj} via another process's value {value}"
            if value not in proc.issued and not handed_to_a_layer(sem, w, proc.pid, value):
                return f"P{slot} reaches socket {handle.obj} through {value}, never handed to it"
    return None


ISOLATION_INVARIANTS = {"process-isolation": process_isolation}
ISOLATION_RULES = {"process-isolation": "R1, R4"}
