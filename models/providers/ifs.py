"""The IFS base provider (M3): descriptors are real kernel handles.

Duplication is ``DuplicateHandle`` into the target at once; the target-side value travels in
``dwProviderReserved``; the target's ``WSPSocket`` finds that pending handle in its own table and
hands it out through ``WPUModifyIFSHandle``.  The cost M3 asks us to show: if the protocol info
never arrives, the duplicated handle holds its reference until the target exits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.calls import WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.providers.base import Provider, kind_of
from wspshare.models.state import (
    FIRST_HANDLE_VALUE,
    XP1_IFS_HANDLES,
    Handle,
    HandleKind,
    ProtocolInfo,
    Result,
    World,
    fail,
)

if TYPE_CHECKING:
    from wspshare.models.semantics import Semantics


class IfsProvider(Provider):
    name = "ifs"
    catalog_id = 1001
    service_flags1 = XP1_IFS_HANDLES
    SYMMETRIC = True  # no state of its own: what it shares lives in the handle tables

    def socket(self, sem: Semantics, w: World, slot: int, call: WSPSocket) -> tuple[World, Result]:
        error = self.supports(call)
        if error:
            return w, fail(error)
        return self.create(sem, w, slot, kind_of(call))

    def new_descriptor(
        self, sem: Semantics, w: World, slot: int, index: int
    ) -> tuple[World, Result]:
        """A kernel handle, handed out through WPUModifyIFSHandle; on failure nothing was made
        (the caller drops the half-built world: no socket without a reference)."""
        w1, value = sem.kernel.add_handle(w, slot, index, self.catalog_id, HandleKind.PENDING)
        if isinstance(value, WSAError):
            return w, fail(value)
        return self.hand_out(sem, w1, slot, value)

    def hand_out(self, sem: Semantics, w: World, slot: int, value: int) -> tuple[World, Result]:
        """R4: the client only ever sees the handle after WPUModifyIFSHandle."""
        return sem.switch.modify_ifs_handle(w, slot, self.catalog_id, value)

    def duplicate(
        self, sem: Semantics, w: World, slot: int, d: Handle, pid: int
    ) -> tuple[World, Result]:
        target = sem.kernel.live_slot(w, pid)
        if target is None:
            if sem.profile.exited_target_accepted and self.pinned_exited(sem, w, pid):
                # Wine: the pinned process opens, the handle lands in no live table.
                info = self.protocol_info(FIRST_HANDLE_VALUE, w.sockets[d.obj].kind)
                return w, Result(WSAError.NO_ERROR, info)
            return w, fail(WSAError.WSAEINVAL)
        w, value = sem.kernel.duplicate_handle(w, slot, d.value, target, HandleKind.PENDING)
        if isinstance(value, WSAError):
            return w, fail(value)
        return w, Result(WSAError.NO_ERROR, self.protocol_info(value, w.sockets[d.obj].kind))

    def socket_from_info(
        self, sem: Semantics, w: World, slot: int, info: ProtocolInfo
    ) -> tuple[World, Result]:
        error = self.supports(info)
        if error:
            return w, fail(error)
        handle = find_handle(w.procs[slot], info.provider_reserved)
        # R2: once claimed the handle is a descriptor, no longer PENDING, so a replay fails.
        if handle is None or not self.claimable(handle):
            return self.refuse(sem, w, info)
        if not self.same_kind(w.sockets[handle.obj], info):
            return self.refuse(sem, w, info)
        return self.hand_out(sem, w, slot, handle.value)

    def refuse(self, sem: Semantics, w: World, info: ProtocolInfo) -> tuple[World, Result]:
        """An info this process cannot claim: WSAEINVAL as documented; Wine's WSASocket hands
        back the stored value unchecked (``models.profiles``)."""
        if sem.profile.import_unchecked:
            return w, Result(WSAError.NO_ERROR, info.provider_reserved)
        return w, fail(WSAError.WSAEINVAL)

    def pinned_exited(self, sem: Semantics, w: World, pid: int) -> bool:
        """An exited process with ``pid`` that some process handle still holds open."""
        return not sem.kernel.pid_reusable(w, pid) and any(p.pid == pid for p in w.procs)

    def claimable(self, handle: Handle) -> bool:
        return handle.kind is HandleKind.PENDING and handle.catalog == self.catalog_id

    def close(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        return sem.kernel.close_handle(w, slot, d.value), Result(WSAError.NO_ERROR, None)

    def socket_of(self, sem: Semantics, w: World, slot: int, d: Handle) -> int | None:
        return d.obj
