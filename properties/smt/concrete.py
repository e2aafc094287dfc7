"""Between the executable semantics and the twin: a ``World`` as twin values, and back.

``encode(world)`` gives the twin state holding exactly that world (padding cells beyond the
world's processes, sockets and shares are empty).  ``decode(evaluate, state)`` reads a twin state
(a concrete one, or one in a z3 model) into plain Python values in a canonical form, so two worlds
compare equal exactly when they agree on everything the Python ``World`` holds.  The ghost fields
the ``World`` does not hold (a share's intended slot, its claimed flag, the stranger and reclaimed
flags) are encoded from their strengthened invariant and not compared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3
from wspshare.models.calls import (
    Call,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPListen,
    WSPRecv,
    WSPRecvFrom,
    WSPSend,
    WSPSendTo,
    WSPSetSockOpt,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.params import substitute
from wspshare.models.providers import NonIfsState
from wspshare.models.providers.base import kind_of
from wspshare.models.state import (
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_STREAM,
    TCP_V4,
    ProtocolInfo,
    Result,
    Sock,
    SocketStatus,
    World,
)
from wspshare.properties.smt.state import (
    NONIFS_CATALOGS,
    OPTIONS,
    Bounds,
    Shares,
    SymState,
    value_of,
)

Decoded = dict[str, Any]
# What every field of ``Sock`` after the seed's eight holds on a seed socket (the twin's only kind).
SEED_SOCKET_TAIL = Sock(0, 0, SocketStatus.CREATED, (), (), 0, 0, (0, 0))[8:]


def fits(w: World, b: Bounds, catalogs: tuple[int, ...]) -> bool:
    """Whether the twin at bounds ``b`` can hold ``w``.  Without queue cells its sockets are the
    seed's kind only (unbound IPv4 TCP sockets with nothing queued, R12 and R15 beyond its
    reach); with them, any socket whose queue and taken ghost fit, with nothing overlapped
    (R14 is not encoded)."""
    if len(w.procs) > b.procs or len(w.sockets) > b.sockets:
        return False
    if not b.queue and any(s[8:] != SEED_SOCKET_TAIL for s in w.sockets):
        return False
    if b.queue and not all(endpoint_fits(s, b) for s in w.sockets):
        return False
    if w.completions:
        return False
    if any(p.threads > b.threads for p in w.procs):
        return False
    return all(len(shares_of(w, catalogs, c)) <= b.shares for c in NONIFS_CATALOGS)


def endpoint_fits(s: Sock, b: Bounds) -> bool:
    overlapped = s.pending or s.completion != (0, 0)
    return not overlapped and len(s.queue) <= b.queue and len(s.taken) <= b.queue


def shares_of(w: World, catalogs: tuple[int, ...], cat: int) -> tuple[Any, ...]:
    st = w.providers[catalogs.index(cat)]
    return st.shares if isinstance(st, NonIfsState) else ()


def encode(w: World, b: Bounds, catalogs: tuple[int, ...]) -> SymState:
    """The twin state of ``w``; ``catalogs`` is the catalog order of ``World.providers``."""
    iv, bv = z3.IntVal, z3.BoolVal
    P, H, S, K = b.procs, b.handles, b.sockets, b.shares
    procs = list(w.procs)

    def cell(i: int, j: int) -> Any:
        if i >= len(procs):
            return None
        return next((h for h in procs[i].handles if h.value == value_of(j)), None)

    def grid(get: Callable[[Any], Any], absent: Any) -> list[list[Any]]:
        return [
            [get(cell(i, j)) if cell(i, j) is not None else absent for j in range(H)]
            for i in range(P)
        ]

    def proc(i: int, get: Callable[[Any], Any], absent: Any) -> Any:
        return get(procs[i]) if i < len(procs) else absent

    socks = list(w.sockets)

    def sock(k: int, get: Callable[[Any], Any], absent: Any) -> Any:
        return get(socks[k]) if k < len(socks) else absent

    def options(k: int) -> Any:
        arr: Any = z3.K(z3.IntSort(), iv(0))
        for key, val in socks[k].options if k < len(socks) else ():
            arr = z3.Store(arr, iv(key), iv(val))
        return arr

    def ev(k: int, n: int) -> Any:
        events = socks[k].events if k < len(socks) else ()
        return iv(events[0][n] if events else 0)

    share_tables = []
    for c in NONIFS_CATALOGS:
        st = w.providers[catalogs.index(c)]
        assert isinstance(st, NonIfsState)
        rows = list(st.shares) + [None] * (K - len(st.shares))

        def col(get: Callable[[Any], Any], absent: Any, rows: list[Any] = rows) -> list[Any]:
            return [get(r) if r is not None else absent for r in rows]

        share_tables.append(
            Shares(
                iv(st.next_token),
                col(lambda r: bv(True), bv(False)),
                col(lambda r: iv(r.token), iv(0)),
                col(lambda r: iv(r.sock), iv(0)),
                col(lambda r: iv(r.target_pid), iv(0)),
                col(lambda r: bv(r.holds_ref), bv(False)),
                col(lambda r: iv(intended_slot(w, r.target_pid)), iv(0)),
                col(lambda r: bv(False), bv(False)),
            )
        )
    cells_of = {value_of(j): j for j in range(H)}
    return SymState(
        nprocs=iv(len(procs)),
        alive=[proc(i, lambda p: bv(p.alive), bv(False)) for i in range(P)],
        pid=[proc(i, lambda p: iv(p.pid), iv(0)) for i in range(P)],
        threads=[proc(i, lambda p: iv(p.threads), iv(0)) for i in range(P)],
        fail_next=[proc(i, lambda p: iv(int(p.fail_next)), iv(0)) for i in range(P)],
        hp=grid(lambda h: bv(True), bv(False)),
        hk=grid(lambda h: iv(int(h.kind)), iv(0)),
        ho=grid(lambda h: iv(h.obj), iv(0)),
        hc=grid(lambda h: iv(h.catalog), iv(0)),
        issued=[
            [bv(i < len(procs) and value_of(j) in procs[i].issued) for j in range(H)]
            for i in range(P)
        ],
        issued_out=[
            proc(i, lambda p: bv(any(v not in cells_of for v in p.issued)), bv(False))
            for i in range(P)
        ],
        nsocks=iv(len(socks)),
        scat=[sock(k, lambda s: iv(s.catalog), iv(0)) for k in range(S)],
        refs=[sock(k, lambda s: iv(s.refs), iv(0)) for k in range(S)],
        status=[sock(k, lambda s: iv(int(s.status)), iv(0)) for k in range(S)],
        options=[options(k) for k in range(S)],
        nev=[sock(k, lambda s: iv(len(s.events)), iv(0)) for k in range(S)],
        ev_pid=[ev(k, 0) for k in range(S)],
        ev_desc=[ev(k, 1) for k in range(S)],
        ev_mask=[ev(k, 2) for k in range(S)],
        sent=[sock(k, lambda s: iv(s.sent), iv(0)) for k in range(S)],
        inbox=[sock(k, lambda s: iv(s.inbox), iv(0)) for k in range(S)],
        last_opt=[sock(k, lambda s: iv(s.last_set[0]), iv(0)) for k in range(S)],
        last_val=[sock(k, lambda s: iv(s.last_set[1]), iv(0)) for k in range(S)],
        shares=tuple(share_tables),
        stranger=bv(False),
        reclaimed=bv(False),
        **encode_endpoints(socks, b),
    )


def encode_endpoints(socks: list[Sock], b: Bounds) -> dict[str, Any]:
    """The endpoint fields of ``socks`` (none without queue cells); padding is 0."""
    if not b.queue:
        return {}
    iv = z3.IntVal
    pad = Sock(0, 0, SocketStatus.CREATED, (), (), 0, 0, (0, 0), (0, 0, 0))
    rows = [*socks, *[pad] * (b.sockets - len(socks))]

    def cells(items: tuple[int, ...]) -> list[Any]:
        return [iv(x) for x in (*items, *[0] * (b.queue - len(items)))]

    return {
        "family": [iv(s.kind[0]) for s in rows],
        "stype": [iv(s.kind[1]) for s in rows],
        "port": [iv(s.port) for s in rows],
        "backlog": [iv(s.backlog) for s in rows],
        "qlen": [iv(len(s.queue)) for s in rows],
        "queue": [cells(s.queue) for s in rows],
        "ntaken": [iv(len(s.taken)) for s in rows],
        "taken": [cells(s.taken) for s in rows],
        "origin": [iv(s.origin) for s in rows],
        "shut": [iv(s.shut) for s in rows],
        "signalled": [iv(s.signalled) for s in rows],
    }


def intended_slot(w: World, pid: int) -> int:
    return next((i for i, p in enumerate(w.procs) if p.alive and p.pid == pid), -1)


def evaluator(model: z3.ModelRef | None = None) -> Callable[[Any], Any]:
    """Plain Python values of twin terms: by simplification, or in a model."""

    def value(t: Any) -> Any:
        v = model.eval(t, model_completion=True) if model is not None else z3.simplify(t)
        if z3.is_true(v):
            return True
        if z3.is_false(v):
            return False
        return v.as_long()

    return value


def decode(ev: Callable[[Any], Any], s: SymState, b: Bounds, keys: tuple[int, ...] = ()) -> Decoded:
    """The canonical plain-value form of a twin state (ghosts left out unless asked for)."""
    n, m = ev(s.nprocs), ev(s.nsocks)
    procs = []
    for i in range(min(n, b.procs)):
        handles = tuple(
            (value_of(j), ev(s.ho[i][j]), ev(s.hc[i][j]), ev(s.hk[i][j]))
            for j in range(b.handles)
            if ev(s.hp[i][j])
        )
        issued = tuple(value_of(j) for j in range(b.handles) if ev(s.issued[i][j]))
        procs.append(
            (
                ev(s.pid[i]),
                ev(s.alive[i]),
                ev(s.threads[i]),
                handles,
                issued,
                ev(s.issued_out[i]),
                ev(s.fail_next[i]),
            )
        )
    sockets = []
    for k in range(min(m, b.sockets)):
        opts = tuple((key, ev(z3.Select(s.options[k], key))) for key in sorted({*OPTIONS, *keys}))
        nev = ev(s.nev[k])
        first = (ev(s.ev_pid[k]), ev(s.ev_desc[k]), ev(s.ev_mask[k])) if nev == 1 else None
        sockets.append(
            (
                ev(s.scat[k]),
                ev(s.refs[k]),
                ev(s.status[k]),
                opts,
                nev,
                first,
                ev(s.sent[k]),
                ev(s.inbox[k]),
                (ev(s.last_opt[k]), ev(s.last_val[k])),
                *decode_endpoint(ev, s, b, k),
            )
        )
    shares = []
    for sh in s.shares:
        rows = sorted(
            (ev(sh.token[c]), ev(sh.sock[c]), ev(sh.pid[c]), ev(sh.holds[c]))
            for c in range(b.shares)
            if ev(sh.present[c])
        )
        shares.append((ev(sh.next_token), tuple(rows)))
    return {"nprocs": n, "procs": procs, "nsocks": m, "sockets": sockets, "shares": shares}


def decode_endpoint(ev: Callable[[Any], Any], s: SymState, b: Bounds, k: int) -> tuple[Any, ...]:
    """Socket ``k``'s endpoint fields as ``Sock`` holds them (nothing without queue cells)."""
    if not b.queue:
        return ()
    stype = ev(s.stype[k])
    kind = (ev(s.family[k]), stype, IPPROTO_TCP if stype == SOCK_STREAM else IPPROTO_UDP)
    qlen, ntaken = ev(s.qlen[k]), ev(s.ntaken[k])
    return (
        kind,
        ev(s.port[k]),
        ev(s.backlog[k]),
        tuple(ev(s.queue[k][c]) for c in range(min(max(qlen, 0), b.queue))),
        tuple(ev(s.taken[k][c]) for c in range(min(max(ntaken, 0), b.queue))),
        ev(s.origin[k]),
        ev(s.shut[k]),
        ev(s.signalled[k]),
    )


def ghosts(ev: Callable[[Any], Any], s: SymState, b: Bounds) -> Decoded:
    """The ghost fields of a twin state, for counterexample reports."""
    return {
        "stranger": ev(s.stranger),
        "reclaimed": ev(s.reclaimed),
        "intended": [
            [ev(sh.intended[c]) for c in range(b.shares) if ev(sh.present[c])] for sh in s.shares
        ],
    }


def twin_call(call: Call, slot: int, thread: int) -> tuple[str, dict[str, int]]:
    """The twin action and arguments of ``sem.call(w, slot, thread, call)``."""
    base = {"slot": slot, "thread": thread}
    if isinstance(call, WSPSocket):
        # The switch's substitution of wildcards (R12) happens here; the twin checks the rest.
        info = call.info
        asked = kind_of(call)
        if info is None:
            family, stype, protocol = substitute(asked, TCP_V4)
            return "WSPSocket", {
                **base, "catalog": call.catalog, "family": family, "type": stype,
                "protocol": protocol,
            }  # fmt: skip
        family, stype, protocol = substitute(asked, kind_of(info))
        return "claim", {
            **base,
            "catalog": info.catalog_entry_id,
            "reserved": info.provider_reserved,
            "family": family,
            "type": stype,
            "protocol": protocol,
        }
    if isinstance(call, WSPSetSockOpt):
        return "WSPSetSockOpt", {**base, "s": call.s, "option": call.option, "val": call.value}
    if isinstance(call, WSPGetSockOpt):
        return "WSPGetSockOpt", {**base, "s": call.s, "option": call.option}
    if isinstance(call, WSPEventSelect):
        return "WSPEventSelect", {**base, "s": call.s, "mask": call.mask}
    if isinstance(call, WSPDuplicateSocket):
        return "WSPDuplicateSocket", {**base, "s": call.s, "pid": call.pid}
    if isinstance(call, WSPBind | WSPSendTo):
        return type(call).__name__, {**base, "s": call.s, "port": call.port}
    if isinstance(call, WSPListen):
        return "WSPListen", {**base, "s": call.s, "backlog": call.backlog}
    if isinstance(call, WSPShutdown):
        return "WSPShutdown", {**base, "s": call.s, "how": call.how}
    if isinstance(call, WSPRecv | WSPAccept) and call.overlapped:
        raise ValueError(f"{call}: overlapped operations are not encoded in the twin (R14)")
    simple = (WSPConnect, WSPSend, WSPRecv, WSPCloseSocket, WSPAccept, WSPRecvFrom)
    assert isinstance(call, simple)
    return type(call).__name__, {**base, "s": call.s}


def outcome_differs(
    label: str,
    want: dict[str, Any],
    got: dict[str, Any],
    ev: Callable[[Any], Any],
    out: Any,
    result: Result | None,
) -> str | None:
    """Where an enabled twin step leaves Python's: the decoded successors (``want`` from
    Python's world, ``got`` from the twin's post-state), then the error code, then the value
    returned (a protocol info compared by its ``dwProviderReserved``, all the twin holds of it).
    Shared by the plain and the layered cross-checks, which differ only in how they encode."""
    if want != got:
        diff = [f"{k}: python {want[k]} twin {got[k]}" for k in want if want[k] != got[k]]
        return f"{label}: successors differ: " + "; ".join(diff)
    if result is not None:
        if ev(out.error) != int(result.error):
            return f"{label}: python {result.error}, twin {ev(out.error)}"
        if result.ok and result.value is not None:
            value: Any = result.value
            expected = value.provider_reserved if isinstance(value, ProtocolInfo) else value
            if ev(out.value) != expected:
                return f"{label}: python returned {expected}, twin {ev(out.value)}"
    return None
