"""A Hypothesis machine over layered descriptors (R16): arbitrary calls through a protocol chain.

``layered_machine(make_semantics, top)`` starts three processes on a machine with a chain
installed and draws calls on the descriptors of the chain's top: creation, connect, send,
duplication for any process, claims of the infos made (by their target, replayed, misdelivered),
close, and process exits.  (A client that digs the base's info out of a layered one and claims
it gets a base descriptor: that is the client bypassing the layer, which no layer can prevent,
so the machine does not draw it.)  After every step it
checks the world invariants, process isolation and the chain's two properties
(``properties.layered``), so a layer that loses a context, closes what others share, hands out a
descriptor of the provider below or lets a claim bypass it is caught with a shrunk history.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, multiple, precondition, rule
from wspshare.models.calls import (
    Call,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPSend,
    WSPSocket,
)
from wspshare.models.semantics import Semantics
from wspshare.models.state import HandleKind, ProtocolInfo, World
from wspshare.properties.invariants import world_violations
from wspshare.properties.isolation import process_isolation
from wspshare.properties.layered import layer_references, top_of_chain
from wspshare.properties.stateful.driver import PropertyViolation, TraceRow

PROCESSES = 3
slots = st.integers(0, PROCESSES - 1)
picks = st.integers(0, 7)  # which of a process's descriptors, modulo how many it holds


def chain_violations(sem: Semantics, w: World) -> list[tuple[str, str]]:
    found = world_violations(sem, w)
    for name, check in (
        ("process-isolation", process_isolation),
        ("top-of-chain", top_of_chain),
        ("layer-references", layer_references),
    ):
        diagnosis = check(sem, w)
        if diagnosis is not None:
            found.append((name, diagnosis))
    return found


def layered_machine(
    make_semantics: Callable[[], Semantics], top: int
) -> type[RuleBasedStateMachine]:
    """A call-level machine whose sockets are made through catalog entry ``top``."""

    class Layered(RuleBasedStateMachine):
        infos = Bundle("infos")

        def __init__(self) -> None:
            super().__init__()
            self.sem = make_semantics()
            w = self.sem.initial_world()
            for _ in range(PROCESSES):
                w, _ = self.sem.spawn(w)
            self.world = w
            self.trace: list[TraceRow] = []

        def descriptor(self, slot: int, pick: int) -> int:
            """One of the client's descriptors in ``slot`` (or a value it was never handed)."""
            issued = self.world.procs[slot].issued
            return issued[pick % len(issued)] if issued else 4 + 4 * pick

        def call(self, slot: int, call: Call) -> object:
            self.world, result = self.sem.call(self.world, slot, 0, call)
            refs = " ".join(str(s.refs) for s in self.world.sockets)
            self.trace.append(
                (str(len(self.trace) + 1), f"P{slot}", str(call), str(result), "", refs)
            )
            found = chain_violations(self.sem, self.world)
            if found:
                name, diagnosis = found[0]
                raise PropertyViolation(name, diagnosis, list(self.trace))
            return result.value

        @rule(slot=slots)
        def create(self, slot: int) -> None:
            self.call(slot, WSPSocket(top))

        @rule(slot=slots, pick=picks)
        def connect(self, slot: int, pick: int) -> None:
            self.call(slot, WSPConnect(self.descriptor(slot, pick)))

        @rule(slot=slots, pick=picks)
        def send(self, slot: int, pick: int) -> None:
            self.call(slot, WSPSend(self.descriptor(slot, pick)))

        @rule(target=infos, slot=slots, pick=picks, to=slots)
        def duplicate(self, slot: int, pick: int, to: int) -> object:
            pid = self.world.procs[to].pid
            value = self.call(slot, WSPDuplicateSocket(self.descriptor(slot, pick), pid))
            return value if isinstance(value, ProtocolInfo) else multiple()

        @rule(info=infos, slot=slots)
        def claim(self, info: ProtocolInfo, slot: int) -> None:
            """By its target, replayed, or by a process it was not made for."""
            self.call(slot, WSPSocket(info=info))

        @rule(slot=slots, pick=picks)
        def close(self, slot: int, pick: int) -> None:
            self.call(slot, WSPCloseSocket(self.descriptor(slot, pick)))

        @precondition(lambda self: sum(p.alive for p in self.world.procs) > 1)
        @rule(slot=slots)
        def exit(self, slot: int) -> None:
            self.world = self.sem.exit_process(self.world, slot)
            self.trace.append((str(len(self.trace) + 1), f"P{slot}", "ExitProcess", "", "", ""))
            found = chain_violations(self.sem, self.world)
            if found:
                raise PropertyViolation(*found[0], list(self.trace))

        def teardown(self) -> None:
            # Everything released once every process has gone (R7, R11, across every layer).
            w = self.world
            for slot in range(PROCESSES):
                w = self.sem.exit_process(w, slot)
            leftovers = [h for p in w.procs for h in p.handles if h.kind is not HandleKind.PROCESS]
            open_sockets = [i for i, s in enumerate(w.sockets) if s.refs > 0]
            if leftovers or open_sockets:
                raise PropertyViolation(
                    "no-leak", f"after every exit: {leftovers} {open_sockets}", list(self.trace)
                )

    return Layered
