"""The z3 term vocabulary the rest of the proof is written in: the sorts, 0/1 indicators and
sums, and arrays as Python functions with point updates, so that every formula about a successor
stays ground (see the comment on ``F1``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

INT = z3.IntSort()
BOOL = z3.BoolSort()


def one(b: Any) -> Any:
    return z3.If(b, 1, 0)


def total_of(terms: list[Any]) -> Any:
    return z3.Sum(terms) if terms else z3.IntVal(0)


def with_item(items: tuple[Any, ...], i: int, x: Any) -> tuple[Any, ...]:
    return (*items[:i], x, *items[i + 1 :])


# Arrays are Python functions from index terms to a term: a fresh array reads a z3 array; an
# update is an ``If`` around the old function.  Every formula over a post-state at a ground probe
# is then ground (no array store or lambda for z3 to reason about), which makes the proofs fast
# and their answers stable.
F1 = Callable[[Any], Any]
F2 = Callable[[Any, Any], Any]


def read1(a: Any) -> F1:
    return lambda i: a[i]


def read2(a: Any) -> F2:
    return lambda i, j: a[i, j]


def const1(x: Any) -> F1:
    return lambda i: x


def const2(x: Any) -> F2:
    return lambda i, j: x


def put1(f: F1, i0: Any, x: Any) -> F1:
    return lambda i: z3.If(i == i0, x, f(i))


def put2(f: F2, i0: Any, j0: Any, x: Any) -> F2:
    return lambda i, j: z3.If(z3.And(i == i0, j == j0), x, f(i, j))


def choose1(c: Any, f: F1, g: F1) -> F1:
    return lambda i: z3.If(c, f(i), g(i))
