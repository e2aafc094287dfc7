"""Seeded bugs of layered providers (R16): the classic mistakes of real LSPs, one method each.

Each class keeps the name, catalog entry and chain of the layer it mutates, so it replaces that
layer in the catalog (``models.variants``); its docstring says what the LSP's writer or installer
got wrong and what a user of a real Windows system would see.  The correct layer
(``models.providers.layered``) is never touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.errors import WSAError
from wspshare.models.providers.base import Provider
from wspshare.models.providers.layered import LayeredProvider
from wspshare.models.state import Handle, ProtocolInfo, Result, SocketStatus, World, fail

if TYPE_CHECKING:
    from wspshare.models.semantics import Semantics


class PassThroughInfoLayer(LayeredProvider):
    """Returns the next provider's protocol info from ``WSPDuplicateSocket`` unchanged, without
    its own entry at the top of the chain.

    Real system: the target's ``WSASocket`` with that info is dispatched straight to the base
    provider, so the target's descriptor bypasses the layer: a firewall or proxy LSP no longer
    sees that process's traffic on the shared connection, and the layer's bookkeeping (its
    per-socket context, its counters) is missing for it.
    """

    def own_info(self, lower_info: ProtocolInfo) -> ProtocolInfo:
        return lower_info


class SourceCatalogOnlyLayer(LayeredProvider):
    """Installed in the source's catalog only: for instance with ``WSCInstallProvider`` into the
    64-bit catalog and not into the 32-bit one (``WSCInstallProvider64_32``), with a 32-bit
    target.  Slot 0 stands for the processes of the catalog that has the layer.

    Real system: the target's ``WSASocket`` with the layer's info finds no such catalog entry and
    fails (WSAEINVAL, as for any info naming an unknown entry); the base's share made for the
    target is never claimed and holds its reference until the target exits.
    """

    def socket_from_info(
        self, sem: Semantics, w: World, slot: int, info: ProtocolInfo
    ) -> tuple[World, Result]:
        if slot != 0:
            return w, fail(WSAError.WSAEINVAL)
        return super().socket_from_info(sem, w, slot, info)


class ProcessTableLayer(LayeredProvider):
    """Puts the key of its own context (the source's descriptor value) in
    ``dwProviderReserved`` and keeps the next provider's info in that context, which lives in
    the source process's memory; the target looks the key up in its own table.

    Real system: in the target the lookup misses (or, worse, hits an unrelated socket that
    happens to have the same value there) and ``WSASocket`` fails with WSAEINVAL; the base's
    share made for the target is never claimed.
    """

    def duplicate(
        self, sem: Semantics, w: World, slot: int, d: Handle, pid: int
    ) -> tuple[World, Result]:
        w, result = super().duplicate(sem, w, slot, d, pid)
        if not result.ok or not isinstance(result.value, ProtocolInfo):
            return w, result
        return w, Result(WSAError.NO_ERROR, result.value._replace(provider_reserved=d.value))

    def socket_from_info(
        self, sem: Semantics, w: World, slot: int, info: ProtocolInfo
    ) -> tuple[World, Result]:
        ctx = self.find(self.state(sem, w), w.procs[slot].pid, info.provider_reserved)
        if ctx is None:
            return w, fail(WSAError.WSAEINVAL)
        return self.new_descriptor(sem, w, slot, self.socket_index(w, slot, ctx.lower))

    def socket_index(self, w: World, slot: int, value: int) -> int:
        return next(h.obj for h in w.procs[slot].handles if h.value == value)


class ClosesSharedLowerLayer(LayeredProvider):
    """Believes it owns the lower socket outright: when one of its descriptors closes, it closes
    the base socket abortively (``SO_LINGER`` zero), although other processes share it.

    Real system: the source's ``closesocket`` after the handoff resets the connection; the peer
    sees it end and the target's next ``send`` fails, although the target still holds a
    descriptor (a premature close, R7).
    """

    def close(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        index = self.socket_of(sem, w, slot, d)
        w, result = super().close(sem, w, slot, d)
        if result.ok and index is not None and w.sockets[index].status is not SocketStatus.CLOSED:
            sock = w.sockets[index]._replace(status=SocketStatus.CLOSED)
            w = sem.kernel.update_socket(w, index, sock)
        return w, result


class UnmodifiedHandleIfsLayer(LayeredProvider):
    """An IFS layer that returns the handle it got from below without calling
    ``WPUModifyIFSHandle`` with its own catalog entry.

    Real system: the switch still maps the handle to the base provider, so every call the
    application makes on it goes straight to the base and the layer never sees it; the layer's
    context for the handle is never used and never freed.
    """

    def hand_out(self, sem: Semantics, w: World, slot: int, lower: Handle) -> tuple[World, Result]:
        if self.ifs:
            return w, Result(WSAError.NO_ERROR, lower.value)
        return super().hand_out(sem, w, slot, lower)


def rebuilt_as(buggy: LayeredProvider, installed: Provider) -> Provider:
    """``buggy``'s class with the installed layer's name, entry, chain and kind, so the bug
    takes that layer's place whatever the chain it was written for."""
    if not isinstance(installed, LayeredProvider):
        return buggy
    return type(buggy)(installed.name, installed.catalog_id, installed.chain, installed.ifs)


__all__ = [
    "ClosesSharedLowerLayer",
    "PassThroughInfoLayer",
    "ProcessTableLayer",
    "SourceCatalogOnlyLayer",
    "UnmodifiedHandleIfsLayer",
    "rebuilt_as",
]
