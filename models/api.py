"""The API layer (ws2_32 above the SPI, R13): what an application calls, checked, then dispatched.

Applications do not call providers: they call ``WSAStartup``, ``WSASocket``,
``WSADuplicateSocket``, ``closesocket`` and ``WSACleanup`` in ws2_32, which keeps a per-process
count of startups, checks its own arguments, and only then hands the call to the SPI
(``Semantics.call``), where the providers live.  This module is that thin layer and nothing
else: every rule about sockets stays in the SPI.  As everywhere, misuse is answered with the
code the reference page names, never with an exception:

* every call but ``WSAStartup`` fails with ``WSANOTINITIALISED`` before a successful
  ``WSAStartup`` or after the ``WSACleanup`` that matches the last one (WSACleanup, WSASocket,
  WSADuplicateSocket and closesocket pages);
* ``WSAStartup`` with a version below 1.0 fails with ``WSAVERNOTSUPPORTED``; with no
  ``WSADATA`` to fill, ``WSAEFAULT`` (WSAStartup page); the version it grants is at most 2.2;
* the ``WSACleanup`` of the last startup closes every socket descriptor the process still has,
  "as if closesocket were called" (WSACleanup page): through the provider, so each reference
  goes (R7); a duplicated handle the process never claimed is no socket of its ws2_32 and is
  left to process exit (R11);
* ``WSADuplicateSocket`` checks, in this order, that ``s`` is a socket (``WSAENOTSOCK``), that
  the pid names a live process (``WSAEINVAL``, "one of the specified parameters was invalid"),
  and that the output buffer can hold a WSAPROTOCOL_INFO (``WSAEFAULT``, "the lpProtocolInfo
  parameter is not a valid part of the user address space"); only then is the provider asked,
  and the info it returns is what lands in the buffer;
* ``WSASocket`` passes its family, type and protocol through to ``WSPSocket`` (R12 applies
  there); a socket group other than 0 is ``WSAEINVAL`` (groups are reserved, WSASocket page).
  The socket it makes is inheritable unless ``WSA_FLAG_NO_HANDLE_INHERIT`` is among its flags
  (WSASocket page: "a socket handle created by WSASocket is inheritable by default"); a
  descriptor claimed from a protocol info never is (it is meant for the target alone).
"""

from __future__ import annotations

from dataclasses import dataclass

from wspshare.models.calls import WSPCloseSocket, WSPDuplicateSocket, WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.kernel import replace_at
from wspshare.models.semantics import Semantics
from wspshare.models.state import FROM_PROTOCOL_INFO, ProtocolInfo, Result, World, fail

WSA_FLAG_OVERLAPPED = 0x01
WSA_FLAG_NO_HANDLE_INHERIT = 0x80
WSAPROTOCOL_INFOW_SIZE = 628  # bytes: what WSADuplicateSocketW's output buffer must hold
HIGHEST_VERSION = 0x0202  # MAKEWORD(2, 2), the highest version ws2_32 grants
OK = Result(WSAError.NO_ERROR, None)


def version_tuple(word: int) -> tuple[int, int]:
    """MAKEWORD's inverse: (major, minor) of a version word (the low byte is the major)."""
    return word & 0xFF, (word >> 8) & 0xFF


@dataclass(frozen=True)
class Ws2:
    """ws2_32 over one ``Semantics``: each call is ``(world, slot, thread, ...) -> (world,
    Result)``, like ``Semantics.call``."""

    sem: Semantics

    # --- startup and cleanup ------------------------------------------------------------------
    def startup(
        self, w: World, slot: int, version: int, wsadata: bool = True
    ) -> tuple[World, Result]:
        """``WSAStartup``: one more startup for the process; the value is the version granted."""
        if not self._alive(w, slot):
            return w, fail(WSAError.WSANOTINITIALISED)
        if not wsadata:
            return w, fail(WSAError.WSAEFAULT)
        major, minor = version_tuple(version)
        if major < 1:
            return w, fail(WSAError.WSAVERNOTSUPPORTED)
        granted = min((major, minor), version_tuple(HIGHEST_VERSION))
        proc = w.procs[slot]
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(startups=proc.startups + 1)))
        return w, Result(WSAError.NO_ERROR, granted[0] | granted[1] << 8)

    def cleanup(self, w: World, slot: int, thread: int = 0) -> tuple[World, Result]:
        """``WSACleanup``: one startup fewer; the last one closes the process's descriptors."""
        if not self._started(w, slot):
            return w, fail(WSAError.WSANOTINITIALISED)
        proc = w.procs[slot]
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(startups=proc.startups - 1)))
        if proc.startups > 1:
            return w, OK
        for handle in proc.handles:
            if handle.is_descriptor:
                w, _ = self.sem.call(w, slot, thread, WSPCloseSocket(handle.value))
        return w, OK

    # --- sockets ----------------------------------------------------------------------------------
    def socket(
        self,
        w: World,
        slot: int,
        thread: int,
        family: int = FROM_PROTOCOL_INFO,
        socket_type: int = FROM_PROTOCOL_INFO,
        protocol: int = FROM_PROTOCOL_INFO,
        info: ProtocolInfo | None = None,
        catalog: int | None = None,
        group: int = 0,
        flags: int = WSA_FLAG_OVERLAPPED,
    ) -> tuple[World, Result]:
        """``WSASocket``: a new socket of the catalog entry ``catalog`` (the first installed
        provider by default), or, given ``info``, the shared socket it names (R1)."""
        if not self._started(w, slot):
            return w, fail(WSAError.WSANOTINITIALISED)
        if group != 0:
            return w, fail(WSAError.WSAEINVAL)
        entry = self.sem.providers[0].catalog_id if catalog is None else catalog
        call = WSPSocket(entry, info, family, socket_type, protocol)
        w, result = self.sem.call(w, slot, thread, call)
        inheritable = info is None and not flags & WSA_FLAG_NO_HANDLE_INHERIT
        if result.ok and isinstance(result.value, int) and inheritable:
            w, _ = self.sem.set_inheritable(w, slot, result.value, True)
        return w, result

    def duplicate(
        self, w: World, slot: int, thread: int, s: int, pid: int, buffer: int | None
    ) -> tuple[World, Result]:
        """``WSADuplicateSocket`` into an output buffer of ``buffer`` bytes (None: a NULL
        pointer); on success the value is the WSAPROTOCOL_INFO written there."""
        if not self._started(w, slot):
            return w, fail(WSAError.WSANOTINITIALISED)
        if self.sem.switch.descriptor(w, slot, s) is None:
            return w, fail(WSAError.WSAENOTSOCK)
        if self.sem.kernel.live_slot(w, pid) is None:
            return w, fail(WSAError.WSAEINVAL)
        too_small = buffer is not None and buffer < WSAPROTOCOL_INFOW_SIZE
        if buffer is None or (too_small and not self.sem.profile.buffer_null_only):
            return w, fail(WSAError.WSAEFAULT)
        return self.sem.call(w, slot, thread, WSPDuplicateSocket(s, pid))

    def closesocket(self, w: World, slot: int, thread: int, s: int) -> tuple[World, Result]:
        """``closesocket``: the SPI's WSPCloseSocket, once ws2_32 is started."""
        if not self._started(w, slot):
            return w, fail(WSAError.WSANOTINITIALISED)
        return self.sem.call(w, slot, thread, WSPCloseSocket(s))

    # --- helpers ----------------------------------------------------------------------------------
    def _alive(self, w: World, slot: int) -> bool:
        return isinstance(slot, int) and 0 <= slot < len(w.procs) and w.procs[slot].alive

    def _started(self, w: World, slot: int) -> bool:
        return self._alive(w, slot) and w.procs[slot].startups > 0
