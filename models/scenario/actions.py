"""The actions of the handoff model: a thread's next step, an IPC delivery, and faults (M5).

Each is a small frozen record; its ``str`` is what the checker prints on a counterexample path.
"""

from __future__ import annotations

from typing import NamedTuple

from wspshare.models.errors import WSAError
from wspshare.models.records import fast_replace
from wspshare.models.scenario.messages import Direction


class Step(NamedTuple):
    """Thread ``thread`` of the process in ``slot`` takes its next step (``target`` selects which
    target the source serves, M7; -1 otherwise)."""

    slot: int
    thread: int
    label: str
    target: int = -1

    def __str__(self) -> str:
        on = f" [target {self.target}]" if self.target >= 0 else ""
        return f"P{self.slot}.T{self.thread}: {self.label}{on}"


class Deliver(NamedTuple):
    chan: int
    direction: Direction

    def __str__(self) -> str:
        return f"ipc{self.chan}: deliver {self.direction.name}"


class Timeout(NamedTuple):
    slot: int
    thread: int
    target: int = -1

    def __str__(self) -> str:
        on = f" [target {self.target}]" if self.target >= 0 else ""
        return f"P{self.slot}.T{self.thread}: receive times out{on}"


class Crash(NamedTuple):
    slot: int

    def __str__(self) -> str:
        return f"fault: P{self.slot} crashes"


class Lose(NamedTuple):
    chan: int
    direction: Direction
    on_wire: bool
    position: int

    def __str__(self) -> str:
        return f"fault: ipc{self.chan} {self.direction.name} loses message {self.position}"


class Duplicate(NamedTuple):
    chan: int
    direction: Direction
    on_wire: bool
    position: int

    def __str__(self) -> str:
        return f"fault: ipc{self.chan} {self.direction.name} duplicates message {self.position}"


class Reorder(NamedTuple):
    chan: int
    direction: Direction
    on_wire: bool

    def __str__(self) -> str:
        return f"fault: ipc{self.chan} {self.direction.name} swaps its first two messages"


class ReusePid(NamedTuple):
    dead_slot: int

    def __str__(self) -> str:
        return f"fault: a new process reuses the pid of P{self.dead_slot}"


class Exhaust(NamedTuple):
    slot: int
    error: WSAError = WSAError.WSAENOBUFS

    def __str__(self) -> str:
        return f"fault: P{self.slot}'s next allocation fails with {self.error}"


class Arrive(NamedTuple):
    """The network: client ``ident`` connects to the listening socket, or datagram ``ident``
    arrives at the datagram socket (R15).  Not a fault: a fair scheduler lets it happen."""

    ident: int
    datagram: bool = False

    def __str__(self) -> str:
        if self.datagram:
            return f"net: datagram {self.ident} arrives"
        return f"net: client {self.ident} connects"


Action = Step | Deliver | Timeout | Crash | Lose | Duplicate | Reorder | ReusePid | Exhaust | Arrive
FAULTS = (Crash, Lose, Duplicate, Reorder, ReusePid, Exhaust, Timeout)
ACTION_TYPES = (
    Step, Deliver, Timeout, Crash, Lose, Duplicate, Reorder, ReusePid, Exhaust, Arrive,
)  # fmt: skip


def _same_action(self: tuple[object, ...], other: object) -> bool:
    return type(self) is type(other) and tuple.__eq__(self, other)


def _other_action(self: tuple[object, ...], other: object) -> bool:
    return not _same_action(self, other)


def _action_hash(self: tuple[object, ...]) -> int:
    return hash((type(self).__name__, *self))


# Plain NamedTuples compare by fields alone, so Crash(1) would equal ReusePid(1): an action's
# type is part of what it is.
for _action_type in ACTION_TYPES:
    setattr(_action_type, "__eq__", _same_action)  # noqa: B010
    setattr(_action_type, "__ne__", _other_action)  # noqa: B010
    setattr(_action_type, "__hash__", _action_hash)  # noqa: B010


@fast_replace
class Effect(NamedTuple):
    """What an action did, for traces: the seed's step number (0 for none), the call and result."""

    slot: int
    thread: int
    seed_step: int
    call: str
    result: str
    descriptor: int = 0
