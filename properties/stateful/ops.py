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
from wspshare.models.state import AF_INET, SOCK_STREAM

CATALOGS = (1001, 1002, 1003)
RAW_VALUES = (0, 3, 4, 8, 12, 16, 32, -4, 1 << 20)


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


class SpawnOp(NamedTuple):
    threads: int
    reuse: int  # slot whose pid to reuse, or -1 for a fresh pid


class ExitOp(NamedTuple):
    slot: int


class InjectOp(NamedTuple):
    slot: int
    error: WSAError


Op = CallOp | SpawnOp | ExitOp | InjectOp
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
    st.sampled_from((AF_INET, AF_INET, 23)),
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
)
event_ops = st.one_of(
    st.builds(SpawnOp, st.integers(1, 2), st.integers(-1, MAX_SLOTS)),
    st.builds(ExitOp, slots),
    st.builds(InjectOp, slots, st.sampled_from((WSAError.WSAENOBUFS, WSAError.WSAEMFILE))),
)
# Mostly calls (six in seven): the fuzz test counts calls; events keep processes coming and going.
ops: st.SearchStrategy[Op] = st.integers(0, 6).flatmap(lambda k: event_ops if k == 0 else call_ops)
