"""The link between the proof's operations and the twin's own helpers: at small bounds, whenever
both run with the same arguments they must give the same world, else the proof does not speak
for that twin (``check_link``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3
from wspshare.properties.smt.parametric.finite import inside, true_counts
from wspshare.properties.smt.parametric.operations import OPERATIONS, Step
from wspshare.properties.smt.parametric.solving import UNKNOWN, solve
from wspshare.properties.smt.parametric.terms import F1, F2
from wspshare.properties.smt.parametric.universe import Universe
from wspshare.properties.smt.parametric.world import Records, World
from wspshare.properties.smt.state import (
    IFS_CATALOG,
    NONIFS_CATALOGS,
    PROCESS,
    Bounds,
    SymState,
    fresh,
    pick,
    value_of,
)
from wspshare.properties.smt.twin import Twin

MATCHES, DIFFERS, VACUOUS = "matches", "differs", "vacuous"


def embed(s: SymState, b: Bounds) -> World:
    """A bounded twin state as a world: twin cell (i, j), handle value ``value_of(j)``, is cell
    (i, j); record cell n of provider c is record n; nothing outside the bounds."""

    def grid(g: list[list[Any]], default: Any) -> F2:
        def read(p: Any, v: Any) -> Any:
            out = default
            for i in range(b.procs):
                for j in range(b.handles):
                    out = z3.If(z3.And(p == i, v == j), g[i][j], out)
            return out

        return read

    def line(xs: list[Any], default: Any) -> F1:
        return lambda i: pick(xs, i, default)

    no, false = z3.IntVal(0), z3.BoolVal(False)
    recs = tuple(
        Records(line(sh.present, false), line(sh.sock, no), line(sh.holds, false), line(sh.pid, no))
        for sh in s.shares
    )
    return World(
        s.nprocs,
        s.nsocks,
        grid(s.hp, false),
        grid(s.hk, no),
        grid(s.ho, no),
        line(s.refs, no),
        recs,
    )


def same_world(a: World, b: World, u: Universe) -> Any:
    """Equal on every cell, reference count and record inside ``u``, and on the counters
    (kind and obj only where present, fields of a record only where present)."""
    eqs = [a.nprocs == b.nprocs, a.nsocks == b.nsocks]
    for i, j in u.cells():
        present = a.hp(i, j)
        eqs += [present == b.hp(i, j), z3.Implies(present, a.ho(i, j) == b.ho(i, j))]
        eqs.append(z3.Implies(present, a.hk(i, j) == b.hk(i, j)))
    eqs += [a.refs(k) == b.refs(k) for k in range(u.sockets)]
    for x, y in zip(a.recs, b.recs, strict=True):
        for n in range(u.records):
            same = z3.And(x.sock(n) == y.sock(n), x.holds(n) == y.holds(n), x.pid(n) == y.pid(n))
            eqs += [x.present(n) == y.present(n), z3.Implies(x.present(n), same)]
    return z3.And(eqs)


# A link case: (the twin's success condition tying its arguments to the step's, the twin's post).
LinkCases = Callable[[Twin, SymState, Step], list[tuple[Any, SymState]]]


def handle_value(v: Any) -> Any:
    """The twin's handle value of table column ``v`` (M1: ``value_of``)."""
    return value_of(0) + (value_of(1) - value_of(0)) * v


def _link_close(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    p, v = st.params["p"], st.params["v"]
    return [(z3.BoolVal(True), t.close_handle(s, p, handle_value(v)))]


def _link_rundown(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    p = st.params["p"]
    return [(z3.And(p >= 0, p < t.b.procs), t.rundown(s, p))]


def _link_add(kind: int | None) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        p, v = st.params["p"], st.params["v"]
        if kind is None:
            obj, k, cat = st.params["k"], st.params["kind"], z3.Int("link_cat")
        else:
            obj, k, cat = st.params["target"], z3.IntVal(kind), z3.IntVal(0)
        ok, post, value = t.add_handle(s, p, obj, cat, k)
        return [(z3.And(ok, value == handle_value(v)), post)]

    return cases


def _link_modify(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    ok, post = t.modify_ifs_handle(s, st.params["p"], handle_value(st.params["v"]))
    return [(ok, post)]


def _link_new_socket(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    room, post, _ = t.new_socket(s, z3.Int("link_cat"))
    return [(room, post)]


def _link_spawn(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    args = {n: z3.Int(f"link_{n}") for n in ("threads", "reuse", "pid")}
    out = t.Spawn(s, args)
    return [(out.enabled, out.post)]


def _link_ifs_duplicate(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    ps, vs, pt, vt = (st.params[n] for n in ("ps", "vs", "pt", "vt"))
    pid = z3.Int("link_pid")
    d = t.descriptor(s, ps, handle_value(vs))
    _, target = t.live_slot(s, pid)
    out = t.duplicate(s, ps, IFS_CATALOG, d, pid)
    cond = z3.And(d.found, out.enabled, out.error == 0, pt == target, out.value == handle_value(vt))
    return [(cond, out.post)]


def _link_nonifs_duplicate(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        ps, vs, r, q = (st.params[n] for n in ("ps", "vs", "r", "q"))
        d = t.descriptor(s, ps, handle_value(vs))
        out = t.duplicate(s, ps, NONIFS_CATALOGS[c], d, q)
        present = s.shares[c].present
        ok = z3.And(d.found, out.enabled, out.error == 0)
        return [
            (z3.And(ok, r == n, z3.Not(present[n]), *present[:n]), out.post)
            for n in range(t.b.shares)
        ]

    return cases


def _link_claim(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        r, p, v = (st.params[n] for n in ("r", "p", "v"))
        sh, mypid = s.shares[c], pick(s.pid, p, z3.IntVal(-1))
        out = []
        for n in range(t.b.shares):
            o = t.claim_found(s, s, p, NONIFS_CATALOGS[c], n, mypid, sh.sock[n])
            cond = z3.And(r == n, sh.present[n], o.error == 0, o.value == handle_value(v))
            out.append((cond, o.post))
        return out

    return cases


def _link_consume(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        r = st.params["r"]
        return [
            (z3.And(r == n, s.shares[c].present[n]), t.consume(s, NONIFS_CATALOGS[c], n))
            for n in range(t.b.shares)
        ]

    return cases


def _link_purge(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        slot = z3.Int("link_slot")
        pid = pick(s.pid, slot, z3.IntVal(-1))
        still, _ = t.live_slot(s, pid)
        cond = z3.And(slot >= 0, slot < t.b.procs, st.params["q"] == pid, z3.Not(still))
        return [(cond, t.on_process_exit(s, NONIFS_CATALOGS[c], slot))]

    return cases


LINKS: dict[str, LinkCases] = {
    "new_socket": _link_new_socket,
    "add_handle(socket)": _link_add(None),
    "add_handle(process)": _link_add(PROCESS),
    "modify_ifs_handle": _link_modify,
    "close_handle": _link_close,
    "rundown": _link_rundown,
    "spawn": _link_spawn,
    "duplicate(IFS)": _link_ifs_duplicate,
    **{f"duplicate({cat})": _link_nonifs_duplicate(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"claim({cat})": _link_claim(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"consume({cat})": _link_consume(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"on_process_exit({cat})": _link_purge(c) for c, cat in enumerate(NONIFS_CATALOGS)},
}


def check_link(
    twin: Twin, b: Bounds, operations: list[str] | None = None, timeout_ms: int = 60_000
) -> dict[str, str]:
    """Per operation: over every twin state within ``b`` (slots and sockets inside the bounds),
    whenever the twin's method succeeds with arguments the operation takes too (and the
    operation's guard holds), do both give the same tables, counts, records and counters?
    MATCHES (unsat of a difference), DIFFERS, VACUOUS (the two never run together: the check
    says nothing) or UNKNOWN."""
    twin_b = type(twin)(b)  # the same twin class at the link's bounds
    u = Universe(b.procs, b.handles, b.shares, b.sockets)
    s = fresh(b, "link")
    w = embed(s, b)
    shape = z3.And(s.nprocs >= 0, s.nprocs <= b.procs, s.nsocks >= 0, s.nsocks <= b.sockets)
    out = {}
    for name in operations or list(OPERATIONS):
        step = OPERATIONS[name](twin_b, w, true_counts(w, u))
        status, together = MATCHES, False
        for cond, post in LINKS[name](twin_b, s, step):
            both = (shape, step.guard, *inside(u, step), cond)
            together = together or solve(timeout_ms, *both)[0] == z3.sat
            answer, _ = solve(timeout_ms, *both, z3.Not(same_world(embed(post, b), step.post, u)))
            if answer == z3.sat:
                status = DIFFERS
                break
            if answer != z3.unsat:
                status = UNKNOWN
        out[name] = status if status != MATCHES or together else VACUOUS
    return out
