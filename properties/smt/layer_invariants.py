"""The world invariants over a layered twin's state: the seed's, two of them read through the
chain, and the chain's own two (``properties.layered``), with the same names.

``descriptor-validity`` accepts a layer's descriptor on its base's socket and
``provider-discipline`` wants an IFS handle from an IFS layer, as the Python checks do once a
layer is installed (``base_of``, ``_is_ifs``).  ``common-state`` is the seed's: it reads the
options through the base providers' descriptors only, so it says nothing about a layer's own
(weaker than Python's, never a false alarm).  The others hold unchanged: a layer's descriptor
holds one reference like any socket handle.
"""

from __future__ import annotations

from typing import Any

import z3
from wspshare.properties.smt.invariants import (
    INVARIANTS,
    STRENGTHENING,
    Formula,
    all_formulas,
    descriptors_name_live_sockets,
    handed_handles_match_their_kind,
)
from wspshare.properties.smt.layers import Layer, LayeredTwin
from wspshare.properties.smt.state import (
    IFS,
    IFS_CATALOG,
    NONIFS_CATALOGS,
    PENDING,
    PROCESS,
    WPU,
    SymState,
    value_of,
)
from wspshare.properties.smt.twin import Twin


def _layered(t: Twin) -> LayeredTwin:
    assert isinstance(t, LayeredTwin), "a chain's invariant needs the layered twin"
    return t


def descriptor_validity(t: Twin, s: SymState) -> Any:
    """R5, R11: every handle names a live socket of its chain's base; the dead hold none."""
    return descriptors_name_live_sockets(t, s, _layered(t).base_of)


def provider_discipline(t: Twin, s: SymState) -> Any:
    """R4: what a client was handed is an IFS handle of an IFS entry or a WPU handle."""
    entries = _layered(t).ifs_entries()
    return handed_handles_match_their_kind(t, s, lambda c: z3.Or([c == e for e in entries]))


def top_of_chain(t: Twin, s: SymState) -> Any:
    """R16: no descriptor a client was handed dispatches to an entry a layer sits on."""
    covered = sorted(_layered(t).covered())
    return z3.And(
        [
            z3.Implies(
                z3.And(i < s.nprocs, s.issued[i][j], s.hp[i][j]),
                z3.And([s.hc[i][j] != c for c in covered]),
            )
            for i, j in t.cells()
        ]
    )


def _row(t: Twin, s: SymState, i: int, value: Any) -> tuple[Any, Any, Any, Any]:
    """(found, kind, obj, catalog) of the entry with ``value`` in slot ``i``'s table."""
    found, kind, obj, cat = z3.BoolVal(False), z3.IntVal(-1), z3.IntVal(-1), z3.IntVal(-1)
    for j in reversed(range(t.b.handles)):
        here = z3.And(value == value_of(j), s.hp[i][j])
        found = z3.Or(here, found)
        kind = z3.If(here, s.hk[i][j], kind)
        obj = z3.If(here, s.ho[i][j], obj)
        cat = z3.If(here, s.hc[i][j], cat)
    return found, kind, obj, cat


def _over(lt: LayeredTwin, layer: Layer, cat: Any) -> Any:
    """The entry is the layer's, or a layer's above it (``properties.layered._over``)."""
    return z3.Or([cat == up.catalog for up in lt.layers if layer.catalog in up.chain])


def layer_references(t: Twin, s: SymState) -> Any:
    """R4, R7, R16: each layer's contexts are exactly the descriptors it stands on."""
    lt = _layered(t)
    out = []
    for layer in lt.layers:
        grid, lows = s.ctx[layer.index], s.ctx_lower[layer.index]
        for i, j in t.cells():
            own_desc = z3.Or(s.hk[i][j] == IFS, s.hk[i][j] == WPU)
            found, kind, obj, cat = _row(t, s, i, lows[i][j])
            below_cat = _over(lt, layer, cat) if layer.ifs else cat == layer.lower
            ok = z3.And(
                i < s.nprocs,
                s.alive[i],
                s.hp[i][j],
                own_desc,
                _over(lt, layer, s.hc[i][j]),
                found,
                z3.Or(kind == IFS, kind == WPU),
                below_cat,
                obj == s.ho[i][j],
            )
            out.append(z3.Implies(grid[i][j], ok))
        if layer.ifs:
            continue
        for i, j in t.cells():  # every descriptor of the provider below stands behind one
            below = z3.And(
                i < s.nprocs,
                s.alive[i],
                s.hp[i][j],
                z3.Or(s.hk[i][j] == IFS, s.hk[i][j] == WPU),
                s.hc[i][j] == layer.lower,
            )
            behind = z3.Or(
                [z3.And(grid[i][m], lows[i][m] == value_of(j)) for m in range(t.b.handles)]
            )
            out.append(z3.Implies(below, behind))
    return z3.And(out)


LAYER_INVARIANTS: dict[str, tuple[str, Formula]] = {
    **INVARIANTS,
    "descriptor-validity": ("R5, R11", descriptor_validity),
    "provider-discipline": ("R4", provider_discipline),
    "top-of-chain": ("R16", top_of_chain),
    "layer-references": ("R4, R7, R16", layer_references),
}


def invariants_for(twin: Twin) -> dict[str, tuple[str, Formula]]:
    """The invariants a twin's states are checked against: a chain's where it has layers."""
    return LAYER_INVARIANTS if isinstance(twin, LayeredTwin) else INVARIANTS


# --- strengthening -------------------------------------------------------------------------------
def handle_kinds(t: Twin, s: SymState) -> Any:
    """S2 with a chain: PENDING handles belong to the IFS base, IFS handles to it or to an IFS
    layer, WPU handles to a non-IFS base or a non-IFS layer, PROCESS handles name a slot."""
    lt = _layered(t)
    ifs = (IFS_CATALOG, *(x.catalog for x in lt.layers if x.ifs))
    wpu = (*NONIFS_CATALOGS, *(x.catalog for x in lt.layers if not x.ifs))
    out = []
    for i, j in t.cells():
        k, c, o = s.hk[i][j], s.hc[i][j], s.ho[i][j]
        ok = z3.Or(
            z3.And(k == PENDING, c == IFS_CATALOG),
            z3.And(k == IFS, z3.Or([c == n for n in ifs])),
            z3.And(k == WPU, z3.Or([c == n for n in wpu])),
            z3.And(k == PROCESS, c == 0, o >= 0, o < s.nprocs),
        )
        out.append(z3.Implies(s.hp[i][j], ok))
    return z3.And(out)


def layer_contexts(t: Twin, s: SymState) -> Any:
    """S6: an IFS layer's context is of an IFS handle and stands on that very handle (the layer
    took it over rather than making one); a non-IFS layer's is of a WPU handle of its own entry
    (no IFS layer sits on a non-IFS one), and its contexts in one process stand on distinct
    descriptors below (each was made for a descriptor the next provider had just handed out)."""
    out = []
    for layer in _layered(t).layers:
        grid, lows = s.ctx[layer.index], s.ctx_lower[layer.index]
        for i in range(t.b.procs):
            for a in range(t.b.handles):
                if layer.ifs:
                    own = z3.And(s.hk[i][a] == IFS, lows[i][a] == value_of(a))
                    out.append(z3.Implies(grid[i][a], own))
                    continue
                own = z3.And(s.hk[i][a] == WPU, s.hc[i][a] == layer.catalog)
                out.append(z3.Implies(grid[i][a], own))
                for b in range(a + 1, t.b.handles):
                    both = z3.And(grid[i][a], grid[i][b])
                    out.append(z3.Implies(both, lows[i][a] != lows[i][b]))
    return z3.And(out)


LAYER_STRENGTHENING: dict[str, tuple[str, Formula]] = {
    **STRENGTHENING,
    "S2-handle-kinds": ("R4, R16", handle_kinds),
    "S6-layer-contexts": ("R16", layer_contexts),
}


def formulas_for(twin: Twin) -> dict[str, tuple[str, Formula]]:
    """Every formula of a twin's induction: its invariants and their strengthening."""
    if isinstance(twin, LayeredTwin):
        return {**LAYER_INVARIANTS, **LAYER_STRENGTHENING}
    return all_formulas()
