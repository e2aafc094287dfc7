"""The calls beyond the seed's connected TCP socket: addresses, listening, datagrams, shutdown.

They act on the underlying socket a descriptor names, like the rest of the data path, so every
descriptor of a shared socket binds, listens, accepts and reads the same queue (R6, R15).  Each
error is the one the call's reference page gives for the cause (bind, listen, accept, sendto,
recvfrom, shutdown in the Winsock reference; the SPI pages defer to them):

* ``WSPBind``: already bound, ``WSAEINVAL``; a port no sockaddr can hold, ``WSAEFAULT``; the port
  taken by another open socket of the same family and type, ``WSAEADDRINUSE``.
* ``WSPListen``: not a stream socket, ``WSAEOPNOTSUPP``; connected, ``WSAEISCONN``; unbound,
  ``WSAEINVAL``.  A backlog outside 1..SOMAXCONN is cut to the nearest legal value, and a second
  listen succeeds without changing it, as listen's page says.
* ``WSPAccept``: not a stream socket, ``WSAEOPNOTSUPP``; not listening, ``WSAEINVAL``; nothing
  pending, ``WSAEWOULDBLOCK``.  The connection is taken off the queue exactly once and becomes a
  new socket with a descriptor of the accepting process only.
* ``WSPSendTo``: port 0 is no destination, ``WSAEADDRNOTAVAIL``; an unbound datagram socket is
  bound to a free port first (sendto's page); on a stream socket the address is ignored.
* ``WSPRecvFrom``: an unbound datagram socket, ``WSAEINVAL``; after ``SD_RECEIVE``,
  ``WSAESHUTDOWN``; nothing queued, ``WSAEWOULDBLOCK``.  The value is the datagram's id.
* ``WSPShutdown``: a ``how`` other than SD_RECEIVE/SD_SEND/SD_BOTH, ``WSAEINVAL``; an unconnected
  stream socket, ``WSAENOTCONN``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.calls import (
    EPHEMERAL_PORT,
    MAX_BACKLOG,
    MAX_PORT,
    SHUT_BITS,
    SHUT_RECEIVE,
    SHUT_SEND,
)
from wspshare.models.errors import WSAError
from wspshare.models.params import is_stream
from wspshare.models.state import Handle, Result, Sock, SocketStatus, World, fail

if TYPE_CHECKING:
    from wspshare.models.semantics import Semantics

OK_NONE = Result(WSAError.NO_ERROR, None)


def port_taken(w: World, sock: Sock, port: int) -> bool:
    """Another open socket of the same family and type is bound to ``port``."""
    return any(
        other.port == port
        and other.status is not SocketStatus.CLOSED
        and other.kind[:2] == sock.kind[:2]
        for other in w.sockets
    )


def free_port(w: World, sock: Sock) -> int:
    """The lowest ephemeral port no open socket of this family and type is bound to."""
    port = EPHEMERAL_PORT
    while port_taken(w, sock, port):
        port += 1
    return port


class EndpointCalls:
    """Mixed into ``Provider``: the calls that give a socket an address and a queue."""

    def _live_socket(
        self, sem: Semantics, w: World, slot: int, d: Handle
    ) -> tuple[int, Sock] | None:
        raise NotImplementedError

    def new_descriptor(
        self, sem: Semantics, w: World, slot: int, index: int
    ) -> tuple[World, Result]:
        raise NotImplementedError

    def recv(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        raise NotImplementedError

    def send(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        raise NotImplementedError

    def bind(
        self, sem: Semantics, w: World, slot: int, d: Handle, port: int
    ) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if sock.port:
            return w, fail(WSAError.WSAEINVAL)
        if not 0 <= port <= MAX_PORT:
            return w, fail(WSAError.WSAEFAULT)
        if port == 0:
            port = free_port(w, sock)
        elif port_taken(w, sock, port):
            return w, fail(WSAError.WSAEADDRINUSE)
        return sem.kernel.update_socket(w, index, sock._replace(port=port)), OK_NONE

    def listen(
        self, sem: Semantics, w: World, slot: int, d: Handle, backlog: int
    ) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if not is_stream(sock.kind):
            return w, fail(WSAError.WSAEOPNOTSUPP)
        if sock.status is SocketStatus.CONNECTED:
            return w, fail(WSAError.WSAEISCONN)
        if not sock.port:
            return w, fail(WSAError.WSAEINVAL)
        if sock.status is SocketStatus.LISTENING:
            return w, OK_NONE
        limit = min(max(backlog, 1), MAX_BACKLOG)
        sock = sock._replace(status=SocketStatus.LISTENING, backlog=limit)
        return sem.kernel.update_socket(w, index, sock), OK_NONE

    def accept(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if not is_stream(sock.kind):
            return w, fail(WSAError.WSAEOPNOTSUPP)
        if sock.status is not SocketStatus.LISTENING:
            return w, fail(WSAError.WSAEINVAL)
        if not sock.queue:
            return w, fail(WSAError.WSAEWOULDBLOCK)
        return self.accept_first(sem, w, slot, index)

    def accept_first(self, sem: Semantics, w: World, slot: int, index: int) -> tuple[World, Result]:
        """The first pending connection of listening socket ``index`` as a new socket with a
        descriptor in ``slot`` (also how a pending overlapped accept completes, R14)."""
        sock = w.sockets[index]
        client = sock.queue[0]
        w1 = sem.kernel.update_socket(w, index, self.take_connection(sock))
        w1, conn = sem.kernel.new_socket(w1, sock.catalog, sock.kind)
        accepted = w1.sockets[conn]._replace(
            status=SocketStatus.CONNECTED, inbox=1, origin=client
        )  # the client greets, like the seed's peer
        w1 = sem.kernel.update_socket(w1, conn, accepted)
        w1, result = self.new_descriptor(sem, w1, slot, conn)
        return (w1, result) if result.ok else (w, result)  # a failed accept keeps the connection

    def dequeue(self, sock: Sock) -> Sock:
        """Take the first waiting connection or datagram off the queue, exactly once."""
        return sock._replace(queue=sock.queue[1:], taken=(*sock.taken, sock.queue[0]))

    def take_connection(self, sock: Sock) -> Sock:
        """R15: an accepted connection leaves the backlog, whichever descriptor accepted it."""
        return self.dequeue(sock)

    def take_datagram(self, sock: Sock) -> Sock:
        """A datagram read through any descriptor leaves the shared queue."""
        return self.dequeue(sock)

    def sendto(
        self, sem: Semantics, w: World, slot: int, d: Handle, port: int
    ) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if is_stream(sock.kind):
            return self.send(sem, w, slot, d)
        if not 0 <= port <= MAX_PORT:
            return w, fail(WSAError.WSAEFAULT)
        if port == 0:
            return w, fail(WSAError.WSAEADDRNOTAVAIL)
        if sock.shut & SHUT_SEND:
            return w, fail(WSAError.WSAESHUTDOWN)
        bound = sock.port or free_port(w, sock)
        sock = sock._replace(port=bound, sent=sock.sent + 1)
        return sem.kernel.update_socket(w, index, sock), OK_NONE

    def recvfrom(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if is_stream(sock.kind):
            return self.recv(sem, w, slot, d)
        if not sock.port:
            return w, fail(WSAError.WSAEINVAL)
        if sock.shut & SHUT_RECEIVE:
            return w, fail(WSAError.WSAESHUTDOWN)
        if not sock.queue:
            return w, fail(WSAError.WSAEWOULDBLOCK)
        datagram = sock.queue[0]
        w = sem.kernel.update_socket(w, index, self.take_datagram(sock))
        return w, Result(WSAError.NO_ERROR, datagram)

    def shutdown(
        self, sem: Semantics, w: World, slot: int, d: Handle, how: int
    ) -> tuple[World, Result]:
        found = self._live_socket(sem, w, slot, d)
        if found is None:
            return w, fail(WSAError.WSAENOTSOCK)
        index, sock = found
        if how not in SHUT_BITS:
            return w, fail(WSAError.WSAEINVAL)
        if is_stream(sock.kind) and sock.status is not SocketStatus.CONNECTED:
            return w, fail(WSAError.WSAENOTCONN)
        sock = sock._replace(shut=sock.shut | SHUT_BITS[how])
        return sem.kernel.update_socket(w, index, sock), OK_NONE
