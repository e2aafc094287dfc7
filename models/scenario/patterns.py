"""The sharing patterns the scenario knows: what socket the source makes and what targets do.

The seed's ``handoff`` shares a connected TCP socket; ``listener`` is the prefork server (the
source binds and listens, hands the listening socket to its workers and closes its own; network
clients connect and every connection is accepted by some worker); ``datagram`` shares a bound UDP
socket whose datagrams every reader takes from one queue.  A pattern is data: the socket's kind,
the source's set-up calls after ``WSPSocket``, and the call a target serves with.  A new pattern
is a new row here, with its properties in ``properties.patterns``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wspshare.models.calls import FD_CLOSE, FD_READ
from wspshare.models.errors import ModelError
from wspshare.models.state import AF_INET, SOCK_DGRAM, TCP_V4, Kind


@dataclass(frozen=True)
class Pattern:
    """``setup``: the source's calls after WSPSocket, each one step ("connect", "bind",
    "listen"); ``serves``: what a target does once it holds its descriptor ("send": the seed's
    step 9; "accept" and "read": take connections or datagrams off the shared queue until the
    network has no more, a loop); ``events``: what the source registers for (R8); ``port``:
    where the network's clients find the socket."""

    name: str
    kind: Kind
    setup: tuple[str, ...]
    serves: str
    events: int = FD_READ | FD_CLOSE
    port: int = 0

    @property
    def loops(self) -> bool:
        """Targets serve the network's clients, not the seed's one data exchange."""
        return self.serves != "send"


HANDOFF = Pattern("handoff", TCP_V4, ("connect",), "send")
# The source of a serving pattern only hands its socket on, so it registers for FD_CLOSE alone:
# a registration for FD_ACCEPT or FD_READ would record each delivery (``Sock.signalled``) and
# double the state space for nothing the properties look at (delivery is tested call by call).
LISTENER = Pattern("listener", TCP_V4, ("bind", "listen"), "accept", FD_CLOSE, 80)
DATAGRAM = Pattern("datagram", (AF_INET, SOCK_DGRAM, 0), ("bind",), "read", FD_CLOSE, 53)
PATTERNS = {p.name: p for p in (HANDOFF, LISTENER, DATAGRAM)}


def pattern_named(name: str) -> Pattern:
    try:
        return PATTERNS[name]
    except KeyError:
        raise ModelError(
            f"no sharing pattern named {name!r}; choose one of: {', '.join(PATTERNS)}"
        ) from None
