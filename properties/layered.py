"""What a protocol chain adds to "What must hold" (R16): obligations of every layer.

* ``top-of-chain``: every descriptor the client was handed dispatches to the top of a chain,
  never to a provider that an installed layer sits on (a client that reaches the base directly
  bypasses the layer: its filtering, its accounting, its own duplication);
* ``layer-references``: each layer's contexts describe exactly the descriptors of the provider
  below: every context names its own live descriptor and one of the next provider's, for the
  same socket, in the same process, and every descriptor of a provider under a non-IFS layer
  stands behind exactly one context.  So the lower socket's descriptors number exactly the
  references the layers above hold, and a layer that closed a lower descriptor others still
  stand on, or forgot one, is caught.

Both are claimed only where a layer is installed (``layer_invariants``), so the seed's
configurations check exactly what they did before.
"""

from __future__ import annotations

from collections.abc import Callable

from wspshare.models.kernel import find_handle
from wspshare.models.providers.layered import LayeredProvider, lower_descriptors
from wspshare.models.scenario import HandoffModel, HandoffState
from wspshare.models.semantics import Semantics
from wspshare.models.state import World
from wspshare.properties.invariants import Diagnosis


def layers(sem: Semantics) -> list[tuple[int, LayeredProvider]]:
    return [(i, p) for i, p in enumerate(sem.providers) if isinstance(p, LayeredProvider)]


def top_of_chain(sem: Semantics, w: World) -> Diagnosis:
    """R16: what a client holds belongs to the top of its chain, never to a covered provider."""
    covered = {p.lower_id for _, p in layers(sem)}
    for slot, proc in enumerate(w.procs):
        for value in proc.issued:
            h = find_handle(proc, value)
            if h is not None and h.catalog in covered:
                return (
                    f"P{slot} was handed {value}, which dispatches to entry {h.catalog} under a "
                    "layer: its calls bypass the layer"
                )
    return None


def layer_references(sem: Semantics, w: World) -> Diagnosis:
    """R4, R7, R16: each layer's contexts are exactly the descriptors it stands on."""
    live = {p.pid: p for p in w.procs if p.alive}
    for index, layer in layers(sem):
        contexts = layer.contexts(w.providers[index])
        for c in contexts:
            proc = live.get(c.pid)
            if proc is None:
                return f"{layer.name} keeps a context of exited pid {c.pid}"
            own, below = find_handle(proc, c.value), find_handle(proc, c.lower)
            if own is None or not own.is_descriptor or not _over(sem, own.catalog, layer):
                return f"{layer.name}'s context of pid {c.pid} names {c.value}, not its descriptor"
            if below is None or not below.is_descriptor or not _below_ok(sem, below.catalog, layer):
                return (
                    f"{layer.name}'s descriptor {c.value} in pid {c.pid} stands on {c.lower}, "
                    "which the provider below no longer has"
                )
            if below.obj != own.obj:
                return f"{layer.name}'s descriptor {c.value} and {c.lower} name different sockets"
        if not layer.ifs:
            behind = {(c.pid, c.lower) for c in contexts}
            for pid, value in sorted(lower_descriptors(w, layer.lower_id) - behind):
                return (
                    f"pid {pid} holds {value} of the provider below {layer.name}, with no "
                    "descriptor of the layer over it (a reference nobody above holds)"
                )
    return None


def _over(sem: Semantics, catalog: int, layer: LayeredProvider) -> bool:
    """``catalog`` is the layer itself or an IFS layer above it that took its handle over."""
    if catalog == layer.catalog_id:
        return True
    top = sem.provider(catalog)
    return isinstance(top, LayeredProvider) and layer.catalog_id in top.chain


def _below_ok(sem: Semantics, catalog: int, layer: LayeredProvider) -> bool:
    """The descriptor behind a non-IFS layer's is the next provider's own; behind an IFS
    layer's it is the same handle, taken over by the layer (or one above it)."""
    return _over(sem, catalog, layer) if layer.ifs else catalog == layer.lower_id


LayerCheck = Callable[[HandoffModel, HandoffState], Diagnosis]


def _on_world(check: Callable[[Semantics, World], Diagnosis]) -> LayerCheck:
    def holds(model: HandoffModel, s: HandoffState) -> Diagnosis:
        return check(model.semantics, s.world)

    holds.__doc__ = check.__doc__
    return holds


LAYER_INVARIANTS: dict[str, tuple[str, LayerCheck]] = {
    "top-of-chain": ("R16", _on_world(top_of_chain)),
    "layer-references": ("R4, R7, R16", _on_world(layer_references)),
}


def layer_invariants(model: HandoffModel) -> dict[str, tuple[str, LayerCheck]]:
    """The chain's properties where a layer is installed, none elsewhere."""
    return LAYER_INVARIANTS if layers(model.semantics) else {}
