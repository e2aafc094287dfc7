"""The seeded LSP bugs of ``models.providers.layered_buggy`` that the layered twin can express.

Each overrides the one ``LayeredTwin`` method that mirrors the Python method its variant
overrides, for the layer the variant replaces (``lsp1``, entry 2001), and the twin is built over
the variant's witness chain.  Three of the five are not here: ``lsp-info-passthrough`` changes
only the catalog entry of the info ``WSPDuplicateSocket`` returns, which the twin does not
return (its value is ``dwProviderReserved``); ``lsp-source-catalog-only`` and
``lsp-context-lookup-misses`` break ``no-leak``, a property of the scenario's programs, not of
the world the twin's invariants read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import z3
from wspshare.models.errors import ModelError
from wspshare.models.errors import WSAError as E
from wspshare.models.variants import VARIANTS
from wspshare.properties.smt.layers import Layer, LayeredTwin
from wspshare.properties.smt.outcome import Outcome, View, err, merge
from wspshare.properties.smt.state import (
    CLOSED,
    IFS_CATALOG,
    NONIFS_CATALOGS,
    Bounds,
    SymState,
    put,
)

MUTATED = 2001  # the entry of the layer each seeded LSP bug replaces (lsp1)
BASE_IDS = {"ifs": IFS_CATALOG, "non-ifs": NONIFS_CATALOGS[0], "non-ifs-claim": NONIFS_CATALOGS[1]}


class ClosesSharedLower(LayeredTwin):
    """ClosesSharedLowerLayer: a close of one of the layer's descriptors closes the base socket
    abortively, although other descriptors still refer to it (R7)."""

    name = "lsp-closes-shared-lower"

    def close_at(self, s: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
        out = super().close_at(s, slot, cat, d, value)
        layer = self.layer_of(cat)
        if layer is None or layer.catalog != MUTATED:
            return out
        found, h, _ = self.lower_handle(s, slot, layer, d, value)
        known, k = self.socket_of(layer.lower, h)
        hit = z3.And(out.error == 0, found, known)
        status = put(out.post.status, z3.If(hit, k, -1), z3.IntVal(CLOSED))
        return out._replace(post=out.post.with_(status=status))


class UnmodifiedHandleIfs(LayeredTwin):
    """UnmodifiedHandleIfsLayer: the IFS layer returns the handle it got from below without
    ``WPUModifyIFSHandle`` with its own entry, so the switch keeps dispatching it to the base."""

    name = "lsp-ifs-unmodified-handle"

    def wrap(self, s: SymState, slot: Any, layer: Layer, lower: Any) -> Outcome:
        if not layer.ifs or layer.catalog != MUTATED:
            return super().wrap(s, slot, layer, lower)
        h = self.handle(s, slot, lower)
        post = self.with_context(s, layer, h.cells, lower)
        return merge(
            [(z3.Not(h.found), err(s, E.WSAEINVAL))],
            Outcome(z3.BoolVal(True), z3.IntVal(0), lower, post),
        )


LAYER_MUTATIONS: dict[str, type[LayeredTwin]] = {
    m.name: m for m in (ClosesSharedLower, UnmodifiedHandleIfs)
}


def witness_chain(variant: str) -> tuple[int, tuple[str, ...]]:
    """(base entry, layer kinds top first) of the variant's witness configuration."""
    witness = VARIANTS[variant].witness
    if not witness.chain:
        raise ModelError(f"{variant}'s witness installs no layer")
    return BASE_IDS[witness.provider], witness.chain


def layered_twin_for(variant: str, bounds: Bounds) -> LayeredTwin:
    """The layered twin of ``variant`` (the correct one for a variant not in the table) over its
    witness chain, with as many layers in the bounds, for clients that name the top."""
    base, kinds = witness_chain(variant)
    cls = LAYER_MUTATIONS.get(variant, LayeredTwin)
    return cls(replace(bounds, layers=len(kinds)), base, kinds, clients_name_the_top=True)
