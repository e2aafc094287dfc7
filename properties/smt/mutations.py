"""The seeded bugs of ``models.variants`` that change the transition relation, in the twin.

Each class overrides the one twin method that mirrors the Python method its variant overrides,
and carries the variant's name.  Variants that change only the scenario's programs or flags
(``close-before-claim``, ``no-pid-pin``, ``stale-handle-reuse`` ...) leave the world's transition
relation as it is: the induction has nothing different to say about them (``PROTOCOL_ONLY``);
the model checker and the scenario machine catch those.
"""

from __future__ import annotations

from typing import Any

import z3
from wspshare.properties.smt.outcome import Outcome, View
from wspshare.properties.smt.state import IFS_CATALOG, PENDING, SymState, pick, put
from wspshare.properties.smt.twin import Twin

OWN_DESCRIPTOR_BASE = 0x10000


class CloseDropsTwice(Twin):
    """CloseDropsTwiceKernel: closing a socket handle drops the count twice (R7)."""

    name = "close-drops-twice"

    def close_drops(self) -> int:
        return 2


class CloseDropsNone(Twin):
    """CloseDropsNoneKernel: the entry goes, the reference stays (R7)."""

    name = "close-drops-none"

    def close_drops(self) -> int:
        return 0


class CloseAtOne(Twin):
    """CloseAtOneKernel: the socket closes when its count drops to one (R7, off by one)."""

    name = "close-at-one"

    def closes(self, refs_after: Any) -> Any:
        return refs_after <= 1


class NoRundown(Twin):
    """NoRundownKernel: process exit closes no handle (R11)."""

    name = "no-rundown"

    def rundown(self, s: SymState, slot: Any) -> SymState:
        return s


class RundownSkipsPending(Twin):
    """RundownSkipsPendingKernel: exit closes only descriptors, not pending handles (R11)."""

    name = "rundown-skips-pending"

    def rundown(self, s: SymState, slot: Any) -> SymState:
        gone = [
            [z3.And(slot == i, s.hp[i][j], s.hk[i][j] != PENDING) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        return self.close_cells(s, gone)


class AcceptTwice(Twin):
    """AcceptTwiceNonIfs (catalog 1002): a share record is never consumed (R2)."""

    name = "accept-twice"

    def consume(self, s: SymState, cat: int, cell: int) -> SymState:
        return s if cat == 1002 else super().consume(s, cat, cell)


class NoPidCheck(Twin):
    """NoPidCheckNonIfs (catalog 1002): any process may claim a share record."""

    name = "no-pid-check"

    def may_claim(self, cat: int, spid: Any, pid: Any) -> Any:
        return z3.BoolVal(True) if cat == 1002 else super().may_claim(cat, spid, pid)


class KeepsDeadShares(Twin):
    """KeepsDeadSharesNonIfs (catalog 1002): records of an exited target stay."""

    name = "keeps-dead-shares"

    def on_process_exit(self, s: SymState, cat: int, slot: Any) -> SymState:
        return s if cat == 1002 else super().on_process_exit(s, cat, slot)


class SkipModifyIfsHandle(Twin):
    """SkipModifyIfs: the IFS provider hands out its handle without WPUModifyIFSHandle (R4)."""

    name = "skip-modify-ifs-handle"

    def hand_out(self, s: SymState, slot: Any, value: Any) -> Outcome:
        return Outcome(z3.BoolVal(True), z3.IntVal(0), value, s)


class SkipCreateSocketHandle(Twin):
    """SkipCreateSocketHandleNonIfs (1002): a home-made descriptor, no WPUCreateSocketHandle."""

    name = "skip-create-socket-handle"

    def claim_found(
        self, s: SymState, ghost: SymState, slot: Any, cat: int, n: int, mypid: Any, k: Any
    ) -> Outcome:
        if cat != 1002:
            return super().claim_found(s, ghost, slot, cat, n, mypid, k)
        sh = self.shares_of(s, cat)
        post = self.consume(ghost, cat, n)
        value = OWN_DESCRIPTOR_BASE + sh.token[n]
        return Outcome(
            z3.BoolVal(True),
            z3.If(self.may_claim(cat, sh.pid[n], mypid), 0, 10022),
            value,
            Twin.ite_state(self.may_claim(cat, sh.pid[n], mypid), post, s),
        )


class PerDescriptorOptions(Twin):
    """PerDescriptorOptionsIfs: options stored per descriptor, not per socket (R6)."""

    name = "per-descriptor-options"

    def option_key(self, slot: Any, d: View, value: Any, option: Any) -> Any:
        per = (slot + 1) * (1 << 24) + value * (1 << 16) + option
        return z3.If(d.cat == IFS_CATALOG, per, option)


class PerDescriptorEvents(Twin):
    """PerDescriptorEventsIfs: one registration per descriptor, not per socket (R8).  The twin
    keeps the count and the first registration: a registration through another descriptor adds
    one, through the same descriptor replaces it (exact for up to two registrations)."""

    name = "per-descriptor-events"

    def register_events(self, s: SymState, k: Any, pid: Any, value: Any, mask: Any) -> SymState:
        cat = z3.IntVal(0)
        for n, c in enumerate(s.scat):
            cat = z3.If(k == n, c, cat)
        nev = z3.IntVal(0)
        for n, e in enumerate(s.nev):
            nev = z3.If(k == n, e, nev)
        mine = z3.And(nev >= 1, self.first_is(s, k, pid, value))
        grown = z3.If(mask == 0, z3.If(mine, nev - 1, nev), z3.If(mine, nev, nev + 1))
        correct = super().register_events(s, k, pid, value, mask)
        first = z3.And(nev == 0, mask != 0)  # the registration becomes the one the twin keeps
        mutated = s.with_(
            nev=put(s.nev, k, grown),
            ev_pid=put(s.ev_pid, k, z3.If(first, pid, pick(s.ev_pid, k, 0))),
            ev_desc=put(s.ev_desc, k, z3.If(first, value, pick(s.ev_desc, k, 0))),
            ev_mask=put(s.ev_mask, k, z3.If(first, mask, pick(s.ev_mask, k, 0))),
        )
        return Twin.ite_state(cat == IFS_CATALOG, mutated, correct)

    def first_is(self, s: SymState, k: Any, pid: Any, value: Any) -> Any:
        out = z3.BoolVal(False)
        for n in range(self.b.sockets):
            here = z3.And(s.ev_pid[n] == pid, s.ev_desc[n] == value)
            out = z3.If(k == n, here, out)
        return out


class DuplicateClosesSource(Twin):
    """DuplicateClosesSourceIfs: the source loses its own handle when it duplicates."""

    name = "ifs-duplicate-closes-source"

    def duplicate(self, s: SymState, slot: Any, cat: int, d: View, pid: Any) -> Outcome:
        out = super().duplicate(s, slot, cat, d, pid)
        if cat != IFS_CATALOG:
            return out
        # The source's own entry is the cell ``d`` was found in (a duplicate writes a free cell,
        # never that one), so closing those cells is ``close_handle(slot, value)`` without making
        # the solver find the cell again from the value.
        closed = self.close_cells(out.post, d.cells)
        return out._replace(post=Twin.ite_state(out.error == 0, closed, out.post))


MUTATIONS: dict[str, type[Twin]] = {
    m.name: m
    for m in (
        CloseDropsTwice,
        CloseDropsNone,
        CloseAtOne,
        NoRundown,
        RundownSkipsPending,
        AcceptTwice,
        NoPidCheck,
        KeepsDeadShares,
        SkipModifyIfsHandle,
        SkipCreateSocketHandle,
        PerDescriptorOptions,
        PerDescriptorEvents,
        DuplicateClosesSource,
    )
}
PROTOCOL_ONLY = (
    "close-before-claim",
    "stale-handle-reuse",
    "no-pid-pin",
    "ack-before-claim",
    "free-share-on-source-close",
    "pre-modification-handle",
    "switch-dispatch-by-value",
)
