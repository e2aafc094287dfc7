"""The ghost counts (cardinality is not first-order) and the facts that tie them to a world: one
transfer lemma per change, computing the counts after it from those before, and the witness
facts of any one state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import z3
from wspshare.properties.smt.parametric.changes import (
    CellChange,
    Purge,
    RecordChange,
    RowClear,
    clear_row,
    purge,
    store_cell,
    store_record,
)
from wspshare.properties.smt.parametric.terms import (
    F1,
    F2,
    INT,
    const1,
    const2,
    one,
    read1,
    read2,
    with_item,
)
from wspshare.properties.smt.parametric.universe import Universe
from wspshare.properties.smt.parametric.world import (
    PROVIDERS,
    Records,
    World,
    held,
    held_for,
    named,
)
from wspshare.properties.smt.state import NONIFS_CATALOGS


@dataclass(frozen=True)
class Counts:
    row: F2  # (process, socket) -> Int
    total: F1  # socket -> Int
    shared: tuple[F1, ...]  # per provider: socket -> Int
    shared_of: tuple[F2, ...]  # per provider: (pid, socket) -> Int


def fresh_counts(tag: str) -> Counts:
    return Counts(
        read2(z3.Array(f"row_{tag}", INT, INT, INT)),
        read1(z3.Array(f"total_{tag}", INT, INT)),
        tuple(read1(z3.Array(f"shared{c}_{tag}", INT, INT)) for c in PROVIDERS),
        tuple(read2(z3.Array(f"shared_of{c}_{tag}", INT, INT, INT)) for c in PROVIDERS),
    )


def zero_counts() -> Counts:
    """The counts of the initial world: every set is empty (an empty sum is 0)."""
    zero1, zero2 = const1(z3.IntVal(0)), const2(z3.IntVal(0))
    return Counts(zero2, zero1, tuple(zero1 for _ in PROVIDERS), tuple(zero2 for _ in PROVIDERS))


Lemma = Callable[[World, Counts, Any], tuple[World, Counts]]


def lemma_store_cell(w: World, g: Counts, ch: CellChange) -> tuple[World, Counts]:
    """Point change (row p0 is a sum over values; one term, at v0, changes by d(k)); then point
    change of the sum of rows (the term at p0 changes by d(k)); the share sums are untouched."""
    post = store_cell(w, ch)

    def d(k: Any) -> Any:
        return one(named(post, ch.p, ch.v, k)) - one(named(w, ch.p, ch.v, k))

    def row(p: Any, k: Any) -> Any:
        return g.row(p, k) + z3.If(p == ch.p, d(k), 0)

    def total(k: Any) -> Any:
        return g.total(k) + d(k)

    return post, replace(g, row=row, total=total)


def lemma_clear_row(w: World, g: Counts, ch: RowClear) -> tuple[World, Counts]:
    """All-zero (row p0 becomes a sum of zeros); point change of the sum of rows (the term at p0
    goes from row(p0, k) to 0); other rows' terms are untouched."""
    post = clear_row(w, ch)

    def row(p: Any, k: Any) -> Any:
        return z3.If(p == ch.p, 0, g.row(p, k))

    def total(k: Any) -> Any:
        return g.total(k) - g.row(ch.p, k)

    return post, replace(g, row=row, total=total)


def lemma_store_record(w: World, g: Counts, ch: RecordChange) -> tuple[World, Counts]:
    """Point change at r0 of provider c's sums over records (per pid and over all pids)."""
    post = store_record(w, ch)
    old, new = w.recs[ch.c], post.recs[ch.c]
    before, before_of = g.shared[ch.c], g.shared_of[ch.c]

    def shared(k: Any) -> Any:
        return before(k) + one(held(new, ch.r, k)) - one(held(old, ch.r, k))

    def shared_of(q: Any, k: Any) -> Any:
        return before_of(q, k) + one(held_for(new, ch.r, q, k)) - one(held_for(old, ch.r, q, k))

    return post, replace(
        g,
        shared=with_item(g.shared, ch.c, shared),
        shared_of=with_item(g.shared_of, ch.c, shared_of),
    )


def lemma_purge(w: World, g: Counts, ch: Purge) -> tuple[World, Counts]:
    """Linearity ([holds k] = [holds k, pid != q0] + [holds k, pid == q0], term by term, and the
    first is the new term); all-zero for q0's sum afterwards; other pids' terms untouched."""
    post = purge(w, ch)
    before, before_of = g.shared[ch.c], g.shared_of[ch.c]

    def shared(k: Any) -> Any:
        return before(k) - before_of(ch.q, k)

    def shared_of(q: Any, k: Any) -> Any:
        return z3.If(q == ch.q, 0, before_of(q, k))

    return post, replace(
        g,
        shared=with_item(g.shared, ch.c, shared),
        shared_of=with_item(g.shared_of, ch.c, shared_of),
    )


LEMMAS: dict[str, Lemma] = {
    "store-cell": lemma_store_cell,
    "clear-row": lemma_clear_row,
    "store-record": lemma_store_record,
    "purge": lemma_purge,
}


class Exists:
    """An existential over cells, values or records: quantified (unbounded world) or, over a
    finite ``Universe``, a disjunction."""

    def __init__(self, universe: Universe | None = None) -> None:
        self.u = universe

    def value(self, f: Callable[[Any], Any]) -> Any:
        if self.u is None:
            v = z3.Int("wv!")
            return z3.Exists([v], f(v))
        return z3.Or([f(z3.IntVal(j)) for j in range(self.u.values)])

    def cell(self, f: Callable[[Any, Any], Any]) -> Any:
        if self.u is None:
            p, v = z3.Int("wp!"), z3.Int("wv!")
            return z3.Exists([p, v], f(p, v))
        return z3.Or([f(z3.IntVal(i), z3.IntVal(j)) for i, j in self.u.cells()])

    def record(self, f: Callable[[Any], Any]) -> Any:
        if self.u is None:
            r = z3.Int("wr!")
            return z3.Exists([r], f(r))
        return z3.Or([f(z3.IntVal(n)) for n in range(self.u.records)])


def static_lemmas(w: World, g: Counts, ex: Exists, p: Any, k: Any) -> dict[str, Any]:
    """Witness: a count that is not 0 has a term that is not 0 (for ``total``, over the rows and
    then within the row)."""
    out = {
        "row-witness": z3.Implies(g.row(p, k) != 0, ex.value(lambda v: named(w, p, v, k))),
        "total-witness": z3.Implies(g.total(k) != 0, ex.cell(lambda a, v: named(w, a, v, k))),
    }
    for c, rs in zip(PROVIDERS, w.recs, strict=True):
        out[f"shared-witness-{NONIFS_CATALOGS[c]}"] = z3.Implies(
            g.shared[c](k) != 0, ex.record(holder(rs, k))
        )
    return out


def holder(rs: Records, k: Any) -> F1:
    return lambda r: held(rs, r, k)
