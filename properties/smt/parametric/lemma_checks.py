"""The counting lemmas checked at explicit finite sizes: each transfer lemma (the very function
the proof calls) against the true counts, for an arbitrary world and change of its kind, and
the witness facts and the initial world's counts likewise."""

from __future__ import annotations

from typing import Any

import z3
from wspshare.properties.smt.parametric.changes import CellChange, Purge, RecordChange, RowClear
from wspshare.properties.smt.parametric.counts import (
    LEMMAS,
    Counts,
    Exists,
    Lemma,
    static_lemmas,
    zero_counts,
)
from wspshare.properties.smt.parametric.finite import true_counts
from wspshare.properties.smt.parametric.solving import (
    COUNTEREXAMPLE,
    PROVED,
    UNKNOWN,
    solve,
    status_of,
)
from wspshare.properties.smt.parametric.universe import Universe
from wspshare.properties.smt.parametric.world import PROVIDERS, fresh_world, initial_world


def same_counts(a: Counts, b: Counts, p: Any, q: Any, k: Any) -> Any:
    eqs = [a.row(p, k) == b.row(p, k), a.total(k) == b.total(k)]
    for c in PROVIDERS:
        eqs += [a.shared[c](k) == b.shared[c](k), a.shared_of[c](q, k) == b.shared_of[c](q, k)]
    return z3.And(eqs)


def changes(u: Universe) -> dict[str, list[tuple[Any, Any]]]:
    """Per lemma, arbitrary changes of its kind (free fields), each with the condition that puts
    what it writes inside ``u``."""
    p, v, r = z3.Ints("ch_p ch_v ch_r")
    kind, obj, sock, pid = z3.Ints("ch_kind ch_obj ch_sock ch_pid")
    present, holds = z3.Bools("ch_present ch_holds")
    cell = z3.And(p >= 0, p < u.procs, v >= 0, v < u.values)
    rec = z3.And(r >= 0, r < u.records)
    return {
        "store-cell": [(CellChange(p, v, present, kind, obj), cell)],
        "clear-row": [(RowClear(p), z3.BoolVal(True))],
        "store-record": [(RecordChange(c, r, present, sock, holds, pid), rec) for c in PROVIDERS],
        "purge": [(Purge(c, pid), z3.BoolVal(True)) for c in PROVIDERS],
    }


def check_lemma(lemma: Lemma, kind: str, u: Universe, timeout_ms: int = 60_000) -> str:
    """Prove ``lemma`` (a transfer lemma for changes of kind ``kind``, a key of ``LEMMAS``) over
    the universe ``u``: for any world and any such change, the counts it computes from the true
    counts before are the true counts after, at any process, pid and socket."""
    pre = fresh_world("lem")
    p, q, k = z3.Ints("lem_p lem_q lem_k")
    status = PROVED
    for ch, where in changes(u)[kind]:
        post, claimed = lemma(pre, true_counts(pre, u), ch)
        differs = z3.Not(same_counts(true_counts(post, u), claimed, p, q, k))
        answer, _ = solve(timeout_ms, where, differs)
        if answer == z3.sat:
            return COUNTEREXAMPLE
        if answer != z3.unsat:
            status = UNKNOWN
    return status


def check_static_lemmas(u: Universe, timeout_ms: int = 60_000) -> dict[str, str]:
    """The witness facts of any world over ``u``, at any process and socket."""
    w = fresh_world("lem")
    p, k = z3.Ints("lem_p lem_k")
    facts = static_lemmas(w, true_counts(w, u), Exists(u), p, k)
    return {name: status_of(solve(timeout_ms, z3.Not(fact))[0]) for name, fact in facts.items()}


def check_empty(u: Universe, timeout_ms: int = 60_000) -> str:
    """The initial world's counts (``zero_counts``) are its true counts."""
    p, q, k = z3.Ints("lem_p lem_q lem_k")
    differs = z3.Not(same_counts(true_counts(initial_world(), u), zero_counts(), p, q, k))
    return status_of(solve(timeout_ms, differs)[0])


def check_lemmas(u: Universe, timeout_ms: int = 60_000) -> dict[str, str]:
    """Every counting fact the proof uses, over the finite universe ``u``: name -> verdict."""
    out = {name: check_lemma(lemma, name, u, timeout_ms) for name, lemma in LEMMAS.items()}
    out["empty"] = check_empty(u, timeout_ms)
    return {**out, **check_static_lemmas(u, timeout_ms)}
