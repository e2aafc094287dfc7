"""The SPI calls a thread can make, as small frozen records.

A call is data: the simulator logs it, the model checker labels edges with it, Hypothesis
generates it.  Arguments are deliberately unchecked here: bad descriptors, forged protocol infos
and unknown options are answered by the semantics with a Winsock error (R10).
"""

from __future__ import annotations

from typing import NamedTuple

from wspshare.models.state import AF_INET, IPPROTO_TCP, SOCK_STREAM, ProtocolInfo


class WSPSocket(NamedTuple):
    """Create a socket of provider ``catalog``, or, given ``info``, claim a shared one (R1)."""

    catalog: int = 0
    info: ProtocolInfo | None = None
    address_family: int = AF_INET
    socket_type: int = SOCK_STREAM
    protocol: int = IPPROTO_TCP

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
    s: int

    def __str__(self) -> str:
        return f"WSPRecv(s={self.s})"


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
)

# Socket options the model knows (real values from winsock2.h); others answer WSAENOPROTOOPT.
SO_KEEPALIVE = 0x0008
SO_SNDBUF = 0x1001
SO_RCVBUF = 0x1002
KNOWN_OPTIONS = (SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF)

FD_READ = 0x01
FD_WRITE = 0x02
FD_CLOSE = 0x20
FD_ALL_EVENTS = 0x3FF
