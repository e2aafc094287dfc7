"""Immutable world state: kernel objects, per-process handle tables, and provider state.

Every value is a tuple (``NamedTuple``) of ints, bools, enums and tuples, so states hash and compare
fast and have one canonical form: handle tables are kept sorted by value, share records by token.
The model checker stores millions of these; the simulator and the tests read them.
"""

from __future__ import annotations

from collections.abc import Hashable
from enum import IntEnum
from typing import NamedTuple

from wspshare.models.errors import WSAError
from wspshare.models.records import fast_replace

XP1_IFS_HANDLES = 0x00020000  # dwServiceFlags1 bit: the provider's descriptors are kernel handles
AF_INET = 2
AF_INET6 = 23
SOCK_STREAM = 1
SOCK_DGRAM = 2
IPPROTO_TCP = 6
IPPROTO_UDP = 17
FROM_PROTOCOL_INFO = -1  # WSPSocket: take this parameter from the WSAPROTOCOL_INFO (R12)
Kind = tuple[int, int, int]  # (address family, socket type, protocol) of an underlying socket
TCP_V4: Kind = (AF_INET, SOCK_STREAM, IPPROTO_TCP)
FIRST_HANDLE_VALUE = 4  # M1: handle values are multiples of 4 from 4 upward
HANDLE_STEP = 4


class HandleKind(IntEnum):
    """What a handle-table entry is, and whether the Winsock switch knows it as a descriptor."""

    PENDING = 0  # a socket handle not yet given to the switch (duplicated, unclaimed; pre-modify)
    IFS = 1  # an IFS provider's handle after WPUModifyIFSHandle: a client descriptor
    WPU = 2  # a handle made by WPUCreateSocketHandle for a non-IFS provider: a client descriptor
    PROCESS = 3  # a handle to another process (OpenProcess); it keeps that pid from being reused


class SocketStatus(IntEnum):
    CREATED = 0
    CONNECTED = 1
    CLOSED = 2  # the underlying socket is gone; the peer has seen the connection end
    LISTENING = 3  # WSPListen succeeded: network clients may queue connections (R15)


@fast_replace
class Handle(NamedTuple):
    """One entry of a process's handle table."""

    value: int
    obj: int  # socket index for socket handles, process slot for PROCESS handles
    catalog: int  # catalog entry id of the owning provider (0 for PROCESS handles)
    kind: HandleKind
    inheritable: bool = False  # HANDLE_FLAG_INHERIT: a child created with inheritance gets it

    @property
    def is_descriptor(self) -> bool:
        """True when the switch dispatches calls on this value (R4)."""
        return self.kind is HandleKind.IFS or self.kind is HandleKind.WPU


@fast_replace
class Sock(NamedTuple):
    """An underlying socket: the state every descriptor of it shares (R6)."""

    catalog: int
    refs: int
    status: SocketStatus
    options: tuple[tuple[int, int], ...]  # sorted (key, value); a correct provider keys by option
    events: tuple[tuple[int, int, int], ...]  # (pid, descriptor, mask); R8 keeps at most one
    sent: int  # messages the network peer has received
    inbox: int  # messages from the peer not yet read
    last_set: tuple[int, int]  # ghost: the last (option, value) set through any descriptor
    # Beyond the seed (R12, R15): every default below is what a seed socket has, so the seed's
    # configurations build the very same states as before these fields existed.
    kind: Kind = TCP_V4
    port: int = 0  # the local port WSPBind gave it (0: unbound)
    backlog: int = 0  # how many connections WSPListen lets wait (0: not listening)
    queue: tuple[int, ...] = ()  # pending connections (listening) or datagrams (UDP), by id
    taken: tuple[int, ...] = ()  # ghost: every id WSPAccept or WSPRecvFrom took off ``queue``
    origin: int = -1  # the connection id an accepted socket was made for (-1: not accepted)
    shut: int = 0  # WSPShutdown: bit 1 no more receives, bit 2 no more sends
    # R14: overlapped operations pending on the socket (whichever descriptor issued them), as
    # (operation, tag, pid of the issuing process, catalog entry it was issued through: the top
    # of a chain, whose provider completes it); the completion port and key associated with
    # the socket (0, 0: none); and the network events delivered to its one registration (R8),
    # which a new registration starts afresh.
    pending: tuple[tuple[int, int, int, int], ...] = ()
    completion: tuple[int, int] = (0, 0)
    signalled: int = 0  # the FD_ events delivered to the current registration (R8) so far


@fast_replace
class Process(NamedTuple):
    """A process instance.  Its index in ``World.procs`` (its slot) outlives a reused pid."""

    pid: int
    alive: bool
    threads: int
    handles: tuple[Handle, ...]  # sorted by value
    issued: tuple[int, ...]  # ghost: descriptor values WSPSocket handed to the client, not closed
    fail_next: WSAError  # an injected resource failure for the next call (M5), or NO_ERROR
    startups: int = 0  # WSAStartup calls not yet matched by WSACleanup (the API layer, R13)


@fast_replace
class World(NamedTuple):
    """Kernel, switch and provider state of the whole machine."""

    procs: tuple[Process, ...]
    sockets: tuple[Sock, ...]
    providers: tuple[Hashable, ...]  # each installed provider's own state, in catalog order
    # R14: completion packets posted so far, as (port, key, tag, error); port 0 stands for an
    # overlapped operation with no port (its event is signalled instead).
    completions: tuple[tuple[int, int, int, int], ...] = ()


class ProtocolInfo(NamedTuple):
    """The special WSAPROTOCOL_INFO of M2: plain data, free to copy, replay, misdeliver or forge."""

    service_flags1: int
    catalog_entry_id: int
    protocol_chain: tuple[int, ...]
    address_family: int
    socket_type: int
    protocol: int
    provider_reserved: int  # the provider's own field: a duplicated handle value or a share token

    def __str__(self) -> str:
        ifs = "IFS" if self.service_flags1 & XP1_IFS_HANDLES else "non-IFS"
        return f"info(cat={self.catalog_entry_id},{ifs},rsv={self.provider_reserved})"


class Result(NamedTuple):
    """What a call returns: an error code and, on success, its value."""

    error: WSAError
    value: int | ProtocolInfo | None = None

    @property
    def ok(self) -> bool:
        return self.error is WSAError.NO_ERROR

    def __str__(self) -> str:
        if not self.ok:
            return str(self.error)
        return "OK" if self.value is None else f"OK {self.value}"


def fail(error: WSAError) -> Result:
    return Result(error, None)


OK = Result(WSAError.NO_ERROR, None)
