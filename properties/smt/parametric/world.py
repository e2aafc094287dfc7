"""The unbounded world the proof quantifies over: handle cells, reference counts, share records
and counters as functions over Int with no bound; the fresh and the initial world; and what a
cell or a record names."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import z3
from wspshare.properties.smt.parametric.terms import BOOL, F1, F2, INT, const1, const2, read1, read2
from wspshare.properties.smt.state import NONIFS_CATALOGS, PROCESS

PROVIDERS = tuple(range(len(NONIFS_CATALOGS)))  # c stands for NONIFS_CATALOGS[c]


@dataclass(frozen=True)
class Records:
    """One non-IFS provider's share records, by record id (any Int)."""

    present: F1  # Int -> Bool
    sock: F1  # Int -> Int
    holds: F1  # Int -> Bool
    pid: F1  # Int -> Int


@dataclass(frozen=True)
class World:
    nprocs: Any
    nsocks: Any
    hp: F2  # (process, value) -> Bool: present
    hk: F2  # (process, value) -> kind
    ho: F2  # (process, value) -> obj (a socket, or a slot for a PROCESS handle)
    refs: F1  # socket -> Int
    recs: tuple[Records, ...]  # one per NONIFS_CATALOGS entry


def fresh_world(tag: str) -> World:
    def grid(name: str, sort: Any) -> F2:
        return read2(z3.Array(f"{name}_{tag}", INT, INT, sort))

    def line(name: str, sort: Any) -> F1:
        return read1(z3.Array(f"{name}_{tag}", INT, sort))

    return World(
        z3.Int(f"nprocs_{tag}"),
        z3.Int(f"nsocks_{tag}"),
        grid("hp", BOOL),
        grid("hk", INT),
        grid("ho", INT),
        line("refs", INT),
        tuple(
            Records(
                line(f"rp{c}", BOOL), line(f"rs{c}", INT), line(f"rh{c}", BOOL), line(f"rq{c}", INT)
            )
            for c in PROVIDERS
        ),
    )


def initial_world() -> World:
    """``Semantics.initial_world``: no process, no socket, no handle, no record."""
    w = fresh_world("init")
    return replace(
        w,
        nprocs=z3.IntVal(0),
        nsocks=z3.IntVal(0),
        hp=const2(z3.BoolVal(False)),
        refs=const1(z3.IntVal(0)),
        recs=tuple(replace(r, present=const1(z3.BoolVal(False))) for r in w.recs),
    )


def named(w: World, p: Any, v: Any, k: Any) -> Any:
    """Cell (p, v) is a present socket handle (not a process handle) naming socket k."""
    return z3.And(w.hp(p, v), w.hk(p, v) != PROCESS, w.ho(p, v) == k)


def held(rs: Records, r: Any, k: Any) -> Any:
    """Record r is present and holds a reference to socket k."""
    return z3.And(rs.present(r), rs.holds(r), rs.sock(r) == k)


def held_for(rs: Records, r: Any, q: Any, k: Any) -> Any:
    return z3.And(held(rs, r, k), rs.pid(r) == q)
