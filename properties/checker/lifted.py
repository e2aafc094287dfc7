"""EVENTUALLY properties under weak fairness on a symmetry-reduced state space.

The construction is Emerson and Sistla's *annotated quotient structure* ("Utilizing symmetry when
model-checking under fairness assumptions: an automata-theoretic approach", ACM TOPLAS 19(4),
1997), unfolded one strongly connected component at a time.

**The quotient, annotated.** The search stores one real member ``m(c)`` per symmetry class ``c``
(the first found) and expands it. An edge ``m(c) --a--> t`` leads to a state ``t`` of class ``c'``,
and ``t = sigma(m(c'))`` for a permutation ``sigma`` of the interchangeable processes; the edge is
recorded with ``sigma``. The lifting computes ``sigma`` from the permutations that take ``t`` and
``m(c')`` to their common representative (``Lifting.canonical_with``):
``sigma = P_t^-1 * P_m(c')``.

**Why a cycle of the quotient is not a cycle of the system.** Because every permutation ``pi`` is
an automorphism of the transition relation (``pi(s) --pi(a)--> pi(t)`` whenever ``s --a--> t``), a
quotient path ``c0 --a0,sigma0--> c1 --a1,sigma1--> ...`` is a real path from ``m(c0)`` whose
``n``-th action is ``P_n(an)`` with ``P_n = sigma0 ... sigma(n-1)``; a quotient cycle with total
permutation ``P`` leads from ``m(c0)`` to ``P(m(c0))``, a different state unless ``P`` fixes it,
and the real cycle closes after ``order(P)`` laps, with the processes renamed at every lap. Weak
fairness speaks of *the same* action (thread 2 of target 1) over time, so the quotient's own action
labels cannot decide it: a quotient cycle may take target 1's step in every lap of the quotient
while the real behaviour takes it for a different real target each lap.

**The unfolding.** For a strongly connected component ``C`` of the quotient's subgraph where the
property is false, build the graph on pairs ``(c, pi)``, standing for the real state ``pi(m(c))``,
with edges ``(c, pi) --pi(a)--> (c', pi * sigma)``: Emerson and Sistla's threading of process
identities through the annotations, for every process at once. Take the part reachable from
``(c0, identity)``. It is strongly connected (from any ``(c, pi)`` a path back to ``c0`` and a path
out again form a closed walk whose permutation has finite order, so repeating it returns), and it
covers the real graph's states over ``C`` (every real edge out of ``pi(m(c))`` is ``pi(a)`` for
some quotient edge ``a``, so every real path lifts). Hence it has a weakly fair cycle exactly when
the real subgraph over ``C`` has one: a cycle of the unfolding projects to a real cycle with the
same states and the same real actions; a real fair cycle, lifted from a node over its first state,
comes back to a node over that state after at most as many laps as the state has lifts, and the
lifted loop takes the same actions through the same states. The fairness test is
``LivenessGraph``'s, exact on a component (every fair real action enabled in all of its nodes is
taken on an internal edge). The other components over ``C`` are translates ``(c, rho * pi)`` of
this one and are fair or unfair with it, since renaming by ``rho`` maps actions one to one. A state
where no fair action is enabled stays so under renaming, so that case is decided on the quotient
itself. The property must be invariant under the symmetry (as a safety property must be for the
symmetric safety search): ``handoff-succeeds`` asks it of every target together.

**The counterexample** is lifted to the real model: the quotient prefix with its permutations
composed, then the unfolding's fair cycle from the real state the prefix reaches; each real action
is found among the real state's enabled actions and the loop is checked to close on the very same
state, so a wrong renaming of actions raises instead of printing a path that is not one.

Cost: the unfolding of a component has at most ``|C|`` times the group's size nodes; it is built
only for the components where the property is false and that have an internal edge, on
fingerprints and action ids, after the search. During the search each successor's permutation is
recorded (``PermutationKeys``), about a tuple a transition beyond ``LivenessGraph``'s edges.  The
split search's shares record the same permutations themselves (``Partition``) and the coordinator
hands them to ``LiftedLivenessGraph.absorb``.

Nothing here is specific to targets: a permutation is a tuple over whatever index space the
model's ``Lifting`` chooses (the handoff's covers targets and helper threads), composed and
inverted as such.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from wspshare.models.protocol import Model, Property

from .explore import Edge
from .fingerprint import Fingerprint
from .graphs import strongly_connected
from .liveness import Lasso, LivenessGraph

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)

Perm = tuple[int, ...]  # perm[new] = old: renaming by perm makes process perm[i] process i
_OUTSIDE = -1  # an unfolding edge that leaves the component


class Lifting(Protocol[S, A]):
    """A model's symmetry as permutations acting on states and actions.

    Laws: ``canonical_with(s) == (r, p)`` with ``r`` the representative of ``s`` and ``r`` the
    renaming of ``s`` by ``p``; and renaming commutes with the transition relation, so
    ``rename_action(a, p)`` is enabled in the renaming of ``s`` by ``p`` whenever ``a`` is enabled
    in ``s``, and leads to the renaming of ``a``'s successor.  Renaming by ``q`` after ``p`` is
    renaming by ``compose(q, p)``."""

    identity: Perm

    def canonical_with(self, state: S) -> tuple[S, Perm]: ...

    def rename_action(self, action: A, perm: Perm) -> A: ...


def compose(q: Perm, p: Perm) -> Perm:
    """Renaming by ``p`` and then by ``q``: process ``i`` of the result is ``p[q[i]]``."""
    return tuple(p[i] for i in q)


def inverse(p: Perm) -> Perm:
    out = [0] * len(p)
    for new, old in enumerate(p):
        out[old] = new
    return tuple(out)


class PermutationKeys(Generic[S, A]):
    """The search's key function under symmetry (fingerprint of the representative) that also
    notes each state's permutation to its representative, for ``LiftedLivenessGraph``: the
    search calls it once for each successor, in order, just before ``visit`` (for a new state) and
    before ``expanded`` for the state whose successors they are."""

    def __init__(self, lifting: Lifting[S, A], fingerprint: Fingerprint) -> None:
        self._canonical = lifting.canonical_with
        self._fingerprint = fingerprint
        self.recent: list[Perm] = []

    def __call__(self, state: Any) -> int:  # a ``Fingerprint``; the search passes its states
        representative, perm = self._canonical(state)
        self.recent.append(perm)
        return self._fingerprint(representative)


class LiftedLivenessGraph(LivenessGraph[S, A]):
    """The annotated quotient: ``LivenessGraph``'s record plus each edge's permutation."""

    def __init__(
        self,
        model: Model[S, A],
        properties: Sequence[Property[S]],
        lifting: Lifting[S, A],
        keys: PermutationKeys[S, A] | None = None,
    ) -> None:
        """``keys``: the search's key function, whose permutations ``visit`` and ``expanded``
        read; without it the graph is filled by ``absorb`` (the split search's shares)."""
        super().__init__(model, properties)
        self._lifting = lifting
        self._keys = keys
        self._perm_ids: dict[Perm, int] = {}
        self._perms: list[Perm] = []
        self._identity = self._perm_id(lifting.identity)
        self._to_rep: dict[int, int] = {}  # stored member -> its permutation to the representative
        self.sigmas: dict[int, tuple[int, ...]] = {}  # aligned with ``edges``: sigma of each edge
        self._composed: dict[tuple[int, int], int] = {}
        self._renamed: dict[tuple[int, int], A] = {}

    def _perm_id(self, perm: Perm) -> int:
        pid = self._perm_ids.get(perm)
        if pid is None:
            pid = self._perm_ids[perm] = len(self._perms)
            self._perms.append(perm)
        return pid

    def _compose(self, q: int, p: int) -> int:
        key = (q, p)
        found = self._composed.get(key)
        if found is None:
            found = self._composed[key] = self._perm_id(compose(self._perms[q], self._perms[p]))
        return found

    def visit(self, key: int, state: S) -> None:
        super().visit(key, state)
        assert self._keys is not None
        self._to_rep[key] = self._perm_id(self._keys.recent[-1])

    def expanded(self, key: int, edges: list[Edge[A]]) -> None:
        super().expanded(key, edges)
        assert self._keys is not None
        recent = self._keys.recent
        if len(recent) < len(edges):
            raise RuntimeError("the search computed fewer keys than it recorded edges")
        self._annotate(key, edges, recent[len(recent) - len(edges) :])
        recent.clear()

    def absorb(self, parts: Sequence[tuple[Any, ...]]) -> None:
        """Take the shares' graphs (``Partition.graph``): properties' bits, edges, initial
        states, each edge's permutation to its successor's representative and each stored
        state's own."""
        for holds, _, initial, _, to_rep in parts:
            self.holds.update(holds)
            self.initial.update(initial)
            self._to_rep.update((k, self._perm_id(p)) for k, p in to_rep.items())
        for _, edges, _, edge_perms, _ in parts:
            for key, recorded in edges.items():
                LivenessGraph.expanded(self, key, list(recorded))
                self._annotate(key, recorded, edge_perms[key])

    def _annotate(self, key: int, edges: Sequence[Edge[A]], to_reps: Sequence[Perm]) -> None:
        """Each edge's sigma, from its successor's permutation to the representative."""
        sigmas = []
        for (_, _, succ), to_rep in zip(edges, to_reps, strict=True):
            member = self._to_rep.get(succ)
            if member is None:  # never stored (a bound cut it): never part of a verdict
                sigmas.append(self._identity)
            else:
                sigmas.append(self._compose(self._perm_id(inverse(to_rep)), member))
        self.sigmas[key] = tuple(sigmas)

    def _rename(self, pid: int, aid: int) -> A:
        key = (pid, aid)
        found = self._renamed.get(key)
        if found is None:
            found = self._lifting.rename_action(self.actions[aid], self._perms[pid])
            self._renamed[key] = found
        return found

    # --- the analysis ---------------------------------------------------------------------------
    def find_lasso(self, index: int) -> Lasso | None:
        """A fair behaviour of the real model on which ``properties[index]`` never holds, in
        real action positions, or None."""
        prev, order, stopping = self.bad_region(index)
        if stopping is not None:
            return self._lift(prev, stopping, [])
        rank = {node: i for i, node in enumerate(order)}

        def inner(node: int) -> list[int]:
            return [succ for _, _, succ in self.edges[node] if succ in prev]

        candidates: list[tuple[int, list[int]]] = []
        for component in strongly_connected(order, inner):
            if len(component) == 1 and component[0] not in inner(component[0]):
                continue  # a single state without a self-loop is no cycle
            candidates.append((min(component, key=rank.__getitem__), component))
        for entry, component in sorted(candidates, key=lambda c: rank[c[0]]):
            cycle = self._fair_unfolding(entry, set(component))
            if cycle is not None:
                return self._lift(prev, entry, cycle)
        return None

    def _fair_unfolding(self, entry: int, component: set[int]) -> list[int] | None:
        """The unfolding of ``component`` from ``(entry, identity)``; the action positions of a
        weakly fair cycle of it back to that node, or None when it has none."""
        nodes: list[tuple[int, int]] = [(entry, self._identity)]
        number = {nodes[0]: 0}
        unfolded: LivenessGraph[S, A] = LivenessGraph(self._model, ())
        queue = deque([0])
        while queue:
            node = queue.popleft()
            state, pid = nodes[node]
            recorded: list[Edge[A]] = []
            for (position, aid, succ), sigma in zip(
                self.edges[state], self.sigmas[state], strict=True
            ):
                target = _OUTSIDE
                if succ in component:
                    pair = (succ, self._compose(pid, sigma))
                    target = number.get(pair, _OUTSIDE)
                    if target == _OUTSIDE:
                        target = number[pair] = len(nodes)
                        nodes.append(pair)
                        queue.append(target)
                recorded.append((position, self._rename(pid, aid), target))
            unfolded.expanded(node, recorded)
        everything = list(range(len(nodes)))
        lasso = unfolded.fair_cycle({n: (None, 0) for n in everything}, everything)
        if lasso is None:
            return None
        assert not lasso.moves or lasso.init_position == 0  # the tour starts at (entry, identity)
        return list(lasso.moves)

    def _lift(self, prev: dict[int, tuple[int | None, int]], entry: int, cycle: list[int]) -> Lasso:
        """The quotient path to ``entry`` followed by ``cycle`` (positions in the quotient's
        edges), as a lasso of the real model."""
        chain: list[tuple[int, int]] = []  # (quotient state, position of the edge taken)
        parent, position = prev[entry]
        while parent is not None:
            chain.append((parent, position))
            parent, position = prev[parent]
        chain.reverse()
        init_position = position
        real: list[A] = []
        perm = self._identity
        here = chain[0][0] if chain else entry
        for state, position in [*chain, *self._walk(entry, cycle)]:
            assert state == here
            index = next(i for i, e in enumerate(self.edges[state]) if e[0] == position)
            _, aid, succ = self.edges[state][index]
            real.append(self._rename(perm, aid))
            perm = self._compose(perm, self.sigmas[state][index])
            here = succ
        return _real_lasso(self._model, init_position, real, len(chain) if cycle else None)

    def _walk(self, entry: int, cycle: list[int]) -> list[tuple[int, int]]:
        """The quotient states a cycle's positions pass through, with each position."""
        out, here = [], entry
        for position in cycle:
            out.append((here, position))
            here = next(succ for p, _, succ in self.edges[here] if p == position)
        return out


def _real_lasso(
    model: Model[S, A], init_position: int, actions: list[A], loop_index: int | None
) -> Lasso:
    """Positions of ``actions`` replayed on the real model; raises unless each is enabled where
    it is taken and the loop closes on the very state it started from."""
    state = list(model.init_states())[init_position]
    states, moves = [state], []
    for action in actions:
        enabled = list(model.actions(state))
        if action not in enabled:
            raise RuntimeError(
                f"lifting a lasso: {action} is not enabled in the real state; the model's "
                "renaming of actions does not commute with its transitions"
            )
        moves.append(enabled.index(action))
        state = model.next_state(state, action)
        states.append(state)
    if loop_index is not None and states[loop_index] != state:
        raise RuntimeError("lifting a lasso: the real loop does not close")
    return Lasso(init_position, tuple(moves), loop_index)
