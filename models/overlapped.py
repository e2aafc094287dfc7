"""Overlapped I/O, completion ports and network-event delivery on a shared socket (R14, R8).

An overlapped ``WSPRecv`` or ``WSPAccept`` that cannot complete at once returns
``WSA_IO_PENDING`` and stays pending on the *underlying socket*, not on the descriptor that
issued it (WSPRecv's page: the operation is on the socket; R6: all socket state is common).  So:

* closing one descriptor of a shared socket leaves it pending; the socket's real close, when its
  last descriptor goes (R7), completes every pending operation with ``WSA_OPERATION_ABORTED``;
* the exit of the issuing process cancels what that process issued (its requests die with it),
  also with ``WSA_OPERATION_ABORTED``;
* a completion port is associated with the socket's file object (CreateIoCompletionPort's
  page), which every duplicate shares: I/O issued through any descriptor completes to the port
  and key associated through any other, and a second association with another port fails
  (``WSAEINVAL``: the page's ERROR_INVALID_PARAMETER);
* pending operations complete in the order they were issued, when a connection or a datagram
  arrives; a completion is a packet (port, key, tag, error) in ``World.completions``.

A network event is delivered to the one registration R8 keeps, whichever descriptor made it:
``FD_ACCEPT`` when a connection arrives, ``FD_READ`` when a datagram does, ``FD_CLOSE`` when the
peer of a connected stream socket closes or shuts down its sending side (the WSAEventSelect and
WSAAsyncSelect pages: FD_CLOSE is recorded when the close indication arrives from the remote
end, not for the local application's own close): ``Sock.signalled`` holds what the current
registration (``Sock.events``, at most one) has been sent, and a new registration starts with
nothing delivered.  Conditions already present when a registration is made are not re-delivered
(the pages' "persistence" of network events is beyond the model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.calls import FD_ACCEPT, FD_CLOSE, FD_READ, WSPAccept, WSPRecv
from wspshare.models.errors import WSAError
from wspshare.models.params import is_stream
from wspshare.models.state import Result, Sock, SocketStatus, World, fail

if TYPE_CHECKING:
    from wspshare.models.providers import Provider
    from wspshare.models.semantics import Semantics

RECV, ACCEPT = 1, 2  # the operations that may be pending
PENDING = fail(WSAError.WSA_IO_PENDING)


def pend(
    w: World, index: int, call: WSPRecv | WSPAccept, pid: int, entry: int
) -> tuple[World, Result]:
    """The call would block: it stays pending on socket ``index``, remembering the catalog
    entry it came through, so that an accept through a layer completes through that layer."""
    op = ACCEPT if isinstance(call, WSPAccept) else RECV
    sock = w.sockets[index]
    sock = sock._replace(pending=(*sock.pending, (op, call.overlapped, pid, entry)))
    return _set(w, index, sock), PENDING


def post(w: World, sock: Sock, tag: int, error: WSAError) -> World:
    """A completion packet for ``tag``, to the port the socket is associated with now."""
    port, key = sock.completion
    return w._replace(completions=(*w.completions, (port, key, tag, int(error))))


def associate(w: World, index: int, port: int, key: int) -> tuple[World, Result]:
    """CreateIoCompletionPort on any descriptor of the socket: the association is the socket's."""
    sock = w.sockets[index]
    if port <= 0 or (sock.completion[0] and sock.completion[0] != port):
        return w, fail(WSAError.WSAEINVAL)
    return _set(w, index, sock._replace(completion=(port, key))), Result(WSAError.NO_ERROR)


def abort_closed(w: World) -> World:
    """R14: every operation pending on a socket that is now really closed is aborted."""
    for index, sock in enumerate(w.sockets):
        if sock.pending and sock.status is SocketStatus.CLOSED:
            w = _abort(w, index, lambda pid: True)
    return w


def cancel_for(w: World, pid: int) -> World:
    """The process with ``pid`` exited: what it issued is cancelled, other processes' I/O stays."""
    for index, sock in enumerate(w.sockets):
        if any(p[2] == pid for p in sock.pending):
            w = _abort(w, index, lambda p: p == pid)
    return w


def signal(w: World, index: int, event: int) -> World:
    """Deliver ``event`` to the socket's one registration, if it asked for it (R8)."""
    sock = w.sockets[index]
    wanted = any(mask & event for _, _, mask in sock.events)
    if not wanted or sock.signalled & event:
        return w
    return _set(w, index, sock._replace(signalled=sock.signalled | event))


def arrived(sem: Semantics, w: World, index: int, provider: Provider | None) -> World:
    """Something arrived on socket ``index``: signal it, then complete the first pending
    operation that can take it.  ``provider`` is the socket's own (the base of any chain): it
    takes a datagram off the socket; a connection is accepted by the provider the accept was
    issued through, so a layer wraps the base's new descriptor as a blocking accept would."""
    sock = w.sockets[index]
    w = signal(w, index, FD_ACCEPT if is_stream(sock.kind) else FD_READ)
    sock = w.sockets[index]
    if not sock.pending or not sock.queue or provider is None:
        return w
    op, tag, pid, entry = sock.pending[0]
    rest = sock.pending[1:]
    slot = sem.kernel.live_slot(w, pid)
    if slot is None:  # pragma: no cover - an exiting process's requests are cancelled first
        return _set(w, index, sock._replace(pending=rest))
    if op == ACCEPT:
        issuer = sem.provider(entry) or provider
        w1, result = issuer.accept_first(
            sem, _set(w, index, sock._replace(pending=rest)), slot, index
        )
        if not result.ok:  # no descriptor for it: the connection waits, the request fails
            return post(_set(w, index, sock._replace(pending=rest)), sock, tag, result.error)
        if isinstance(result.value, int):
            w1 = sem.issue(w1, slot, result.value)
        return post(w1, sock, tag, WSAError.NO_ERROR)
    taken = provider.take_datagram(sock)._replace(pending=rest)
    return post(_set(w, index, taken), sock, tag, WSAError.NO_ERROR)


def peer_closed(w: World, index: int) -> World:
    """The peer of socket ``index`` closed: FD_CLOSE to the registration, and every pending
    receive completes (with end of stream, no error), as a read would now return at once."""
    w = signal(w, index, FD_CLOSE)
    sock = w.sockets[index]
    done = [p for p in sock.pending if p[0] == RECV]
    if not done:
        return w
    w = _set(w, index, sock._replace(pending=tuple(p for p in sock.pending if p[0] != RECV)))
    for _, tag, *_ in done:
        w = post(w, sock, tag, WSAError.NO_ERROR)
    return w


def _abort(w: World, index: int, whose: object) -> World:
    sock = w.sockets[index]
    assert callable(whose)
    gone = [p for p in sock.pending if whose(p[2])]
    sock = sock._replace(pending=tuple(p for p in sock.pending if not whose(p[2])))
    w = _set(w, index, sock)
    for _, tag, *_ in gone:
        w = post(w, sock, tag, WSAError.WSA_OPERATION_ABORTED)
    return w


def _set(w: World, index: int, sock: Sock) -> World:
    return w._replace(sockets=(*w.sockets[:index], sock, *w.sockets[index + 1 :]))
