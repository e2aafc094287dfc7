"""Winsock error codes the model answers with (R10).

The values are the real ones from ``winsock2.h`` so a trace reads like a Windows debugger session.
Errors are return values of calls, never Python exceptions.
"""

from __future__ import annotations

from enum import IntEnum


class WSAError(IntEnum):
    """The subset of Winsock error codes that the SPI calls we model can return."""

    NO_ERROR = 0
    WSA_OPERATION_ABORTED = 995  # an overlapped operation cancelled by the socket's last close
    WSA_IO_PENDING = 997  # an overlapped operation was started and will complete later
    WSAEFAULT = 10014  # a bad pointer argument: an output buffer missing or too small
    WSAEWOULDBLOCK = 10035  # nothing to read yet on a non-blocking socket
    WSAEINPROGRESS = 10036
    WSAENOTSOCK = 10038  # the descriptor is not a socket (closed, never issued, stale)
    WSAEINVAL = 10022  # a bad parameter: unknown pid, unusable protocol info, bad option ...
    WSAEMFILE = 10024  # no descriptor value left in the process's table
    WSAEPROTOTYPE = 10041  # the protocol is of the wrong type for the socket type
    WSAENOPROTOOPT = 10042  # an option the provider does not know
    WSAEPROTONOSUPPORT = 10043  # the protocol is not supported
    WSAESOCKTNOSUPPORT = 10044  # the socket type is not supported in this address family
    WSAEOPNOTSUPP = 10045  # the call does not apply to this kind of socket (listen on UDP ...)
    WSAEAFNOSUPPORT = 10047
    WSAEADDRINUSE = 10048  # another open socket is bound to that port
    WSAEADDRNOTAVAIL = 10049  # not a usable address (a destination port of 0)
    WSAENETDOWN = 10050
    WSAENOBUFS = 10055  # no buffer space (an injected resource failure)
    WSAEISCONN = 10056
    WSAENOTCONN = 10057
    WSAESHUTDOWN = 10058  # the connection was closed by the time of the call
    WSAEPROVIDERFAILEDINIT = 10106
    WSAVERNOTSUPPORTED = 10092  # WSAStartup: no Winsock version the caller can use
    WSANOTINITIALISED = 10093  # no WSAStartup (or the last WSACleanup ran), or the process exited

    def __str__(self) -> str:
        return self.name


class ModelError(ValueError):
    """Raised for misuse of the Python API of the model itself (not of Winsock), such as asking
    for a provider that is not installed; the message says what to use instead."""
