"""WSPSocket's family, type and protocol, resolved as the LPWSPSocket reference page says (R12).

The page asks a provider to accept 0 for the family and the type (ws2_32 treats them as
wildcards) and ``FROM_PROTOCOL_INFO`` for any of the three, meaning "use the value in the
WSAPROTOCOL_INFO passed with the call"; any other value is the caller's explicit choice and wins
over the info.  A protocol of 0 means the default protocol of the (resolved) type.  What cannot
be made is answered with the code the socket/WSASocket pages give for it:

* a family the provider does not know: ``WSAEAFNOSUPPORT``;
* a socket type it does not know: ``WSAESOCKTNOSUPPORT``;
* a protocol it does not know: ``WSAEPROTONOSUPPORT``;
* a protocol of the wrong type for the socket type (TCP datagrams): ``WSAEPROTOTYPE``.

The checks run in that order, so the first thing wrong is the one reported.  The table of kinds
is the one place a new family, type or protocol is added.
"""

from __future__ import annotations

from wspshare.models.errors import WSAError
from wspshare.models.state import (
    AF_INET,
    AF_INET6,
    FROM_PROTOCOL_INFO,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
    Kind,
)

FAMILIES = frozenset({AF_INET, AF_INET6})
PROTOCOL_TYPE = {IPPROTO_TCP: SOCK_STREAM, IPPROTO_UDP: SOCK_DGRAM}  # each protocol's one type
DEFAULT_PROTOCOL = {SOCK_STREAM: IPPROTO_TCP, SOCK_DGRAM: IPPROTO_UDP}  # protocol 0 per type


def substitute(requested: Kind, info: Kind) -> Kind:
    """The switch's part: wildcards and FROM_PROTOCOL_INFO replaced by the info's values."""
    family, stype, protocol = requested
    if family in (FROM_PROTOCOL_INFO, 0):
        family = info[0]
    if stype in (FROM_PROTOCOL_INFO, 0):
        stype = info[1]
    if protocol == FROM_PROTOCOL_INFO:
        protocol = info[2]
    return (family, stype, protocol)


def resolve(requested: Kind, info: Kind) -> Kind | WSAError:
    """The (family, type, protocol) a WSPSocket call asks for, given the info's own triple."""
    family, stype, protocol = substitute(requested, info)
    if family not in FAMILIES:
        return WSAError.WSAEAFNOSUPPORT
    if stype not in DEFAULT_PROTOCOL:
        return WSAError.WSAESOCKTNOSUPPORT
    if protocol == 0:
        protocol = DEFAULT_PROTOCOL[stype]
    if protocol not in PROTOCOL_TYPE:
        return WSAError.WSAEPROTONOSUPPORT
    if PROTOCOL_TYPE[protocol] != stype:
        return WSAError.WSAEPROTOTYPE
    return (family, stype, protocol)


def is_stream(kind: Kind) -> bool:
    return kind[1] == SOCK_STREAM
