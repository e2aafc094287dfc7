"""A transparent cache of a model's pure functions, shared by every run of one configuration.

The model is pure (immutable states, ``execute`` a function of state and action) and a sweep
visits the same few hundred states thousands of times, so each transition, enabled-action list
and property check is computed once per process.  States are interned: every state this cache
hands out is the one canonical object for its value, kept alive here, so the caches can be
keyed by ``id`` instead of hashing a deep tuple each time (every state used as a key is kept
alive until the cache is cleared, so an ``id`` is never reused under it).  Results never depend
on the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, Protocol, TypeVar

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)
E = TypeVar("E")
T = TypeVar("T")
E_out = TypeVar("E_out", covariant=True)


class Executable(Protocol[S, A, E_out]):
    def init_states(self) -> Sequence[S]: ...
    def actions(self, state: S) -> Sequence[A]: ...
    def execute(self, state: S, action: A) -> tuple[S, E_out]: ...


class Memo(Generic[S, A, E]):
    """Caches ``execute``, ``actions`` and any per-state function of one model."""

    def __init__(self, model: Executable[S, A, E], limit: int = 400_000) -> None:
        self.model = model
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        self.canon: dict[S, S] = {}
        self.keepalive: list[S] = []
        # keyed by the action's type too: actions of different types may compare equal
        self.transitions: dict[tuple[int, type, A], tuple[S, E]] = {}
        self.per_state: dict[tuple[int, str], Any] = {}
        self.initial = self.intern(self.model.init_states()[0])

    def intern(self, state: S) -> S:
        found = self.canon.get(state)
        if found is None:
            if len(self.canon) >= self.limit or len(self.transitions) >= 4 * self.limit:
                self.clear()  # bounded memory
            self.canon[state] = found = state
        return found

    def execute(self, state: S, action: A) -> tuple[S, E]:
        """``model.execute`` for a canonical state; the next state is canonical too."""
        key = (id(state), type(action), action)
        hit = self.transitions.get(key)
        if hit is None:
            nxt, effect = self.model.execute(state, action)
            hit = (self.intern(nxt), effect)
            self.keepalive.append(state)
            self.transitions[key] = hit
        return hit

    def actions(self, state: S) -> Sequence[A]:
        return self.of(state, "actions", self.model.actions)

    def of(self, state: S, name: str, fn: Callable[[S], T]) -> T:
        """``fn(state)``, computed once per canonical state under ``name``."""
        key = (id(state), name)
        try:
            return self.per_state[key]  # type: ignore[no-any-return]
        except KeyError:
            self.keepalive.append(state)
            value = self.per_state[key] = fn(state)
            return value
