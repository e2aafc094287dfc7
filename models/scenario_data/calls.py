"""The calls a scenario step may name, mapped onto the model's SPI calls.

A scenario may be written at the API level (``WSASocket``, ``WSADuplicateSocket``,
``closesocket``, as applications and the conformance sources call them) or at the SPI level
(``WSPSocket`` ...); both name the same ``models.calls`` record, so every rule stays in
``Semantics.call``.  The API layer's own argument checks that the sources exercise (a missing
output buffer) are applied here, before the SPI, as R13 says ws2_32 does.
"""

from __future__ import annotations

from wspshare.models.calls import (
    FD_ACCEPT,
    FD_CLOSE,
    FD_READ,
    FD_WRITE,
    SD_BOTH,
    SD_RECEIVE,
    SD_SEND,
    SO_KEEPALIVE,
    SO_RCVBUF,
    SO_SNDBUF,
)
from wspshare.models.state import (
    AF_INET,
    AF_INET6,
    FROM_PROTOCOL_INFO,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
)

# canonical SPI name -> the API names that mean it (the first is what the C program calls)
NAMES: dict[str, tuple[str, ...]] = {
    "WSPSocket": ("WSASocket", "socket"),
    "WSPConnect": ("connect",),
    "WSPSend": ("send",),
    "WSPRecv": ("recv",),
    "WSPCloseSocket": ("closesocket",),
    "WSPDuplicateSocket": ("WSADuplicateSocket",),
    "WSPSetSockOpt": ("setsockopt",),
    "WSPGetSockOpt": ("getsockopt",),
    "WSPEventSelect": ("WSAEventSelect",),
    "WSPBind": ("bind",),
    "WSPListen": ("listen",),
    "WSPAccept": ("accept",),
    "WSPShutdown": ("shutdown",),
    "WSPSendTo": ("sendto",),
    "WSPRecvFrom": ("recvfrom",),
}
# The arguments a call step may give, beyond the common keys.
CALL_ARGS = (
    "s",
    "pid",
    "info",
    "option",
    "value",
    "mask",
    "port",
    "backlog",
    "how",
    "kind",
    "provider",
    "buffer",
    "block",
)
OPTIONS = {"SO_KEEPALIVE": SO_KEEPALIVE, "SO_SNDBUF": SO_SNDBUF, "SO_RCVBUF": SO_RCVBUF}
EVENTS = {"FD_READ": FD_READ, "FD_WRITE": FD_WRITE, "FD_ACCEPT": FD_ACCEPT, "FD_CLOSE": FD_CLOSE}
HOW = {"SD_RECEIVE": SD_RECEIVE, "SD_SEND": SD_SEND, "SD_BOTH": SD_BOTH}
KINDS = {
    "tcp": (AF_INET, SOCK_STREAM, IPPROTO_TCP),
    "udp": (AF_INET, SOCK_DGRAM, IPPROTO_UDP),
    "tcp6": (AF_INET6, SOCK_STREAM, IPPROTO_TCP),
    "udp6": (AF_INET6, SOCK_DGRAM, IPPROTO_UDP),
    "from-info": (FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO),
    "wildcard": (0, 0, 0),  # WSASocket(0, 0, 0, info): every parameter taken from the info
}


def info_code(family: int, stype: int, protocol: int) -> int:
    """A protocol info's family, type and protocol as one comparable number (AF_INET stream
    TCP is 20106), so a step can claim what kind of socket an info describes."""
    return family * 10000 + stype * 100 + protocol


def canonical_call(name: str) -> str | None:
    """The SPI name ``name`` means (itself, or an API name's), None for an unknown call."""
    for spi, api in NAMES.items():
        if name == spi or name in api:
            return spi
    return None


def api_name(spi: str) -> str:
    return NAMES[spi][0]


def known_calls() -> str:
    return ", ".join(api for names in NAMES.values() for api in names)


def flag_value(text: str | int, table: dict[str, int]) -> int | None:
    """A number, or names from ``table`` joined by ``|`` (``FD_READ|FD_WRITE``)."""
    if isinstance(text, int):
        return text
    total = 0
    for part in text.split("|"):
        part = part.strip()
        if part not in table:
            return None
        total |= table[part]
    return total
