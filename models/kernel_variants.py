"""Seeded kernel bugs: each ``Kernel`` subclass overrides one method with a mistake.

They stand for a broken object manager or, more plausibly on a real system, for a layered
component that keeps its own handle bookkeeping on top of the kernel's.  Each docstring says what
goes wrong and what a user would see.  ``Kernel`` itself is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from wspshare.models.kernel import Kernel, find_handle, replace_at
from wspshare.models.state import HandleKind, SocketStatus, World


@dataclass(frozen=True)
class NoRundownKernel(Kernel):
    """Process exit does not run down the process's handles (R11).

    Real system: a crashed target's duplicated socket handle keeps its reference forever, so after
    the source closes the connection is never torn down (the peer never sees it end), and the
    socket and its buffers stay allocated until reboot.
    """

    def exit_process(self, w: World, slot: int) -> World:
        proc = w.procs[slot]
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(alive=False, issued=())))


@dataclass(frozen=True)
class RundownSkipsPendingKernel(Kernel):
    """Process exit closes only the handles the Winsock switch knows as descriptors, skipping
    socket handles still pending (duplicated into the process, not yet claimed) (R11).

    Real system: a target that crashes between the source's ``WSPDuplicateSocket`` and its own
    ``WSPSocket`` leaves a handle nobody can close; the connection stays open after the source
    closes, and the peer waits for an end that never comes.
    """

    def exit_process(self, w: World, slot: int) -> World:
        proc = w.procs[slot]
        w = w._replace(procs=replace_at(w.procs, slot, proc._replace(alive=False, issued=())))
        for handle in proc.handles:
            if handle.kind is not HandleKind.PENDING:
                w = self.close_handle(w, slot, handle.value)
        return w


@dataclass(frozen=True)
class CloseDropsTwiceKernel(Kernel):
    """Closing a socket handle drops the socket's reference count twice (R7).

    Real system: when the source closes its descriptor after the handoff, the count reaches zero
    although the target still holds its own: the connection is reset under the target, whose next
    ``send`` fails, and the peer sees the connection end early.
    """

    def close_handle(self, w: World, slot: int, value: int) -> World:
        handle = find_handle(w.procs[slot], value)
        w = super().close_handle(w, slot, value)
        if handle is not None and handle.kind is not HandleKind.PROCESS:
            w = self.drop_ref(w, handle.obj)
        return w


@dataclass(frozen=True)
class CloseDropsNoneKernel(Kernel):
    """Closing a socket handle removes the table entry but not the reference it held (R7).

    Real system: after every process has closed its descriptor the connection is still open: the
    peer never sees it end, and the socket, its port and its buffers leak.
    """

    def close_handle(self, w: World, slot: int, value: int) -> World:
        proc = w.procs[slot]
        handles = tuple(h for h in proc.handles if h.value != value)
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(handles=handles)))


@dataclass(frozen=True)
class CloseAtOneKernel(Kernel):
    """Off by one: the underlying socket is closed when its count drops to one, not to zero (R7).

    Real system: after a handoff, the source's ``closesocket`` ends the connection although the
    target still holds a descriptor; the target's next ``send`` fails, and the peer sees the
    connection end while the target is still using it.
    """

    def drop_ref(self, w: World, index: int) -> World:
        sock = w.sockets[index]
        refs = sock.refs - 1
        status = SocketStatus.CLOSED if refs <= 1 else sock.status
        return self.update_socket(w, index, sock._replace(refs=refs, status=status))


@dataclass(frozen=True)
class CrashDropsListenerKernel(Kernel):
    """Process exit tears down every listening socket the process held a handle to, instead of
    dropping its one reference (R7, R11), as if a listening socket belonged to each holder.

    Real system: one prefork worker crashes and the server stops accepting for all the others:
    their descriptors now name a closed socket, their ``accept`` fails, and new clients are
    refused although live workers still hold the listener.
    """

    def exit_process(self, w: World, slot: int) -> World:
        for h in w.procs[slot].handles:
            if h.kind is not HandleKind.PROCESS and 0 <= h.obj < len(w.sockets):
                sock = w.sockets[h.obj]
                if sock.status is SocketStatus.LISTENING:
                    sock = sock._replace(status=SocketStatus.CLOSED, queue=())
                    w = self.update_socket(w, h.obj, sock)
        return super().exit_process(w, slot)
