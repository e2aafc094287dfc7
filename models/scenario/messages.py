"""The IPC channel between the source and one target: a pipe with a queue each way (M5)."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from wspshare.models.records import fast_replace
from wspshare.models.state import ProtocolInfo


class Kind(IntEnum):
    PID_REQUEST = 0  # step 2
    PID_REPLY = 1  # step 3-4, payload: the target's pid
    INFO = 2  # step 6-7, payload: the special WSAPROTOCOL_INFO
    ACK = 3  # step 10's arrow, payload: 1 when the target holds its descriptor, 0 when it failed


class Message(NamedTuple):
    kind: Kind
    payload: int | ProtocolInfo | None = None

    def __str__(self) -> str:
        return self.kind.name if self.payload is None else f"{self.kind.name}({self.payload})"


class Direction(IntEnum):
    DOWN = 0  # source to target
    UP = 1  # target to source


Queue = tuple[Message, ...]


@fast_replace
class Channel(NamedTuple):
    """Messages readable at each end (``inbox``) and, with explicit delivery, still on the wire."""

    inbox: tuple[Queue, Queue]
    wire: tuple[Queue, Queue]
    open_ends: tuple[bool, bool]  # the source's end, the target's end: a closed end breaks reads

    @staticmethod
    def fresh() -> Channel:
        return Channel(((), ()), ((), ()), (True, True))

    def put(self, direction: Direction, message: Message, explicit: bool) -> Channel:
        if explicit:
            return self._replace(wire=_push(self.wire, direction, message))
        return self._replace(inbox=_push(self.inbox, direction, message))

    def deliver(self, direction: Direction) -> Channel:
        head, *rest = self.wire[direction]
        wire = _set(self.wire, direction, tuple(rest))
        return Channel(_push(self.inbox, direction, head), wire, self.open_ends)

    def take(self, direction: Direction) -> tuple[Message, Channel]:
        head, *rest = self.inbox[direction]
        return head, self._replace(inbox=_set(self.inbox, direction, tuple(rest)))

    def close_end(self, end: int) -> Channel:
        ends = (False, self.open_ends[1]) if end == 0 else (self.open_ends[0], False)
        return self._replace(open_ends=ends)


def _set(pair: tuple[Queue, Queue], direction: int, queue: Queue) -> tuple[Queue, Queue]:
    return (queue, pair[1]) if direction == 0 else (pair[0], queue)


def _push(pair: tuple[Queue, Queue], direction: int, message: Message) -> tuple[Queue, Queue]:
    return _set(pair, direction, (*pair[direction], message))
