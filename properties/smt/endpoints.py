"""The twin of the calls beyond the seed: bind, listen, accept, datagrams, shutdown, the network.

Mixed into ``properties.smt.twin.Twin`` as ``models.providers.endpoints.EndpointCalls`` is mixed
into ``Provider``, method for method and with the same error order (the reference pages of bind,
listen, accept, sendto, recvfrom and shutdown).  The network beyond the machine is three actions
of its own: a client connects (``Semantics.client_connects``), a datagram arrives
(``datagram_arrives``), the peer of a connected stream socket closes (``peer_closes``).

Gated by ``Bounds.queue``: with no queue cells the actions are not registered and the state has
no endpoint fields, so the seed's proofs keep their terms and their times.  With queue cells,
each socket has a kind (family and type; the protocol is the type's own), a port, a backlog, a
queue of ``queue`` cells, a ghost of what was taken off it (as many cells), the shutdown bits and
the network events delivered to its registration (R8).  An action that would need a queue or
taken cell beyond the bounds is disabled.  Overlapped operations and completion ports (R14) are
not encoded: a world with anything pending is outside the twin (``concrete.fits``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3
from wspshare.models.calls import (
    EPHEMERAL_PORT,
    FD_ACCEPT,
    FD_CLOSE,
    FD_READ,
    MAX_BACKLOG,
    MAX_PORT,
    SHUT_PEER,
    SHUT_RECEIVE,
    SHUT_SEND,
)
from wspshare.models.errors import WSAError as E
from wspshare.models.state import SOCK_DGRAM, SOCK_STREAM
from wspshare.properties.smt.outcome import Outcome, View, err, merge, ok
from wspshare.properties.smt.state import (
    CLOSED,
    CONNECTED,
    IFS_CATALOG,
    LISTENING,
    PENDING,
    WPU,
    Bounds,
    SymState,
    ite,
    pick,
    put,
)

Args = dict[str, Any]
DescriptorOp = Callable[[SymState, Any, int, View, Any], Outcome]
Action = Callable[[SymState, Args], Outcome]
SD_BITS = {0: SHUT_RECEIVE, 1: SHUT_SEND, 2: SHUT_RECEIVE | SHUT_SEND}  # WSPShutdown's ``how``


def has_bit(x: Any, bit: int) -> Any:
    """``x & bit`` for a non-negative integer term and a power of two."""
    return (x / bit) % 2 == 1


def with_bits(x: Any, bits: int) -> Any:
    """``x | bits`` for a non-negative integer term."""
    out = x
    for n in range(bits.bit_length()):
        bit = 1 << n
        if bits & bit:
            out = out + z3.If(has_bit(x, bit), 0, bit)
    return out


class EndpointCalls:
    """The endpoint actions; ``Twin`` supplies the dispatch and kernel helpers below."""

    b: Bounds

    # --- supplied by Twin ------------------------------------------------------------------------
    def data_call(self, s: SymState, a: Args, op: DescriptorOp, allocates: bool = False) -> Outcome:
        raise NotImplementedError

    def on_live(
        self, s: SymState, slot: Any, value: Any, cat: int, d: View, body: Callable[[Any], Outcome]
    ) -> Outcome:
        raise NotImplementedError

    def issue(self, o: Outcome, slot: Any) -> Outcome:
        raise NotImplementedError

    def new_socket(
        self, s: SymState, cat: Any, kind: tuple[Any, Any] | None = None
    ) -> tuple[Any, SymState, Any]:
        raise NotImplementedError

    def add_handle(
        self, s: SymState, slot: Any, obj: Any, cat: Any, kind: Any
    ) -> tuple[Any, SymState, Any]:
        raise NotImplementedError

    def hand_out(self, s: SymState, slot: Any, value: Any) -> Outcome:
        raise NotImplementedError

    def send_body(self, s: SymState, k: Any) -> Outcome:
        raise NotImplementedError

    def recv_body(self, s: SymState, k: Any) -> Outcome:
        raise NotImplementedError

    # --- registration ----------------------------------------------------------------------------
    @property
    def endpoints(self) -> bool:
        """Whether the bounds hold the endpoint state (and the actions below are registered)."""
        return self.b.queue > 0

    def endpoint_actions(self) -> dict[str, tuple[tuple[str, ...], Action]]:
        return {
            "WSPBind": (("slot", "thread", "s", "port"), self.WSPBind),
            "WSPListen": (("slot", "thread", "s", "backlog"), self.WSPListen),
            "WSPAccept": (("slot", "thread", "s"), self.WSPAccept),
            "WSPSendTo": (("slot", "thread", "s", "port"), self.WSPSendTo),
            "WSPRecvFrom": (("slot", "thread", "s"), self.WSPRecvFrom),
            "WSPShutdown": (("slot", "thread", "s", "how"), self.WSPShutdown),
            "ClientConnects": (("port", "ident"), self.ClientConnects),
            "DatagramArrives": (("port", "ident"), self.DatagramArrives),
            "PeerCloses": (("sock",), self.PeerCloses),
        }

    # --- socket fields ---------------------------------------------------------------------------
    def is_stream(self, s: SymState, k: Any) -> Any:
        return pick(s.stype, k, SOCK_STREAM) == SOCK_STREAM

    def init_endpoint(self, s: SymState, k: Any, kind: tuple[Any, Any] | None) -> SymState:
        """``Kernel.new_socket``'s defaults for the endpoint fields of new socket ``k``."""
        if not self.endpoints:
            return s
        family, stype = kind if kind is not None else (z3.IntVal(2), z3.IntVal(SOCK_STREAM))
        zero = z3.IntVal(0)
        empty = [zero] * self.b.queue
        return s.with_(
            family=put(s.family, k, family),
            stype=put(s.stype, k, stype),
            port=put(s.port, k, zero),
            backlog=put(s.backlog, k, zero),
            qlen=put(s.qlen, k, zero),
            queue=[ite(k == n, empty, q) for n, q in enumerate(s.queue)],
            ntaken=put(s.ntaken, k, zero),
            taken=[ite(k == n, empty, q) for n, q in enumerate(s.taken)],
            origin=put(s.origin, k, z3.IntVal(-1)),
            shut=put(s.shut, k, zero),
            signalled=put(s.signalled, k, zero),
        )

    def port_taken(self, s: SymState, k: Any, port: Any) -> Any:
        """``port_taken``: an open socket of ``k``'s family and type is bound to ``port``."""
        return z3.Or(
            [
                z3.And(
                    n < s.nsocks,
                    s.port[n] == port,
                    s.status[n] != CLOSED,
                    s.family[n] == pick(s.family, k, -1),
                    s.stype[n] == pick(s.stype, k, -1),
                )
                for n in range(self.b.sockets)
            ]
        )

    def free_port(self, s: SymState, k: Any) -> Any:
        """``free_port``: the lowest ephemeral port nobody of the kind holds (one of S+1)."""
        out: Any = z3.IntVal(EPHEMERAL_PORT + self.b.sockets)
        for i in reversed(range(self.b.sockets)):
            out = z3.If(z3.Not(self.port_taken(s, k, EPHEMERAL_PORT + i)), EPHEMERAL_PORT + i, out)
        return out

    def enqueue(self, s: SymState, k: Any, ident: Any) -> tuple[Any, SymState]:
        """(room, state): ``ident`` appended to ``k``'s queue."""
        n = pick(s.qlen, k, 0)
        queue = [
            [z3.If(z3.And(k == m, n == c), ident, x) for c, x in enumerate(q)]
            for m, q in enumerate(s.queue)
        ]
        return n < self.b.queue, s.with_(queue=queue, qlen=put(s.qlen, k, n + 1))

    def dequeue(self, s: SymState, k: Any) -> tuple[Any, Any, SymState]:
        """(room, first, state): ``EndpointCalls.dequeue``, the first entry off the queue and
        onto the taken ghost, exactly once."""
        first = pick([q[0] for q in s.queue], k, z3.IntVal(0))
        t = pick(s.ntaken, k, 0)
        last = self.b.queue - 1
        queue = [
            ite(k == m, [*q[1:], z3.IntVal(0)], q) if last else ite(k == m, [z3.IntVal(0)], q)
            for m, q in enumerate(s.queue)
        ]
        taken = [
            [z3.If(z3.And(k == m, t == c), first, x) for c, x in enumerate(q)]
            for m, q in enumerate(s.taken)
        ]
        post = s.with_(
            queue=queue,
            qlen=put(s.qlen, k, pick(s.qlen, k, 0) - 1),
            taken=taken,
            ntaken=put(s.ntaken, k, t + 1),
        )
        return t < self.b.queue, first, post

    def signal(self, s: SymState, k: Any, event: int) -> SymState:
        """``overlapped.signal``: the one registration (R8) gets ``event`` if it asked for it
        and has not been sent it yet."""
        sig = pick(s.signalled, k, 0)
        wanted = z3.And(pick(s.nev, k, 0) >= 1, has_bit(pick(s.ev_mask, k, 0), event))
        fresh = z3.And(wanted, z3.Not(has_bit(sig, event)))
        return s.with_(signalled=put(s.signalled, k, z3.If(fresh, sig + event, sig)))

    # --- calls on a descriptor -------------------------------------------------------------------
    def on_socket(self, s: SymState, a: Args, body: Callable[[SymState, Any], Outcome]) -> Outcome:
        """A call on the live socket a descriptor names (WSAENOTSOCK otherwise)."""

        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            return self.on_live(st, slot, value, cat, d, lambda k: body(st, k))

        return self.data_call(s, a, op)

    def WSPBind(self, s: SymState, a: Args) -> Outcome:
        port = a["port"]

        def body(st: SymState, k: Any) -> Outcome:
            chosen = z3.If(port == 0, self.free_port(st, k), port)
            return merge(
                [
                    (pick(st.port, k, 0) != 0, err(st, E.WSAEINVAL)),
                    (z3.Or(port < 0, port > MAX_PORT), err(st, E.WSAEFAULT)),
                    (z3.And(port != 0, self.port_taken(st, k, port)), err(st, E.WSAEADDRINUSE)),
                ],
                ok(z3.IntVal(0), st.with_(port=put(st.port, k, chosen))),
            )

        return self.on_socket(s, a, body)

    def WSPListen(self, s: SymState, a: Args) -> Outcome:
        backlog = a["backlog"]

        def body(st: SymState, k: Any) -> Outcome:
            status = pick(st.status, k, -1)
            limit = z3.If(backlog < 1, 1, z3.If(backlog > MAX_BACKLOG, MAX_BACKLOG, backlog))
            post = st.with_(
                status=put(st.status, k, z3.IntVal(LISTENING)),
                backlog=put(st.backlog, k, limit),
            )
            return merge(
                [
                    (z3.Not(self.is_stream(st, k)), err(st, E.WSAEOPNOTSUPP)),
                    (status == CONNECTED, err(st, E.WSAEISCONN)),
                    (pick(st.port, k, 0) == 0, err(st, E.WSAEINVAL)),
                    (status == LISTENING, ok(z3.IntVal(0), st)),
                ],
                ok(z3.IntVal(0), post),
            )

        return self.on_socket(s, a, body)

    def WSPAccept(self, s: SymState, a: Args) -> Outcome:
        """A plain accept (the overlapped one is not encoded): R15, a new socket of its own."""

        def op(st: SymState, slot: Any, cat: int, d: View, value: Any) -> Outcome:
            def body(k: Any) -> Outcome:
                return merge(
                    [
                        (z3.Not(self.is_stream(st, k)), err(st, E.WSAEOPNOTSUPP)),
                        (pick(st.status, k, -1) != LISTENING, err(st, E.WSAEINVAL)),
                        (pick(st.qlen, k, 0) == 0, err(st, E.WSAEWOULDBLOCK)),
                    ],
                    self.accept_first(st, slot, cat, k),
                )

            return self.on_live(st, slot, value, cat, d, body)

        return self.issue(self.data_call(s, a, op, allocates=True), a["slot"])

    def accept_first(self, s: SymState, slot: Any, cat: int, k: Any) -> Outcome:
        """``accept_first``: the first connection leaves the backlog and becomes a connected
        socket with one descriptor of the accepting process; a failure keeps the connection."""
        room_taken, client, s1 = self.dequeue(s, k)
        kind = (pick(s.family, k, 0), pick(s.stype, k, 0))
        room, s2, conn = self.new_socket(s1, z3.IntVal(cat), kind)
        handle_kind = PENDING if cat == IFS_CATALOG else WPU
        made_handle, s3, value = self.add_handle(s2, slot, conn, z3.IntVal(cat), handle_kind)
        made = self.hand_out(s3, slot, value) if cat == IFS_CATALOG else ok(value, s3)
        post = made.post.with_(
            status=put(made.post.status, conn, z3.IntVal(CONNECTED)),
            inbox=put(made.post.inbox, conn, z3.IntVal(1)),  # the client greets
            origin=put(made.post.origin, conn, client),
        )
        out = merge([(made_handle, made._replace(post=post))], err(s, E.WSAEMFILE))
        fits = z3.Or(z3.Not(made_handle), z3.And(room, room_taken))
        return out._replace(enabled=z3.And(out.enabled, fits))

    def WSPSendTo(self, s: SymState, a: Args) -> Outcome:
        port = a["port"]

        def body(st: SymState, k: Any) -> Outcome:
            bound = z3.If(pick(st.port, k, 0) != 0, pick(st.port, k, 0), self.free_port(st, k))
            post = st.with_(
                port=put(st.port, k, bound), sent=put(st.sent, k, pick(st.sent, k, 0) + 1)
            )
            datagram = merge(
                [
                    (z3.Or(port < 0, port > MAX_PORT), err(st, E.WSAEFAULT)),
                    (port == 0, err(st, E.WSAEADDRNOTAVAIL)),
                    (has_bit(pick(st.shut, k, 0), SHUT_SEND), err(st, E.WSAESHUTDOWN)),
                ],
                ok(z3.IntVal(0), post),
            )
            return merge([(self.is_stream(st, k), self.send_body(st, k))], datagram)

        return self.on_socket(s, a, body)

    def WSPRecvFrom(self, s: SymState, a: Args) -> Outcome:
        def body(st: SymState, k: Any) -> Outcome:
            return merge([(self.is_stream(st, k), self.recv_body(st, k))], self.datagram(st, k))

        return self.on_socket(s, a, body)

    def datagram(self, s: SymState, k: Any) -> Outcome:
        """``recvfrom`` on a datagram socket: the first datagram, read once."""
        room, first, post = self.dequeue(s, k)
        out = merge(
            [
                (pick(s.port, k, 0) == 0, err(s, E.WSAEINVAL)),
                (has_bit(pick(s.shut, k, 0), SHUT_RECEIVE), err(s, E.WSAESHUTDOWN)),
                (pick(s.qlen, k, 0) == 0, err(s, E.WSAEWOULDBLOCK)),
            ],
            ok(first, post),
        )
        return out._replace(enabled=z3.Or(out.error != 0, room))

    def WSPShutdown(self, s: SymState, a: Args) -> Outcome:
        how = a["how"]

        def body(st: SymState, k: Any) -> Outcome:
            shut = pick(st.shut, k, 0)
            after: Any = with_bits(shut, SD_BITS[2])
            for n in (1, 0):
                after = z3.If(how == n, with_bits(shut, SD_BITS[n]), after)
            connected = pick(st.status, k, -1) == CONNECTED
            return merge(
                [
                    (z3.Or(how < 0, how > 2), err(st, E.WSAEINVAL)),
                    (z3.And(self.is_stream(st, k), z3.Not(connected)), err(st, E.WSAENOTCONN)),
                ],
                ok(z3.IntVal(0), st.with_(shut=put(st.shut, k, after))),
            )

        return self.on_socket(s, a, body)

    # --- the network beyond the machine ----------------------------------------------------------
    def first_socket(self, s: SymState, wanted: Callable[[int], Any]) -> Any:
        """The index of the first existing socket with ``wanted(k)``, or -1."""
        out: Any = z3.IntVal(-1)
        for k in reversed(range(self.b.sockets)):
            out = z3.If(z3.And(k < s.nsocks, wanted(k)), k, out)
        return out

    def arrive(self, s: SymState, k: Any, ident: Any, event: int, has_room: Any) -> Outcome:
        """``ident`` queued on socket ``k`` (value 1), signalled to its registration; nothing
        changes when ``k`` is -1 or ``has_room`` fails (value 0, the network's refusal)."""
        room, queued = self.enqueue(s, k, ident)
        post = self.signal(queued, k, event)
        accepted = z3.And(k >= 0, has_room)
        return Outcome(
            z3.Or(z3.Not(accepted), room),
            z3.IntVal(0),
            z3.If(accepted, 1, 0),
            ite(accepted, post, s),
        )

    def ClientConnects(self, s: SymState, a: Args) -> Outcome:
        """``client_connects``: queued on the socket listening at the port if its backlog has
        room (FD_ACCEPT), refused otherwise."""
        k = self.first_socket(s, lambda n: z3.And(s.status[n] == LISTENING, s.port[n] == a["port"]))
        has_room = pick(s.qlen, k, 0) < pick(s.backlog, k, 0)
        return self.arrive(s, k, a["ident"], FD_ACCEPT, has_room)

    def DatagramArrives(self, s: SymState, a: Args) -> Outcome:
        """``datagram_arrives``: queued on the open datagram socket bound to the port (FD_READ),
        dropped when there is none."""

        def bound_here(n: int) -> Any:
            return z3.And(s.status[n] != CLOSED, s.port[n] == a["port"], s.stype[n] == SOCK_DGRAM)

        k = self.first_socket(s, bound_here)
        return self.arrive(s, k, a["ident"], FD_READ, z3.BoolVal(True))

    def PeerCloses(self, s: SymState, a: Args) -> Outcome:
        """``peer_closes``: the remote end of connected stream socket ``sock`` closes; FD_CLOSE
        reaches the one registration, and reads past the data read end of stream."""
        k = a["sock"]
        shut = pick(s.shut, k, 0)
        live = z3.And(
            k >= 0,
            k < s.nsocks,
            pick(s.status, k, -1) == CONNECTED,
            self.is_stream(s, k),
            z3.Not(has_bit(shut, SHUT_PEER)),
        )
        post = self.signal(s.with_(shut=put(s.shut, k, shut + SHUT_PEER)), k, FD_CLOSE)
        return Outcome(z3.BoolVal(True), z3.IntVal(0), z3.If(live, 1, 0), ite(live, post, s))
