"""The handoff scenario's properties: the world invariants plus what needs the programs' view.

``handoff_properties(model)`` names every item of SPEC "What must hold" as a ``Property`` over
``HandoffState``; ``violations(model, state)`` gives the failing safety properties with a sentence
each, for the simulator's runtime verification and the Hypothesis machines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from wspshare.models.memo import Memo
from wspshare.models.protocol import Expectation, Property
from wspshare.models.scenario import HandoffModel, HandoffState, StrangerRegs, TargetRegs
from wspshare.models.state import HandleKind, SocketStatus, World
from wspshare.properties.invariants import WORLD_INVARIANTS, Diagnosis
from wspshare.properties.isolation import ISOLATION_INVARIANTS, ISOLATION_RULES
from wspshare.properties.layered import layer_invariants
from wspshare.properties.patterns import pattern_invariants, served_everyone
from wspshare.properties.profiles import claimed

ScenarioCheck = Callable[[HandoffModel, HandoffState], Diagnosis]


def no_strangers(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """A process never named as a target gets no handle to the socket, forged info or not."""
    for slot, regs in enumerate(s.regs):
        if not isinstance(regs, StrangerRegs):
            continue
        for h in s.world.procs[slot].handles:
            if h.kind is not HandleKind.PROCESS:
                return f"stranger P{slot} holds handle {h.value} to socket {h.obj}"
    return None


def single_use(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """R2: one protocol info yields at most one descriptor (a target claims once)."""
    for slot, regs in enumerate(s.regs):
        if isinstance(regs, TargetRegs) and regs.extra:
            return f"target P{slot} got a second descriptor {regs.extra} from the same info"
    return None


def no_stale_use(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """R5: a thread reaches a socket only through a value handed to it for that socket."""
    if s.stale_use:
        return "a thread used a closed descriptor value that now names another socket"
    return None


def no_premature_close(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """R7: the socket stays open while a live target may still claim it."""
    procs = s.world.procs
    for provider, state in zip(model.semantics.providers, s.world.providers, strict=True):
        for claim in provider.pending_claims(state):
            sock = s.world.sockets[claim.sock]
            target_alive = any(p.alive and p.pid == claim.target_pid for p in procs)
            if sock.status is SocketStatus.CLOSED and target_alive:
                return f"socket {claim.sock} closed before pid {claim.target_pid} claimed it"
    for slot, regs in enumerate(s.regs):
        if isinstance(regs, TargetRegs) and regs.info is not None and not regs.claimed:
            sock_closed = all(k.status is SocketStatus.CLOSED for k in s.world.sockets)
            if procs[slot].alive and sock_closed and s.world.sockets:
                return f"the socket closed before target P{slot} could claim it"
    return None


def no_leak(model: HandoffModel, s: HandoffState) -> Diagnosis:
    """R7, R11: once every program has finished, nothing is left.  After a fault, only the
    references held for a protocol info that was never claimed may remain (the M3/M4 cost)."""
    if not model.is_final(s):
        return None
    w = s.world
    for slot, proc in enumerate(w.procs):
        for h in proc.handles:
            if h.kind is HandleKind.PENDING and s.faulted:
                continue
            return f"P{slot} still holds handle {h.value} ({h.kind.name}) at the end"
    for provider, state in zip(model.semantics.providers, w.providers, strict=True):
        for claim in provider.pending_claims(state):
            if not s.faulted:
                return f"{provider.name} still keeps a share of socket {claim.sock} at the end"
    pending = {h.obj for p in w.procs for h in p.handles if h.kind is HandleKind.PENDING} | {
        c.sock
        for provider, state in zip(model.semantics.providers, w.providers, strict=True)
        for c in provider.pending_claims(state)
        if c.holds_ref
    }
    for i, sock in enumerate(w.sockets):
        if sock.status is not SocketStatus.CLOSED and i not in pending:
            return f"socket {i} is still open at the end with {sock.refs} references"
    return None


def handoff_succeeded(model: HandoffModel, s: HandoffState) -> bool:
    """Every target got a working descriptor, and in the end everything is released.  Where
    targets serve the network, "working" is for the workers together: every client accepted
    (or datagram read) by some worker, not necessarily by each."""
    if not model.is_final(s):
        return False
    targets = [r for r in s.regs if isinstance(r, TargetRegs)]
    if model.pattern.loops:
        claimed = all(r.claimed for r in targets) and served_everyone(model, s)
    else:
        claimed = all(r.claimed and r.worked for r in targets)
    released = all(k.status is SocketStatus.CLOSED for k in s.world.sockets)
    return claimed and released


SCENARIO_INVARIANTS: dict[str, tuple[str, ScenarioCheck]] = {
    "no-strangers": ("R1, R3", no_strangers),
    "single-use": ("R2", single_use),
    "no-stale-use": ("R5", no_stale_use),
    "no-premature-close": ("R7", no_premature_close),
    "no-leak": ("R7, R11", no_leak),
}
WORLD_RULES = {
    "reference-count": "R7, R11",
    "open-iff-referenced": "R7",
    "descriptor-validity": "R5, R11",
    "provider-discipline": "R4",
    "common-state": "R6",
    "single-registration": "R8",
    **ISOLATION_RULES,
}
WORLD_CHECKS = {**WORLD_INVARIANTS, **ISOLATION_INVARIANTS}


class _WorldVerdicts:
    """The world invariants as properties of the state.  They read the world alone and a search
    meets few distinct worlds (``models.memo``), so the verdicts of all of them are worked out
    once per world and remembered; the checker asks them one after another about one state,
    so the last world is kept at hand too (compared by identity, no hashing)."""

    def __init__(self, checks: Sequence[Callable[..., Diagnosis]], model: HandoffModel) -> None:
        self._checks = tuple(checks)
        self._semantics = model.semantics
        self._verdicts: Memo[tuple[bool, ...]] = Memo(self._fresh)
        self._last: tuple[World | None, tuple[bool, ...]] = (None, ())

    def _fresh(self, world: World) -> tuple[bool, ...]:
        return tuple(check(self._semantics, world) is None for check in self._checks)

    def of(self, world: World) -> tuple[bool, ...]:
        last, verdicts = self._last
        if last is not world:
            verdicts = self._verdicts(world)
            self._last = (world, verdicts)
        return verdicts

    def __getstate__(self) -> dict[str, object]:  # no world kept at hand in a copy
        return {**self.__dict__, "_last": (None, ())}


@dataclass(frozen=True)
class _WorldHolds:
    """One world invariant, read from the shared verdicts."""

    verdicts: _WorldVerdicts
    index: int

    def __call__(self, s: HandoffState) -> bool:
        return self.verdicts.of(s.world)[self.index]


def _scenario_holds(check: ScenarioCheck, model: HandoffModel, s: HandoffState) -> bool:
    return check(model, s) is None


def _succeeds_or_faulted(model: HandoffModel, s: HandoffState) -> bool:
    return s.faulted or handoff_succeeded(model, s)


def scenario_invariants(model: HandoffModel) -> dict[str, tuple[str, ScenarioCheck]]:
    """The scenario invariants of ``model``: the seed's, those of its sharing pattern and of
    its protocol chain (``properties.layered``), as far as its implementation profile claims
    them (``properties.profiles``)."""
    profile = model.semantics.profile.name
    every = {**SCENARIO_INVARIANTS, **pattern_invariants(model), **layer_invariants(model)}
    return {name: check for name, check in every.items() if claimed(name, profile)}


def world_checks(model: HandoffModel) -> dict[str, Callable[..., Diagnosis]]:
    """The world invariants its implementation profile claims for ``model``."""
    profile = model.semantics.profile.name
    return {name: check for name, check in WORLD_CHECKS.items() if claimed(name, profile)}


def handoff_properties(model: HandoffModel) -> list[Property[HandoffState]]:
    """Every property of SPEC "What must hold", bound to ``model``."""
    props: list[Property[HandoffState]] = []
    checks = world_checks(model)
    verdicts = _WorldVerdicts(list(checks.values()), model)
    for index, (name, check) in enumerate(checks.items()):
        doc = (check.__doc__ or "").strip().splitlines()[0]
        world_holds = _WorldHolds(verdicts, index)
        props.append(Property(name, WORLD_RULES[name], Expectation.ALWAYS, world_holds, doc))
    for name, (rule, scheck) in scenario_invariants(model).items():
        doc = (scheck.__doc__ or "").strip().splitlines()[0]
        holds = partial(_scenario_holds, scheck, model)
        props.append(Property(name, rule, Expectation.ALWAYS, holds, doc))
    props.append(
        Property(
            "handoff-succeeds",
            "R1",
            Expectation.EVENTUALLY,
            partial(_succeeds_or_faulted, model),
            "without faults, every target ends up holding a working descriptor and all is released",
        )
    )
    return props


def checkable(model: HandoffModel) -> HandoffModel:
    """The model with its properties attached, ready for a checker."""
    return model.with_properties(handoff_properties(model))


def violations(model: HandoffModel, s: HandoffState) -> list[tuple[str, str]]:
    """Every failing safety property, with its diagnosis (for runtime verification)."""
    out: list[tuple[str, str]] = []
    for name, check in world_checks(model).items():
        found = check(model.semantics, s.world)
        if found is not None:
            out.append((name, found))
    for name, (_, scheck) in scenario_invariants(model).items():
        found = scheck(model, s)
        if found is not None:
            out.append((name, found))
    return out
