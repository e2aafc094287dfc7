"""The generic facts about finite sums that the lemmas are instances of, for sums of every
length, each proved by induction (z3 proves the base case and the step)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3
from wspshare.properties.smt.parametric.solving import COUNTEREXAMPLE, PROVED, UNKNOWN, solve
from wspshare.properties.smt.parametric.terms import INT


@dataclass(frozen=True)
class SumFact:
    """A claim P(x) about sums of length x under a hypothesis on the terms (at index ``i``);
    ``base`` and ``step`` are what is known of the sums at 0 and from n to n + 1."""

    hypothesis: Any
    claim: Callable[[Any], Any]
    base: list[Any]
    step: list[Any]


SEQ = tuple(z3.Array(f"seq_{x}", INT, INT) for x in "abc")
SUMS = tuple(z3.Function(f"S{x}", INT, INT) for x in "abc")
IND_N, IND_I, IND_I0, IND_M = z3.Ints("ind_n ind_i ind_i0 ind_m")


def sum_zero() -> list[Any]:
    return [f(0) == 0 for f in SUMS]


def sum_succ(x: Any) -> list[Any]:
    return [f(x + 1) == f(x) + a[x] for f, a in zip(SUMS, SEQ, strict=True)]


def by_induction(fact: SumFact, timeout_ms: int = 60_000) -> str:
    """P(0), and P(n) implies P(n + 1) for n >= 0, both under the hypothesis for every index."""
    hyp, n = z3.ForAll([IND_I], fact.hypothesis), IND_N
    base, _ = solve(timeout_ms, hyp, *fact.base, z3.Not(fact.claim(z3.IntVal(0))))
    step, _ = solve(timeout_ms, hyp, n >= 0, *fact.step, fact.claim(n), z3.Not(fact.claim(n + 1)))
    if base == z3.unsat and step == z3.unsat:
        return PROVED
    return COUNTEREXAMPLE if z3.sat in (base, step) else UNKNOWN


def sum_facts() -> dict[str, SumFact]:
    (a, b, c), (sa, sb, sc) = SEQ, SUMS
    i, i0, m, n = IND_I, IND_I0, IND_M, IND_N

    def within(x: Any, bound: Any) -> Any:
        return z3.And(x >= 0, x < bound)

    return {
        # b differs from a at i0 at most: the sums differ by that term's change, if it is counted.
        "point-change": SumFact(
            z3.Implies(i != i0, b[i] == a[i]),
            lambda x: sb(x) == sa(x) + z3.If(within(i0, x), b[i0] - a[i0], 0),
            sum_zero(),
            sum_succ(n),
        ),
        # every term 0: the sum is 0.
        "all-zero": SumFact(a[i] == 0, lambda x: sa(x) == 0, sum_zero(), sum_succ(n)),
        # a = b + c term by term: so are the sums.
        "linearity": SumFact(
            a[i] == b[i] + c[i], lambda x: sa(x) == sb(x) + sc(x), sum_zero(), sum_succ(n)
        ),
        # a sum that is not 0 has a term that is not 0.
        "witness": SumFact(
            z3.BoolVal(True),
            lambda x: z3.Implies(sa(x) != 0, z3.Exists([i], z3.And(within(i, x), a[i] != 0))),
            sum_zero(),
            sum_succ(n),
        ),
        # terms from m on are 0: S(m + x) = S(m) for x >= 0 (more zeros change no count).
        "padding": SumFact(
            z3.Implies(i >= m, a[i] == 0),
            lambda x: sa(m + x) == sa(m),
            [],
            [m >= 0, *sum_succ(m + n)],
        ),
    }


def prove_sum_facts(timeout_ms: int = 60_000) -> dict[str, str]:
    """The generic facts about finite sums the lemmas are instances of, for every length."""
    return {name: by_induction(fact, timeout_ms) for name, fact in sum_facts().items()}
