"""The SPI calls a thread can make, as small frozen records.

A call is data: the simulator logs it, the model checker labels edges with it, Hypothesis
generates it.  Arguments are deliberately unchecked here: bad descriptors, forged protocol infos
and unknown options are answered by the semantics with a Winsock error (R10).
"""

from __future__ import annotations

from typing import NamedTuple

from wspshare.models.state import FROM_PROTOCOL_INFO, ProtocolInfo


class WSPSocket(NamedTuple):
    """Create a socket of provider ``catalog``, or, given ``info``, claim a shared one (R1).

    Family, type and protocol follow LPWSPSocket (R12, ``models.params``): by default each is
    ``FROM_PROTOCOL_INFO``, taken from ``info`` or, without one, from the catalog entry's own
    WSAPROTOCOL_INFO (IPv4 TCP), which the switch always passes to the provider."""

    catalog: int = 0
    info: ProtocolInfo | None = None
    address_family: int = FROM_PROTOCOL_INFO
    socket_type: int = FROM_PROTOCOL_INFO
    protocol: int = FROM_PROTOCOL_INFO

    def __str__(self) -> str:
        if self.info is not None:
            return f"WSPSocket({self.info})"
        return f"WSPSocket(cat={self.catalog})"


class WSPConnect(NamedTuple):
    s: int

    def __str__(self) -> str:
        return f"WSPConnect(s={self.s})"


class WSPSend(NamedTuple):
    s: int

    def __str__(self) -> str:
        return f"WSPSend(s={self.s})"


class WSPRecv(NamedTuple):
    """``overlapped``: 0 for a plain receive, else the tag of the WSAOVERLAPPED it is issued
    with: nothing to read then leaves it pending on the socket (R14)."""

    s: int
    overlapped: int = 0

    def __str__(self) -> str:
        tag = f", overlapped={self.overlapped}" if self.overlapped else ""
        return f"WSPRecv(s={self.s}{tag})"


class WSPSetSockOpt(NamedTuple):
    s: int
    option: int
    value: int

    def __str__(self) -> str:
        return f"WSPSetSockOpt(s={self.s}, opt={self.option:#x}, val={self.value})"


class WSPGetSockOpt(NamedTuple):
    s: int
    option: int

    def __str__(self) -> str:
        return f"WSPGetSockOpt(s={self.s}, opt={self.option:#x})"


class WSPEventSelect(NamedTuple):
    s: int
    mask: int

    def __str__(self) -> str:
        return f"WSPEventSelect(s={self.s}, mask={self.mask:#x})"


class WSPDuplicateSocket(NamedTuple):
    s: int
    pid: int

    def __str__(self) -> str:
        return f"WSPDuplicateSocket(s={self.s}, pid={self.pid})"


class WSPCloseSocket(NamedTuple):
    s: int

    def __str__(self) -> str:
        return f"WSPCloseSocket(s={self.s})"


class WSPBind(NamedTuple):
    """Give the socket local port ``port`` (0: the provider picks a free one)."""

    s: int
    port: int

    def __str__(self) -> str:
        return f"WSPBind(s={self.s}, port={self.port})"


class WSPListen(NamedTuple):
    """Make a bound stream socket accept connections, ``backlog`` of them waiting at most."""

    s: int
    backlog: int = 1

    def __str__(self) -> str:
        return f"WSPListen(s={self.s}, backlog={self.backlog})"


class WSPAccept(NamedTuple):
    """Take the first pending connection of a listening socket as a new socket (R15); with
    ``overlapped`` (an AcceptEx-style tag) and nothing pending, it stays pending (R14)."""

    s: int
    overlapped: int = 0

    def __str__(self) -> str:
        tag = f", overlapped={self.overlapped}" if self.overlapped else ""
        return f"WSPAccept(s={self.s}{tag})"


class WSPSendTo(NamedTuple):
    """Send one datagram to ``port`` (on a connected stream socket the address is ignored)."""

    s: int
    port: int

    def __str__(self) -> str:
        return f"WSPSendTo(s={self.s}, port={self.port})"


class WSPRecvFrom(NamedTuple):
    """Read one datagram (or, on a stream socket, what WSPRecv reads)."""

    s: int

    def __str__(self) -> str:
        return f"WSPRecvFrom(s={self.s})"


class WSPShutdown(NamedTuple):
    """Disable receives (``SD_RECEIVE``), sends (``SD_SEND``) or both on the socket."""

    s: int
    how: int

    def __str__(self) -> str:
        return f"WSPShutdown(s={self.s}, how={self.how})"


Call = (
    WSPSocket
    | WSPConnect
    | WSPSend
    | WSPRecv
    | WSPSetSockOpt
    | WSPGetSockOpt
    | WSPEventSelect
    | WSPDuplicateSocket
    | WSPCloseSocket
    | WSPBind
    | WSPListen
    | WSPAccept
    | WSPSendTo
    | WSPRecvFrom
    | WSPShutdown
)

# Socket options the model knows (real values from winsock2.h); others answer WSAENOPROTOOPT.
SO_KEEPALIVE = 0x0008
SO_SNDBUF = 0x1001
SO_RCVBUF = 0x1002
KNOWN_OPTIONS = (SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF)

FD_READ = 0x01
FD_WRITE = 0x02
FD_ACCEPT = 0x08
FD_CLOSE = 0x20
FD_ALL_EVENTS = 0x3FF

SD_RECEIVE, SD_SEND, SD_BOTH = 0, 1, 2  # WSPShutdown's ``how``
SHUT_RECEIVE, SHUT_SEND = 1, 2  # the bits of ``Sock.shut``
SHUT_PEER = 4  # ``Sock.shut``: the peer has closed (or shut down its sending side), FD_CLOSE
SHUT_BITS = {SD_RECEIVE: SHUT_RECEIVE, SD_SEND: SHUT_SEND, SD_BOTH: SHUT_RECEIVE | SHUT_SEND}
MAX_BACKLOG = 2  # the model's SOMAXCONN: a larger backlog is cut to it, as listen's page allows
EPHEMERAL_PORT = 49152  # WSPBind to port 0 takes the lowest free port from here
MAX_PORT = 65535
