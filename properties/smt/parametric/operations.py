"""The operations the proof is about, one per twin helper that touches a handle table, a
reference count or a share record, written over the unbounded world through the lemmas of
the four changes (so each step carries its post-state's counts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import z3
from wspshare.properties.smt.parametric.changes import CellChange, Purge, RecordChange, RowClear
from wspshare.properties.smt.parametric.counts import (
    Counts,
    lemma_clear_row,
    lemma_purge,
    lemma_store_cell,
    lemma_store_record,
)
from wspshare.properties.smt.parametric.formulas import born
from wspshare.properties.smt.parametric.terms import choose1, put1
from wspshare.properties.smt.parametric.world import World
from wspshare.properties.smt.state import (
    HOLDS_AT_DUPLICATE,
    IFS,
    NONIFS_CATALOGS,
    PENDING,
    PROCESS,
    WPU,
)
from wspshare.properties.smt.twin import Twin


@dataclass(frozen=True)
class Step:
    guard: Any
    post: World
    counts: Counts
    params: dict[str, Any]
    cells: tuple[tuple[Any, Any], ...] = ()  # the cells it writes
    records: tuple[tuple[int, Any], ...] = ()  # the records it writes (provider, id)


Operation = Callable[[Twin, World, Counts], Step]


def add_ref(w: World, k: Any, n: Any = 1) -> World:
    return replace(w, refs=put1(w.refs, k, w.refs(k) + n))


def add_handle(w: World, g: Counts, p: Any, v: Any, obj: Any, kind: Any) -> tuple[World, Counts]:
    """``Twin.add_handle`` at a free cell: a socket handle holds a reference, a process one not."""
    post, g2 = lemma_store_cell(w, g, CellChange(p, v, z3.BoolVal(True), kind, obj))
    return replace(post, refs=choose1(kind != PROCESS, add_ref(post, obj).refs, post.refs)), g2


def consume(w: World, g: Counts, c: int, r: Any) -> tuple[World, Counts]:
    """``Twin.consume``: the record goes; if it held a reference, that reference is dropped."""
    rs = w.recs[c]
    ch = RecordChange(c, r, z3.BoolVal(False), rs.sock(r), rs.holds(r), rs.pid(r))
    post, g2 = lemma_store_record(w, g, ch)
    dropped = add_ref(post, rs.sock(r), -1)
    return replace(post, refs=choose1(rs.holds(r), dropped.refs, post.refs)), g2


def free_cell(w: World, p: Any, v: Any) -> Any:
    """A cell not in use in a slot that exists (the twin picks the lowest value; any here)."""
    return z3.And(p >= 0, p < w.nprocs, z3.Not(w.hp(p, v)))


def descriptor(w: World, p: Any, v: Any, kinds: tuple[int, ...]) -> Any:
    return z3.And(w.hp(p, v), z3.Or([w.hk(p, v) == n for n in kinds]))


def op_new_socket(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.new_socket``: socket nsocks appended, with no reference and nothing naming it."""
    n = w.nsocks
    post = replace(w, nsocks=n + 1, refs=put1(w.refs, n, z3.IntVal(0)))
    return Step(z3.BoolVal(True), post, g, {"k": n})


def op_add_socket_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.add_handle`` of a socket handle (``create``, a claim): one more reference."""
    p, v, k, kind = z3.Ints("p v k kind")
    guard = z3.And(free_cell(w, p, v), born(w, k), z3.Or([kind == n for n in (PENDING, IFS, WPU)]))
    post, g2 = add_handle(w, g, p, v, k, kind)
    return Step(guard, post, g2, {"p": p, "v": v, "k": k, "kind": kind}, ((p, v),))


def op_add_process_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.add_handle`` of a process handle (``OpenProcess``): no socket reference."""
    p, v, target = z3.Ints("p v target")
    guard = z3.And(free_cell(w, p, v), target >= 0, target < w.nprocs)
    post, g2 = add_handle(w, g, p, v, target, z3.IntVal(PROCESS))
    return Step(guard, post, g2, {"p": p, "v": v, "target": target}, ((p, v),))


def op_modify_ifs_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.modify_ifs_handle``: a PENDING handle becomes IFS (same socket, same reference)."""
    p, v = z3.Ints("p v")
    guard = z3.And(w.hp(p, v), w.hk(p, v) == PENDING)
    ch = CellChange(p, v, z3.BoolVal(True), z3.IntVal(IFS), w.ho(p, v))
    post, g2 = lemma_store_cell(w, g, ch)
    return Step(guard, post, g2, {"p": p, "v": v}, ((p, v),))


def op_close_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.close_handle`` of any cell: it goes; a socket handle drops ``close_drops()``."""
    p, v = z3.Ints("p v")
    sock, k = z3.And(w.hp(p, v), w.hk(p, v) != PROCESS), w.ho(p, v)
    post, g2 = lemma_store_cell(w, g, CellChange(p, v, z3.BoolVal(False), w.hk(p, v), k))
    drops = t.close_drops()
    if drops != 0:
        post = replace(post, refs=choose1(sock, add_ref(post, k, -drops).refs, post.refs))
    params = {"p": p, "v": v, "k": k, "drops": z3.IntVal(drops)}
    return Step(z3.BoolVal(True), post, g2, params, ((p, v),))


def op_rundown(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.rundown``: every handle of p closes, ``close_drops()`` per socket handle (the twin
    sums them per socket: drops x row(p, k))."""
    p = z3.Int("p")
    post, g2 = lemma_clear_row(w, g, RowClear(p))
    drops = t.close_drops()
    post = replace(post, refs=lambda k: w.refs(k) - drops * g.row(p, k))
    return Step(z3.BoolVal(True), post, g2, {"p": p, "drops": z3.IntVal(drops)})


def op_spawn(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.Spawn``: slot nprocs appended with a fresh (cleared) table; no reference moves."""
    n = w.nprocs
    post, g2 = lemma_clear_row(w, g, RowClear(n))
    return Step(z3.BoolVal(True), replace(post, nprocs=n + 1), g2, {"p": n})


def op_ifs_duplicate(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.duplicate`` (IFS): a PENDING handle for the source's socket in the target's table."""
    ps, vs, pt, vt = z3.Ints("ps vs pt vt")
    guard = z3.And(descriptor(w, ps, vs, (IFS, WPU)), free_cell(w, pt, vt))
    post, g2 = add_handle(w, g, pt, vt, w.ho(ps, vs), z3.IntVal(PENDING))
    params = {"ps": ps, "vs": vs, "pt": pt, "vt": vt, "k": w.ho(ps, vs)}
    return Step(guard, post, g2, params, ((pt, vt),))


def op_nonifs_duplicate(c: int) -> Operation:
    cat = NONIFS_CATALOGS[c]

    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.duplicate`` (non-IFS): a record for pid q; a reference iff HOLDS_AT_DUPLICATE."""
        ps, vs, r, q = z3.Ints("ps vs r q")
        k, holds = w.ho(ps, vs), HOLDS_AT_DUPLICATE[cat]
        guard = z3.And(descriptor(w, ps, vs, (WPU,)), z3.Not(w.recs[c].present(r)))
        ch = RecordChange(c, r, z3.BoolVal(True), k, z3.BoolVal(holds), q)
        post, g2 = lemma_store_record(w, g, ch)
        if holds:
            post = add_ref(post, k)
        params = {"ps": ps, "vs": vs, "r": r, "q": q, "k": k}
        return Step(guard, post, g2, params, records=((c, r),))

    return op


def op_claim(c: int) -> Operation:
    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.claim_found``: a WPU handle for the record's socket (a reference), then
        ``consume`` (a held reference is dropped: net, it passes to the new handle)."""
        r, p, v = z3.Ints("r p v")
        rs = w.recs[c]
        guard = z3.And(rs.present(r), free_cell(w, p, v))
        s1, g1 = add_handle(w, g, p, v, rs.sock(r), z3.IntVal(WPU))
        post, g2 = consume(s1, g1, c, r)
        params = {"r": r, "p": p, "v": v, "k": rs.sock(r)}
        return Step(guard, post, g2, params, ((p, v),), ((c, r),))

    return op


def op_consume(c: int) -> Operation:
    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.consume`` alone (the claim of a closed socket): the record and its hold go."""
        r = z3.Int("r")
        post, g2 = consume(w, g, c, r)
        params = {"r": r, "k": w.recs[c].sock(r)}
        return Step(w.recs[c].present(r), post, g2, params, records=((c, r),))

    return op


def op_purge(c: int) -> Operation:
    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.on_process_exit``: the records for pid q go, one reference per holding one
        (the twin does it when no live process has q; any q is allowed here)."""
        q = z3.Int("q")
        post, g2 = lemma_purge(w, g, Purge(c, q))
        post = replace(post, refs=lambda k: w.refs(k) - g.shared_of[c](q, k))
        return Step(z3.BoolVal(True), post, g2, {"q": q})

    return op


OPERATIONS: dict[str, Operation] = {
    "new_socket": op_new_socket,
    "add_handle(socket)": op_add_socket_handle,
    "add_handle(process)": op_add_process_handle,
    "modify_ifs_handle": op_modify_ifs_handle,
    "close_handle": op_close_handle,
    "rundown": op_rundown,
    "spawn": op_spawn,
    "duplicate(IFS)": op_ifs_duplicate,
    **{f"duplicate({cat})": op_nonifs_duplicate(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"claim({cat})": op_claim(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"consume({cat})": op_consume(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"on_process_exit({cat})": op_purge(c) for c, cat in enumerate(NONIFS_CATALOGS)},
}
# The static lemmas each operation's proof assumes (all of them are proved by check_lemmas).
STATIC_NEEDS: dict[str, tuple[str, ...]] = {
    "new_socket": ("total-witness", *(f"shared-witness-{c}" for c in NONIFS_CATALOGS)),
    "spawn": ("row-witness",),
}
