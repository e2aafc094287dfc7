"""Explicit finite worlds: a world with nothing outside a ``Universe``, its true counts as
explicit sums (the definition the ghosts stand for), and the probes and writes inside it.  The
counterexample search, the link and the lemma checks are built on these."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import z3
from wspshare.properties.smt.parametric.counts import Counts
from wspshare.properties.smt.parametric.formulas import Probe
from wspshare.properties.smt.parametric.operations import Step
from wspshare.properties.smt.parametric.terms import F1, F2, one, total_of
from wspshare.properties.smt.parametric.universe import Universe
from wspshare.properties.smt.parametric.world import (
    Records,
    World,
    fresh_world,
    held,
    held_for,
    named,
)


def true_counts(w: World, u: Universe) -> Counts:
    """The counts of ``w``'s cells and records inside ``u``, as explicit sums (the definition)."""
    cells = [(z3.IntVal(i), z3.IntVal(j)) for i, j in u.cells()]
    ids = [z3.IntVal(n) for n in range(u.records)]

    def row(p: Any, k: Any) -> Any:
        return total_of([one(z3.And(p == a, named(w, a, v, k))) for a, v in cells])

    def total(k: Any) -> Any:
        return total_of([one(named(w, a, v, k)) for a, v in cells])

    def shared(rs: Records) -> F1:
        return lambda k: total_of([one(held(rs, r, k)) for r in ids])

    def shared_of(rs: Records) -> F2:
        return lambda q, k: total_of([one(held_for(rs, r, q, k)) for r in ids])

    return Counts(
        row, total, tuple(shared(rs) for rs in w.recs), tuple(shared_of(rs) for rs in w.recs)
    )


def inside(u: Universe, step: Step) -> list[Any]:
    """The cells and records ``step`` writes lie in ``u``."""
    out = [z3.And(p >= 0, p < u.procs, v >= 0, v < u.values) for p, v in step.cells]
    return out + [z3.And(r >= 0, r < u.records) for _, r in step.records]


def finite_world(u: Universe, tag: str) -> tuple[World, Any]:
    """A world with nothing outside ``u`` (cells, records, sockets), and its shape constraint."""
    w = fresh_world(tag)

    def hp(p: Any, v: Any) -> Any:
        return z3.And(p >= 0, p < u.procs, v >= 0, v < u.values, w.hp(p, v))

    def refs(k: Any) -> Any:
        return z3.If(z3.And(k >= 0, k < u.sockets), w.refs(k), 0)

    def present(rs: Records) -> F1:
        return lambda r: z3.And(r >= 0, r < u.records, rs.present(r))

    recs = tuple(replace(rs, present=present(rs)) for rs in w.recs)
    shape = z3.And(w.nprocs >= 0, w.nprocs <= u.procs, w.nsocks >= 0, w.nsocks <= u.sockets)
    return replace(w, hp=hp, refs=refs, recs=recs), shape


def probes(u: Universe) -> list[Probe]:
    """Every probe inside ``u`` (outside it, every formula holds of a world of ``finite_world``
    that satisfies them inside: nothing is present there and nothing names a socket there)."""
    return [
        Probe(z3.IntVal(i), z3.IntVal(j), z3.IntVal(n), z3.IntVal(k))
        for i, j in u.cells()
        for n in range(u.records)
        for k in range(u.sockets)
    ]
