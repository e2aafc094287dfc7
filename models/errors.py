"""Winsock error codes the model answers with (R10).

The values are the real ones from ``winsock2.h`` so a trace reads like a Windows debugger session.
Errors are return values of calls, never Python exceptions.
"""

from __future__ import annotations

from enum import IntEnum


class WSAError(IntEnum):
    """The subset of Winsock error codes that the SPI calls we model can return."""

    NO_ERROR = 0
    WSAEWOULDBLOCK = 10035  # nothing to read yet on a non-blocking socket
    WSAEINPROGRESS = 10036
    WSAENOTSOCK = 10038  # the descriptor is not a socket (closed, never issued, stale)
    WSAEINVAL = 10022  # a bad parameter: unknown pid, unusable protocol info, bad option ...
    WSAEMFILE = 10024  # no descriptor value left in the process's table
    WSAENOPROTOOPT = 10042  # an option the provider does not know
    WSAEAFNOSUPPORT = 10047
    WSAENETDOWN = 10050
    WSAENOBUFS = 10055  # no buffer space (an injected resource failure)
    WSAEISCONN = 10056
    WSAENOTCONN = 10057
    WSAESHUTDOWN = 10058  # the connection was closed by the time of the call
    WSAEPROVIDERFAILEDINIT = 10106
    WSANOTINITIALISED = 10093  # the calling process has no Winsock instance (it exited)

    def __str__(self) -> str:
        return self.name


class ModelError(ValueError):
    """Raised for misuse of the Python API of the model itself (not of Winsock), such as asking
    for a provider that is not installed; the message says what to use instead."""
