"""The error codes each SPI call may answer with: SPEC R10 plus the causes in ``models.errors``.

Every call may also fail because the calling process has exited (``WSANOTINITIALISED``) or the
thread does not exist (``WSAEINVAL``); calls that allocate may fail for lack of resources
(``WSAEMFILE``, ``WSAENOBUFS``, M5).  Anything else, or an exception, is a bug of the semantics.
"""

from __future__ import annotations

from wspshare.models.calls import (
    Call,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPRecv,
    WSPSend,
    WSPSetSockOpt,
    WSPSocket,
)
from wspshare.models.errors import WSAError as E

ANY_CALL = frozenset({E.NO_ERROR, E.WSANOTINITIALISED, E.WSAEINVAL})
SHORTAGE = frozenset({E.WSAEMFILE, E.WSAENOBUFS})

ALLOWED: dict[type, frozenset[E]] = {
    WSPSocket: ANY_CALL | SHORTAGE | {E.WSAEAFNOSUPPORT},
    WSPDuplicateSocket: ANY_CALL | SHORTAGE | {E.WSAENOTSOCK},
    WSPConnect: ANY_CALL | {E.WSAENOTSOCK, E.WSAEISCONN},
    WSPSend: ANY_CALL | {E.WSAENOTSOCK, E.WSAENOTCONN},
    WSPRecv: ANY_CALL | {E.WSAENOTSOCK, E.WSAENOTCONN, E.WSAEWOULDBLOCK},
    WSPSetSockOpt: ANY_CALL | {E.WSAENOTSOCK, E.WSAENOPROTOOPT},
    WSPGetSockOpt: ANY_CALL | {E.WSAENOTSOCK, E.WSAENOPROTOOPT},
    WSPEventSelect: ANY_CALL | {E.WSAENOTSOCK},
    WSPCloseSocket: ANY_CALL | {E.WSAENOTSOCK},
}


def allowed(call: Call) -> frozenset[E]:
    return ALLOWED[type(call)]
