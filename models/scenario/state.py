"""The handoff scenario's state: the world plus each process's program registers and the pipes.

Registers are per process (its threads share memory, R5); each thread has its own program
counter.  Ghost fields exist only for the properties and are named as such.
"""

from __future__ import annotations

from typing import NamedTuple

from wspshare.models.records import fast_replace
from wspshare.models.scenario.messages import Channel
from wspshare.models.state import ProtocolInfo, World

DONE = 99  # a program counter past the last step

# What each thread of a process is: the main thread runs the seed's steps, helpers use the socket.
MAIN = 0


@fast_replace
class SourceRegs(NamedTuple):
    pcs: tuple[int, ...]
    sock: int  # the descriptor, published to the helper threads once connected (0: none)
    sock_id: int  # ghost: the socket that descriptor was made for (-1: none)
    phases: tuple[int, ...]  # per target: how far its handoff got (M7: served in any order)
    pids: tuple[int, ...]  # per target: the pid learned in step 4 (0: not yet)
    pins: tuple[int, ...]  # per target: a process handle pinning that pid (0: none)
    infos: tuple[ProtocolInfo | None, ...]  # per target: the info made in step 5
    closed: bool  # the source has closed its descriptor (step 10)
    spare: int  # a variant's second descriptor (0: none)


@fast_replace
class TargetRegs(NamedTuple):
    pcs: tuple[int, ...]
    sock: int  # the shared descriptor once claimed (0: none)
    sock_id: int  # ghost
    info: ProtocolInfo | None  # the info received in step 7
    claimed: bool  # ghost: WSPSocket with the info succeeded
    extra: int  # a second descriptor, got by claiming a duplicated info again (R2 forbids it)
    chan: int  # which target of the source this is (its channel)
    worked: bool = False  # ghost: data went out through the claimed descriptor (step 9)
    conn: int = 0  # a connection accepted through the shared descriptor, not yet closed
    served: int = 0  # connections accepted or datagrams read through it (a worker's count)


@fast_replace
class StrangerRegs(NamedTuple):
    pcs: tuple[int, ...]
    sock: int  # a descriptor a forged info got it (0: none), which it must never get
    tries: int


Regs = SourceRegs | TargetRegs | StrangerRegs


@fast_replace
class HandoffState(NamedTuple):
    world: World
    regs: tuple[Regs, ...]  # one per process slot of the world
    chans: tuple[Channel, ...]  # one per target
    budget: tuple[int, ...]  # faults still allowed, in the order of ``Faults``' fields
    faulted: bool  # ghost: a fault or a timeout happened (liveness is claimed only without)
    stale_use: bool  # ghost: a thread reached a socket through a value not handed for it
    net: int = 0  # network clients that connected (or datagrams that arrived): ids 1..net
