"""What every service provider has in common: its catalog entry and the data path.

A provider is a stateless policy object; whatever it must remember across calls and processes
(the non-IFS share records) lives in its slot of ``World.providers``.  The data-path calls act on
the underlying socket a descriptor names, so every descriptor of a shared socket sees the same
state (R6) and the same event registration (R8).  Subclasses implement socket creation,
duplication and close, the calls where IFS and non-IFS providers differ (R4).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from wspshare.models.calls import (
    FD_ALL_EVENTS,
    KNOWN_OPTIONS,
    SHUT_PEER,
    SHUT_RECEIVE,
    SHUT_SEND,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.params import is_stream, resolve
from wspshare.models.providers.endpoints import EndpointCalls
from wspshare.models.state import (
    TCP_V4,
    Handle,
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

OK_NONE = Result(WSAError.NO_ERROR, None)
Rename = Callable[[int], int]  # a permutation of pids, for symmetry reduction


class PendingClaim(NamedTuple):
    """A protocol info a provider has issued and not yet seen claimed."""

    sock: int
    target_pid: int
    holds_ref: bool


def kind_of(call: WSPSocket | ProtocolInfo) -> Kind:
    """The (family, type, protocol) a creation request or a protocol info names."""
    if isinstance(call, ProtocolInfo):
        return (call.address_family, call.socket_type, call.protocol)
    return (call.address_family, call.socket_type, call.protocol)


class Provider(EndpointCalls):
    """Base class of service providers; ``catalog_id`` is its WSAPROTOCOL_INFO catalog entry.

    One catalog entry stands for every kind the provider makes (IPv4 and IPv6, TCP and UDP);
    its own WSAPROTOCOL_INFO names IPv4 TCP, which is what a bare ``WSPSocket(catalog)`` gets."""

    name = "provider"
    catalog_id = 0
    service_flags1 = 0
    # Symmetry (``models.scenario.symmetry``) trusts a provider class only when that class
    # itself says its behaviour never depends on which process is which beyond the pids its
    # state records (and renames in ``renamed``).  It is read from the class's own namespace,
    # never inherited, so a subclass (a seeded bug) is untrusted until it says so too.
    SYMMETRIC: ClassVar[bool] = False

    def __init__(self, name: str | None = None, catalog_id: int | None = None) -> None:
        if name is not None:
            self.name = name
        if catalog_id is not None:
            self.catalog_id = catalog_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.catalog_id})"

    # --- provider state ----------------------------------------------------------------------
    def initial_state(self) -> Hashable:
        return ()

    def pending_claims(self, state: Hashable) -> Iterable[PendingClaim]:
        """Protocol infos issued and not yet claimed, as this provider's own state records them."""
        return ()

    def on_process_exit(self, sem: Semantics, w: World, slot: int) -> World:
        """Called after the kernel's rundown of ``slot``: a provider service's cleanup hook."""
        return w

    # --- symmetry: the provider's own state under a renaming of processes ---------------------
    @classmethod
    def symmetric(cls) -> bool:
        """True when this very class declares ``SYMMETRIC`` (see above)."""
        return bool(cls.__dict__.get("SYMMETRIC", False))

    def renamed(self, state: Hashable, rename: Rename) -> Hashable:
        """``state`` with every pid it records passed through ``rename``; a provider whose state
        names no process keeps it as it is."""
        return state

    def refs_to(self, state: Hashable, pid: int) -> tuple[object, ...]:
        """What ``state`` records about the process with ``pid``, without the pid itself: part
        of the key that tells interchangeable targets apart."""
        return ()

    # --- catalog -----------------------------------------------------------------------------
    def protocol_info(self, reserved: int, kind: Kind = TCP_V4) -> ProtocolInfo:
        """The WSAPROTOCOL_INFO of this catalog entry for a socket of ``kind``, with
        ``dwProviderReserved`` set (M2)."""
        return ProtocolInfo(
            self.service_flags1,
            self.catalog_id,
            (self.catalog_id,),
            *kind,
            reserved,
        )

    def supports(self, call: WSPSocket | ProtocolInfo) -> WSAError:
        """Check the (family, type, protocol) triple of a request the switch has resolved (R12);
        a triple that names a kind this provider cannot make gets the documented error."""
        kind = kind_of(call)
        resolved = resolve(kind, kind)
        return resolved if isinstance(resolved, WSAError) else WSAError.NO_ERROR

    def same_kind(self, sock: Sock, info: ProtocolInfo) -> bool:
        """R3: a claim yields a descriptor of the common socket, so the kind asked for (the
        info's, or explicit values overriding it, R12) must be the socket's own."""
        return sock.kind == kind_of(info)

    # --- differing SPI calls ---------------------------------------------------------------
    def socket(self, sem: Semantics, w: World, slot: int, call: WSPSocket) -> tuple[World, Result]:
        raise NotImplementedError

    def socket_from_info(
        self, sem: Semantics, w: World, slot: int, info: ProtocolInfo
    ) -> tuple[World, Result]:
        raise NotImplementedError

    def duplicate(
        self, sem: Semantics, w: World, slot: int, d: Handle, pid: int
    ) -> tuple[World, Result]:
        raise NotImplementedError

    def close(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        raise NotImplementedError

    def socket_of(self, sem: Semantics, w: World, slot: int, d: Handle) -> int | None:
        """The underlying socket a descriptor names, found the provider's own way."""
        raise NotImplementedError

    def new_descriptor(
        self, sem: Semantics, w: World, slot: int, index: int
    ) -> tuple[World, Result]:
        """A first descriptor for socket ``index`` in ``slot``, made the provider's way (R4)."""
        raise NotImplementedError

    def create(self, sem: Semantics, w: World, slot: int, kind: Kind) -> tuple[World, Result]:
        """A new socket of ``kind`` with one descriptor; nothing is left behind on failure."""
        w1, index = sem.kernel.new_socket(w, self.catalog_id, kind)
        w1, result = self.new_descriptor(sem, w1, slot, index)
        return (w1, result) if result.ok else (w, result)

    # --- the data path, common to all providers (R6, R8, R9) ---------------------------------
    def _live_socket(
        self, sem: Semantics, w: World, slot: int, d: Handle
    ) -> tuple[int, Sock] | None:
        index = self.socket_of(sem, w, slot, d)
        if index is None or not 0 <= index < len(w.sockets):
            return None
        sock = w.sockets[index]
        if sock.status is SocketStatus.CLOSED:
            return None
        return index, sock

    def connect(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if sock.status is SocketStatus.CONNECTED:
            return w, fail(WSAError.WSAEISCONN)
        if sock.status is SocketStatus.LISTENING:
            return w, fail(WSAError.WSAEINVAL)  # connect's page: "the socket is listening"
        # A stream peer greets on connect, so there is one message to read; a datagram socket
        # only records its default peer.
        sock = sock._replace(status=SocketStatus.CONNECTED, inbox=1 if is_stream(sock.kind) else 0)
        return sem.kernel.update_socket(w, index, sock), OK_NONE

    def send(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if sock.status is not SocketStatus.CONNECTED:
            return w, fail(WSAError.WSAENOTCONN)
        if sock.shut & SHUT_SEND:
            return w, fail(WSAError.WSAESHUTDOWN)
        return sem.kernel.update_socket(w, index, sock._replace(sent=sock.sent + 1)), OK_NONE

    def recv(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if not is_stream(sock.kind):
            return self.recvfrom(sem, w, slot, d)
        if sock.status is not SocketStatus.CONNECTED:
            return w, fail(WSAError.WSAENOTCONN)
        if sock.shut & SHUT_RECEIVE:
            return w, fail(WSAError.WSAESHUTDOWN)
        if sock.inbox == 0:
            if sock.shut & SHUT_PEER:  # the peer closed and everything is read: end of stream
                return w, Result(WSAError.NO_ERROR, 0)
            return w, fail(WSAError.WSAEWOULDBLOCK)
        sock = sock._replace(inbox=sock.inbox - 1)
        return sem.kernel.update_socket(w, index, sock), Result(WSAError.NO_ERROR, 1)

    def option_key(self, slot: int, d: Handle, option: int) -> int:
        """Where an option is stored in the socket; a correct provider keys by option alone."""
        return option

    def setsockopt(
        self, sem: Semantics, w: World, slot: int, d: Handle, option: int, value: int
    ) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        if option not in KNOWN_OPTIONS:
            return w, fail(WSAError.WSAENOPROTOOPT)
        if value < 0:
            return w, fail(WSAError.WSAEINVAL)
        index, sock = found
        key = self.option_key(slot, d, option)
        options = tuple(sorted((*(kv for kv in sock.options if kv[0] != key), (key, value))))
        sock = sock._replace(options=options, last_set=(option, value))
        return sem.kernel.update_socket(w, index, sock), OK_NONE

    def getsockopt(
        self, sem: Semantics, w: World, slot: int, d: Handle, option: int
    ) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        if option not in KNOWN_OPTIONS:
            return w, fail(WSAError.WSAENOPROTOOPT)
        key = self.option_key(slot, d, option)
        value = next((v for k, v in found[1].options if k == key), 0)
        return w, Result(WSAError.NO_ERROR, value)

    def register_events(
        self, sock: Sock, pid: int, d: Handle, mask: int
    ) -> tuple[tuple[int, int, int], ...]:
        """R8: a new registration through any descriptor cancels the earlier one."""
        return () if mask == 0 else ((pid, d.value, mask),)

    def event_select(
        self, sem: Semantics, w: World, slot: int, d: Handle, mask: int
    ) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        if mask & ~FD_ALL_EVENTS or mask < 0:
            return w, fail(WSAError.WSAEINVAL)
        index, sock = found
        events = self.register_events(sock, w.procs[slot].pid, d, mask)
        sock = sock._replace(events=events, signalled=0)  # R8: a fresh registration
        return sem.kernel.update_socket(w, index, sock), OK_NONE
