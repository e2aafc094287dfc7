"""Concrete counterexamples and enabledness in explicit finite worlds: a query the proof does not
close counts as a counterexample only with a real world that breaks it, and each operation is
shown to fire somewhere, so that no proof is about an empty set of transitions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import z3
from wspshare.properties.smt.parametric.counts import Counts
from wspshare.properties.smt.parametric.finite import finite_world, inside, probes, true_counts
from wspshare.properties.smt.parametric.formulas import FORMULAS, Probe
from wspshare.properties.smt.parametric.operations import OPERATIONS, Step
from wspshare.properties.smt.parametric.solving import COUNTEREXAMPLE, solve, status_of
from wspshare.properties.smt.parametric.terms import total_of
from wspshare.properties.smt.parametric.universe import Universe
from wspshare.properties.smt.parametric.world import World
from wspshare.properties.smt.twin import Twin


def enabled_somewhere(twin: Twin, operation: str, u: Universe, timeout_ms: int = 60_000) -> bool:
    """Some world inside ``u`` satisfying every formula enables ``operation`` (so its proof is
    about some transition, not about none)."""
    pre, shape = finite_world(u, "en")
    g = true_counts(pre, u)
    step = OPERATIONS[operation](twin, pre, g)
    before = [f(pre, g, y) for f in FORMULAS.values() for y in probes(u)]
    answer, _ = solve(timeout_ms, shape, step.guard, *inside(u, step), *before)
    return bool(answer == z3.sat)


def search_counterexample(
    twin: Twin, operation: str, formula: str, u: Universe, timeout_ms: int = 60_000
) -> tuple[str, dict[str, int]]:
    """A concrete world inside ``u`` that satisfies every formula (with its true counts, explicit
    sums), and an instance of ``operation`` inside ``u``, whose successor violates ``formula`` by
    its true counts: no quantifier and no lemma, so a model is a real violation.  ``proved``
    means none exists inside ``u`` (a bounded statement only)."""
    pre, shape = finite_world(u, "cex")
    g = true_counts(pre, u)
    step = OPERATIONS[operation](twin, pre, g)
    after = true_counts(step.post, u)
    x = Probe.fresh("cex")
    before = [f(pre, g, y) for f in FORMULAS.values() for y in probes(u)]
    violated = z3.Not(FORMULAS[formula](step.post, after, x))
    answer, solver = solve(timeout_ms, shape, step.guard, *inside(u, step), *before, violated)
    if answer != z3.sat:
        return status_of(answer), {}
    return COUNTEREXAMPLE, witness(solver.model(), pre, g, replace(step, counts=after), x)


def witness(model: z3.ModelRef, pre: World, g: Counts, step: Step, x: Probe) -> dict[str, int]:
    """The operation's arguments, the probe, and at the probed socket the count and its two
    parts before and after."""

    def ev(term: Any) -> int:
        got = model.eval(term, model_completion=True)
        return int(got.as_long()) if z3.is_int_value(got) else int(z3.is_true(got))

    out = {name: ev(term) for name, term in step.params.items()}
    out.update({f"probe_{n}": ev(getattr(x, n)) for n in ("p", "v", "r", "k")})
    for tag, w, c in (("before", pre, g), ("after", step.post, step.counts)):
        out[f"refs_{tag}"] = ev(w.refs(x.k))
        out[f"handles_{tag}"] = ev(c.total(x.k))
        out[f"shares_{tag}"] = ev(total_of([s(x.k) for s in c.shared]))
    return out
