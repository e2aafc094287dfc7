"""Between a layered ``World`` and the layered twin: the layers' contexts as twin values, and one
step compared on both sides (the cross-check of ``properties.smt.layers``).

The rest of the state is ``properties.smt.concrete``'s; a context ``(pid, value, lower)`` goes to
the cell of ``value`` in the row of the live process with ``pid``.  A world whose contexts do not
fit that grid (a context of an exited pid, two for one cell, a value beyond the table) is
outside the layered twin's bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3
from wspshare.models.calls import Call, WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.kernel import Kernel
from wspshare.models.providers.layered import LayeredProvider, install_chain
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.models.state import ProtocolInfo, Result, World
from wspshare.properties.smt.concrete import (
    decode,
    encode,
    evaluator,
    fits,
    outcome_differs,
    twin_call,
)
from wspshare.properties.smt.layers import LayeredTwin
from wspshare.properties.smt.state import Bounds, SymState, value_of
from wspshare.properties.smt.twin import Twin

BASE_NAMES = {1001: "ifs", 1002: "non-ifs", 1003: "non-ifs-claim"}


def layered_semantics(base: int, kinds: tuple[str, ...], handles: int) -> Semantics:
    """The machine of ``LayeredTwin(bounds, base, kinds)`` with tables of ``handles`` values."""
    providers = install_chain(standard_providers(), BASE_NAMES[base], kinds)
    return Semantics(providers=providers, kernel=Kernel(max_handles=handles))


def layer_providers(sem: Semantics, twin: LayeredTwin) -> list[tuple[int, LayeredProvider]]:
    """(index in ``World.providers``, provider) of each of the twin's layers, in its order."""
    out = []
    for layer in twin.layers:
        index = next(i for i, p in enumerate(sem.providers) if p.catalog_id == layer.catalog)
        provider = sem.providers[index]
        assert isinstance(provider, LayeredProvider)
        out.append((index, provider))
    return out


def context_cells(
    w: World, sem: Semantics, twin: LayeredTwin
) -> list[dict[tuple[int, int], int]] | None:
    """Per layer, {(slot, cell): lower value}; None when a context does not fit the grid."""
    b = twin.b
    out = []
    for index, provider in layer_providers(sem, twin):
        cells: dict[tuple[int, int], int] = {}
        for c in provider.contexts(w.providers[index]):
            slot = next((i for i, p in enumerate(w.procs) if p.alive and p.pid == c.pid), None)
            j = (c.value - 4) // 4
            if slot is None or slot >= b.procs or c.value != value_of(j) or not 0 <= j < b.handles:
                return None
            if (slot, j) in cells:
                return None
            cells[(slot, j)] = c.lower
        out.append(cells)
    return out


def encode_for(twin: Twin, sem: Semantics, w: World) -> SymState:
    """The twin state of ``w``, with the layers' contexts when the twin has layers."""
    if isinstance(twin, LayeredTwin):
        return encode_layered(w, sem, twin)
    return encode(w, twin.b, tuple(p.catalog_id for p in sem.providers))


def layered_violations(sem: Semantics, w: World) -> list[str]:
    """The chain's two properties that ``w`` breaks (none where no layer is installed)."""
    if not any(isinstance(p, LayeredProvider) for p in sem.providers):
        return []
    # Imported here: the chain's properties live beside the scenario model, which the seed's
    # BMC never needs to load.
    from wspshare.properties.layered import layer_references, top_of_chain

    checks = (("top-of-chain", top_of_chain), ("layer-references", layer_references))
    return [name for name, check in checks if check(sem, w) is not None]


def layered_fits(w: World, sem: Semantics, twin: LayeredTwin) -> bool:
    catalogs = tuple(p.catalog_id for p in sem.providers)
    return fits(w, twin.b, catalogs) and context_cells(w, sem, twin) is not None


def encode_layered(w: World, sem: Semantics, twin: LayeredTwin) -> SymState:
    b = twin.b
    catalogs = tuple(p.catalog_id for p in sem.providers)
    s = encode(w, b, catalogs)
    per_layer = context_cells(w, sem, twin)
    assert per_layer is not None, "the world's contexts do not fit the twin"
    ctx = [
        [[z3.BoolVal((i, j) in cells) for j in range(b.handles)] for i in range(b.procs)]
        for cells in per_layer
    ]
    lows = [
        [[z3.IntVal(cells.get((i, j), 0)) for j in range(b.handles)] for i in range(b.procs)]
        for cells in per_layer
    ]
    return s.with_(ctx=ctx, ctx_lower=lows)


def decode_layered(
    ev: Callable[[Any], Any], s: SymState, b: Bounds, keys: tuple[int, ...] = ()
) -> dict[str, Any]:
    """``concrete.decode`` and each layer's contexts as (pid, value, lower), sorted."""
    out = decode(ev, s, b, keys)
    n = min(ev(s.nprocs), b.procs)
    out["contexts"] = [
        sorted(
            (ev(s.pid[i]), value_of(j), ev(lows[i][j]))
            for i in range(n)
            for j in range(b.handles)
            if ev(grid[i][j])
        )
        for grid, lows in zip(s.ctx, s.ctx_lower, strict=True)
    ]
    return out


def chained(sem: Semantics, info: ProtocolInfo) -> int:
    """1 when the info's chain starts as its entry's does (``LayeredProvider.lower_info``)."""
    provider = sem.provider(info.catalog_entry_id)
    if not isinstance(provider, LayeredProvider):
        return 1
    return int(info.protocol_chain[:2] == provider.chain[:2])


@dataclass(frozen=True)
class Step:
    """One thing that happens to a world: a call by (slot, thread), an exit, a spawn, a
    shortage injected."""

    kind: str  # "call", "exit", "spawn", "inject"
    slot: int = 0
    thread: int = 0
    call: Call | None = None
    threads: int = 1
    pid: int | None = None  # a spawn's reused pid
    error: WSAError = WSAError.WSAENOBUFS


def python_step(
    sem: Semantics, w: World, step: Step
) -> tuple[World, Result | None, str, dict[str, int]]:
    """The Python successor and the twin action (with arguments) that must match it."""
    if step.kind == "exit":
        return sem.exit_process(w, step.slot), None, "ExitProcess", {"slot": step.slot}
    if step.kind == "inject":
        w2 = sem.inject_failure(w, step.slot, step.error)
        return w2, None, "InjectFailure", {"slot": step.slot, "error": int(step.error)}
    if step.kind == "spawn":
        w2, _ = sem.spawn(w, step.threads, step.pid)
        args = {"threads": step.threads, "reuse": int(step.pid is not None), "pid": step.pid or 0}
        return w2, None, "Spawn", args
    assert step.call is not None
    w2, result = sem.call(w, step.slot, step.thread, step.call)
    name, args = twin_call(step.call, step.slot, step.thread)
    if name == "claim":
        assert isinstance(step.call, WSPSocket) and step.call.info is not None
        args["chained"] = chained(sem, step.call.info)
    return w2, result, name, args


def refused_at_full_sockets(w: World, w2: World, result: Result | None, b: Bounds) -> bool:
    """The plain twin's documented choice (``Twin.create``): with every socket cell in use, a
    creation that fails with WSAEMFILE and changes nothing is disabled rather than encoded."""
    emfile = result is not None and result.error is WSAError.WSAEMFILE
    return emfile and w2 == w and len(w.sockets) >= b.sockets


def compare(twin: LayeredTwin, sem: Semantics, w: World, step: Step) -> str | None:
    """None when the twin takes Python's step (successor, error code, value), else why not."""
    w2, result, name, args = python_step(sem, w, step)
    _, run = twin.actions[name]
    out = run(encode_layered(w, sem, twin), {k: z3.IntVal(v) for k, v in args.items()})
    ev = evaluator()
    enabled = ev(out.enabled)
    if not layered_fits(w2, sem, twin):
        return None if not enabled else f"{name}{args}: beyond the bounds, yet the twin is enabled"
    if not enabled and not refused_at_full_sockets(w, w2, result, twin.b):
        return f"{name}{args}: the twin is disabled but Python stays within the bounds"
    if not enabled:
        return None
    keys = tuple(k for s in w2.sockets for k, _ in s.options)
    want = decode_layered(ev, encode_layered(w2, sem, twin), twin.b, keys)
    got = decode_layered(ev, out.post, twin.b, keys)
    return outcome_differs(f"{name}{args}", want, got, ev, out, result)
