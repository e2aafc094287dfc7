"""What can happen to a world, as data Hypothesis can generate and shrink.

An op names its arguments indirectly (``DescPick``, ``InfoPick``, ``PidPick``) so that one op can be
drawn before the world it acts on exists: the driver resolves "the k-th descriptor of this
process", "a value that was closed", "another process's handle" or "the k-th protocol info made so
far" against the current world.  Bad input is part of the vocabulary: dead and unknown processes,
bad threads, stale, foreign and invalid descriptors, replayed, misdelivered and forged infos.
"""

from __future__ import annotations

from typing import NamedTuple

from hypothesis import strategies as st
from wspshare.models.calls import FD_ALL_EVENTS, FD_READ, FD_WRITE, KNOWN_OPTIONS
from wspshare.models.errors import WSAError
from wspshare.models.state import (
    AF_INET,
    AF_INET6,
    FROM_PROTOCOL_INFO,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_STREAM,
)

CATALOGS = (1001, 1002, 1003)
RAW_VALUES = (0, 3, 4, 8, 12, 16, 32, -4, 1 << 20)
AF_IPX = 6  # a family no installed provider supports (AF_INET6, 23, is one they do, R12)


class DescPick(NamedTuple):
    """A descriptor argument: ``own`` (a handle of the caller), ``foreign`` (another process's),
    ``stale`` (a value the caller closed), or ``raw`` (a literal, often invalid)."""

    source: str
    nth: int
    raw: int


class InfoPick(NamedTuple):
    """A protocol info: ``made`` (the index-th info a duplication returned; replayed or delivered
    to any process) or ``forged`` (built from the fields below)."""

    source: str
    nth: int
    catalog: int
    reserved: int
    family: int
    socket_type: int


class PidPick(NamedTuple):
    """A pid argument: the pid of the process in ``slot`` (alive or not) or a ``raw`` number."""

    slot: int
    raw: int


class CallOp(NamedTuple):
    slot: int
    thread: int
    name: str
    desc: DescPick
    info: InfoPick
    pid: PidPick
    catalog: int
    option: int
    value: int
    kind: tuple[int, int, int] = (FROM_PROTOCOL_INFO,) * 3  # WSPSocket's triple (R12)


class NetOp(NamedTuple):
    """The network: a client connects to ``port``, or a datagram for it arrives (R15)."""

    datagram: bool
    port: int
    ident: int


class PeerOp(NamedTuple):
    """The network: the peer of the ``nth`` socket (modulo how many there are) closes."""

    nth: int


class SpawnOp(NamedTuple):
    threads: int
    reuse: int  # slot whose pid to reuse, or -1 for a fresh pid


class ExitOp(NamedTuple):
    slot: int


class InjectOp(NamedTuple):
    slot: int
    error: WSAError


Op = CallOp | SpawnOp | ExitOp | InjectOp | NetOp | PeerOp
# The SPI calls an op can make (``claim`` is WSPSocket with a protocol info); the state machines
# and the z3 cross-check draw from these.
MAKING_CALLS = ("WSPSocket", "claim", "WSPDuplicateSocket")  # they make descriptors or infos
DATA_CALLS = (  # on a descriptor, making nothing
    "WSPConnect",
    "WSPSend",
    "WSPRecv",
    "WSPSetSockOpt",
    "WSPGetSockOpt",
    "WSPEventSelect",
    "WSPCloseSocket",
)
CALL_NAMES = (*MAKING_CALLS, *DATA_CALLS)
# The calls beyond the seed (R12, R15): the fuzz test, the call-level machine and the cross-check
# draw them (the cross-check without the overlapped ones, which the z3 twin does not encode).
ENDPOINT_CALLS = (
    "WSPSocketKind",  # WSPSocket with an arbitrary family, type and protocol
    "WSPBind",
    "WSPListen",
    "WSPAccept",
    "WSPSendTo",
    "WSPRecvFrom",
    "WSPShutdown",
    "WSPRecvOverlapped",  # WSPRecv with a WSAOVERLAPPED: may stay pending on the socket (R14)
    "WSPAcceptOverlapped",
)
PORTS = (0, 80, 80, 81, -1, 1 << 17)  # 0: the provider picks; the last two fit no sockaddr
MAX_SLOTS = 6

# Mostly the first processes; sometimes a slot that names no process at all.
slots = st.one_of(
    st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=MAX_SLOTS)
)
threads = st.integers(min_value=-1, max_value=2)  # -1 and 2 are usually bad
desc_picks = st.builds(
    DescPick,
    st.sampled_from(("own", "own", "own", "foreign", "stale", "raw")),
    st.integers(0, 7),
    st.sampled_from(RAW_VALUES),
)
info_picks = st.builds(
    InfoPick,
    st.sampled_from(("made", "made", "made", "forged")),
    st.integers(0, 7),
    st.sampled_from((*CATALOGS, 0, 2000)),
    st.integers(-1, 12),
    st.sampled_from((AF_INET, AF_INET, AF_IPX)),
    st.sampled_from((SOCK_STREAM, SOCK_STREAM, 2)),
)
pid_picks = st.builds(PidPick, st.integers(0, MAX_SLOTS), st.sampled_from((0, -1, 99, 7777)))
options = st.sampled_from((*KNOWN_OPTIONS, 0x7777))
values = st.sampled_from((0, 1, 4096, -1, FD_READ, FD_WRITE, FD_ALL_EVENTS, 0x400))
call_ops = st.builds(
    CallOp,
    slots,
    threads,
    st.sampled_from(CALL_NAMES),
    desc_picks,
    info_picks,
    pid_picks,
    st.sampled_from((*CATALOGS, 0, 1004)),
    options,
    values,
    # Given, not drawn: builds would otherwise draw the defaulted field, and a draw more would
    # change every derandomized example the seed's calls were tested with (the kill matrix).
    st.just((FROM_PROTOCOL_INFO,) * 3),
)
# Datagram sockets first among the types (Hypothesis favours the first choices), so that
# listen and accept on one, and the other datagram paths, come up in the fuzz.
kinds = st.tuples(
    st.sampled_from((FROM_PROTOCOL_INFO, 0, AF_INET, AF_INET6, AF_IPX)),
    st.sampled_from((SOCK_DGRAM, FROM_PROTOCOL_INFO, 0, SOCK_STREAM, 3)),
    st.sampled_from((FROM_PROTOCOL_INFO, 0, IPPROTO_TCP, IPPROTO_UDP, 99)),
)
endpoint_ops = st.builds(
    CallOp,
    st.sampled_from((0, 0, 1, 1, 2, MAX_SLOTS)),  # well aimed, so that calls also succeed
    st.sampled_from((0, 0, 1, -1)),
    st.sampled_from(ENDPOINT_CALLS),
    desc_picks,
    info_picks,
    pid_picks,
    st.sampled_from((*CATALOGS, 0)),
    options,
    st.sampled_from((*PORTS, 1, 2, 3, -1)),  # a port, a backlog or a shutdown's ``how``
    kinds,
)
net_ops = st.one_of(
    st.builds(NetOp, st.booleans(), st.sampled_from(PORTS), st.integers(1, 9)),
    st.builds(PeerOp, st.integers(0, 7)),
)
event_ops = st.one_of(
    st.builds(SpawnOp, st.integers(1, 2), st.integers(-1, MAX_SLOTS)),
    st.builds(ExitOp, slots),
    st.builds(InjectOp, slots, st.sampled_from((WSAError.WSAENOBUFS, WSAError.WSAEMFILE))),
)
# Mostly calls (six in seven, five in twelve of them beyond the seed): the fuzz test counts calls;
# events keep processes coming and going, and the network fills listening and datagram queues.
ops: st.SearchStrategy[Op] = st.integers(0, 13).flatmap(
    lambda k: event_ops if k == 0 else net_ops if k == 1 else endpoint_ops if k < 7 else call_ops
)
