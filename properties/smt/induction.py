"""Inductive proofs over every state within the bounds, reachable or not.

For each action A and each formula F (invariant or strengthening): is there a state s satisfying
every formula, with A enabled in s for some arguments, whose successor violates F?  ``unsat``
means F is preserved by A; a model is a counterexample to induction (CTI): a pre-state, the
action with its arguments, and a post-state.  The initial world (no process, no socket) satisfies
every formula, checked too, so "proved" for every pair means each invariant holds in every
reachable state within the bounds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3
from wspshare.properties.smt.concrete import decode, evaluator, ghosts
from wspshare.properties.smt.interrupt import checked, solver_interrupts
from wspshare.properties.smt.layer_invariants import formulas_for
from wspshare.properties.smt.state import Bounds, SymState, fresh, value_of
from wspshare.properties.smt.twin import Twin


@dataclass(frozen=True)
class Cti:
    formula: str
    action: str
    args: dict[str, int]
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class ProofResult:
    bounds: Bounds
    twin: str
    proved: dict[str, bool] = field(default_factory=dict)  # formula -> preserved by all actions
    seconds: dict[str, float] = field(default_factory=dict)  # formula -> solver time
    ctis: list[Cti] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    initial_ok: bool = True
    interrupted: bool = False  # Ctrl-C stopped the proof: verdicts are partial
    queries: int = 0  # solver queries answered
    finished: list[str] = field(default_factory=list)  # actions whose every query was answered

    @property
    def holds(self) -> bool:
        return self.initial_ok and not self.ctis and not self.unknown and not self.interrupted


def initial(b: Bounds) -> SymState:
    """``Semantics.initial_world``: no process, no socket, token counters at 1."""
    s = fresh(b, "init")
    return s


def initial_constraint(s: SymState) -> Any:
    eqs = [s.nprocs == 0, s.nsocks == 0, z3.Not(s.stranger), z3.Not(s.reclaimed)]
    for sh in s.shares:
        eqs.append(sh.next_token == 1)
        eqs += [z3.Not(p) for p in sh.present]
    for row in s.hp + s.issued + [row for grid in s.ctx for row in grid]:
        eqs += [z3.Not(x) for x in row]
    eqs += [z3.Not(x) for x in s.alive + s.issued_out]
    return z3.And(eqs)


def make_solver(timeout_ms: int) -> z3.Solver:
    """Simplify and solve the state equalities away before the SMT core: on the reference-count
    sums this is several times faster than the default solver (measured in benchmarks/)."""
    tactic = z3.Then("simplify", "propagate-values", "solve-eqs", "smt")
    solver = tactic.solver()
    solver.set("timeout", timeout_ms)
    return solver


def split_by_slot(
    twin: Twin, s: SymState, action: str
) -> list[tuple[str, dict[str, Any], Any, Any]]:
    """The action's cases, one per acting slot (plus "no such slot"), and for an action whose
    pid names a process, one per target slot (plus "nobody has it"): with the slots constants,
    every table row but the ones written simplifies away, which makes the reference-count sums
    small enough for the solver (about ten times faster than one query with a free slot, and
    the difference between seconds and no answer for WSPDuplicateSocket at 8 handle values)."""
    params, run = twin.actions[action]
    args: dict[str, Any] = {p: z3.Int(f"arg_{p}") for p in params}
    if "slot" not in params:
        return [("any", args, run(s, args), z3.BoolVal(True))]
    # Every use of the slot is "slot == i" or "0 <= slot < nprocs" (and nprocs <= P), so every
    # slot outside 0..P-1 behaves as -1 does: one constant stands for them all.
    slots: list[tuple[str, Any]] = [(f"slot={i}", z3.IntVal(i)) for i in range(twin.b.procs)]
    slots.append(("slot=out", z3.IntVal(-1)))
    targets: list[int | None] = [*range(twin.b.procs), None]
    cases = []
    for label, slot in slots:
        fixed = {**args, "slot": slot}
        if action not in twin.targeting:
            cases.append((label, fixed, run(s, fixed), z3.BoolVal(True)))
            continue
        for target in targets:
            with twin.resolving(fixed["pid"], target):
                out = run(s, fixed)
            name = f"{label},target={'none' if target is None else target}"
            cases.append((name, fixed, out, twin.names_slot(s, fixed["pid"], target)))
    return cases


# A query first gets this long; one that has not answered is split by which cell the call's
# descriptor names (each part with the full timeout).  With the slots constant most queries answer
# in a second or two; the few that do not (a seeded bug that writes two rows, say) need the split.
FIRST_TRY_MS = 10_000


def descriptor_cells(twin: Twin, args: dict[str, Any]) -> list[tuple[str, Any]]:
    """The parts of a query on an action that takes a descriptor: one per handle value, and one
    for a value no cell has (every case is covered, so unsat in each part is unsat overall)."""
    values = [value_of(j) for j in range(twin.b.handles)]
    parts: list[tuple[str, Any]] = [(f"s={v}", args["s"] == v) for v in values]
    parts.append(("s=other", z3.And([args["s"] != v for v in values])))
    return parts


def check(premises: list[Any], timeout_ms: int) -> tuple[Any, z3.ModelRef | None]:
    solver = make_solver(timeout_ms)
    solver.add(*premises)
    answer = checked(solver, timeout_ms=timeout_ms)
    return answer, solver.model() if answer == z3.sat else None


def decide(
    twin: Twin, args: dict[str, Any], premises: list[Any], timeout_ms: int
) -> tuple[Any, z3.ModelRef | None]:
    """sat (with a model), unsat, or unknown: a short try, then the split or the full timeout."""
    answer, model = check(premises, min(timeout_ms, FIRST_TRY_MS))
    if answer != z3.unknown or timeout_ms <= FIRST_TRY_MS:
        return answer, model
    if "s" not in args:
        return check(premises, timeout_ms)
    verdict: Any = z3.unsat
    for _, part in descriptor_cells(twin, args):
        answer, model = check([*premises, part], timeout_ms)
        if answer == z3.sat:
            return answer, model
        if answer == z3.unknown:
            verdict = z3.unknown
    return verdict, None


def prove(
    twin: Twin,
    formulas: list[str] | None = None,
    actions: list[str] | None = None,
    timeout_ms: int = 120_000,
    verbose: bool = False,
    progress: Callable[[str], None] | None = None,
    partial_on_interrupt: bool = False,
) -> ProofResult:
    """Prove ``formulas`` (all by default) preserved by ``actions`` (all by default).

    ``progress`` is told each query as it starts.  With ``partial_on_interrupt``, Ctrl-C stops
    the proof and returns what was decided so far, with ``interrupted`` set."""
    result = ProofResult(twin.b, twin.name)
    try:
        with solver_interrupts():
            _prove(twin, result, formulas, actions, timeout_ms, verbose, progress)
    except KeyboardInterrupt:
        if not partial_on_interrupt:
            raise
        result.interrupted = True
    return result


def _prove(
    twin: Twin,
    result: ProofResult,
    formulas: list[str] | None,
    actions: list[str] | None,
    timeout_ms: int,
    verbose: bool,
    progress: Callable[[str], None] | None,
) -> None:
    b = twin.b
    table = formulas_for(twin)
    names = formulas or list(table)
    # Base case: the initial world satisfies every formula.
    s0 = initial(b)
    base = z3.Solver()
    base.add(initial_constraint(s0), z3.Not(z3.And([f(twin, s0) for _, f in table.values()])))
    result.initial_ok = checked(base) == z3.unsat
    s = fresh(b, "pre")
    inv = z3.And([f(twin, s) for _, f in table.values()])
    for name in names:
        result.proved[name] = True
        result.seconds[name] = 0.0
    for action in actions or list(twin.actions):
        for case, args, out, guard in split_by_slot(twin, s, action):
            for name in names:
                if not result.proved[name] and any(c.formula == name for c in result.ctis):
                    continue  # one counterexample per formula is enough
                _, f = table[name]
                if progress is not None:
                    progress(f"{name} under {action} ({case})")
                start = time.perf_counter()
                premises = [inv, out.enabled, guard, z3.Not(f(twin, out.post))]
                answer, model = decide(twin, args, premises, timeout_ms)
                spent = time.perf_counter() - start
                result.queries += 1
                result.seconds[name] += spent
                if verbose:
                    print(f"{action:20} {case:17} {name:22} {answer} {spent:.2f}s", flush=True)
                if model is not None:
                    result.proved[name] = False
                    ev = evaluator(model)
                    result.ctis.append(
                        Cti(
                            name,
                            action,
                            {p: ev(a) for p, a in args.items()},
                            {**decode(ev, s, b), **ghosts(ev, s, b)},
                            {**decode(ev, out.post, b), **ghosts(ev, out.post, b)},
                        )
                    )
                elif answer == z3.unknown:
                    result.proved[name] = False
                    result.unknown.append((name, action))
        result.finished.append(action)
