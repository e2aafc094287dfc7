"""Seeded provider bugs: each class overrides one method of a correct provider with a mistake.

A buggy provider keeps the name and catalog entry id of the provider it mutates, so
``ScenarioConfig(provider=...)`` selects it once it replaces that provider in the catalog
(``models.variants`` does the replacing).  Each docstring says what the provider writer got wrong
and what a user of a real Windows system would see.  The correct providers are never touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.errors import ModelError, WSAError
from wspshare.models.providers.base import Provider
from wspshare.models.providers.ifs import IfsProvider
from wspshare.models.providers.nonifs import NonIfsProvider, NonIfsState, Share
from wspshare.models.state import Handle, ProtocolInfo, Result, Sock, World, fail

if TYPE_CHECKING:
    from wspshare.models.semantics import Semantics

OWN_DESCRIPTOR_BASE = 0x10000  # where SkipCreateSocketHandle's home-made descriptors start


# --- IFS provider (M3) ------------------------------------------------------------------------
class SkipModifyIfs(IfsProvider):
    """Hands its kernel handle to the client without calling ``WPUModifyIFSHandle`` (R4).

    Real system: the switch never learns the handle is a socket, so the application's first call
    on it (``connect``, ``send``) fails with WSAENOTSOCK, or is dispatched to whatever provider the
    switch guesses; the handle is never closed through Winsock and leaks until the process exits.
    """

    def hand_out(self, sem: Semantics, w: World, slot: int, value: int) -> tuple[World, Result]:
        return w, Result(WSAError.NO_ERROR, value)


class PreModificationIfs(IfsProvider):
    """Calls ``WPUModifyIFSHandle`` but returns the handle it passed in, not the one it got back.

    The documentation says the modified handle may differ from the original, and the client must
    only ever see the modified one (R4); the mistake shows with a switch that renumbers.

    Real system: the client holds a value that is no longer in its table, so every call fails
    with WSAENOTSOCK, and once the value is reused by another handle, the application's calls
    land on that object instead.
    """

    def hand_out(self, sem: Semantics, w: World, slot: int, value: int) -> tuple[World, Result]:
        w, result = sem.switch.modify_ifs_handle(w, slot, self.catalog_id, value)
        return w, (Result(WSAError.NO_ERROR, value) if result.ok else result)


class DuplicateClosesSourceIfs(IfsProvider):
    """Duplicates into the target with ``DUPLICATE_CLOSE_SOURCE`` semantics: the source process
    loses its own handle the moment it calls ``WSPDuplicateSocket``.

    Real system: the source's later calls on its descriptor (``send``, ``closesocket``) fail with
    WSAENOTSOCK, and the next handle the source opens gets the same value, so its old descriptor
    silently names something else.
    """

    def duplicate(
        self, sem: Semantics, w: World, slot: int, d: Handle, pid: int
    ) -> tuple[World, Result]:
        w, result = super().duplicate(sem, w, slot, d, pid)
        if result.ok:
            w = sem.kernel.close_handle(w, slot, d.value)
        return w, result


class PerDescriptorOptionsIfs(IfsProvider):
    """Stores socket options per descriptor instead of on the underlying socket (R6).

    Real system: the target sets ``SO_RCVBUF`` or ``SO_KEEPALIVE`` on its shared descriptor and the
    source still reads (and the stack still applies) the old value; the processes disagree about
    the state of one connection.  The mistake is the same in a non-IFS provider.
    """

    def option_key(self, slot: int, d: Handle, option: int) -> int:
        return ((slot + 1) << 24) | (d.value << 16) | option


class PerDescriptorEventsIfs(IfsProvider):
    """Keeps one event registration per descriptor instead of one per socket (R8).

    Real system: ``WSAEventSelect`` in the target does not cancel the source's registration, so
    both processes are signalled for the same FD_READ and race to read the data, exactly what R8
    exists to prevent.  The mistake is the same in a non-IFS provider.
    """

    def register_events(
        self, sock: Sock, pid: int, d: Handle, mask: int
    ) -> tuple[tuple[int, int, int], ...]:
        others = {e for e in sock.events if (e[0], e[1]) != (pid, d.value)}
        mine = {(pid, d.value, mask)} if mask else set()
        return tuple(sorted(others | mine))


# --- non-IFS provider (M4) --------------------------------------------------------------------
class AcceptTwiceNonIfs(NonIfsProvider):
    """Never marks a share record used: every ``WSPSocket`` with the same info succeeds (R2).

    Real system: an IPC retry or a replayed info gives the target (or anyone with a copy) a second
    descriptor; and since the record is never freed, the reference it holds keeps the connection
    open after every process has closed it, so the peer never sees the connection end.
    """

    def consume(self, sem: Semantics, w: World, st: NonIfsState, share: Share) -> World:
        return w


class NoPidCheckNonIfs(NonIfsProvider):
    """Lets any process claim a share record, not only the pid it was made for.

    Real system: any local process that guesses or copies the token in ``dwProviderReserved``
    takes over another process's connection (a privilege problem, not just a crash), and the
    intended target's ``WSPSocket`` then fails with WSAEINVAL.
    """

    def may_claim(self, share: Share, pid: int) -> bool:
        return True


class SkipCreateSocketHandleNonIfs(NonIfsProvider):
    """Gives the target a home-made descriptor (its own context number) instead of one from
    ``WPUCreateSocketHandle`` (R4).

    Real system: the value is not a handle the switch knows, so every call the target makes on it
    fails with WSAENOTSOCK; and the share's reference is released without a handle taking it
    over, so the source's close tears the connection down while the target believes it holds it.
    """

    def socket_from_info(
        self, sem: Semantics, w: World, slot: int, info: ProtocolInfo
    ) -> tuple[World, Result]:
        error = self.supports(info)
        if error:
            return w, fail(error)
        st = self.state(sem, w)
        share = self.find_share(st, info.provider_reserved)
        if share is None or not self.may_claim(share, w.procs[slot].pid):
            return w, fail(WSAError.WSAEINVAL)
        w = self.consume(sem, w, st, share)
        return w, Result(WSAError.NO_ERROR, OWN_DESCRIPTOR_BASE + share.token)


class FreeOnSourceCloseNonIfs(NonIfsProvider):
    """Frees the socket's share records when the source closes its descriptor, as if they
    belonged to it, even though the target has not claimed yet.

    Real system: a source that closes right after sending the info (legal with a provider that
    takes its reference at duplication) makes the target's ``WSPSocket`` fail with WSAEINVAL,
    and since the record's reference goes too, the connection is torn down under the target.
    """

    def close(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        index = self.socket_of(sem, w, slot, d)
        w, result = super().close(sem, w, slot, d)
        if not result.ok or index is None:
            return w, result
        st = self.state(sem, w)
        freed = [s for s in st.shares if s.sock == index]
        keep = tuple(s for s in st.shares if s.sock != index)
        w = sem.with_provider_state(w, self, st._replace(shares=keep))
        for share in freed:
            if share.holds_ref:
                w = sem.kernel.drop_ref(w, share.sock)
        return w, result


class KeepsDeadSharesNonIfs(NonIfsProvider):
    """Forgets nothing when a target process exits: share records meant for a dead pid stay.

    Real system: once the pid is reused, the new process (unrelated to the handoff) can claim the
    old share and gets a descriptor for someone else's connection; meanwhile the record's
    reference keeps the connection open after the source has closed it.
    """

    def on_process_exit(self, sem: Semantics, w: World, slot: int) -> World:
        return w


# --- the patterns beyond the seed (R15) ---------------------------------------------------------
class DoubleAcceptIfs(IfsProvider):
    """Hands out the first pending connection on ``WSPAccept`` but leaves it on the backlog, as
    if each descriptor of the listening socket had a backlog of its own.

    Real system: with a listening socket shared by prefork workers, two workers accept the same
    client: both get a socket for one TCP connection, both answer it, and the client reads two
    interleaved replies (or one worker's reads steal the other's request bytes).
    """

    def take_connection(self, sock: Sock) -> Sock:
        return sock._replace(taken=(*sock.taken, sock.queue[0]))


class PeekingRecvFromNonIfs(NonIfsProvider):
    """Returns the first queued datagram from ``WSPRecvFrom`` without removing it, as if every
    read were ``MSG_PEEK``.

    Real system: every process sharing the UDP socket processes the same request (a DNS or
    syslog server answers one query several times), and the queue never drains, so later
    datagrams are never seen.
    """

    def take_datagram(self, sock: Sock) -> Sock:
        return sock._replace(taken=(*sock.taken, sock.queue[0]))


class CloseFlushesBacklogIfs(IfsProvider):
    """Resets the pending connections of a listening socket whenever any descriptor of it is
    closed, as the last close must, not only on the last one (R7).

    Real system: the prefork parent's ``closesocket`` after handing the listener to its
    workers resets every client that had connected but not yet been accepted; they see
    connection resets at server start-up, intermittently, depending on timing.
    """

    def close(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        sock = w.sockets[d.obj]
        if sock.queue:
            w = sem.kernel.update_socket(w, d.obj, sock._replace(queue=()))
        return super().close(sem, w, slot, d)


def replace_provider(providers: tuple[Provider, ...], buggy: Provider) -> tuple[Provider, ...]:
    """The catalog with ``buggy`` in place of the provider with the same catalog entry id."""
    ids = [p.catalog_id for p in providers]
    if buggy.catalog_id not in ids:
        raise ModelError(f"no provider with catalog id {buggy.catalog_id} to replace in {ids}")
    return tuple(buggy if p.catalog_id == buggy.catalog_id else p for p in providers)


__all__ = [
    "AcceptTwiceNonIfs",
    "CloseFlushesBacklogIfs",
    "DoubleAcceptIfs",
    "DuplicateClosesSourceIfs",
    "FreeOnSourceCloseNonIfs",
    "KeepsDeadSharesNonIfs",
    "NoPidCheckNonIfs",
    "PeekingRecvFromNonIfs",
    "PerDescriptorEventsIfs",
    "PerDescriptorOptionsIfs",
    "PreModificationIfs",
    "SkipCreateSocketHandleNonIfs",
    "SkipModifyIfs",
    "replace_provider",
]
