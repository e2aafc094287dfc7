"""Breadth- and depth-first exploration of the reachable states, storing fingerprints only.

The store, ``parents``, maps fingerprint -> (parent fingerprint, action position), where the
position indexes ``model.actions(parent_state)`` and an initial state has parent ``None`` and its
position in ``model.init_states()``; it is a ``store.StateStore`` (flat arrays and an
open-addressing table, about 23 to 31 bytes per state where a dict took about 130), and the search
works with its indices, a frontier entry carrying its state's index for its children's parent.
No state is kept after it leaves the frontier; a path is rebuilt by replaying positions from the
initial state (``path.replay``), which needs the model to be deterministic.  Breadth-first order
makes every rebuilt path a shortest one.

Symmetry: the search expands real states and deduplicates by the fingerprint of
``model.representative(state)``.  The state expanded for a class is the first real member found,
and replay reproduces exactly that member, so every rebuilt path is a real behaviour that ends in
the real state that was checked; no action needs to be mapped through a permutation.

What happens at each state is the caller's business, through a ``Visitor``.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from wspshare.models.protocol import Model

from .fingerprint import Fingerprint, fast_fingerprint
from .por import Persistent, ample
from .result import Progress
from .safepoints import Interrupts, deferred_interrupts
from .store import StateStore

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)
S_contra = TypeVar("S_contra", bound=Hashable, contravariant=True)

Parents = StateStore  # fingerprint -> (parent fingerprint or None, action position)
Edge = tuple[int, A, int]  # (action position, action, successor fingerprint)
Move = tuple[int, A, S, int]  # Move[A, S]: (position, action, successor, its fingerprint)
Entry = tuple[S, int, int, int]  # Entry[S]: a frontier entry (state, fingerprint, index, depth)

_CLOCK_EVERY = 512  # expansions between clock reads
_PROGRESS_SECONDS = 0.2


class Visitor(Protocol[S_contra, A]):
    """Callbacks of one exploration.  ``visit`` returns True to stop the search, and so may
    ``expanded`` (a deadlock is only known once a state is expanded)."""

    def visit(self, key: int, state: S_contra, depth: int) -> bool: ...

    def expanded(
        self, key: int, state: S_contra, enabled: int, edges: list[Edge[A]], depth: int
    ) -> bool | None: ...


@dataclass
class Exploration(Generic[S, A]):
    """What an exploration leaves behind: the parent map and the counters."""

    parents: Parents
    key_of: Callable[[S], int]
    transitions: int = 0
    max_depth: int = 0
    seconds: float = 0.0
    complete: bool = True  # False when a bound cut the search or the visitor stopped it
    interrupted: bool = False  # Ctrl-C stopped it
    reduced: int = 0  # states expanded through a persistent set only (partial-order reduction)

    def chain(self, key: int) -> tuple[int, list[int]]:
        """The initial-state position and action positions leading to ``key``."""
        return self.parents.chain(key)

    def bytes_per_state(self) -> float:
        """Bytes the store takes per stored state: ``sys.getsizeof`` of the store, which is its
        object and its arrays' allocated buffers (the hash table included), over the count."""
        if not self.parents:
            return 0.0
        return sys.getsizeof(self.parents) / len(self.parents)


def explore(
    model: Model[S, A],
    visitor: Visitor[S, A],
    *,
    depth_first: bool = False,
    symmetry: bool = False,
    fingerprint: Fingerprint = fast_fingerprint,
    max_states: int | None = None,
    max_depth: int | None = None,
    max_seconds: float | None = None,
    record_edges: bool = False,
    progress: Callable[[Progress], None] | None = None,
    partial_on_interrupt: bool = False,
    persistent: Persistent[S, A] | None = None,
) -> Exploration[S, A]:
    """Explore from the initial states, calling ``visitor`` on each new state and expansion.

    ``partial_on_interrupt``: Ctrl-C ends the search and returns what it explored, marked
    ``interrupted`` (for a command that reports partial work); otherwise it propagates.
    ``persistent``: partial-order reduction (``por``); ``transitions`` then counts the
    transitions taken, and a state's enabled actions are still all counted for deadlocks."""
    key_of: Callable[[S], int] = fingerprint
    if symmetry:
        representative = model.representative

        def key_of(state: S) -> int:
            return fingerprint(representative(state))

    parents = StateStore()
    result: Exploration[S, A] = Exploration(parents, key_of)
    start = time.monotonic()
    frontier: deque[Entry[S]] = deque()
    try:
        # Ctrl-C is raised between expansions only (``safepoints``): an interrupt in the middle
        # of one would leave the store, or a model's memo tables, half-updated.
        with deferred_interrupts() as interrupts:
            for position, state in enumerate(model.init_states()):
                key = key_of(state)
                index = parents.add(key, -1, position)
                if index >= 0:
                    frontier.append((state, key, index, 0))
                    if visitor.visit(key, state, 0):
                        result.complete = False
                        frontier.clear()
                        break
            pop = frontier.pop if depth_first else frontier.popleft
            _search(model, visitor, result, frontier, pop, start, max_states, max_depth,
                    max_seconds, record_edges, progress, persistent, interrupts)  # fmt: skip
    except KeyboardInterrupt:
        if not partial_on_interrupt:
            raise
        # Ctrl-C: what was explored so far is a valid, incomplete exploration; the caller
        # reports it as partial.  A state stored just before the interrupt may not have been
        # visited, which is harmless because an incomplete search decides nothing it did not see.
        result.complete = False
        result.interrupted = True
    result.seconds = time.monotonic() - start
    if progress is not None:
        progress(
            Progress(
                len(parents),
                result.transitions,
                len(frontier),
                result.max_depth,
                result.seconds,
                max_states,
            )
        )
    return result


def _search(
    model: Model[S, A],
    visitor: Visitor[S, A],
    result: Exploration[S, A],
    frontier: deque[Entry[S]],
    pop: Callable[[], Entry[S]],
    start: float,
    max_states: int | None,
    max_depth: int | None,
    max_seconds: float | None,
    record_edges: bool,
    progress: Callable[[Progress], None] | None,
    persistent: Persistent[S, A] | None,
    interrupts: Interrupts,
) -> None:
    """The search loop proper: expand frontier states until the frontier is empty, a bound
    is hit or the visitor stops it; a Ctrl-C noted in ``interrupts`` is raised before the next
    expansion."""
    parents, key_of = result.parents, result.key_of
    add = parents.add
    actions, next_state, expansions = model.actions, model.next_state, 0
    room = max_states if max_states is not None else -1
    last_report = start
    # With a time bound the clock is read at every expansion: in a big model one expansion
    # can take milliseconds, and the bound must hold to within a fraction of a second.
    clock_every = 1 if max_seconds is not None else _CLOCK_EVERY
    while frontier:
        if interrupts.pending:
            interrupts.raise_if_pending()
        state, key, index, depth = pop()
        expansions += 1
        if expansions % clock_every == 0:
            now = time.monotonic()
            if max_seconds is not None and now - start > max_seconds:
                result.complete = False
                return
            if progress is not None and now - last_report >= _PROGRESS_SECONDS:
                last_report = now
                progress(
                    Progress(
                        len(parents),
                        result.transitions,
                        len(frontier),
                        depth,
                        now - start,
                        max_states,
                    )
                )
        if max_depth is not None and depth >= max_depth:
            result.complete = False
            continue
        edges: list[Edge[A]] = []
        if persistent is None:
            moves: Iterable[Move[A, S]] = _moves(actions(state), next_state, state, key_of)
            enabled = -1  # counted as the moves are made
        else:
            moves, enabled = _reduced(persistent, state, actions, next_state, key_of, parents)
            if len(moves) < enabled:
                result.reduced += 1
        taken = 0
        stop = False
        for position, action, successor, succ_key in moves:
            taken += 1
            if record_edges:
                edges.append((position, action, succ_key))
            if room >= 0 and len(parents) == room:  # full: a new successor cuts the search
                if succ_key not in parents:
                    result.complete = False
                continue
            child = add(succ_key, index, position)
            if child < 0:  # met before
                continue
            frontier.append((successor, succ_key, child, depth + 1))
            if depth + 1 > result.max_depth:
                result.max_depth = depth + 1
            if visitor.visit(succ_key, successor, depth + 1):
                stop = True
                break
        if enabled < 0:
            enabled = taken
        result.transitions += taken
        if stop:
            result.complete = False
            break
        if visitor.expanded(key, state, enabled, edges, depth):
            result.complete = False
            break


def _moves(
    actions: Iterable[A], next_state: Callable[[S, A], S], state: S, key_of: Callable[[S], int]
) -> Iterator[Move[A, S]]:
    """Every enabled action with its successor and the successor's key, one at a time (so a
    visitor that stops the search spares the rest)."""
    for position, action in enumerate(actions):
        successor = next_state(state, action)
        yield position, action, successor, key_of(successor)


def _reduced(
    persistent: Persistent[S, A],
    state: S,
    actions: Callable[[S], Iterable[A]],
    next_state: Callable[[S, A], S],
    key_of: Callable[[S], int],
    parents: Parents,
) -> tuple[list[Move[A, S]], int]:
    """The moves through the ample set (``por.ample``) and the number of enabled actions."""
    acts = list(actions(state))
    successors = [next_state(state, action) for action in acts]
    keys = [key_of(successor) for successor in successors]
    chosen = ample(persistent, state, acts, successors, keys, parents.__contains__)
    positions: Iterable[int] = range(len(acts)) if chosen is None else chosen
    return [(i, acts[i], successors[i], keys[i]) for i in positions], len(acts)
