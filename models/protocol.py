"""The shape every checkable system has: states, enabled actions, a transition, named properties.

The model checker, the simulator and the Hypothesis machines are generic over this protocol, so
the Winsock handoff is one user of it and a toy model in the tests is another (Stateright's
``Model`` trait is the pattern).  States must be immutable and hashable; actions are small frozen
records whose ``str`` reads like a line of the seed's table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, Protocol, TypeVar

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)


class Expectation(Enum):
    """How a property quantifies over behaviours (Stateright's always/sometimes/eventually)."""

    ALWAYS = "always"  # holds in every reachable state (a safety invariant)
    EVENTUALLY = "eventually"  # every fair maximal path reaches a state where it holds (liveness)
    SOMETIMES = "sometimes"  # some reachable state satisfies it (a reachability witness)


@dataclass(frozen=True)
class Property(Generic[S]):
    """A named claim about the model, traceable to the rule of SPEC.md it encodes."""

    name: str
    rule: str
    expectation: Expectation
    holds: Callable[[S], bool] = field(compare=False)
    explanation: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.expectation.value}, {self.rule})"


class Model(Protocol[S, A]):
    """A transition system that the checkers and the simulator can drive."""

    def init_states(self) -> Sequence[S]:
        """The states a behaviour may start in."""
        ...

    def actions(self, state: S) -> Iterable[A]:
        """The actions enabled in ``state``, in a deterministic order."""
        ...

    def next_state(self, state: S, action: A) -> S:
        """The state after ``action``; only called with an action enabled in ``state``."""
        ...

    def properties(self) -> Sequence[Property[S]]:
        """The named properties the checkers verify."""
        ...

    def is_final(self, state: S) -> bool:
        """True where a behaviour may legitimately stop (so an empty ``actions`` is no deadlock)."""
        ...

    def is_fair(self, action: A) -> bool:
        """True for actions weak fairness applies to (thread steps, message delivery); false for
        faults such as a crash or a lost message, which a fair scheduler need never take."""
        ...

    def representative(self, state: S) -> S:
        """A canonical member of ``state``'s symmetry class (identity when there is no symmetry)."""
        ...
