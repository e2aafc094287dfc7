"""The proof itself (``prove_parametric``): each (operation, formula) pair as one z3 query, with
the counterexample search, the link and the lemma checks that decide whether it speaks for a
twin, gathered in a ``ParametricResult``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import z3
from wspshare.properties.smt.parametric.counts import fresh_counts, zero_counts
from wspshare.properties.smt.parametric.formulas import (
    FORMULAS,
    Probe,
    counts_facts,
    holds_everywhere,
)
from wspshare.properties.smt.parametric.lemma_checks import check_lemmas
from wspshare.properties.smt.parametric.link import MATCHES, check_link
from wspshare.properties.smt.parametric.operations import OPERATIONS, STATIC_NEEDS
from wspshare.properties.smt.parametric.search import enabled_somewhere, search_counterexample
from wspshare.properties.smt.parametric.solving import COUNTEREXAMPLE, PROVED, UNKNOWN, solve
from wspshare.properties.smt.parametric.sums import prove_sum_facts
from wspshare.properties.smt.parametric.universe import Universe
from wspshare.properties.smt.parametric.world import fresh_world, initial_world
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.twin import Twin


@dataclass(frozen=True)
class Verdict:
    operation: str
    formula: str
    status: str  # PROVED, COUNTEREXAMPLE or UNKNOWN
    seconds: float
    values: dict[str, int] = field(default_factory=dict)  # a counterexample's values


@dataclass
class ParametricResult:
    twin: str
    initial_ok: bool = False
    verdicts: list[Verdict] = field(default_factory=list)
    enabled: dict[str, bool] = field(default_factory=dict)  # operation -> fires somewhere
    link: dict[str, str] = field(default_factory=dict)  # operation -> MATCHES, DIFFERS, UNKNOWN
    lemmas: dict[str, str] = field(default_factory=dict)  # counting fact -> verdict
    seconds: float = 0.0  # wall time of the whole run

    @property
    def proved(self) -> bool:
        """The initial world, and every (operation, formula) pair: preserved."""
        return self.initial_ok and all(v.status == PROVED for v in self.verdicts)

    @property
    def holds(self) -> bool:
        """Proved; every operation fires in some world (the proof is not about nothing); its
        link to the twin's method holds; and every counting fact used is proved."""
        return (
            self.proved
            and all(self.enabled.values())
            and all(s == MATCHES for s in self.link.values())
            and all(s == PROVED for s in self.lemmas.values())
        )

    def status(self, operation: str) -> str:
        """An operation's verdict: a counterexample to any formula, else unknown, else proved."""
        got = {v.status for v in self.verdicts if v.operation == operation}
        if not got:
            raise KeyError(operation)
        return next(s for s in (COUNTEREXAMPLE, UNKNOWN, PROVED) if s in got)

    def counterexamples(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == COUNTEREXAMPLE]

    def lines(self) -> list[str]:
        """One line per operation, then the lemmas and the initial world."""
        out = []
        for name in dict.fromkeys(v.operation for v in self.verdicts):
            spent = sum(v.seconds for v in self.verdicts if v.operation == name)
            extra = [f"link {self.link[name]}"] if name in self.link else []
            if not self.enabled.get(name, True):
                extra.append("never enabled")
            for v in self.verdicts:
                if v.operation == name and v.status != PROVED:
                    shown = ", ".join(f"{k}={x}" for k, x in v.values.items())
                    extra.append(f"{v.formula}: {v.status}" + (f" ({shown})" if shown else ""))
            out.append(f"{name:24} {self.status(name):15} {spent:6.2f}s  " + "; ".join(extra))
        bad = [n for n, s in self.lemmas.items() if s != PROVED]
        out.append(f"lemmas: {len(self.lemmas) - len(bad)}/{len(self.lemmas)} proved {bad or ''}")
        out.append(f"initial world: {'ok' if self.initial_ok else 'VIOLATES'}")
        return [line.rstrip() for line in out]


def initial_holds() -> bool:
    """The initial world with its (all-zero) counts satisfies every formula, at any probe."""
    w, g, x = initial_world(), zero_counts(), Probe.fresh("init")
    answer, _ = solve(60_000, z3.Not(z3.And([f(w, g, x) for f in FORMULAS.values()])))
    return bool(answer == z3.unsat)


SEARCH = Universe(procs=2, values=2, records=2, sockets=2)
LINK_BOUNDS = Bounds(procs=2, threads=1, handles=2, sockets=2, shares=2)
LEMMA_UNIVERSE = Universe(procs=3, values=3, records=3)


def prove_parametric(
    twin: Twin,
    timeout_ms: int = 60_000,
    operations: list[str] | None = None,
    search: Universe = SEARCH,
    link_bounds: Bounds | None = LINK_BOUNDS,
    lemma_universe: Universe | None = LEMMA_UNIVERSE,
) -> ParametricResult:
    """Each operation preserves each formula, for a world of any size (see the package docstring).

    A query that is not proved is followed by a search for a concrete counterexample inside
    ``search``, which also shows each operation enabled somewhere.  ``link_bounds`` are the
    bounds of ``check_link``, ``lemma_universe`` the size ``check_lemmas`` checks the counting
    facts at (with ``prove_sum_facts`` beside it); None skips either."""
    start = time.perf_counter()
    names = operations or list(OPERATIONS)
    result = ParametricResult(twin.name, initial_ok=initial_holds())
    pre, g = fresh_world("pre"), fresh_counts("pre")
    invariant = holds_everywhere(pre, g)
    for name in names:
        step = OPERATIONS[name](twin, pre, g)
        facts = counts_facts(pre, g, STATIC_NEEDS.get(name, ()))
        for formula, f in FORMULAS.items():
            x = Probe.fresh("post")
            begun = time.perf_counter()
            negated = z3.Not(f(step.post, step.counts, x))
            answer, _ = solve(timeout_ms, *invariant, *facts, step.guard, negated)
            status, values = PROVED, dict[str, int]()
            if answer != z3.unsat:
                status, values = search_counterexample(twin, name, formula, search, timeout_ms)
                status = COUNTEREXAMPLE if status == COUNTEREXAMPLE else UNKNOWN
            spent = time.perf_counter() - begun
            result.verdicts.append(Verdict(name, formula, status, spent, values))
        result.enabled[name] = enabled_somewhere(twin, name, search, timeout_ms)
    if link_bounds is not None:
        result.link = check_link(twin, link_bounds, names, timeout_ms)
    if lemma_universe is not None:
        result.lemmas = check_lemmas(lemma_universe, timeout_ms)
        result.lemmas.update({f"sum {n}": s for n, s in prove_sum_facts(timeout_ms).items()})
    result.seconds = time.perf_counter() - start
    return result
