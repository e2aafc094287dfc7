"""The world invariants of ``properties.invariants`` over a twin state, with the same names, plus
the two ghosts of the call-level machines, and the strengthening the induction needs.

``INVARIANTS`` are what SPEC "What must hold" asks (each cites its rule).  ``STRENGTHENING`` are
facts about every reachable state that are not themselves properties of interest, but without
which some invariant is not inductive (a counterexample to induction would start in an
unreachable state).  They are proved inductive alongside, so the conjunction is an inductive
invariant and each named invariant holds in every reachable state within the bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3
from wspshare.properties.smt.outcome import View
from wspshare.properties.smt.state import (
    CLOSED,
    HOLDS_AT_DUPLICATE,
    IFS,
    IFS_CATALOG,
    LISTENING,
    NONIFS_CATALOGS,
    OPTIONS,
    PENDING,
    PROCESS,
    WPU,
    SymState,
    pick,
    value_of,
)
from wspshare.properties.smt.twin import Twin

Formula = Callable[[Twin, SymState], Any]


def reference_count(t: Twin, s: SymState) -> Any:
    """R7, R11: a socket's count equals the handles naming it plus the shares holding it."""
    out = []
    for k in range(t.b.sockets):
        handles = [
            z3.If(z3.And(s.hp[i][j], s.hk[i][j] != PROCESS, s.ho[i][j] == k), 1, 0)
            for i, j in t.cells()
        ]
        shares = [
            z3.If(z3.And(sh.present[n], sh.holds[n], sh.sock[n] == k), 1, 0)
            for sh in s.shares
            for n in range(t.b.shares)
        ]
        out.append(z3.Implies(k < s.nsocks, s.refs[k] == z3.Sum(handles + shares)))
    return z3.And(out)


def open_iff_referenced(t: Twin, s: SymState) -> Any:
    """R7: open exactly while the count is positive (no premature close, no zombie)."""
    return z3.And(
        [
            z3.Implies(k < s.nsocks, (s.status[k] == CLOSED) == (s.refs[k] <= 0))
            for k in range(t.b.sockets)
        ]
    )


def descriptor_validity(t: Twin, s: SymState) -> Any:
    """R5, R11: every handle names a live socket of its provider; the dead hold none."""
    return descriptors_name_live_sockets(t, s, lambda catalog: catalog)


def descriptors_name_live_sockets(
    t: Twin, s: SymState, socket_catalog: Callable[[Any], Any]
) -> Any:
    """``descriptor-validity`` for any catalog: ``socket_catalog`` maps a handle's catalog
    entry to the entry its socket belongs to (itself, or a chain's base under layers)."""
    out = []
    for i, j in t.cells():
        obj = s.ho[i][j]
        sock_ok = z3.And(
            obj >= 0,
            obj < s.nsocks,
            pick(s.status, obj, CLOSED) != CLOSED,
            pick(s.scat, obj, -1) == socket_catalog(s.hc[i][j]),
        )
        good = z3.And(s.alive[i], z3.Or(s.hk[i][j] == PROCESS, sock_ok))
        out.append(z3.Implies(z3.And(i < s.nprocs, s.hp[i][j]), good))
    return z3.And(out)


def provider_discipline(t: Twin, s: SymState) -> Any:
    """R4: what a client was handed is in its table as IFS (IFS provider) or WPU (non-IFS)."""
    return handed_handles_match_their_kind(t, s, lambda catalog: catalog == IFS_CATALOG)


def handed_handles_match_their_kind(t: Twin, s: SymState, is_ifs: Callable[[Any], Any]) -> Any:
    """``provider-discipline`` for any catalog: ``is_ifs`` says whether an entry hands out IFS
    handles (the IFS base, or an IFS layer of a chain)."""
    out = []
    for i, j in t.cells():
        want = z3.If(is_ifs(s.hc[i][j]), IFS, WPU)
        ok = z3.And(s.hp[i][j], s.hk[i][j] == want)
        out.append(z3.Implies(z3.And(i < s.nprocs, s.issued[i][j]), ok))
    out += [z3.Implies(i < s.nprocs, z3.Not(s.issued_out[i])) for i in range(t.b.procs)]
    return z3.And(out)


def common_state(t: Twin, s: SymState) -> Any:
    """R6: reading the last option set, through any descriptor, gives the value set."""
    out = []
    for i, j in t.cells():
        k = s.ho[i][j]
        desc = z3.And(
            i < s.nprocs, s.alive[i], s.hp[i][j], z3.Or(s.hk[i][j] == IFS, s.hk[i][j] == WPU)
        )
        opt, val = pick(s.last_opt, k, 0), pick(s.last_val, k, 0)
        installed = z3.Or([s.hc[i][j] == c for c in (IFS_CATALOG, *NONIFS_CATALOGS)])
        known = z3.If(s.hc[i][j] == IFS_CATALOG, True, s.hk[i][j] == WPU)
        live = z3.And(known, pick(s.status, k, CLOSED) != CLOSED)
        readable = z3.And(
            desc, k >= 0, k < s.nsocks, opt != 0, installed, live, t.known_option(opt)
        )
        view = cell_view(t, s, i, j)
        key = t.option_key(z3.IntVal(i), view, z3.IntVal(value_of(j)), opt)
        got = z3.Select(pick(s.options, k, z3.K(z3.IntSort(), z3.IntVal(0))), key)
        out.append(z3.Implies(readable, got == val))
    return z3.And(out)


def cell_view(t: Twin, s: SymState, i: int, j: int) -> View:
    """The entry in cell (i, j), as ``Twin.handle`` would find it."""
    cells = [[z3.BoolVal(a == i and c == j) for c in range(t.b.handles)] for a in range(t.b.procs)]
    return View(s.hp[i][j], s.hk[i][j], s.ho[i][j], s.hc[i][j], cells)


def single_registration(t: Twin, s: SymState) -> Any:
    """R8: at most one event registration per socket."""
    return z3.And([z3.Implies(k < s.nsocks, s.nev[k] <= 1) for k in range(t.b.sockets)])


def single_use(t: Twin, s: SymState) -> Any:
    """R2 (ghost): no share record ever yielded a second descriptor."""
    return z3.Not(s.reclaimed)


def no_strangers(t: Twin, s: SymState) -> Any:
    """No access for strangers (ghost): every claim came from the slot the record was made for."""
    return z3.Not(s.stranger)


INVARIANTS: dict[str, tuple[str, Formula]] = {
    "reference-count": ("R7, R11", reference_count),
    "open-iff-referenced": ("R7", open_iff_referenced),
    "descriptor-validity": ("R5, R11", descriptor_validity),
    "provider-discipline": ("R4", provider_discipline),
    "common-state": ("R6", common_state),
    "single-registration": ("R8", single_registration),
    "single-use": ("R2", single_use),
    "no-strangers": ("R1, R3", no_strangers),
}


# --- strengthening ------------------------------------------------------------------------------
def shape(t: Twin, s: SymState) -> Any:
    """S1: counters within bounds; slots past ``nprocs`` hold nothing and nobody lives there."""
    out = [s.nprocs >= 0, s.nprocs <= t.b.procs, s.nsocks >= 0, s.nsocks <= t.b.sockets]
    for i in range(t.b.procs):
        unused = i >= s.nprocs
        out.append(z3.Implies(unused, z3.Not(s.alive[i])))
        out += [z3.Implies(unused, z3.Not(s.hp[i][j])) for j in range(t.b.handles)]
        out += [z3.Implies(unused, z3.Not(s.issued[i][j])) for j in range(t.b.handles)]
    return z3.And(out)


def handle_kinds(t: Twin, s: SymState) -> Any:
    """S2: an entry's kind fits its catalog: PENDING and IFS handles belong to the IFS provider,
    WPU handles to a non-IFS one, PROCESS handles (catalog 0) name an existing slot."""
    out = []
    for i, j in t.cells():
        k, c, o = s.hk[i][j], s.hc[i][j], s.ho[i][j]
        ok = z3.Or(
            z3.And(z3.Or(k == PENDING, k == IFS), c == IFS_CATALOG),
            z3.And(k == WPU, z3.Or([c == n for n in NONIFS_CATALOGS])),
            z3.And(k == PROCESS, c == 0, o >= 0, o < s.nprocs),
        )
        out.append(z3.Implies(s.hp[i][j], ok))
    return z3.And(out)


def socket_shape(t: Twin, s: SymState) -> Any:
    """S3: the last option set is a known option and is what the socket stores for it (the
    per-socket half of R6, true even with no descriptor left to read it through); the status
    is one of the three (four with listening sockets) and the registration count is not
    negative."""
    out = []
    for k in range(t.b.sockets):
        opt = s.last_opt[k]
        stored = z3.Select(s.options[k], opt) == s.last_val[k]
        out.append(
            z3.Implies(
                k < s.nsocks,
                z3.And(
                    z3.Or(opt == 0, *[opt == o for o in OPTIONS]),
                    z3.Implies(opt != 0, stored),
                    s.nev[k] >= 0,
                    s.status[k] >= 0,
                    s.status[k] <= (LISTENING if t.endpoints else CLOSED),
                ),
            )
        )
    return z3.And(out)


def share_records(t: Twin, s: SymState) -> Any:
    """S4: each share names an existing socket of its provider, holds a reference exactly when
    its provider takes it at duplication (M4), has a token below the counter and unlike every
    other's, was never claimed, and its intended slot is alive with the record's pid (the
    provider purges records of an exited target)."""
    out = []
    for c, sh in zip(NONIFS_CATALOGS, s.shares, strict=True):
        for n in range(t.b.shares):
            tgt = sh.intended[n]
            ok = z3.And(
                sh.sock[n] >= 0,
                sh.sock[n] < s.nsocks,
                pick(s.scat, sh.sock[n], -1) == c,
                sh.holds[n] == HOLDS_AT_DUPLICATE[c],
                sh.token[n] < sh.next_token,
                z3.Not(sh.claimed[n]),
                tgt >= 0,
                tgt < s.nprocs,
                pick(s.alive, tgt, False),
                pick(s.pid, tgt, -1) == sh.pid[n],
                *[
                    z3.Implies(sh.present[m], sh.token[m] != sh.token[n])
                    for m in range(t.b.shares)
                    if m != n
                ],
            )
            out.append(z3.Implies(sh.present[n], ok))
    return z3.And(out)


def unique_live_pids(t: Twin, s: SymState) -> Any:
    """S5: no two live processes share a pid (a pid is reused only once nobody has it)."""
    return z3.And(
        [
            z3.Implies(z3.And(s.alive[a], s.alive[b]), s.pid[a] != s.pid[b])
            for a in range(t.b.procs)
            for b in range(a + 1, t.b.procs)
        ]
    )


STRENGTHENING: dict[str, tuple[str, Formula]] = {
    "S1-shape": ("M1", shape),
    "S2-handle-kinds": ("R4", handle_kinds),
    "S3-socket-options": ("R6", socket_shape),
    "S4-share-records": ("M4", share_records),
    "S5-unique-live-pids": ("M5", unique_live_pids),
}


def all_formulas() -> dict[str, tuple[str, Formula]]:
    return {**INVARIANTS, **STRENGTHENING}
