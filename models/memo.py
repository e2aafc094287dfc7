"""Remembering pure functions of immutable states: the model checker's cheapest speed-up.

A search meets the same world again and again: the seed's handoff with every fault has 32,379
states but only 271 distinct worlds, and its 39,331 SPI calls are 848 distinct (world, slot,
thread, call) questions; the rest of a state (registers, pipes, budgets) is what varies.  So a
semantic operation, or a property of the world alone, asked twice gets its first answer back.
The answer is the very object first built, so equal worlds reached by different paths become one
object (interned), which later lookups compare by identity.

Only for pure functions of hashable arguments: ``Semantics`` operations are (immutable states in,
immutable states out).  The table is cleared when it reaches ``limit`` entries, so memory stays
bounded on a big state space while the worlds of the current neighbourhood stay remembered.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

R = TypeVar("R")

LIMIT = 1 << 16  # entries before the table starts afresh


class Memo(Generic[R]):
    """``function`` with its answers remembered by positional arguments and their types (plain
    ``NamedTuple`` records compare by fields alone: ``WSPSend(4) == WSPRecv(4)``)."""

    __slots__ = ("function", "limit", "table")

    def __init__(self, function: Callable[..., R], limit: int = LIMIT) -> None:
        self.function = function
        self.limit = limit
        self.table: dict[tuple[Hashable, ...], R] = {}

    def __call__(self, *args: Hashable) -> R:
        table = self.table
        key = (*args, *map(type, args))
        try:
            return table[key]
        except KeyError:
            pass
        answer = self.function(*args)
        if len(table) >= self.limit:
            table.clear()
        table[key] = answer
        return answer

    def __getstate__(self) -> dict[str, Any]:  # a copy sent elsewhere starts with no table
        return {"function": self.function, "limit": self.limit}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.function = state["function"]
        self.limit = state["limit"]
        self.table = {}
