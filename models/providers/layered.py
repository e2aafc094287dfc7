"""Layered service providers (R16): a link of a protocol chain between the switch and a base.

A layered provider's catalog entry carries a protocol chain whose first entry is the layer and
whose last is the base provider (``ChainLen`` > 1; the model folds the layer's own
``LAYERED_PROTOCOL`` entry into its chain entry, one id for both).  The switch loads the top of
the chain; the layer finds the next provider by the chain's second entry, in the catalog, and
calls its ``WSP*`` functions as a client would, keeping its own context per descriptor: which
descriptor of the next provider stands behind each of its own.

Two designs, since the difference is what breaks applications that treat sockets as files:

* a **non-IFS layer** hands the client its own descriptor from ``WPUCreateSocketHandle``; the
  next provider's descriptor stays behind it in the same process, unseen by the client;
* an **IFS layer** (over an IFS provider only) hands out the very handle it got from below, after
  ``WPUModifyIFSHandle`` with its own catalog entry, which tells the switch that calls on that
  handle now go to this layer (the "layered provider considerations" of the WPUModifyIFSHandle
  reference page).

Duplication goes through the chain: the layer calls the next provider's
``WSPDuplicateSocket`` and puts its own entry at the top of the info (catalog entry, chain,
service flags), keeping the next provider's ``dwProviderReserved``, which is all the target needs;
in the target the layer rebuilds the next provider's info from its own, claims through it, and
wraps what it gets.  References are the base's: every descriptor of every layer holds one on the
underlying socket, so a shared socket stays open while any descriptor of any layer refers to it.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, NamedTuple

from wspshare.models.calls import WSPSocket
from wspshare.models.errors import ModelError, WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.providers.base import Provider, Rename
from wspshare.models.records import fast_replace
from wspshare.models.state import (
    TCP_V4,
    XP1_IFS_HANDLES,
    Handle,
    HandleKind,
    Kind,
    ProtocolInfo,
    Result,
    Sock,
    SocketStatus,
    World,
    fail,
)

if TYPE_CHECKING:
    from wspshare.models.semantics import Semantics

LAYER_KINDS = ("non-ifs", "ifs")  # what ``--chain`` names, one per layer
FIRST_LAYER_ID = 2001  # catalog entry ids of installed layers, from the base upward


@fast_replace
class Context(NamedTuple):
    """The layer's context of one of its descriptors, in the process with ``pid``."""

    pid: int  # the process whose instance of the layer keeps it (each has its own)
    value: int  # the layer's descriptor there
    lower: int  # the next provider's descriptor behind it, in the same process


@fast_replace
class LayerState(NamedTuple):
    contexts: tuple[Context, ...]  # sorted


class LayeredProvider(Provider):
    """A layer of a protocol chain; ``chain`` is its entry's chain, itself first, base last."""

    SYMMETRIC = True  # its contexts name processes by pid only, renamed below

    def __init__(self, name: str, catalog_id: int, chain: tuple[int, ...], ifs: bool) -> None:
        super().__init__(name, catalog_id)
        if len(chain) < 2 or chain[0] != catalog_id:
            raise ModelError(f"a layer's chain starts with itself and names a base, got {chain}")
        self.chain = chain
        self.lower_id = chain[1]
        self.ifs = ifs
        self.service_flags1 = XP1_IFS_HANDLES if ifs else 0

    def __repr__(self) -> str:
        kind = "ifs" if self.ifs else "non-ifs"
        return f"{type(self).__name__}({self.name!r}, {self.catalog_id}, {kind}, {self.chain})"

    # --- provider state ----------------------------------------------------------------------
    def initial_state(self) -> LayerState:
        return LayerState(())

    def state(self, sem: Semantics, w: World) -> LayerState:
        st = sem.provider_state(w, self)
        assert isinstance(st, LayerState)
        return st

    def contexts(self, state: Hashable) -> tuple[Context, ...]:
        assert isinstance(state, LayerState)
        return state.contexts

    def renamed(self, state: Hashable, rename: Rename) -> Hashable:
        assert isinstance(state, LayerState)
        if not state.contexts:
            return state
        return LayerState(tuple(sorted(c._replace(pid=rename(c.pid)) for c in state.contexts)))

    def refs_to(self, state: Hashable, pid: int) -> tuple[object, ...]:
        assert isinstance(state, LayerState)
        return tuple((c.value, c.lower) for c in state.contexts if c.pid == pid)

    def on_process_exit(self, sem: Semantics, w: World, slot: int) -> World:
        """The layer's instance dies with the process: its contexts there go (the kernel's
        rundown has closed the descriptors they described)."""
        pid = w.procs[slot].pid
        if sem.kernel.live_slot(w, pid) is not None:
            return w
        st = self.state(sem, w)
        keep = tuple(c for c in st.contexts if c.pid != pid)
        return w if keep == st.contexts else sem.with_provider_state(w, self, LayerState(keep))

    # --- the next provider ---------------------------------------------------------------------
    def below(self, sem: Semantics) -> Provider:
        """The next provider of the chain, found in the catalog (its WSPStartup, in effect)."""
        lower = sem.provider(self.lower_id)
        if lower is None:
            raise ModelError(f"{self.name}: the chain names entry {self.lower_id}, not installed")
        return lower

    def find(self, st: LayerState, pid: int, value: int) -> Context | None:
        return next((c for c in st.contexts if c.pid == pid and c.value == value), None)

    def lower_handle(
        self, sem: Semantics, w: World, slot: int, d: Handle
    ) -> tuple[Provider, Handle] | None:
        """The next provider and its descriptor behind ``d``, from this process's context."""
        ctx = self.find(self.state(sem, w), w.procs[slot].pid, d.value)
        if ctx is None:
            return None
        lower = self.below(sem)
        if self.ifs:  # one handle for both layers: the next provider sees it as its own
            return lower, d._replace(catalog=lower.catalog_id)
        h = find_handle(w.procs[slot], ctx.lower)
        return None if h is None else (lower, h)

    def wrap(self, sem: Semantics, w: World, slot: int, lower_value: int) -> tuple[World, Result]:
        """The layer's own descriptor for the next provider's ``lower_value`` (R4 for this
        link), with its context; on failure the caller drops the half-built world."""
        h = find_handle(w.procs[slot], lower_value)
        if h is None:
            return w, fail(WSAError.WSAEINVAL)
        w, result = self.hand_out(sem, w, slot, h)
        if not result.ok or not isinstance(result.value, int):
            return w, result
        st = self.state(sem, w)
        ctx = Context(w.procs[slot].pid, result.value, lower_value)
        return sem.with_provider_state(w, self, LayerState(tuple(sorted((*st.contexts, ctx))))), (
            result
        )

    def hand_out(self, sem: Semantics, w: World, slot: int, lower: Handle) -> tuple[World, Result]:
        if self.ifs:
            return sem.switch.take_over_ifs_handle(w, slot, self.catalog_id, lower.value)
        return sem.switch.create_socket_handle(w, slot, self.catalog_id, lower.obj)

    def forget(self, sem: Semantics, w: World, slot: int, value: int) -> World:
        st = self.state(sem, w)
        pid = w.procs[slot].pid
        keep = tuple(c for c in st.contexts if not (c.pid == pid and c.value == value))
        return sem.with_provider_state(w, self, LayerState(keep))

    def adopt(
        self, sem: Semantics, w0: World, w: World, slot: int, r: Result
    ) -> tuple[World, Result]:
        """After the next provider made a descriptor: wrap it, or leave nothing behind."""
        if not r.ok or not isinstance(r.value, int):
            return w0, r
        w1, result = self.wrap(sem, w, slot, r.value)
        return (w1, result) if result.ok else (w0, result)

    # --- catalog -------------------------------------------------------------------------------
    def protocol_info(self, reserved: int, kind: Kind = TCP_V4) -> ProtocolInfo:
        return ProtocolInfo(self.service_flags1, self.catalog_id, self.chain, *kind, reserved)

    def own_info(self, lower_info: ProtocolInfo) -> ProtocolInfo:
        """The info the target presents: this layer's entry on top, the next one's reserved."""
        return lower_info._replace(
            service_flags1=self.service_flags1,
            catalog_entry_id=self.catalog_id,
            protocol_chain=(self.catalog_id, *lower_info.protocol_chain),
        )

    def lower_info(self, sem: Semantics, info: ProtocolInfo) -> ProtocolInfo | None:
        """The next provider's info inside this layer's own, or None if it is not one."""
        if info.protocol_chain[:2] != self.chain[:2]:
            return None
        lower = self.below(sem)
        return info._replace(
            service_flags1=lower.service_flags1,
            catalog_entry_id=lower.catalog_id,
            protocol_chain=info.protocol_chain[1:],
        )

    # --- SPI: creation, duplication, claim, close ----------------------------------------------
    def socket(self, sem: Semantics, w: World, slot: int, call: WSPSocket) -> tuple[World, Result]:
        error = self.supports(call)
        if error:
            return w, fail(error)
        lower = self.below(sem)
        w1, r = lower.socket(sem, w, slot, call._replace(catalog=lower.catalog_id))
        return self.adopt(sem, w, w1, slot, r)

    def duplicate(
        self, sem: Semantics, w: World, slot: int, d: Handle, pid: int
    ) -> tuple[World, Result]:
        found = self.lower_handle(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        lower, h = found
        w1, r = lower.duplicate(sem, w, slot, h, pid)
        if not r.ok or not isinstance(r.value, ProtocolInfo):
            return w, r
        return w1, Result(WSAError.NO_ERROR, self.own_info(r.value))

    def socket_from_info(
        self, sem: Semantics, w: World, slot: int, info: ProtocolInfo
    ) -> tuple[World, Result]:
        error = self.supports(info)
        if error:
            return w, fail(error)
        inner = self.lower_info(sem, info)
        if inner is None:
            return w, fail(WSAError.WSAEINVAL)
        w1, r = self.below(sem).socket_from_info(sem, w, slot, inner)
        return self.adopt(sem, w, w1, slot, r)

    def close(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        found = self.lower_handle(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        lower, h = found
        w, r = lower.close(sem, w, slot, h)
        if not r.ok:
            return w, r
        if not self.ifs:  # the IFS layer's handle was the next provider's, closed just now
            w, r = sem.switch.close_socket_handle(w, slot, d.value)
        return self.forget(sem, w, slot, d.value), r

    def socket_of(self, sem: Semantics, w: World, slot: int, d: Handle) -> int | None:
        found = self.lower_handle(sem, w, slot, d)
        return None if found is None else found[0].socket_of(sem, w, slot, found[1])

    def new_descriptor(
        self, sem: Semantics, w: World, slot: int, index: int
    ) -> tuple[World, Result]:
        w1, r = self.below(sem).new_descriptor(sem, w, slot, index)
        return self.adopt(sem, w, w1, slot, r)

    # --- the data path: each call goes to the next provider through the context ----------------
    def _live_socket(
        self, sem: Semantics, w: World, slot: int, d: Handle
    ) -> tuple[int, Sock] | None:
        index = self.socket_of(sem, w, slot, d)
        if index is None or not 0 <= index < len(w.sockets):
            return None
        sock = w.sockets[index]
        return None if sock.status is SocketStatus.CLOSED else (index, sock)

    def _pass(
        self, sem: Semantics, w: World, slot: int, d: Handle, call: str, *args: int
    ) -> tuple[World, Result]:
        found = self.lower_handle(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        lower, h = found
        method = getattr(lower, call)
        out: tuple[World, Result] = method(sem, w, slot, h, *args)
        return out

    def connect(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "connect")

    def send(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "send")

    def recv(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "recv")

    def setsockopt(
        self, sem: Semantics, w: World, slot: int, d: Handle, option: int, value: int
    ) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "setsockopt", option, value)

    def getsockopt(
        self, sem: Semantics, w: World, slot: int, d: Handle, option: int
    ) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "getsockopt", option)

    def event_select(
        self, sem: Semantics, w: World, slot: int, d: Handle, mask: int
    ) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "event_select", mask)

    def bind(
        self, sem: Semantics, w: World, slot: int, d: Handle, port: int
    ) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "bind", port)

    def listen(
        self, sem: Semantics, w: World, slot: int, d: Handle, backlog: int
    ) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "listen", backlog)

    def sendto(
        self, sem: Semantics, w: World, slot: int, d: Handle, port: int
    ) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "sendto", port)

    def recvfrom(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "recvfrom")

    def shutdown(
        self, sem: Semantics, w: World, slot: int, d: Handle, how: int
    ) -> tuple[World, Result]:
        return self._pass(sem, w, slot, d, "shutdown", how)

    def accept(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        """The next provider accepts; the layer wraps the new connection's descriptor."""
        w1, r = self._pass(sem, w, slot, d, "accept")
        return self.adopt(sem, w, w1, slot, r)

    def accept_first(self, sem: Semantics, w: World, slot: int, index: int) -> tuple[World, Result]:
        w1, r = self.below(sem).accept_first(sem, w, slot, index)
        return self.adopt(sem, w, w1, slot, r)


def is_layered(provider: Provider) -> bool:
    return isinstance(provider, LayeredProvider)


def install_chain(
    providers: tuple[Provider, ...], base: str, layers: tuple[str, ...]
) -> tuple[Provider, ...]:
    """The catalog with a chain of ``layers`` (top first, each ``ifs`` or ``non-ifs``) installed
    over the provider named ``base``, as WSCInstallProvider would: the layer right above the
    base is ``lsp1`` (entry 2001), the next ``lsp2``, and so on.  An entry already installed
    (a seeded bug in its place) is kept.  An IFS layer needs IFS handles from below."""
    by_name = {p.name: p for p in providers}
    if base not in by_name:
        raise ModelError(f"no base provider named {base!r} to layer over")
    lower = by_name[base]
    chain: tuple[int, ...] = (lower.catalog_id,)
    ids = {p.catalog_id for p in providers}
    out = list(providers)
    for i, kind in enumerate(reversed(layers)):
        if kind not in LAYER_KINDS:
            raise ModelError(f"a layer is one of {', '.join(LAYER_KINDS)}, got {kind!r}")
        ifs = kind == "ifs"
        if ifs and not lower.service_flags1 & XP1_IFS_HANDLES:
            raise ModelError(
                "an IFS layer needs IFS handles from below: put it over the ifs base or over "
                "IFS layers only"
            )
        catalog_id = FIRST_LAYER_ID + i
        chain = (catalog_id, *chain)
        layer: Provider = LayeredProvider(f"lsp{i + 1}", catalog_id, chain, ifs)
        if catalog_id in ids:
            layer = next(p for p in providers if p.catalog_id == catalog_id)
        else:
            out.append(layer)
        lower = layer
    return tuple(out)


def top_of_chain(base: str, layers: tuple[str, ...]) -> str:
    """The name of the provider the switch loads for a chain of ``layers`` over ``base``."""
    return f"lsp{len(layers)}" if layers else base


def lower_descriptors(w: World, catalog: int) -> set[tuple[int, int]]:
    """(pid, value) of every live descriptor the switch dispatches to ``catalog``."""
    return {
        (p.pid, h.value)
        for p in w.procs
        if p.alive
        for h in p.handles
        if h.catalog == catalog and h.kind in (HandleKind.IFS, HandleKind.WPU)
    }


def base_of(provider: Provider | None) -> int | None:
    """The catalog entry of the base provider at the bottom of ``provider``'s chain."""
    if provider is None:
        return None
    return provider.chain[-1] if isinstance(provider, LayeredProvider) else provider.catalog_id


def handed_to_a_layer(sem: Semantics, w: World, pid: int, value: int) -> bool:
    """``value`` is the descriptor of a provider behind a layer's own descriptor in the process
    with ``pid``: handed to that layer, which runs in the process, though never to the client."""
    for provider, state in zip(sem.providers, w.providers, strict=True):
        if isinstance(provider, LayeredProvider) and any(
            c.pid == pid and c.lower == value for c in provider.contexts(state)
        ):
            return True
    return False
