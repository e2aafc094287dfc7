"""The error codes each SPI call may answer with: SPEC R10 plus the causes in ``models.errors``.

Every call may also fail because the calling process has exited (``WSANOTINITIALISED``) or the
thread does not exist (``WSAEINVAL``); calls that allocate may fail for lack of resources
(``WSAEMFILE``, ``WSAENOBUFS``, M5).  Anything else, or an exception, is a bug of the semantics.
"""

from __future__ import annotations

from wspshare.models.calls import (
    Call,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPListen,
    WSPRecv,
    WSPRecvFrom,
    WSPSend,
    WSPSendTo,
    WSPSetSockOpt,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.errors import WSAError as E

ANY_CALL = frozenset({E.NO_ERROR, E.WSANOTINITIALISED, E.WSAEINVAL})
SHORTAGE = frozenset({E.WSAEMFILE, E.WSAENOBUFS})
ON_SOCKET = ANY_CALL | {E.WSAENOTSOCK}
# R12: the codes the socket/WSASocket pages give for a triple no provider can make.
BAD_TRIPLE = frozenset(
    {E.WSAEAFNOSUPPORT, E.WSAESOCKTNOSUPPORT, E.WSAEPROTONOSUPPORT, E.WSAEPROTOTYPE}
)

ALLOWED: dict[type, frozenset[E]] = {
    WSPSocket: ANY_CALL | SHORTAGE | BAD_TRIPLE,
    WSPDuplicateSocket: ANY_CALL | SHORTAGE | {E.WSAENOTSOCK},
    WSPConnect: ANY_CALL | {E.WSAENOTSOCK, E.WSAEISCONN},
    WSPSend: ANY_CALL | {E.WSAENOTSOCK, E.WSAENOTCONN, E.WSAESHUTDOWN},
    WSPRecv: ANY_CALL
    | {E.WSAENOTSOCK, E.WSAENOTCONN, E.WSAEWOULDBLOCK, E.WSAESHUTDOWN, E.WSA_IO_PENDING},
    WSPSetSockOpt: ANY_CALL | {E.WSAENOTSOCK, E.WSAENOPROTOOPT},
    WSPGetSockOpt: ANY_CALL | {E.WSAENOTSOCK, E.WSAENOPROTOOPT},
    WSPEventSelect: ANY_CALL | {E.WSAENOTSOCK},
    WSPCloseSocket: ANY_CALL | {E.WSAENOTSOCK},
    # The pages of bind, listen, accept, sendto, recvfrom and shutdown (models.providers.endpoints).
    WSPBind: ON_SOCKET | {E.WSAEFAULT, E.WSAEADDRINUSE},
    WSPListen: ON_SOCKET | {E.WSAEOPNOTSUPP, E.WSAEISCONN},
    WSPAccept: ON_SOCKET | SHORTAGE | {E.WSAEOPNOTSUPP, E.WSAEWOULDBLOCK, E.WSA_IO_PENDING},
    WSPSendTo: ON_SOCKET | {E.WSAENOTCONN, E.WSAESHUTDOWN, E.WSAEFAULT, E.WSAEADDRNOTAVAIL},
    WSPRecvFrom: ON_SOCKET | {E.WSAENOTCONN, E.WSAEWOULDBLOCK, E.WSAESHUTDOWN},
    WSPShutdown: ON_SOCKET | {E.WSAENOTCONN},
}


def allowed(call: Call) -> frozenset[E]:
    return ALLOWED[type(call)]
