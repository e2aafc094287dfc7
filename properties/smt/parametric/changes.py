"""The four changes (a cell stored, a row cleared, a record stored, a pid's records purged): the
only ways an operation changes tables and records.  Each has its transfer lemma in ``counts``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import z3
from wspshare.properties.smt.parametric.terms import put1, put2, with_item
from wspshare.properties.smt.parametric.world import Records, World


@dataclass(frozen=True)
class CellChange:
    p: Any
    v: Any
    present: Any
    kind: Any
    obj: Any


@dataclass(frozen=True)
class RowClear:
    p: Any


@dataclass(frozen=True)
class RecordChange:
    c: int
    r: Any
    present: Any
    sock: Any
    holds: Any
    pid: Any


@dataclass(frozen=True)
class Purge:
    c: int
    q: Any


def store_cell(w: World, ch: CellChange) -> World:
    return replace(
        w,
        hp=put2(w.hp, ch.p, ch.v, ch.present),
        hk=put2(w.hk, ch.p, ch.v, ch.kind),
        ho=put2(w.ho, ch.p, ch.v, ch.obj),
    )


def clear_row(w: World, ch: RowClear) -> World:
    return replace(w, hp=lambda p, v: z3.And(w.hp(p, v), p != ch.p))


def store_record(w: World, ch: RecordChange) -> World:
    rs = w.recs[ch.c]
    new = Records(
        put1(rs.present, ch.r, ch.present),
        put1(rs.sock, ch.r, ch.sock),
        put1(rs.holds, ch.r, ch.holds),
        put1(rs.pid, ch.r, ch.pid),
    )
    return replace(w, recs=with_item(w.recs, ch.c, new))


def purge(w: World, ch: Purge) -> World:
    rs = w.recs[ch.c]

    def present(r: Any) -> Any:
        return z3.And(rs.present(r), rs.pid(r) != ch.q)

    return replace(w, recs=with_item(w.recs, ch.c, replace(rs, present=present)))
