"""What a check returns: verdicts, counterexample paths and statistics, as plain frozen values.

Nothing here prints; the command line and the notebooks render these values.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from wspshare.models.protocol import Expectation, Property

from .path import Path

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)


class Verdict(Enum):
    """The outcome for one property."""

    HOLDS = "holds"  # ALWAYS / EVENTUALLY, search complete, no counterexample
    VIOLATED = "violated"  # ALWAYS / EVENTUALLY, with a counterexample path
    WITNESS_FOUND = "witness found"  # SOMETIMES, with the witness path
    NOT_FOUND = "not found"  # SOMETIMES, search complete, no witness
    UNKNOWN = "unknown"  # a bound was hit (or the strategy cannot decide) before an answer

    @staticmethod
    def decide(expectation: Expectation, found: bool, complete: bool) -> Verdict:
        """The verdict when a discovery (counterexample or witness) was or was not ``found``."""
        if expectation is Expectation.SOMETIMES:
            return (
                Verdict.WITNESS_FOUND
                if found
                else Verdict.NOT_FOUND
                if complete
                else Verdict.UNKNOWN
            )
        return Verdict.VIOLATED if found else Verdict.HOLDS if complete else Verdict.UNKNOWN


@dataclass(frozen=True)
class PropertyResult(Generic[S, A]):
    """The verdict on one property, with the path that shows it when there is one."""

    prop: Property[S]
    verdict: Verdict
    path: Path[S, A] | None = None
    note: str = ""

    @property
    def name(self) -> str:
        return self.prop.name

    @property
    def failed(self) -> bool:
        """A verdict that signals a bug: a violation, or a SOMETIMES property never witnessed."""
        return self.verdict in (Verdict.VIOLATED, Verdict.NOT_FOUND)


@dataclass(frozen=True)
class Progress:
    """A snapshot handed to the ``progress`` callback while a search runs."""

    states: int
    transitions: int
    frontier: int
    depth: int
    seconds: float
    max_states: int | None


@dataclass(frozen=True)
class Statistics:
    """How much the search did and what it cost."""

    strategy: str
    states: int  # distinct stored fingerprints (representatives under symmetry)
    transitions: int
    max_depth: int
    seconds: float  # the whole check: search, liveness analysis and path replay
    bytes_per_state: (
        float  # estimated size of the visited-state store per state (no liveness graph)
    )
    por: bool = False  # partial-order reduction was applied
    reduced: int = 0  # states expanded through a persistent set rather than every action

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class CheckResult(Generic[S, A]):
    """Everything one check found."""

    properties: tuple[PropertyResult[S, A], ...]
    deadlocks: tuple[Path[S, A], ...]  # the first few, shortest first under BFS
    deadlock_count: int
    statistics: Statistics
    complete: bool  # every reachable state was explored (no bound hit, no early stop)
    interrupted: bool = False  # Ctrl-C stopped the search: the result is partial
    stopped: bool = False  # the search ended at its first violation (``stop_at_first``)

    def __getitem__(self, name: str) -> PropertyResult[S, A]:
        for result in self.properties:
            if result.name == name:
                return result
        known = ", ".join(r.name for r in self.properties)
        raise KeyError(f"no property named {name!r}; the model has: {known}")

    @property
    def ok(self) -> bool:
        """No violation, no unwitnessed SOMETIMES property and no deadlock."""
        return self.deadlock_count == 0 and not any(r.failed for r in self.properties)

    def by_expectation(self, expectation: Expectation) -> list[PropertyResult[S, A]]:
        return [r for r in self.properties if r.prop.expectation is expectation]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready digest (verdicts and counts, without paths)."""
        stats = self.statistics
        return {
            "complete": self.complete,
            "interrupted": self.interrupted,
            "stopped_at_first_violation": self.stopped,
            "deadlocks": self.deadlock_count,
            "properties": {r.name: r.verdict.value for r in self.properties},
            "states": stats.states,
            "transitions": stats.transitions,
            "max_depth": stats.max_depth,
            "seconds": round(stats.seconds, 3),
        }
