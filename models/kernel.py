"""The kernel: processes, per-process handle tables, reference-counted sockets, DuplicateHandle.

The kernel knows nothing of Winsock: it stores handles to objects and counts the references those
handles hold.  Every operation is a pure function from a ``World`` to a new ``World``; a variant
(a seeded bug) overrides one method of ``Kernel`` and leaves the rest alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from wspshare.models.errors import WSAError
from wspshare.models.state import (
    FIRST_HANDLE_VALUE,
    HANDLE_STEP,
    TCP_V4,
    Handle,
    HandleKind,
    Kind,
    Process,
    Sock,
    SocketStatus,
    World,
)

FIRST_PID = 100
PID_STEP = 4
T = TypeVar("T")


def replace_at(items: tuple[T, ...], index: int, item: T) -> tuple[T, ...]:
    """``items`` with ``items[index]`` replaced: the basic update of an immutable table."""
    return (*items[:index], item, *items[index + 1 :])


def find_handle(proc: Process, value: int) -> Handle | None:
    for handle in proc.handles:
        if handle.value == value:
            return handle
    return None


@dataclass(frozen=True)
class Kernel:
    """Handle tables and object lifetimes.  ``max_handles`` bounds each table (for WSAEMFILE)."""

    max_handles: int = 8

    # --- processes -------------------------------------------------------------------------
    def spawn(
        self, w: World, threads: int, pid: int | None = None, parent: int | None = None
    ) -> tuple[World, int]:
        """Start a process in a new slot, with a fresh pid or with ``pid`` (reuse, M5).  With a
        ``parent`` slot (CreateProcess with bInheritHandles), the child gets a copy of each of
        the parent's inheritable handles, same value, same object, each holding a reference."""
        if pid is None:
            pid = max((p.pid for p in w.procs), default=FIRST_PID - PID_STEP) + PID_STEP
        inherited: tuple[Handle, ...] = ()
        if parent is not None and w.procs[parent].alive:
            inherited = tuple(h for h in w.procs[parent].handles if h.inheritable)
        proc = Process(pid, True, threads, inherited, (), WSAError.NO_ERROR)
        w = w._replace(procs=(*w.procs, proc))
        for h in inherited:
            if h.kind is not HandleKind.PROCESS:
                w = self.add_ref(w, h.obj)
        return w, len(w.procs) - 1

    def set_inheritable(
        self, w: World, slot: int, value: int, inheritable: bool
    ) -> tuple[World, bool]:
        """SetHandleInformation(HANDLE_FLAG_INHERIT); False when there is no such handle."""
        proc = w.procs[slot]
        if find_handle(proc, value) is None:
            return w, False
        handles = tuple(
            h._replace(inheritable=inheritable) if h.value == value else h for h in proc.handles
        )
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(handles=handles))), True

    def live_slot(self, w: World, pid: int) -> int | None:
        """The slot of the live process that has ``pid`` now (pids are reused, slots are not)."""
        for slot, proc in enumerate(w.procs):
            if proc.alive and proc.pid == pid:
                return slot
        return None

    def pid_reusable(self, w: World, pid: int) -> bool:
        """A pid may be handed out again once no live process has it and no handle pins it."""
        holders = {s for s, p in enumerate(w.procs) if p.pid == pid}
        if any(w.procs[s].alive for s in holders):
            return False
        return not any(
            h.kind is HandleKind.PROCESS and h.obj in holders for p in w.procs for h in p.handles
        )

    def exit_process(self, w: World, slot: int) -> World:
        """R11: the process ends and the system closes every handle it held."""
        proc = w.procs[slot]
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(alive=False, issued=())))
        for handle in proc.handles:
            w = self.close_handle(w, slot, handle.value)
        return w

    # --- handle tables ---------------------------------------------------------------------
    def free_value(self, proc: Process) -> int | None:
        """M1: the lowest free multiple of 4, so a closed value is soon reused."""
        used = {h.value for h in proc.handles}
        for i in range(self.max_handles):
            value = FIRST_HANDLE_VALUE + HANDLE_STEP * i
            if value not in used:
                return value
        return None

    def add_handle(
        self, w: World, slot: int, obj: int, catalog: int, kind: HandleKind
    ) -> tuple[World, int | WSAError]:
        """Insert a handle to ``obj``; a socket handle holds one reference on its socket."""
        proc = w.procs[slot]
        value = self.free_value(proc)
        if value is None:
            return w, WSAError.WSAEMFILE
        handles = tuple(sorted((*proc.handles, Handle(value, obj, catalog, kind))))
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(handles=handles)))
        if kind is not HandleKind.PROCESS:
            w = self.add_ref(w, obj)
        return w, value

    def set_kind(self, w: World, slot: int, value: int, kind: HandleKind) -> World:
        proc = w.procs[slot]
        handles = tuple(h._replace(kind=kind) if h.value == value else h for h in proc.handles)
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(handles=handles)))

    def close_handle(self, w: World, slot: int, value: int) -> World:
        """CloseHandle: the entry goes, and with it the reference it held (R7)."""
        proc = w.procs[slot]
        handle = find_handle(proc, value)
        if handle is None:
            return w
        handles = tuple(h for h in proc.handles if h.value != value)
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(handles=handles)))
        if handle.kind is not HandleKind.PROCESS:
            w = self.drop_ref(w, handle.obj)
        return w

    def duplicate_handle(
        self, w: World, src_slot: int, value: int, dst_slot: int, kind: HandleKind
    ) -> tuple[World, int | WSAError]:
        """DuplicateHandle: a new entry in the target's table for the same object.  The copy
        belongs to the socket's own provider: which entry the switch dispatches the source's
        handle to (a layer may have taken it over, R16) is Winsock's business, not copied."""
        handle = find_handle(w.procs[src_slot], value)
        if handle is None or not w.procs[dst_slot].alive:
            return w, WSAError.WSAEINVAL
        catalog = handle.catalog
        if handle.kind is not HandleKind.PROCESS and 0 <= handle.obj < len(w.sockets):
            catalog = w.sockets[handle.obj].catalog
        return self.add_handle(w, dst_slot, handle.obj, catalog, kind)

    def open_process(self, w: World, slot: int, pid: int) -> tuple[World, int | WSAError]:
        """OpenProcess: a handle to the live process with ``pid``, which pins that pid."""
        target = self.live_slot(w, pid)
        if target is None or not w.procs[slot].alive:
            return w, WSAError.WSAEINVAL
        return self.add_handle(w, slot, target, 0, HandleKind.PROCESS)

    # --- sockets ---------------------------------------------------------------------------
    def new_socket(self, w: World, catalog: int, kind: Kind = TCP_V4) -> tuple[World, int]:
        """A new underlying socket with no reference yet; the first handle adds it."""
        sock = Sock(catalog, 0, SocketStatus.CREATED, (), (), 0, 0, (0, 0), kind)
        return w._replace(sockets=(*w.sockets, sock)), len(w.sockets)

    def update_socket(self, w: World, index: int, sock: Sock) -> World:
        return w._replace(sockets=replace_at(w.sockets, index, sock))

    def add_ref(self, w: World, index: int) -> World:
        sock = w.sockets[index]
        return self.update_socket(w, index, sock._replace(refs=sock.refs + 1))

    def drop_ref(self, w: World, index: int) -> World:
        """R7: the underlying socket closes when its last reference goes."""
        sock = w.sockets[index]
        refs = sock.refs - 1
        status = SocketStatus.CLOSED if refs <= 0 else sock.status
        return self.update_socket(w, index, sock._replace(refs=refs, status=status))
