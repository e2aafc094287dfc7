"""Switch variants: one seeded bug, and one legitimate behaviour some witnesses need.

``ByValueSwitch`` is a mistake.  ``RenumberingSwitch`` is not: the documentation allows
``WPUModifyIFSHandle`` to return a different value than it was given, and only a switch that does
so can show a provider that hands out the pre-modification handle.  ``Switch`` is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle, replace_at
from wspshare.models.state import Handle, HandleKind, Result, World, fail
from wspshare.models.switch import Switch


@dataclass(frozen=True)
class ByValueSwitch(Switch):
    """Dispatches a descriptor by its value alone, looking it up in any process's table (as one
    machine-wide map from value to socket would), not in the calling process's own.

    Real system: a process that calls ``send`` on a value it never had (a stale variable, a value
    from another process's log) is dispatched to whatever socket another process holds under that
    value, and its data goes out on someone else's connection.
    """

    def descriptor(self, w: World, slot: int, value: int) -> Handle | None:
        for proc in w.procs:
            handle = find_handle(proc, value)
            if handle is not None and handle.is_descriptor:
                return handle
        return None


@dataclass(frozen=True)
class RenumberingSwitch(Switch):
    """A correct switch whose ``WPUModifyIFSHandle`` gives the handle a new value, as the
    documentation permits; the pre-modification value becomes free."""

    def modify_ifs_handle(
        self, w: World, slot: int, catalog: int, value: int
    ) -> tuple[World, Result]:
        proc = w.procs[slot]
        handle = find_handle(proc, value)
        if handle is None or handle.kind is not HandleKind.PENDING or handle.catalog != catalog:
            return w, fail(WSAError.WSAEINVAL)
        new = self.kernel.free_value(proc)
        if new is None:
            return w, fail(WSAError.WSAEMFILE)
        moved = handle._replace(value=new, kind=HandleKind.IFS)
        handles = tuple(sorted((*(h for h in proc.handles if h.value != value), moved)))
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(handles=handles)))
        return w, Result(WSAError.NO_ERROR, new)
