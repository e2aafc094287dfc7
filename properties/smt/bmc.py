"""Bounded model checking over the call-level semantics: a path of length <= k to a violation.

What CONFIG means here: the processes of a ``wspshare check`` configuration, started and idle
(``handoff``: source, target, stranger; ``handoff-threads``: the same with two threads in source
and target; ``fanout``: source, two targets, stranger), with all three providers installed and
room for one more process (a pid reuse).  From there every step is any action of the twin
(``properties.smt.twin``), with any arguments: the scenario's programs are *not* encoded, so a
path shows what the machine allows any process to do, not what the seed's protocol does.

The unrolling is incremental: one solver, one transition per depth, and the negated invariants
pushed and popped at each depth, so the first path found is a shortest one.  A path is a list of
(action, arguments) that ``replay`` runs through ``Semantics``, checking the same properties.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3
from wspshare.models.calls import (
    Call,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPRecv,
    WSPSend,
    WSPSetSockOpt,
    WSPSocket,
)
from wspshare.models.errors import ModelError, WSAError
from wspshare.models.semantics import Semantics
from wspshare.models.state import IPPROTO_TCP, ProtocolInfo, World
from wspshare.properties.invariants import world_violations
from wspshare.properties.smt.concrete import evaluator
from wspshare.properties.smt.interrupt import checked, solver_interrupts
from wspshare.properties.smt.layer_concrete import encode_for, layered_violations
from wspshare.properties.smt.layer_invariants import invariants_for
from wspshare.properties.smt.state import Bounds, SymState, flat, fresh, ite
from wspshare.properties.smt.twin import Twin
from wspshare.properties.stateful.driver import Driver, PropertyViolation

CONFIGS: dict[str, tuple[int, ...]] = {
    "handoff": (1, 1, 1),
    "handoff-threads": (2, 2, 1),
    "fanout": (1, 1, 1, 1),
}


def config_threads(name: str) -> tuple[int, ...]:
    if name not in CONFIGS:
        raise ModelError(f"unknown configuration {name!r}; choose one of {', '.join(CONFIGS)}")
    return CONFIGS[name]


def bounds_for(name: str, handles: int = 4, sockets: int = 2, spare: int = 1) -> Bounds:
    """The configuration's processes plus ``spare`` slots for spawns (a pid reuse needs one)."""
    threads = config_threads(name)
    return Bounds(len(threads) + spare, max(threads), handles, sockets, 2)


def start_world(sem: Semantics, name: str) -> World:
    w = sem.initial_world()
    for n in config_threads(name):
        w, _ = sem.spawn(w, n)
    return w


Step = tuple[str, dict[str, int]]


@dataclass
class BmcResult:
    config: str
    twin: str
    depth: int
    path: list[Step] | None = None
    violated: list[str] = field(default_factory=list)
    seconds_per_depth: list[float] = field(default_factory=list)
    unknown_at: int | None = None  # the depth where the solver gave up (timeout), if any
    interrupted: bool = False  # Ctrl-C stopped the search at depth ``unknown_at``

    @property
    def holds(self) -> bool:
        """No violation within ``depth`` steps, every depth answered."""
        return self.path is None and self.unknown_at is None


def bmc(
    twin: Twin,
    sem: Semantics,
    config: str,
    depth: int,
    timeout_ms: int = 300_000,
    progress: Callable[[int, float], None] | None = None,
    partial_on_interrupt: bool = False,
) -> BmcResult:
    """Look for a path of at most ``depth`` actions to a violation.  ``progress`` is told each
    depth answered and its solver time; Ctrl-C stops at the depth being asked, as undecided."""
    result = BmcResult(config, twin.name, depth)
    try:
        with solver_interrupts():
            return _bmc(twin, sem, config, depth, timeout_ms, progress, result)
    except KeyboardInterrupt:
        if not partial_on_interrupt:
            raise
        result.interrupted = True
        result.unknown_at = len(result.seconds_per_depth)
        return result


def _bmc(
    twin: Twin,
    sem: Semantics,
    config: str,
    depth: int,
    timeout_ms: int,
    progress: Callable[[int, float], None] | None,
    result: BmcResult,
) -> BmcResult:
    b = twin.b
    s0 = encode_for(twin, sem, start_world(sem, config))
    invariants = invariants_for(twin)  # a layered twin's add the chain's two
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    states: list[SymState] = [s0]
    choices: list[tuple[Any, dict[str, Any]]] = []
    names = list(twin.actions)
    for k in range(depth + 1):
        start = time.perf_counter()
        if k > 0:
            s, nxt = states[-1], fresh(b, f"t{k}")
            sel = z3.Int(f"action_{k}")
            params = {p for ps, _ in twin.actions.values() for p in ps}
            args = {p: z3.Int(f"arg{k}_{p}") for p in sorted(params)}
            post: SymState | None = None
            enabled: Any = z3.BoolVal(False)
            for i, name in enumerate(names):
                out = twin.actions[name][1](s, args)
                chosen = sel == i
                enabled = z3.Or(enabled, z3.And(chosen, out.enabled))
                post = out.post if post is None else ite(chosen, out.post, post)
            assert post is not None
            solver.add(sel >= 0, sel < len(names), enabled)
            # WSPSocket's protocol is TCP in every path asked for: the other values (wildcards,
            # UDP, unknown) only reach R12's error answers, which the cross-check runs through
            # the twin exhaustively, and left free they made the solver give up within budget.
            solver.add(args["protocol"] == IPPROTO_TCP)
            solver.add(z3.And([x == y for x, y in zip(flat(nxt), flat(post), strict=True)]))
            states.append(nxt)
            choices.append((sel, args))
        final = states[-1]
        solver.push()
        solver.add(z3.Not(z3.And([f(twin, final) for _, f in invariants.values()])))
        answer = checked(solver, timeout_ms=timeout_ms)
        result.seconds_per_depth.append(time.perf_counter() - start)
        if progress is not None:
            progress(k, result.seconds_per_depth[-1])
        if answer == z3.sat:
            ev = evaluator(solver.model())
            path = []
            for sel, args in choices:
                name = names[ev(sel)]
                path.append((name, {p: ev(args[p]) for p in twin.actions[name][0]}))
            result.path = path
            result.violated = [n for n, (_, f) in invariants.items() if not ev(f(twin, final))]
            solver.pop()
            return result
        solver.pop()
        if answer == z3.unknown:  # not "no path": the search stops, inconclusive from here on
            result.unknown_at = k
            return result
    return result


def to_call(name: str, a: dict[str, int], sem: Semantics) -> Call:
    """The ``models.calls`` record of a twin SPI action."""
    if name == "WSPSocket":
        return WSPSocket(a["catalog"], None, a["family"], a["type"], a["protocol"])
    if name == "claim":
        provider = sem.provider(a["catalog"])
        flags = provider.service_flags1 if provider else 0
        # A layered twin's claim says whether the info's chain is its entry's (``chained``).
        chain = getattr(provider, "chain", None) if a.get("chained", 0) else None
        info = ProtocolInfo(
            flags,
            a["catalog"],
            chain or (a["catalog"],),
            a["family"],
            a["type"],
            a["protocol"],
            a["reserved"],
        )
        return WSPSocket(info=info)
    if name == "WSPSetSockOpt":
        return WSPSetSockOpt(a["s"], a["option"], a["val"])
    if name == "WSPGetSockOpt":
        return WSPGetSockOpt(a["s"], a["option"])
    if name == "WSPEventSelect":
        return WSPEventSelect(a["s"], a["mask"])
    if name == "WSPDuplicateSocket":
        return WSPDuplicateSocket(a["s"], a["pid"])
    if name == "WSPConnect":
        return WSPConnect(a["s"])
    if name == "WSPSend":
        return WSPSend(a["s"])
    if name == "WSPRecv":
        return WSPRecv(a["s"])
    return WSPCloseSocket(a["s"])


@dataclass
class Replay:
    worlds: list[World]
    results: list[str]
    violated: list[str]


def replay(sem: Semantics, config: str, path: list[Step]) -> Replay:
    """Run a BMC path through the executable semantics; which properties fail at its end."""
    d = Driver(sem, start_world(sem, config))
    worlds, results = [d.world], []
    ghost: list[str] = []
    for name, a in path:
        if name == "ExitProcess":
            d.world = sem.exit_process(d.world, a["slot"])
            results.append("done")
        elif name == "Spawn":
            pid = a["pid"] if a["reuse"] else None
            d.world, slot = sem.spawn(d.world, a["threads"], pid)
            results.append(f"P{slot}")
        elif name == "InjectFailure":
            d.world = sem.inject_failure(d.world, a["slot"], WSAError(a["error"]))
            results.append("done")
        elif name == "OpenProcess":
            d.world, value = sem.kernel.open_process(d.world, a["slot"], a["pid"])
            results.append(str(value))
        elif name == "CloseHandle":
            d.world = sem.kernel.close_handle(d.world, a["slot"], a["s"])
            results.append("done")
        else:
            try:
                results.append(str(d.call(a["slot"], a["thread"], to_call(name, a, sem))))
            except PropertyViolation as err:
                if err.name in ("single-use", "no-strangers"):
                    ghost.append(err.name)
                results.append(str(err.trace[-1][3]))
        worlds.append(d.world)
    violated = [n for n, _ in world_violations(sem, d.world)] + ghost
    violated += layered_violations(sem, d.world)
    return Replay(worlds, results, violated)
