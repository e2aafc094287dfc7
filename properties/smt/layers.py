"""The twin of layered service providers (R16): a protocol chain of one or two layers over a base.

``LayeredTwin`` mirrors ``models.providers.layered.LayeredProvider`` method for method.  Each
layer keeps a context per descriptor; in the twin it is a grid per layer over the handle cells
(slot, value) of the layer's own descriptors, holding the value of the next provider's
descriptor behind it (``SymState.ctx``, ``ctx_lower``).  Python keys a context by pid; the twin
keys it by slot, which is the same thing while live pids are unique and the layer purges an
exited pid's contexts (both hold in every reachable state).

Gated by ``Bounds.layers``: the plain ``Twin`` never sees these fields (they are empty lists),
so the seed's proofs keep their terms.  Not encoded: layers together with the endpoint calls
(``Bounds.queue``), the info's catalog entry as an output of ``WSPDuplicateSocket`` (the twin
returns ``dwProviderReserved`` only, so a layer that passes the base's info through unchanged
looks correct here), and per-process catalogs.

A claim carries one more argument than the plain twin's, ``chained``: whether the info's
protocol chain starts as the named entry's does (the layer's ``lower_info`` refuses one that
does not).  ``clients_name_the_top`` restricts creation and claims to entries no layer sits on,
and calls on descriptors to those the switch dispatches to such an entry, as a client of a
layered catalog behaves (and as the chain's Hypothesis machine draws its calls): a client that
names the base below a layer, or closes the descriptor a layer keeps behind its own, bypasses
the layer, which no layer can prevent, so BMC asks for paths of such clients only (the other
calls are disabled).  The cross-check leaves every entry and descriptor open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3
from wspshare.models.errors import ModelError
from wspshare.models.errors import WSAError as E
from wspshare.models.providers.layered import FIRST_LAYER_ID, LAYER_KINDS
from wspshare.properties.smt.endpoints import DescriptorOp
from wspshare.properties.smt.outcome import Outcome, View, err, merge
from wspshare.properties.smt.state import (
    IFS,
    IFS_CATALOG,
    NONIFS_CATALOGS,
    WPU,
    Bounds,
    SymState,
    ite,
    pick,
    value_of,
)
from wspshare.properties.smt.twin import Args, Twin

BASES = (IFS_CATALOG, *NONIFS_CATALOGS)


@dataclass(frozen=True)
class Layer:
    """One link of the chain: its grid in ``SymState.ctx``, its entry, the next one below."""

    index: int
    catalog: int
    lower: int
    ifs: bool
    chain: tuple[int, ...]  # itself first, base last (``LayeredProvider.chain``)


def chain_of(base: int, kinds: tuple[str, ...]) -> tuple[Layer, ...]:
    """The layers ``install_chain`` installs for ``kinds`` (top first, as ``--chain`` takes
    them) over entry ``base``, from the base upward: ``lsp1`` is entry 2001, and so on."""
    if base not in BASES:
        raise ModelError(f"a chain's base is one of {BASES}, got {base}")
    out: list[Layer] = []
    chain: tuple[int, ...] = (base,)
    lower_ifs = base == IFS_CATALOG
    for n, kind in enumerate(reversed(kinds)):
        if kind not in LAYER_KINDS:
            raise ModelError(f"a layer is one of {', '.join(LAYER_KINDS)}, got {kind!r}")
        ifs = kind == "ifs"
        if ifs and not lower_ifs:
            raise ModelError("an IFS layer needs IFS handles from below")
        catalog = FIRST_LAYER_ID + n
        chain = (catalog, *chain)
        out.append(Layer(n, catalog, chain[1], ifs, chain))
        lower_ifs = ifs
    return tuple(out)


class LayeredTwin(Twin):
    """The correct semantics with a chain of correct layers installed over one base."""

    def __init__(
        self,
        bounds: Bounds,
        base: int = IFS_CATALOG,
        kinds: tuple[str, ...] = ("non-ifs",),
        clients_name_the_top: bool = False,
    ) -> None:
        if bounds.layers != len(kinds) or not kinds:
            raise ModelError(f"the bounds hold {bounds.layers} layers, the chain has {len(kinds)}")
        if bounds.queue:
            raise ModelError("layers and the endpoint calls together are not encoded")
        self.layers = chain_of(base, kinds)
        self.base = base
        self.kinds = kinds
        self.clients_name_the_top = clients_name_the_top
        super().__init__(bounds)
        params, run = self.actions["claim"]
        self.actions["claim"] = ((*params, "chained"), run)

    # --- the catalog -----------------------------------------------------------------------------
    def entries(self) -> tuple[int, ...]:
        return (*BASES, *(layer.catalog for layer in self.layers))

    def layer_of(self, catalog: int) -> Layer | None:
        return next((layer for layer in self.layers if layer.catalog == catalog), None)

    def covered(self) -> frozenset[int]:
        """The entries a layer sits on: a client that names one bypasses that layer."""
        return frozenset(layer.lower for layer in self.layers)

    def ifs_entries(self) -> tuple[int, ...]:
        """The entries whose descriptors are IFS handles (``XP1_IFS_HANDLES``)."""
        return (IFS_CATALOG, *(layer.catalog for layer in self.layers if layer.ifs))

    def base_of(self, catalog: Any) -> Any:
        """``models.providers.layered.base_of``: the base at the bottom of the entry's chain."""
        out = catalog
        for layer in self.layers:
            out = z3.If(catalog == layer.catalog, self.base, out)
        return out

    def client_may_name(self, catalog: Any) -> Any:
        if not self.clients_name_the_top:
            return z3.BoolVal(True)
        return z3.And([catalog != c for c in sorted(self.covered())])

    # --- a layer's contexts (LayeredProvider.find, wrap, forget, lower_handle) -------------------
    def lower_handle(
        self, s: SymState, slot: Any, layer: Layer, d: View, value: Any
    ) -> tuple[Any, View, Any]:
        """(found, view, value) of the next provider's descriptor behind ``d``: the same handle
        seen as the next provider's (IFS layer), or the one its context names (non-IFS)."""
        grid, lows = s.ctx[layer.index], s.ctx_lower[layer.index]
        here = z3.Or([z3.And(d.cells[i][j], grid[i][j]) for i, j in self.cells()])
        if layer.ifs:
            return here, d._replace(cat=z3.IntVal(layer.lower)), value
        lower: Any = z3.IntVal(0)
        for i, j in reversed(self.cells()):
            lower = z3.If(d.cells[i][j], lows[i][j], lower)
        h = self.handle(s, slot, lower)
        return z3.And(here, h.found), h, lower

    def with_context(
        self, s: SymState, layer: Layer, cells: list[list[Any]], lower: Any
    ) -> SymState:
        n = layer.index
        grid = [
            [z3.Or(s.ctx[n][i][j], cells[i][j]) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        lows = [
            [z3.If(cells[i][j], lower, s.ctx_lower[n][i][j]) for j in range(self.b.handles)]
            for i in range(self.b.procs)
        ]
        return self.with_layer(s, n, grid, lows)

    def with_layer(
        self, s: SymState, n: int, grid: list[list[Any]], lows: list[list[Any]]
    ) -> SymState:
        return s.with_(
            ctx=[grid if m == n else g for m, g in enumerate(s.ctx)],
            ctx_lower=[lows if m == n else g for m, g in enumerate(s.ctx_lower)],
        )

    def forget(self, s: SymState, layer: Layer, slot: Any, value: Any) -> SymState:
        n = layer.index
        grid = [
            [
                z3.And(s.ctx[n][i][j], z3.Not(z3.And(slot == i, value == value_of(j))))
                for j in range(self.b.handles)
            ]
            for i in range(self.b.procs)
        ]
        return self.with_layer(s, n, grid, s.ctx_lower[n])

    def wrap(self, s: SymState, slot: Any, layer: Layer, lower: Any) -> Outcome:
        """The layer's own descriptor for the next provider's ``lower``, with its context."""
        h = self.handle(s, slot, lower)
        if layer.ifs:  # WPUModifyIFSHandle with the layer's entry (Switch.take_over_ifs_handle)
            ok = z3.And(h.found, h.kind == IFS)
            hc = [
                [z3.If(h.cells[i][j], layer.catalog, s.hc[i][j]) for j in range(self.b.handles)]
                for i in range(self.b.procs)
            ]
            post = self.with_context(s.with_(hc=hc), layer, h.cells, lower)
            return merge(
                [(z3.Not(ok), err(s, E.WSAEINVAL))],
                Outcome(z3.BoolVal(True), z3.IntVal(0), lower, post),
            )
        cells = self.free_cells(s, slot)  # where add_handle puts the new descriptor
        made, s1, value = self.add_handle(s, slot, h.obj, z3.IntVal(layer.catalog), z3.IntVal(WPU))
        post = self.with_context(s1, layer, cells, lower)
        return merge(
            [(z3.Not(h.found), err(s, E.WSAEINVAL)), (z3.Not(made), err(s, E.WSAEMFILE))],
            Outcome(z3.BoolVal(True), z3.IntVal(0), value, post),
        )

    def adopt(self, s0: SymState, o: Outcome, slot: Any, layer: Layer) -> Outcome:
        """After the next provider answered: wrap its descriptor, or leave nothing behind (the
        world before the call, whatever the next provider had changed)."""
        wrapped = self.wrap(o.post, slot, layer, o.value)
        undone = Outcome(o.enabled, wrapped.error, z3.IntVal(0), s0)
        done = wrapped._replace(enabled=z3.And(o.enabled, wrapped.enabled))
        failed = Outcome(o.enabled, o.error, z3.IntVal(0), s0)
        return merge([(o.error != 0, failed), (wrapped.error != 0, undone)], done)

    # --- the SPI through the chain ---------------------------------------------------------------
    def create_at(self, s: SymState, slot: Any, cat: int) -> Outcome:
        layer = self.layer_of(cat)
        if layer is None:
            return self.create(s, slot, cat)
        return self.adopt(s, self.create_at(s, slot, layer.lower), slot, layer)

    def claim_at(self, s: SymState, slot: Any, cat: int, reserved: Any) -> Outcome:
        layer = self.layer_of(cat)
        if layer is None:
            if cat == IFS_CATALOG:
                return self.claim_ifs(s, slot, reserved)
            return self.claim_nonifs(s, slot, cat, reserved)
        return self.adopt(s, self.claim_at(s, slot, layer.lower, reserved), slot, layer)

    def duplicate_at(
        self, s: SymState, slot: Any, cat: int, d: View, value: Any, pid: Any
    ) -> Outcome:
        layer = self.layer_of(cat)
        if layer is None:
            return self.duplicate(s, slot, cat, d, pid)
        found, h, lower = self.lower_handle(s, slot, layer, d, value)
        inner = self.duplicate_at(s, slot, layer.lower, h, lower, pid)
        failed = Outcome(inner.enabled, inner.error, z3.IntVal(0), s)
        return merge([(z3.Not(found), err(s, E.WSAENOTSOCK)), (inner.error != 0, failed)], inner)

    def close_at(self, s: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
        """``provider.close`` and the switch's retirement of ``value`` on success."""
        layer = self.layer_of(cat)
        if layer is None:
            return self.close(s, slot, cat, d, value)
        found, h, lower = self.lower_handle(s, slot, layer, d, value)
        inner = self.close_at(s, slot, layer.lower, h, lower)
        mid = inner.post.with_(issued=s.issued)  # only the client's own value is retired
        if layer.ifs:  # one handle for both: the next provider closed it just now
            done = Outcome(
                inner.enabled,
                z3.IntVal(0),
                z3.IntVal(0),
                self.retire(self.forget(mid, layer, slot, value), slot, value),
            )
        else:  # WPUCloseSocketHandle of the layer's own descriptor
            own = self.handle(mid, slot, value)
            closed = self.forget(self.close_handle(mid, slot, value), layer, slot, value)
            done = merge(
                [
                    (
                        z3.Not(z3.And(own.found, own.kind == WPU)),
                        Outcome(
                            inner.enabled,
                            z3.IntVal(int(E.WSAENOTSOCK)),
                            z3.IntVal(0),
                            self.forget(mid, layer, slot, value),
                        ),
                    )
                ],
                Outcome(
                    inner.enabled, z3.IntVal(0), z3.IntVal(0), self.retire(closed, slot, value)
                ),
            )
        failed = Outcome(inner.enabled, inner.error, z3.IntVal(0), mid)
        return merge([(z3.Not(found), err(s, E.WSAENOTSOCK)), (inner.error != 0, failed)], done)

    def pass_down(
        self, s: SymState, slot: Any, cat: int, d: View, value: Any, op: DescriptorOp
    ) -> Outcome:
        """A data-path call: each layer hands it to the next provider through its context."""
        layer = self.layer_of(cat)
        if layer is None:
            return op(s, slot, cat, d, value)
        found, h, lower = self.lower_handle(s, slot, layer, d, value)
        inner = self.pass_down(s, slot, layer.lower, h, lower, op)
        return merge([(z3.Not(found), err(s, E.WSAENOTSOCK))], inner)

    # --- actions ---------------------------------------------------------------------------------
    def on_entries(self, st: SymState, slot: Any, value: Any, each: Any) -> Outcome:
        """The switch's dispatch of ``value`` by its entry (R4), every entry of the catalog."""
        d = self.descriptor(st, slot, value)
        cases = []
        for cat in self.entries():
            if self.clients_name_the_top and cat in self.covered():
                hidden = Outcome(z3.BoolVal(False), z3.IntVal(0), z3.IntVal(0), st)
                cases.append((z3.And(d.found, d.cat == cat), hidden))
            else:
                cases.append((z3.And(d.found, d.cat == cat), each(cat, d)))
        return merge(cases, err(st, E.WSAENOTSOCK))

    def data_call(self, s: SymState, a: Args, op: DescriptorOp, allocates: bool = False) -> Outcome:
        slot, value = a["slot"], a["s"]

        def body(st: SymState) -> Outcome:
            return self.on_entries(
                st, slot, value, lambda cat, d: self.pass_down(st, slot, cat, d, value, op)
            )

        return self.spi(s, a, allocates=allocates, body=body)

    def WSPCloseSocket(self, s: SymState, a: Args) -> Outcome:
        slot, value = a["slot"], a["s"]

        def body(st: SymState) -> Outcome:
            return self.on_entries(
                st, slot, value, lambda cat, d: self.close_at(st, slot, cat, d, value)
            )

        return self.spi(s, a, allocates=False, body=body)

    def WSPDuplicateSocket(self, s: SymState, a: Args) -> Outcome:
        slot, value = a["slot"], a["s"]

        def body(st: SymState) -> Outcome:
            return self.on_entries(
                st, slot, value, lambda cat, d: self.duplicate_at(st, slot, cat, d, value, a["pid"])
            )

        return self.spi(s, a, allocates=True, body=body)

    def WSPSocket(self, s: SymState, a: Args) -> Outcome:
        def body(st: SymState) -> Outcome:
            cases = [
                (
                    a["catalog"] == cat,
                    self.supports(st, a, self.create_at(st, a["slot"], cat), False),
                )
                for cat in self.entries()
            ]
            return merge(cases, err(st, E.WSAEINVAL))

        out = self.issue(self.spi(s, a, allocates=True, body=body), a["slot"])
        return out._replace(enabled=z3.And(out.enabled, self.client_may_name(a["catalog"])))

    def claim_call(self, s: SymState, a: Args) -> Outcome:
        def body(st: SymState) -> Outcome:
            slot, rsv = a["slot"], a["reserved"]
            cases = []
            for cat in self.entries():
                then = self.claim_at(st, slot, cat, rsv)
                if self.layer_of(cat) is not None:  # LayeredProvider.lower_info
                    then = merge([(a["chained"] == 0, err(st, E.WSAEINVAL))], then)
                cases.append((a["catalog"] == cat, self.supports(st, a, then, claim=True)))
            return merge(cases, err(st, E.WSAEINVAL))

        out = self.issue(self.spi(s, a, allocates=True, body=body), a["slot"])
        return out._replace(enabled=z3.And(out.enabled, self.client_may_name(a["catalog"])))

    def ExitProcess(self, s: SymState, a: Args) -> Outcome:
        """Each layer's instance dies with the process: its contexts there go, unless a live
        process still has the pid (``LayeredProvider.on_process_exit``)."""
        out = super().ExitProcess(s, a)
        slot = a["slot"]
        live = z3.And(slot >= 0, slot < s.nprocs, pick(s.alive, slot, False))
        post = out.post
        still, _ = self.live_slot(post, pick(s.pid, slot, z3.IntVal(-1)))
        gone = z3.And(live, z3.Not(still))
        for layer in self.layers:
            n = layer.index
            grid = [
                [
                    z3.And(post.ctx[n][i][j], z3.Not(z3.And(gone, slot == i)))
                    for j in range(self.b.handles)
                ]
                for i in range(self.b.procs)
            ]
            post = self.with_layer(post, n, grid, post.ctx_lower[n])
        return out._replace(post=ite(live, post, out.post))
