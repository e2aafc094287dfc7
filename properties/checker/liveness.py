"""EVENTUALLY properties under weak fairness: record the explored graph, then look for a lasso.

A fair behaviour either runs forever or stops in a state where no fair action is enabled (a fair
scheduler need never take a fault such as a crash, so it may stutter there; a terminal state is the
special case with no action at all).  An infinite behaviour is weakly fair when no fair action is
enabled in every state from some point on without being taken.  ``EVENTUALLY p`` is violated when
some fair behaviour never reaches a state satisfying ``p``; within the subgraph of states where
``p`` is false, reachable from an initial state through such states, that is either

* a reachable stopping state (no fair action enabled), or
* a reachable strongly connected component, with at least one internal edge, in which every fair
  action enabled in all of its states labels an internal edge.  A behaviour that keeps touring all
  of the component is then fair; no smaller cycle can be fairer, so the test is exact.

Cost: unlike safety checking, this keeps the whole explored graph in memory (for each state its
property bits and its edges as (action position, action id, successor) triples; the analysis
adds its components of the p-false subgraph).  Measured on a toy with two edges a state: peak
memory about 1.5 KB a state against 0.2 KB without, and half the speed; so it is only switched on
when the model has EVENTUALLY properties.
Actions are compared as values: weak fairness is about "the same action", so a model's actions
should name what they do (thread 2 steps), not carry state.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

from wspshare.models.protocol import Model, Property

from .explore import Edge
from .graphs import shortest_path, strongly_connected

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)


@dataclass(frozen=True)
class Lasso:
    """Where a liveness counterexample goes, as replayable positions."""

    init_position: int
    moves: tuple[int, ...]
    loop_index: int | None  # None: the behaviour stops in the last state


class LivenessGraph(Generic[S, A]):
    """The explored graph, kept as fingerprints and action ids while the search runs."""

    def __init__(self, model: Model[S, A], properties: Sequence[Property[S]]) -> None:
        self._model = model
        self._properties = tuple(properties)
        self.holds: dict[int, int] = {}  # bit i set: properties[i] holds in the state
        self.edges: dict[int, tuple[tuple[int, int, int], ...]] = {}
        self.initial: dict[
            int, int
        ] = {}  # initial state fingerprint -> position; the caller fills it
        self._action_ids: dict[A, int] = {}
        self.actions: list[A] = []  # by action id
        self._fair: list[bool] = []

    def visit(self, key: int, state: S) -> None:
        mask = 0
        for bit, prop in enumerate(self._properties):
            if prop.holds(state):
                mask |= 1 << bit
        self.holds[key] = mask

    def expanded(self, key: int, edges: list[Edge[A]]) -> None:
        ids = self._action_ids
        recorded = []
        for position, action, successor in edges:
            aid = ids.get(action)
            if aid is None:
                aid = ids[action] = len(ids)
                self.actions.append(action)
                self._fair.append(self._model.is_fair(action))
            recorded.append((position, aid, successor))
        self.edges[key] = tuple(recorded)

    def action_id(self, action: A) -> int:
        """The id of ``action`` (a new one if it is new)."""
        aid = self._action_ids.get(action)
        if aid is None:
            aid = self._action_ids[action] = len(self._action_ids)
            self.actions.append(action)
            self._fair.append(self._model.is_fair(action))
        return aid

    def find_lasso(self, index: int) -> Lasso | None:
        """A fair behaviour on which ``properties[index]`` never holds, or None."""
        prev, order, stopping = self.bad_region(index)
        if stopping is not None:
            return self._lasso(prev, stopping, [], None)
        return self.fair_cycle(prev, order)

    def bad_region(
        self, index: int
    ) -> tuple[dict[int, tuple[int | None, int]], list[int], int | None]:
        """The states reachable through states where ``properties[index]`` is false, as a
        breadth-first tree (state -> (parent, action position)) and its order, and the first
        such state where no fair action is enabled (the search stops there), if any."""
        bit = 1 << index
        edges, holds, fair = self.edges, self.holds, self._fair

        def bad(key: int) -> bool:
            return key in edges and not holds[key] & bit

        prev: dict[int, tuple[int | None, int]] = {}
        queue: deque[int] = deque()
        for key, position in self.initial.items():
            if bad(key) and key not in prev:
                prev[key] = (None, position)
                queue.append(key)
        order: list[int] = []
        while queue:
            node = queue.popleft()
            order.append(node)
            if not any(fair[aid] for _, aid, _ in edges[node]):
                return prev, order, node
            for position, _, succ in edges[node]:
                if succ not in prev and bad(succ):
                    prev[succ] = (node, position)
                    queue.append(succ)
        return prev, order, None

    def fair_cycle(self, prev: dict[int, tuple[int | None, int]], order: list[int]) -> Lasso | None:
        def inner(node: int) -> list[int]:
            return [succ for _, _, succ in self.edges[node] if succ in prev]

        rank = {node: i for i, node in enumerate(order)}
        best: tuple[int, list[int]] | None = None
        for component in strongly_connected(order, inner):
            if len(component) == 1 and component[0] not in inner(component[0]):
                continue  # a single state without a self-loop is no cycle
            members = set(component)
            taken = {aid for n in component for _, aid, s in self.edges[n] if s in members}
            if self._always_enabled(component) <= taken:
                entry = min(component, key=rank.__getitem__)
                if best is None or rank[entry] < rank[best[0]]:
                    best = (entry, sorted(component, key=rank.__getitem__))
        if best is None:
            return None
        entry, component = best
        return self._lasso(prev, entry, self._tour(component, entry), 0)

    def _always_enabled(self, nodes: Iterable[int]) -> set[int]:
        """Fair action ids enabled in every one of ``nodes``."""
        common: set[int] | None = None
        for node in nodes:
            here = {aid for _, aid, _ in self.edges[node] if self._fair[aid]}
            common = here if common is None else common & here
        return common or set()

    def _tour(self, component: list[int], entry: int) -> list[int]:
        """Action positions of a cycle from ``entry`` inside ``component`` (in search order) that
        is weakly fair: it takes every fair action enabled in all the states it visits."""
        sub = set(component)
        moves: list[int] = []
        visited, taken, here = {entry}, set(), entry

        def step(position: int, aid: int, succ: int) -> int:
            moves.append(position)
            taken.add(aid)
            visited.add(succ)
            return succ

        def successors(node: int) -> list[int]:
            return [succ for _, _, succ in self.edges[node]]

        def walk(target: int) -> int:
            for a, b in pairwise(shortest_path(successors, here, target, sub)):
                step(*next((p, aid) for p, aid, s in self.edges[a] if s == b), b)
            return target

        while True:
            missing = self._always_enabled(visited) - taken
            if missing:
                want = min(missing)
                labelled = [
                    (n, p, s) for n in component for p, aid, s in self.edges[n] if aid == want
                ]
                inside = [(n, p, s) for n, p, s in labelled if s in sub]
                if inside:
                    node, position, succ = inside[0]
                    here = walk(node)
                    here = step(position, want, succ)
                else:  # never taken here, so some state of the component disables it: go there
                    here = walk(next(n for n in component if want not in self._always_enabled([n])))
            elif here != entry:
                here = walk(entry)
            elif not moves:
                position, aid, succ = next(e for e in self.edges[entry] if e[2] in sub)
                here = step(position, aid, succ)
            else:
                return moves

    def _lasso(
        self, prev: dict[int, tuple[int | None, int]], node: int, cycle: list[int], loop: int | None
    ) -> Lasso:
        prefix: list[int] = []
        parent, position = prev[node]
        while parent is not None:
            prefix.append(position)
            parent, position = prev[parent]
        prefix.reverse()
        loop_index = len(prefix) if loop is not None else None
        return Lasso(position, tuple(prefix + cycle), loop_index)
