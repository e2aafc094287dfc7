"""The Winsock switch (ws2_32): dispatch of descriptors to providers, and the upcalls (R4).

One switch instance runs in each process; its descriptor map is the set of handle-table entries
it has been told about, so it is stored in the handle table itself (``HandleKind.IFS`` or
``HandleKind.WPU``).  Providers reach the kernel only through these upcalls and ``Kernel``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wspshare.models.errors import WSAError
from wspshare.models.kernel import Kernel, find_handle, replace_at
from wspshare.models.state import Handle, HandleKind, Result, World, fail


@dataclass(frozen=True)
class Switch:
    kernel: Kernel

    def descriptor(self, w: World, slot: int, value: int) -> Handle | None:
        """The entry a call on ``value`` is dispatched through, if the switch knows it (R5: any
        thread of the process may use it)."""
        handle = find_handle(w.procs[slot], value)
        if handle is None or not handle.is_descriptor:
            return None
        return handle

    def modify_ifs_handle(
        self, w: World, slot: int, catalog: int, value: int
    ) -> tuple[World, Result]:
        """WPUModifyIFSHandle: make an IFS provider's kernel handle a client descriptor."""
        handle = find_handle(w.procs[slot], value)
        if handle is None or handle.kind is not HandleKind.PENDING or handle.catalog != catalog:
            return w, fail(WSAError.WSAEINVAL)
        return self.kernel.set_kind(w, slot, value, HandleKind.IFS), Result(
            WSAError.NO_ERROR, value
        )

    def create_socket_handle(
        self, w: World, slot: int, catalog: int, context: int
    ) -> tuple[World, Result]:
        """WPUCreateSocketHandle: a new descriptor for a non-IFS provider, tied to ``context``."""
        w, value = self.kernel.add_handle(w, slot, context, catalog, HandleKind.WPU)
        if isinstance(value, WSAError):
            return w, fail(value)
        return w, Result(WSAError.NO_ERROR, value)

    def query_socket_handle_context(self, w: World, slot: int, value: int) -> Result:
        """WPUQuerySocketHandleContext: the context a non-IFS descriptor was created with."""
        handle = find_handle(w.procs[slot], value)
        if handle is None or handle.kind is not HandleKind.WPU:
            return fail(WSAError.WSAENOTSOCK)
        return Result(WSAError.NO_ERROR, handle.obj)

    def close_socket_handle(self, w: World, slot: int, value: int) -> tuple[World, Result]:
        """WPUCloseSocketHandle: the non-IFS provider gives a descriptor back."""
        handle = find_handle(w.procs[slot], value)
        if handle is None or handle.kind is not HandleKind.WPU:
            return w, fail(WSAError.WSAENOTSOCK)
        return self.kernel.close_handle(w, slot, value), Result(WSAError.NO_ERROR, None)

    def take_over_ifs_handle(
        self, w: World, slot: int, catalog: int, value: int
    ) -> tuple[World, Result]:
        """WPUModifyIFSHandle called by a layered provider with its own catalog entry on the
        IFS handle the next layer gave it: from now on the switch dispatches calls on that
        handle to this layer instead of the next (R16; the reference page's considerations for
        layered providers).  Only a descriptor the switch already dispatches can be taken over."""
        handle = find_handle(w.procs[slot], value)
        if handle is None or handle.kind is not HandleKind.IFS:
            return w, fail(WSAError.WSAEINVAL)
        proc = w.procs[slot]
        handles = tuple(
            h._replace(catalog=catalog) if h.value == value else h for h in proc.handles
        )
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(handles=handles)))
        return w, Result(WSAError.NO_ERROR, value)
