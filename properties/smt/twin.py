"""The transition relation, action by action, with the names of ``models.semantics``.

Each action is a method ``(state, args) -> Outcome``: whether it is enabled within the bounds,
the error code the call returns, the value it returns (a descriptor, or 0), and the next state.
The kernel, switch and provider helpers below mirror ``models.kernel``, ``models.switch`` and
``models.providers`` method for method, so a seeded bug is a subclass overriding one method
(``properties.smt.mutations``) just as in ``models.variants``.  Arguments are free integers: any
slot, thread, descriptor value, pid or protocol-info field, exactly as ``Semantics.call`` takes.

Bounds are the only departure: an action that would need a sixth socket when S=5 (or a new
process slot, or a share cell) is *disabled* rather than modelled; everything else, including
every error path, is the Python semantics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import z3
from wspshare.models.calls import SHUT_PEER, SHUT_RECEIVE, SHUT_SEND
from wspshare.models.errors import WSAError as E
from wspshare.properties.smt.endpoints import EndpointCalls, has_bit
from wspshare.properties.smt.outcome import Outcome, View, err, merge, ok
from wspshare.properties.smt.state import (
    CLOSED,
    CONNECTED,
    CREATED,
    HOLDS_AT_DUPLICATE,
    IFS,
    IFS_CATALOG,
    LISTENING,
    NONIFS_CATALOGS,
    OPTIONS,
    PENDING,
    PROCESS,
    WPU,
    Bounds,
    Shares,
    SymState,
    ite,
    pick,
    put,
    value_of,
)

AF_INET, SOCK_STREAM, IPPROTO_TCP = 2, 1, 6
AF_INET6, SOCK_DGRAM, IPPROTO_UDP = 23, 2, 17
FD_ALL_EVENTS = 0x3FF
FIRST_PID, PID_STEP = 100, 4
Args = dict[str, Any]


class Twin(EndpointCalls):
    """The correct semantics (standard providers, ``Kernel``, ``Switch``)."""

    name = "correct"
    # Actions whose ``pid`` argument names a live process (``Kernel.live_slot``); the prover
    # splits them by which slot that is (``resolving``).
    targeting = frozenset({"WSPDuplicateSocket", "OpenProcess"})

    def __init__(self, bounds: Bounds) -> None:
        self.b = bounds
        self._resolved: tuple[Any, int | None] | None = None
        self._asked: tuple[Any, Any] | None = None  # the (family, type) of the claim under way
        self.actions: dict[str, tuple[tuple[str, ...], Callable[[SymState, Args], Outcome]]] = {
            "WSPSocket": (
                ("slot", "thread", "catalog", "family", "type", "protocol"),
                self.WSPSocket,
            ),
            "claim": (
                ("slot", "thread", "catalog", "reserved", "family", "type", "protocol"),
                self.claim,
            ),
            "WSPConnect": (("slot", "thread", "s"), self.WSPConnect),
            "WSPSend": (("slot", "thread", "s"), self.WSPSend),
            "WSPRecv": (("slot", "thread", "s"), self.WSPRecv),
            "WSPSetSockOpt": (("slot", "thread", "s", "option", "val"), self.WSPSetSockOpt),
            "WSPGetSockOpt": (("slot", "thread", "s", "option"), self.WSPGetSockOpt),
            "WSPEventSelect": (("slot", "thread", "s", "mask"), self.WSPEventSelect),
            "WSPDuplicateSocket": (("slot", "thread", "s", "pid"), self.WSPDuplicateSocket),
            "WSPCloseSocket": (("slot", "thread", "s"), self.WSPCloseSocket),
            "ExitProcess": (("slot",), self.ExitProcess),
            "Spawn": (("threads", "reuse", "pid"), self.Spawn),
            "InjectFailure": (("slot", "error"), self.InjectFailure),
            "OpenProcess": (("slot", "pid"), self.OpenProcess),
            "CloseHandle": (("slot", "s"), self.CloseHandle),
        }
        if self.endpoints:  # the calls beyond the seed (properties.smt.endpoints)
            self.actions.update(self.endpoint_actions())

    @staticmethod
    def ite_state(c: Any, a: SymState, b: SymState) -> SymState:
        out: SymState = ite(c, a, b)
        return out

    # --- kernel (models.kernel.Kernel) -----------------------------------------------------------
    def cells(self) -> list[tuple[int, int]]:
        return [(i, j) for i in range(self.b.procs) for j in range(self.b.handles)]

    def handle(self, s: SymState, slot: Any, value: Any) -> View:
        """``find_handle(w.procs[slot], value)``."""
        hit = [
            [z3.And(slot == i, value == value_of(j), s.hp[i][j]) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]

        def field(grid: list[list[Any]]) -> Any:
            out: Any = z3.IntVal(-1)
            for i, j in reversed(self.cells()):
                out = z3.If(hit[i][j], grid[i][j], out)
            return out

        found = z3.Or([hit[i][j] for i, j in self.cells()])
        return View(found, field(s.hk), field(s.ho), field(s.hc), hit)

    def live_slot(self, s: SymState, pid: Any) -> tuple[Any, Any]:
        """(found, slot): the first live slot with ``pid``."""
        if self._resolved is not None and z3.eq(self._resolved[0], pid):
            known = self._resolved[1]
            return z3.BoolVal(known is not None), z3.IntVal(-1 if known is None else known)
        slot: Any = z3.IntVal(-1)
        for i in reversed(range(self.b.procs)):
            slot = z3.If(self.lives_at(s, i, pid), z3.IntVal(i), slot)
        return slot >= 0, slot

    @staticmethod
    def lives_at(s: SymState, i: int, pid: Any) -> Any:
        return z3.And(i < s.nprocs, s.alive[i], s.pid[i] == pid)

    def names_slot(self, s: SymState, pid: Any, slot: int | None) -> Any:
        """Exactly when ``live_slot(s, pid)`` is ``slot`` (None: no live process has ``pid``)."""
        if slot is None:
            return z3.And([z3.Not(self.lives_at(s, i, pid)) for i in range(self.b.procs)])
        earlier = [z3.Not(self.lives_at(s, i, pid)) for i in range(slot)]
        return z3.And(self.lives_at(s, slot, pid), *earlier)

    @contextmanager
    def resolving(self, pid: Any, slot: int | None) -> Iterator[None]:
        """Within the block, ``live_slot`` answers ``slot`` for this very term ``pid``.

        Why: the first-match chain over the slots hides from the solver which table row a
        duplicate writes, and the reference-count sums then blow up (WSPDuplicateSocket at 8
        handle values did not finish in 25 minutes; split by target it takes seconds).  Sound
        only together with the guard ``names_slot(s, pid, slot)`` on the state the action starts
        from (where every targeting action resolves its pid), which makes the answer the one the
        chain would give; the cases over every ``slot`` and None cover all states.
        """
        saved, self._resolved = self._resolved, (pid, slot)
        try:
            yield
        finally:
            self._resolved = saved

    def pid_reusable(self, s: SymState, pid: Any) -> Any:
        holders = [z3.And(i < s.nprocs, s.pid[i] == pid) for i in range(self.b.procs)]
        live = z3.Or([z3.And(h, s.alive[i]) for i, h in enumerate(holders)])
        pinned = z3.Or(
            [
                z3.And(s.hp[i][j], s.hk[i][j] == PROCESS, h, s.ho[i][j] == k)
                for i, j in self.cells()
                for k, h in enumerate(holders)
            ]
        )
        return z3.Not(z3.Or(live, pinned))

    def free_cells(self, s: SymState, slot: Any) -> list[list[Any]]:
        """M1: the lowest free value of ``slot``'s table (all False when the table is full)."""
        out = []
        for i in range(self.b.procs):
            row = []
            for j in range(self.b.handles):
                lower_used = z3.And([s.hp[i][k] for k in range(j)])
                row.append(z3.And(slot == i, z3.Not(s.hp[i][j]), lower_used))
            out.append(row)
        return out

    def add_handle(
        self, s: SymState, slot: Any, obj: Any, cat: Any, kind: Any
    ) -> tuple[Any, SymState, Any]:
        """(ok, state, value): a new entry; a socket handle holds a reference (EMFILE if full)."""
        c = self.free_cells(s, slot)
        ok = z3.Or([c[i][j] for i, j in self.cells()])
        value: Any = z3.IntVal(0)
        for i, j in self.cells():
            value = z3.If(c[i][j], value_of(j), value)

        def upd(grid: list[list[Any]], new: Any) -> list[list[Any]]:
            return [
                [z3.If(c[i][j], new, grid[i][j]) for j in range(self.b.handles)]
                for i in range(self.b.procs)
            ]

        post = s.with_(
            hp=upd(s.hp, z3.BoolVal(True)), hk=upd(s.hk, kind), ho=upd(s.ho, obj), hc=upd(s.hc, cat)
        )
        post = ite(z3.Not(kind == PROCESS), self.add_ref(post, obj), post)
        return ok, post, value

    def set_kind(self, s: SymState, cells: list[list[Any]], kind: Any) -> SymState:
        hk = [
            [z3.If(cells[i][j], kind, s.hk[i][j]) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        return s.with_(hk=hk)

    def add_ref(self, s: SymState, k: Any) -> SymState:
        return s.with_(refs=[z3.If(k == n, r + 1, r) for n, r in enumerate(s.refs)])

    def drop_refs(self, s: SymState, counts: list[Any]) -> SymState:
        """``drop_ref`` applied ``counts[k]`` times to each socket k (R7)."""
        refs = [r - n for r, n in zip(s.refs, counts, strict=True)]
        status = [
            z3.If(z3.And(n > 0, self.closes(r)), CLOSED, st)
            for r, n, st in zip(refs, counts, s.status, strict=True)
        ]
        return s.with_(refs=refs, status=status)

    def closes(self, refs_after: Any) -> Any:
        """When a drop closes the underlying socket: its last reference went."""
        return refs_after <= 0

    def drop_ref(self, s: SymState, k: Any) -> SymState:
        return self.drop_refs(s, [z3.If(k == n, 1, 0) for n in range(self.b.sockets)])

    def close_drops(self) -> int:
        """How many references CloseHandle drops for a socket handle."""
        return 1

    def close_handle(self, s: SymState, slot: Any, value: Any) -> SymState:
        """CloseHandle: the entry goes, and with it the reference it held (R7)."""
        h = self.handle(s, slot, value)
        hp = [
            [z3.And(s.hp[i][j], z3.Not(h.cells[i][j])) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        post = s.with_(hp=hp)
        drops = self.close_drops()
        if drops == 0:
            return post
        sock = z3.If(z3.And(h.found, h.kind != PROCESS), h.obj, -1)
        counts = [z3.If(sock == k, drops, 0) for k in range(self.b.sockets)]
        return self.drop_refs(post, counts)

    def rundown(self, s: SymState, slot: Any) -> SymState:
        """R11: every handle of ``slot`` is closed (one batch of drops per socket)."""
        gone = [
            [z3.And(slot == i, s.hp[i][j]) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        return self.close_cells(s, gone)

    def close_cells(self, s: SymState, gone: list[list[Any]]) -> SymState:
        hp = [
            [z3.And(s.hp[i][j], z3.Not(gone[i][j])) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        drops = self.close_drops()
        counts = [
            z3.Sum(
                [
                    z3.If(z3.And(gone[i][j], s.hk[i][j] != PROCESS, s.ho[i][j] == k), drops, 0)
                    for i, j in self.cells()
                ]
            )
            for k in range(self.b.sockets)
        ]
        return self.drop_refs(s.with_(hp=hp), counts)

    def exit_process(self, s: SymState, slot: Any) -> SymState:
        """Kernel.exit_process: dead, ghost ``issued`` cleared, rundown."""
        s = s.with_(
            alive=put(s.alive, slot, z3.BoolVal(False)),
            issued=[
                [z3.And(s.issued[i][j], slot != i) for j in range(self.b.handles)]
                for i in range(self.b.procs)
            ],
            issued_out=put(s.issued_out, slot, z3.BoolVal(False)),
        )
        return self.rundown(s, slot)

    def new_socket(
        self, s: SymState, cat: Any, kind: tuple[Any, Any] | None = None
    ) -> tuple[Any, SymState, Any]:
        """(room, state, index): a new socket with no reference yet, appended; ``kind`` is its
        (family, type) where the bounds hold kinds (IPv4 TCP when None)."""
        k = s.nsocks
        empty = z3.K(z3.IntSort(), z3.IntVal(0))
        zero = z3.IntVal(0)
        post = s.with_(
            nsocks=k + 1,
            scat=put(s.scat, k, cat),
            refs=put(s.refs, k, zero),
            status=put(s.status, k, z3.IntVal(CREATED)),
            options=[z3.If(k == n, empty, o) for n, o in enumerate(s.options)],
            nev=put(s.nev, k, zero),
            ev_pid=put(s.ev_pid, k, zero),
            ev_desc=put(s.ev_desc, k, zero),
            ev_mask=put(s.ev_mask, k, zero),
            sent=put(s.sent, k, zero),
            inbox=put(s.inbox, k, zero),
            last_opt=put(s.last_opt, k, zero),
            last_val=put(s.last_val, k, zero),
        )
        return k < self.b.sockets, self.init_endpoint(post, k, kind), k

    # --- switch (models.switch.Switch) -----------------------------------------------------------
    def descriptor(self, s: SymState, slot: Any, value: Any) -> View:
        h = self.handle(s, slot, value)
        is_desc = z3.Or(h.kind == IFS, h.kind == WPU)
        return h._replace(found=z3.And(h.found, is_desc))

    def modify_ifs_handle(self, s: SymState, slot: Any, value: Any) -> tuple[Any, SymState]:
        h = self.handle(s, slot, value)
        ok = z3.And(h.found, h.kind == PENDING, h.cat == IFS_CATALOG)
        return ok, ite(ok, self.set_kind(s, h.cells, z3.IntVal(IFS)), s)

    # --- providers (models.providers) ------------------------------------------------------------
    def supports(self, s: SymState, a: Args, then: Outcome, claim: bool) -> Outcome:
        """R12 (``models.params.resolve``) after the switch's substitution of wildcards: the
        documented error for an impossible triple, the first thing wrong first.  The twin's
        sockets are IPv4 TCP only, so a creation of any other kind is outside it (disabled),
        and a claim of another kind fails as the provider's kind check makes it fail
        (WSAEINVAL, nothing changed).  One merge case, so the solver pays for one ite."""
        family, stype, protocol = a["family"], a["type"], a["protocol"]
        proto = z3.If(
            protocol == 0, z3.If(stype == SOCK_STREAM, IPPROTO_TCP, IPPROTO_UDP), protocol
        )
        bad_family = z3.And(family != AF_INET, family != AF_INET6)
        bad_type = z3.And(stype != SOCK_STREAM, stype != SOCK_DGRAM)
        bad_proto = z3.And(proto != IPPROTO_TCP, proto != IPPROTO_UDP)
        wrong_type = (proto == IPPROTO_TCP) != (stype == SOCK_STREAM)
        code = z3.If(
            bad_family, int(E.WSAEAFNOSUPPORT), z3.If(
                bad_type, int(E.WSAESOCKTNOSUPPORT), z3.If(
                    bad_proto, int(E.WSAEPROTONOSUPPORT), z3.If(
                        wrong_type, int(E.WSAEPROTOTYPE), int(E.WSAEINVAL),
                    ),
                ),
            ),
        )  # fmt: skip
        invalid = z3.Or(bad_family, bad_type, bad_proto, wrong_type)
        seed_kind = z3.And(family == AF_INET, stype == SOCK_STREAM, proto == IPPROTO_TCP)
        refused = Outcome(z3.BoolVal(True), code, z3.IntVal(0), s)
        if self.endpoints:  # every kind is held; a claim checks the socket's own (same_kind)
            return merge([(invalid, refused)], then)
        if claim:
            return merge([(z3.Or(invalid, z3.Not(seed_kind)), refused)], then)
        out = merge([(invalid, refused)], then)
        return out._replace(enabled=z3.And(out.enabled, z3.Or(invalid, seed_kind)))

    def hand_out(self, s: SymState, slot: Any, value: Any) -> Outcome:
        """IfsProvider.hand_out: R4, the client sees the handle only after WPUModifyIFSHandle."""
        ok, post = self.modify_ifs_handle(s, slot, value)
        return merge(
            [(ok, Outcome(z3.BoolVal(True), z3.IntVal(0), value, post))], err(s, E.WSAEINVAL)
        )

    def socket_of(self, cat: int, d: View) -> tuple[Any, Any]:
        """(known, socket index) the provider finds for descriptor ``d``."""
        if cat == IFS_CATALOG:
            return z3.BoolVal(True), d.obj
        return d.kind == WPU, d.obj  # WPUQuerySocketHandleContext

    def shares_of(self, s: SymState, cat: int) -> Shares:
        return s.shares[NONIFS_CATALOGS.index(cat)]

    def with_shares(self, s: SymState, cat: int, sh: Shares) -> SymState:
        i = NONIFS_CATALOGS.index(cat)
        return s.with_(shares=(*s.shares[:i], sh, *s.shares[i + 1 :]))

    def may_claim(self, cat: int, spid: Any, pid: Any) -> Any:
        return spid == pid

    def consume(self, s: SymState, cat: int, cell: int) -> SymState:
        """R2: the record goes with its claim; its reference passes to the new descriptor."""
        sh = self.shares_of(s, cat)
        post = self.with_shares(
            s, cat, replace(sh, present=put(sh.present, cell, z3.BoolVal(False)))
        )
        return self.ite_state(sh.holds[cell], self.drop_ref(post, sh.sock[cell]), post)

    def on_process_exit(self, s: SymState, cat: int, slot: Any) -> SymState:
        """NonIfsProvider.on_process_exit: shares meant for a pid nobody has any more go."""
        pid = pick(s.pid, slot, z3.IntVal(-1))
        still, _ = self.live_slot(s, pid)
        sh = self.shares_of(s, cat)
        dead = [
            z3.And(p, sp == pid, z3.Not(still)) for p, sp in zip(sh.present, sh.pid, strict=True)
        ]
        post = self.with_shares(
            s,
            cat,
            replace(
                sh, present=[z3.And(p, z3.Not(d)) for p, d in zip(sh.present, dead, strict=True)]
            ),
        )
        counts = [
            z3.Sum(
                [
                    z3.If(z3.And(d, h, sk == k), 1, 0)
                    for d, h, sk in zip(dead, sh.holds, sh.sock, strict=True)
                ]
            )
            for k in range(self.b.sockets)
        ]
        return self.drop_refs(post, counts)

    def create(
        self, s: SymState, slot: Any, cat: int, kind: tuple[Any, Any] | None = None
    ) -> Outcome:
        """``provider.socket``: a new socket and its first descriptor."""
        room, s1, k = self.new_socket(s, z3.IntVal(cat), kind)
        handle_kind = PENDING if cat == IFS_CATALOG else WPU
        ok, s2, value = self.add_handle(s1, slot, k, z3.IntVal(cat), z3.IntVal(handle_kind))
        made = (
            self.hand_out(s2, slot, value)
            if cat == IFS_CATALOG
            else Outcome(z3.BoolVal(True), z3.IntVal(0), value, s2)
        )
        out = merge([(ok, made)], err(s, E.WSAEMFILE))  # nothing made: no socket, no handle
        if self.endpoints:  # EMFILE changes nothing, so it is within the bounds: enabled
            room = z3.Or(z3.Not(ok), room)
        # Without endpoint state, EMFILE with every socket cell used stays disabled as it always
        # was: it leaves the world unchanged, so the proofs lose no transition that matters.
        return out._replace(enabled=z3.And(out.enabled, room))

    def claim_ifs(self, s: SymState, slot: Any, reserved: Any) -> Outcome:
        h = self.handle(s, slot, reserved)
        claimable = z3.And(h.found, h.kind == PENDING, h.cat == IFS_CATALOG)
        claimable = z3.And(claimable, self.same_kind(s, h.obj))
        return merge([(claimable, self.hand_out(s, slot, reserved))], err(s, E.WSAEINVAL))

    def same_kind(self, s: SymState, k: Any) -> Any:
        """``Provider.same_kind``: the claim asks for the socket's own kind (R3, R12).  Without
        endpoint state every socket is IPv4 TCP and ``supports`` has refused other kinds."""
        if not self.endpoints or self._asked is None:
            return z3.BoolVal(True)
        family, stype = self._asked
        return z3.And(pick(s.family, k, -1) == family, pick(s.stype, k, -1) == stype)

    def claim_nonifs(self, s: SymState, slot: Any, cat: int, reserved: Any) -> Outcome:
        sh = self.shares_of(s, cat)
        mypid = pick(s.pid, slot, z3.IntVal(-1))
        cases: list[tuple[Any, Outcome]] = []
        for n in range(self.b.shares):
            first = z3.And(
                sh.present[n],
                sh.token[n] == reserved,
                *[z3.Not(z3.And(sh.present[m], sh.token[m] == reserved)) for m in range(n)],
            )
            cases.append((first, self.claim_share(s, slot, cat, n, mypid)))
        return merge(cases, err(s, E.WSAEINVAL))

    def claim_share(self, s: SymState, slot: Any, cat: int, n: int, mypid: Any) -> Outcome:
        sh = self.shares_of(s, cat)
        k = sh.sock[n]
        ghost = s.with_(
            stranger=z3.Or(s.stranger, sh.intended[n] != slot),
            reclaimed=z3.Or(s.reclaimed, sh.claimed[n]),
        )
        ghost = self.with_shares(
            ghost, cat, replace(sh, claimed=put(sh.claimed, n, z3.BoolVal(True)))
        )
        return self.claim_found(s, ghost, slot, cat, n, mypid, k)

    def claim_found(
        self, s: SymState, ghost: SymState, slot: Any, cat: int, n: int, mypid: Any, k: Any
    ) -> Outcome:
        sh = self.shares_of(s, cat)
        ok, s1, value = self.add_handle(s, slot, k, z3.IntVal(cat), z3.IntVal(WPU))
        s1 = s1.with_(stranger=ghost.stranger, reclaimed=ghost.reclaimed)
        s1 = self.with_shares(s1, cat, self.shares_of(ghost, cat))
        closed = pick(s.status, k, z3.IntVal(-1)) == CLOSED
        return merge(
            [
                (z3.Not(self.may_claim(cat, sh.pid[n], mypid)), err(s, E.WSAEINVAL)),
                (z3.Not(self.same_kind(s, k)), err(s, E.WSAEINVAL)),
                (closed, err(self.consume(s, cat, n), E.WSAEINVAL)),
                (z3.Not(ok), err(s, E.WSAEMFILE)),
            ],
            Outcome(z3.BoolVal(True), z3.IntVal(0), value, self.consume(s1, cat, n)),
        )

    def duplicate(self, s: SymState, slot: Any, cat: int, d: View, pid: Any) -> Outcome:
        found, target = self.live_slot(s, pid)
        if cat == IFS_CATALOG:
            # One case per target slot, each with a constant row (the solver's case split).
            per_target = []
            for t in range(self.b.procs):
                ok, post, value = self.add_handle(s, z3.IntVal(t), d.obj, d.cat, z3.IntVal(PENDING))
                made = Outcome(z3.BoolVal(True), z3.IntVal(0), value, post)
                per_target.append((target == t, merge([(z3.Not(ok), err(s, E.WSAEMFILE))], made)))
            return merge([(z3.Not(found), err(s, E.WSAEINVAL)), *per_target], err(s, E.WSAEINVAL))
        known, k = self.socket_of(cat, d)
        sh = self.shares_of(s, cat)
        holds = HOLDS_AT_DUPLICATE[cat]
        cases: list[tuple[Any, Outcome]] = []
        for n in range(self.b.shares):
            first_free = z3.And(z3.Not(sh.present[n]), *[sh.present[m] for m in range(n)])
            new = Shares(
                sh.next_token + 1,
                put(sh.present, n, z3.BoolVal(True)),
                put(sh.token, n, sh.next_token),
                put(sh.sock, n, k),
                put(sh.pid, n, pid),
                put(sh.holds, n, z3.BoolVal(holds)),
                put(sh.intended, n, target),
                put(sh.claimed, n, z3.BoolVal(False)),
            )
            post = self.with_shares(s, cat, new)
            if holds:
                post = self.add_ref(post, k)
            cases.append((first_free, Outcome(z3.BoolVal(True), z3.IntVal(0), sh.next_token, post)))
        full = Outcome(z3.BoolVal(False), z3.IntVal(0), z3.IntVal(0), s)  # no share cell: bound
        return merge(
            [(z3.Not(found), err(s, E.WSAEINVAL)), (z3.Not(known), err(s, E.WSAENOTSOCK))],
            merge(cases, full),
        )

    def close(self, s: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
        if cat == IFS_CATALOG:
            post = self.close_handle(s, slot, value)
        else:  # WPUCloseSocketHandle
            post = ite(d.kind == WPU, self.close_handle(s, slot, value), s)
            return merge(
                [(d.kind != WPU, err(s, E.WSAENOTSOCK))],
                Outcome(
                    z3.BoolVal(True), z3.IntVal(0), z3.IntVal(0), self.retire(post, slot, value)
                ),
            )
        return Outcome(z3.BoolVal(True), z3.IntVal(0), z3.IntVal(0), self.retire(post, slot, value))

    def option_key(self, slot: Any, d: View, value: Any, option: Any) -> Any:
        return option

    def register_events(self, s: SymState, k: Any, pid: Any, value: Any, mask: Any) -> SymState:
        """R8: a new registration through any descriptor cancels the earlier one."""
        one = z3.If(mask == 0, 0, 1)
        return s.with_(
            nev=put(s.nev, k, one),
            ev_pid=put(s.ev_pid, k, z3.If(mask == 0, 0, pid)),
            ev_desc=put(s.ev_desc, k, z3.If(mask == 0, 0, value)),
            ev_mask=put(s.ev_mask, k, mask),
        )

    # --- the data path (Provider.connect ... event_select) --------------------------------------
    def on_live(
        self, s: SymState, slot: Any, value: Any, cat: int, d: View, body: Callable[[Any], Outcome]
    ) -> Outcome:
        known, k = self.socket_of(cat, d)
        live = z3.And(known, k >= 0, k < s.nsocks, pick(s.status, k, CLOSED) != CLOSED)
        return merge([(z3.Not(live), err(s, E.WSAENOTSOCK))], body(k))

    def data_call(
        self,
        s: SymState,
        a: Args,
        op: Callable[[SymState, Any, int, View, Any], Outcome],
        allocates: bool = False,
    ) -> Outcome:
        """A call on a descriptor: dispatch by the descriptor's catalog entry (R4)."""

        def body(st: SymState) -> Outcome:
            d = self.descriptor(st, a["slot"], a["s"])
            cases = [
                (z3.And(d.found, d.cat == cat), op(st, a["slot"], cat, d, a["s"]))
                for cat in (IFS_CATALOG, *NONIFS_CATALOGS)
            ]
            return merge(cases, err(st, E.WSAENOTSOCK))

        return self.spi(s, a, allocates=allocates, body=body)

    def spi(
        self, s: SymState, a: Args, allocates: bool, body: Callable[[SymState], Outcome]
    ) -> Outcome:
        """``Semantics.call``: dead process, bad thread, injected shortage, then the call."""
        slot, thread = a["slot"], a["thread"]
        live = z3.And(slot >= 0, slot < s.nprocs, pick(s.alive, slot, False))
        threads = pick(s.threads, slot, z3.IntVal(0))
        cases = [
            (z3.Not(live), err(s, E.WSANOTINITIALISED)),
            (z3.Not(z3.And(thread >= 0, thread < threads)), err(s, E.WSAEINVAL)),
        ]
        if allocates:
            fail = pick(s.fail_next, slot, z3.IntVal(0))
            starved = s.with_(fail_next=put(s.fail_next, slot, z3.IntVal(0)))
            cases.append((fail != 0, Outcome(z3.BoolVal(True), fail, z3.IntVal(0), starved)))
        return merge(cases, body(s))

    def issue(self, o: Outcome, slot: Any) -> Outcome:
        """``Semantics._issue``: the ghost record of descriptors handed to the client."""
        s = o.post
        ok = o.error == 0
        hit = [
            [z3.And(ok, slot == i, o.value == value_of(j)) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        issued = [
            [z3.Or(s.issued[i][j], hit[i][j]) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        in_table = z3.Or([hit[i][j] for i, j in self.cells()])
        out = [
            z3.Or(x, z3.And(ok, slot == i, z3.Not(in_table))) for i, x in enumerate(s.issued_out)
        ]
        return o._replace(post=s.with_(issued=issued, issued_out=out))

    def retire(self, s: SymState, slot: Any, value: Any) -> SymState:
        issued = [
            [
                z3.And(s.issued[i][j], z3.Not(z3.And(slot == i, value == value_of(j))))
                for j in range(self.b.handles)
            ]
            for i in range(self.b.procs)
        ]
        return s.with_(issued=issued)

    # --- actions ---------------------------------------------------------------------------------
    def WSPSocket(self, s: SymState, a: Args) -> Outcome:
        def body(st: SymState) -> Outcome:
            cases = [
                (
                    a["catalog"] == cat,
                    self.supports(
                        st, a, self.create(st, a["slot"], cat, (a["family"], a["type"])), False
                    ),
                )
                for cat in (IFS_CATALOG, *NONIFS_CATALOGS)
            ]
            return merge(cases, err(st, E.WSAEINVAL))

        return self.issue(self.spi(s, a, allocates=True, body=body), a["slot"])

    def claim(self, s: SymState, a: Args) -> Outcome:
        """WSPSocket with a protocol info (catalog entry, dwProviderReserved, family, type)."""
        saved, self._asked = self._asked, (a["family"], a["type"])
        try:
            return self.claim_call(s, a)
        finally:
            self._asked = saved

    def claim_call(self, s: SymState, a: Args) -> Outcome:
        def body(st: SymState) -> Outcome:
            slot, rsv = a["slot"], a["reserved"]
            cases = [
                (
                    a["catalog"] == IFS_CATALOG,
                    self.supports(st, a, self.claim_ifs(st, slot, rsv), claim=True),
                )
            ]
            cases += [
                (
                    a["catalog"] == cat,
                    self.supports(st, a, self.claim_nonifs(st, slot, cat, rsv), claim=True),
                )
                for cat in NONIFS_CATALOGS
            ]
            return merge(cases, err(st, E.WSAEINVAL))

        return self.issue(self.spi(s, a, allocates=True, body=body), a["slot"])

    def WSPConnect(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            def body(k: Any) -> Outcome:
                # A stream peer greets on connect; a datagram socket only records its peer.
                greeting: Any = z3.IntVal(1)
                if self.endpoints:
                    greeting = z3.If(self.is_stream(st, k), 1, 0)
                post = st.with_(
                    status=put(st.status, k, z3.IntVal(CONNECTED)),
                    inbox=put(st.inbox, k, greeting),
                )
                cases = [(pick(st.status, k, -1) == CONNECTED, err(st, E.WSAEISCONN))]
                if self.endpoints:  # connect's page: the socket is listening
                    cases.append((pick(st.status, k, -1) == LISTENING, err(st, E.WSAEINVAL)))
                return merge(cases, Outcome(z3.BoolVal(True), z3.IntVal(0), z3.IntVal(0), post))

            return self.on_live(st, slot, value, cat, d, body)

        return self.data_call(s, a, op)

    def send_body(self, st: SymState, k: Any) -> Outcome:
        """``Provider.send`` on live socket ``k``."""
        post = st.with_(sent=put(st.sent, k, pick(st.sent, k, 0) + 1))
        cases = [(pick(st.status, k, -1) != CONNECTED, err(st, E.WSAENOTCONN))]
        if self.endpoints:
            cases.append((has_bit(pick(st.shut, k, 0), SHUT_SEND), err(st, E.WSAESHUTDOWN)))
        return merge(cases, Outcome(z3.BoolVal(True), z3.IntVal(0), z3.IntVal(0), post))

    def WSPSend(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            return self.on_live(st, slot, value, cat, d, lambda k: self.send_body(st, k))

        return self.data_call(s, a, op)

    def recv_body(self, st: SymState, k: Any) -> Outcome:
        """``Provider.recv`` on live stream socket ``k``: a message, or end of stream (0) once
        the peer has closed and everything is read."""
        inbox = pick(st.inbox, k, 0)
        post = st.with_(inbox=put(st.inbox, k, inbox - 1))
        cases = [(pick(st.status, k, -1) != CONNECTED, err(st, E.WSAENOTCONN))]
        if self.endpoints:
            shut = pick(st.shut, k, 0)
            cases += [
                (has_bit(shut, SHUT_RECEIVE), err(st, E.WSAESHUTDOWN)),
                (z3.And(inbox == 0, has_bit(shut, SHUT_PEER)), ok(z3.IntVal(0), st)),
            ]
        cases.append((inbox == 0, err(st, E.WSAEWOULDBLOCK)))
        return merge(cases, Outcome(z3.BoolVal(True), z3.IntVal(0), z3.IntVal(1), post))

    def WSPRecv(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            def body(k: Any) -> Outcome:
                if not self.endpoints:
                    return self.recv_body(st, k)
                return merge([(self.is_stream(st, k), self.recv_body(st, k))], self.datagram(st, k))

            return self.on_live(st, slot, value, cat, d, body)

        return self.data_call(s, a, op)

    def known_option(self, option: Any) -> Any:
        return z3.Or([option == o for o in OPTIONS])

    def WSPSetSockOpt(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            def body(k: Any) -> Outcome:
                key = self.option_key(slot, d, value, a["option"])
                options = [
                    z3.If(k == n, z3.Store(o, key, a["val"]), o) for n, o in enumerate(st.options)
                ]
                post = st.with_(
                    options=options,
                    last_opt=put(st.last_opt, k, a["option"]),
                    last_val=put(st.last_val, k, a["val"]),
                )
                return merge(
                    [
                        (z3.Not(self.known_option(a["option"])), err(st, E.WSAENOPROTOOPT)),
                        (a["val"] < 0, err(st, E.WSAEINVAL)),
                    ],
                    Outcome(z3.BoolVal(True), z3.IntVal(0), z3.IntVal(0), post),
                )

            return self.on_live(st, slot, value, cat, d, body)

        return self.data_call(s, a, op)

    def WSPGetSockOpt(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            def body(k: Any) -> Outcome:
                key = self.option_key(slot, d, value, a["option"])
                got = z3.Select(pick(st.options, k, z3.K(z3.IntSort(), z3.IntVal(0))), key)
                return merge(
                    [(z3.Not(self.known_option(a["option"])), err(st, E.WSAENOPROTOOPT))],
                    Outcome(z3.BoolVal(True), z3.IntVal(0), got, st),
                )

            return self.on_live(st, slot, value, cat, d, body)

        return self.data_call(s, a, op)

    def WSPEventSelect(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            def body(k: Any) -> Outcome:
                mask = a["mask"]
                pid = pick(st.pid, slot, z3.IntVal(-1))
                post = self.register_events(st, k, pid, value, mask)
                if self.endpoints:  # R8: a new registration has been sent nothing yet
                    post = post.with_(signalled=put(post.signalled, k, z3.IntVal(0)))
                return merge(
                    [(z3.Or(mask < 0, mask > FD_ALL_EVENTS), err(st, E.WSAEINVAL))],
                    Outcome(z3.BoolVal(True), z3.IntVal(0), z3.IntVal(0), post),
                )

            return self.on_live(st, slot, value, cat, d, body)

        return self.data_call(s, a, op)

    def WSPDuplicateSocket(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            return self.duplicate(st, slot, cat, d, a["pid"])

        def body(st: SymState) -> Outcome:
            d = self.descriptor(st, a["slot"], a["s"])
            cases = [
                (z3.And(d.found, d.cat == cat), op(st, a["slot"], cat, d, a["s"]))
                for cat in (IFS_CATALOG, *NONIFS_CATALOGS)
            ]
            return merge(cases, err(st, E.WSAENOTSOCK))

        return self.spi(s, a, allocates=True, body=body)

    def WSPCloseSocket(self, s: SymState, a: Args) -> Outcome:
        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            return self.close(st, slot, cat, d, value)

        return self.data_call(s, a, op)

    def ExitProcess(self, s: SymState, a: Args) -> Outcome:
        """``Semantics.exit_process``: kernel rundown (R11), then each provider's cleanup."""
        slot = a["slot"]
        live = z3.And(slot >= 0, slot < s.nprocs, pick(s.alive, slot, False))
        post = self.exit_process(s, slot)
        for cat in NONIFS_CATALOGS:
            post = self.on_process_exit(post, cat, slot)
        return Outcome(z3.BoolVal(True), z3.IntVal(0), z3.IntVal(0), ite(live, post, s))

    def Spawn(self, s: SymState, a: Args) -> Outcome:
        """``Semantics.spawn``: a new slot, with a fresh pid or (``reuse`` != 0) a reusable one."""
        n = s.nprocs
        biggest: Any = z3.IntVal(FIRST_PID - PID_STEP)
        for i in range(self.b.procs):
            biggest = z3.If(z3.And(i < n, s.pid[i] > biggest), s.pid[i], biggest)
        reuse = a["reuse"] != 0
        pid = z3.If(reuse, a["pid"], biggest + PID_STEP)
        ok = z3.And(
            n < self.b.procs,
            a["threads"] >= 1,
            a["threads"] <= self.b.threads,
            z3.Or(z3.Not(reuse), self.pid_reusable(s, a["pid"])),
        )
        fresh_row = [z3.BoolVal(False)] * self.b.handles
        post = s.with_(
            nprocs=n + 1,
            alive=put(s.alive, n, z3.BoolVal(True)),
            pid=put(s.pid, n, pid),
            threads=put(s.threads, n, a["threads"]),
            fail_next=put(s.fail_next, n, z3.IntVal(0)),
            hp=[
                [z3.If(n == i, f, x) for x, f in zip(s.hp[i], fresh_row, strict=True)]
                for i in range(self.b.procs)
            ],
            issued=[
                [z3.If(n == i, f, x) for x, f in zip(s.issued[i], fresh_row, strict=True)]
                for i in range(self.b.procs)
            ],
            issued_out=put(s.issued_out, n, z3.BoolVal(False)),
        )
        return Outcome(ok, z3.IntVal(0), pid, post)

    def InjectFailure(self, s: SymState, a: Args) -> Outcome:
        """M5: the next allocating call of the process fails with ``error``."""
        ok = z3.And(
            a["slot"] >= 0,
            a["slot"] < s.nprocs,
            z3.Or(a["error"] == int(E.WSAENOBUFS), a["error"] == int(E.WSAEMFILE)),
        )
        post = s.with_(fail_next=put(s.fail_next, a["slot"], a["error"]))
        return Outcome(ok, z3.IntVal(0), z3.IntVal(0), post)

    def OpenProcess(self, s: SymState, a: Args) -> Outcome:
        """Kernel.open_process by a live process: a handle that pins a pid."""
        slot = a["slot"]
        live = z3.And(slot >= 0, slot < s.nprocs, pick(s.alive, slot, False))
        found, target = self.live_slot(s, a["pid"])
        ok, post, value = self.add_handle(s, slot, target, z3.IntVal(0), z3.IntVal(PROCESS))
        out = merge(
            [(z3.Not(found), err(s, E.WSAEINVAL)), (z3.Not(ok), err(s, E.WSAEMFILE))],
            Outcome(z3.BoolVal(True), z3.IntVal(0), value, post),
        )
        return out._replace(enabled=live)

    def CloseHandle(self, s: SymState, a: Args) -> Outcome:
        """Kernel.close_handle of a process handle by a live process (unpinning a pid)."""
        slot = a["slot"]
        live = z3.And(slot >= 0, slot < s.nprocs, pick(s.alive, slot, False))
        h = self.handle(s, slot, a["s"])
        ok = z3.And(live, h.found, h.kind == PROCESS)
        return Outcome(ok, z3.IntVal(0), z3.IntVal(0), self.close_handle(s, slot, a["s"]))
