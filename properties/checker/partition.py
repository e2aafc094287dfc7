"""One share of a breadth-first search split by fingerprint: the states whose fingerprint is
``index`` modulo ``count``, their parent links and the frontier among them.

The search goes level by level.  ``expand`` takes every frontier state's successors and keeps
those this share owns as candidates; the rest go out in one batch per owner.  ``receive`` takes
the batches the other shares sent it and commits the level: each new state gets, of all the
candidates that reached it, the one with the least *canonical path* (the initial-state position,
then the action positions).  A sequential breadth-first search expands states in exactly that
order (the order of a level is the order of its parents, then of the action positions), and keeps
the first way it reaches a state, so the split search stores the same parent for every state, and
finds the same first violation and the same deadlocks, as the one-process search: only faster.

Between levels nothing is in flight, which is when a search can be saved (``snapshot``) or cut
short: ``rollback(depth)`` undoes a level cut short (``abort``, Ctrl-C), and the last committed
one too when the coordinator had not yet taken note of it, so every share is back where the
coordinator's ledger says the search is.

A share remembers which keys it has already sent (``_sent``): a state is then shipped to its
owner once, not once per transition into it, which is most of the traffic.  A state shipped goes
as the numbers of its parts (``shipping``): each distinct part is pickled once per sender and
receiver, and the receiver rebuilds the state from the parts it keeps.  Those tables move in
whole levels, so a rollback takes them back to the mark of the level's start too.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from wspshare.models.protocol import Expectation, Model

from .fingerprint import Fingerprint
from .lifted import Lifting, Perm
from .shipping import Shipping

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)

CanonicalPath = tuple[int, ...]  # initial-state position, then action positions
Candidate = tuple[CanonicalPath, int | None, Any]  # (path, parent fingerprint, state)
Discovery = tuple[CanonicalPath, int]  # (path, fingerprint)

_ABORT_EVERY = 128  # expansions between looks at the abort flag


@dataclass
class LevelReport:
    """What a share tells the coordinator after a step."""

    new_states: int = 0
    transitions: int = 0
    found: dict[int, Discovery] = field(default_factory=dict)  # property index -> least path
    deadlocks: list[Discovery] = field(default_factory=list)
    deadlock_count: int = 0
    aborted: bool = False


class Partition(Generic[S, A]):
    """The share ``index`` of ``count`` (a ``Visitor``'s work, done in place)."""

    def __init__(
        self,
        model: Model[S, A],
        index: int,
        count: int,
        *,
        fingerprint: Fingerprint,
        symmetry: bool,
        record_edges: bool,
        max_deadlock_paths: int,
        abort: Callable[[], bool] | None = None,
        lifting_of: Callable[[Model[S, A]], Lifting[S, A]] | None = None,
        shipping: bool = True,
        translate: tuple[Callable[[S], Any], Callable[[Any], S]] | None = None,
    ) -> None:
        self.model, self.index, self.count = model, index, count
        self.fingerprint = fingerprint
        self.symmetry = symmetry
        self.record_edges = record_edges
        self.max_deadlock_paths = max_deadlock_paths
        self.abort = abort
        # Liveness under symmetry (``lifted``): states keyed by the lifting's representative,
        # and each edge's and each stored state's permutation to it recorded.
        self.lifting = None if lifting_of is None else lifting_of(model)
        self.edge_perms: dict[int, tuple[Perm, ...]] = {}
        self.to_rep: dict[int, Perm] = {}
        props = list(model.properties())
        self._checks = [
            (i, p.holds, p.expectation is Expectation.ALWAYS)
            for i, p in enumerate(props)
            if p.expectation is not Expectation.EVENTUALLY
        ]
        self._eventually = [p.holds for p in props if p.expectation is Expectation.EVENTUALLY]
        self.parents: dict[int, tuple[int | None, int]] = {}
        self.frontier: list[tuple[CanonicalPath, int, S]] = []
        self.transitions = 0
        self.holds: dict[int, int] = {}  # liveness: EVENTUALLY bits of each state
        self.edges: dict[int, tuple[tuple[int, A, int], ...]] = {}  # liveness: the graph
        self.depth = -1  # of the committed frontier (-1: not seeded)
        self._sent: set[int] = set()
        # The level in progress, and enough of the last committed one to undo it.
        self._candidates: dict[int, Candidate] = {}
        self._expanded: list[int] = []
        self._inserted: list[int] = []
        self._level_sent: list[int] = []
        self._level_transitions = 0
        self._undo: tuple[list[Any], int, list[int], list[int], list[int]] | None = None
        # States shipped by part numbers (``shipping``; False: pickled whole), and the tables'
        # marks at the start of the level in progress and of the last committed one.
        self._shipping = Shipping(index, count) if shipping else None
        # States that leave this share as another form and come back in its own: a compact
        # form's states are numbered per process (``compacting``), so they travel decoded.
        self._export: Callable[[S], Any] | None = None
        self._import: Callable[[Any], S] | None = None
        if translate is not None:
            self._export, self._import = translate
        self._level_mark = self._ship_mark()
        self._undo_mark: Any = None

    def key_of(self, state: S) -> int:
        if self.lifting is not None:
            return self.fingerprint(self.lifting.canonical_with(state)[0])
        return self.fingerprint(self.model.representative(state) if self.symmetry else state)

    # --- one level ---------------------------------------------------------------------------
    def seed(self) -> LevelReport:
        """Offer the initial states this share owns (every share computes them: it is cheap)."""
        for position, state in enumerate(self.model.init_states()):
            key = self.key_of(state)
            if key % self.count == self.index:
                self._offer(key, ((position,), None, state))
        return LevelReport()

    def expand(self) -> tuple[list[bytes], LevelReport]:
        """Successors of the frontier: own ones kept, the rest pickled per owner."""
        model, parents, count, me = self.model, self.parents, self.count, self.index
        actions, next_state, key_of = model.actions, model.next_state, self.key_of
        outgoing: list[dict[int, Candidate]] = [{} for _ in range(count)]
        report = LevelReport()
        lifted = self.lifting is not None and self.record_edges
        canonical = self.lifting.canonical_with if self.lifting is not None else None
        for done, (path, key, state) in enumerate(self.frontier):
            if self.abort is not None and done % _ABORT_EVERY == 0 and self.abort():
                report.aborted = True
                return [], report
            edges: list[tuple[int, A, int]] = []
            perms: list[Perm] = []
            enabled = 0
            for position, action in enumerate(actions(state)):
                enabled += 1
                successor = next_state(state, action)
                if lifted and canonical is not None:
                    representative, perm = canonical(successor)
                    succ_key = self.fingerprint(representative)
                    perms.append(perm)
                else:
                    succ_key = key_of(successor)
                if self.record_edges:
                    edges.append((position, action, succ_key))
                if succ_key in parents:
                    continue
                owner = succ_key % count
                # The frontier is in path order and positions rise, so the first candidate
                # for a key in this share is also its least.
                if owner == me:
                    if succ_key not in self._candidates:
                        self._candidates[succ_key] = ((*path, position), key, successor)
                elif succ_key not in self._sent and succ_key not in outgoing[owner]:
                    outgoing[owner][succ_key] = ((*path, position), key, successor)
            self._level_transitions += enabled
            if enabled == 0 and not model.is_final(state):
                report.deadlock_count += 1
                if len(report.deadlocks) < self.max_deadlock_paths:
                    report.deadlocks.append((path, key))
            if self.record_edges:
                self._expanded.append(key)
                self.edges[key] = tuple(edges)
                if lifted:
                    self.edge_perms[key] = tuple(perms)
        report.transitions = self._level_transitions
        batches = [b"" if i == me else self._pack(i, outgoing[i]) for i in range(count)]
        for sent in outgoing:
            self._level_sent.extend(sent)
            self._sent.update(sent)
        return batches, report

    def receive(self, batches: Sequence[bytes], decided: Sequence[int]) -> LevelReport:
        """Take the other shares' candidates and commit the level (see the module docstring);
        evaluate the properties not yet ``decided`` on every new state."""
        report = LevelReport()
        for sender, batch in enumerate(batches):
            if batch:
                for key, candidate in self._unpack(sender, batch):
                    self._offer(key, candidate)
        checks = [c for c in self._checks if c[0] not in decided]
        chosen = sorted(self._candidates.items(), key=lambda kv: kv[1][0])
        frontier: list[tuple[CanonicalPath, int, S]] = []
        for key, (path, parent, state) in chosen:
            self._inserted.append(key)
            self.parents[key] = (parent, path[-1])
            frontier.append((path, key, state))
            for index, holds, always in checks:
                if holds(state) != always and index not in report.found:
                    report.found[index] = (path, key)
            if self.record_edges:
                mask = 0
                for bit, holds in enumerate(self._eventually):
                    if holds(state):
                        mask |= 1 << bit
                self.holds[key] = mask
                if self.lifting is not None:
                    self.to_rep[key] = self.lifting.canonical_with(state)[1]
        # The level becomes the committed one here, in plain stores that Ctrl-C cannot split
        # (Python looks for signals at calls and backward jumps, not between these).
        undo = (self.frontier, self.transitions, self._inserted, self._expanded, self._level_sent)
        marks = (self._level_mark, self._ship_mark())
        (self.frontier, self.transitions, self._undo, self.depth, self._inserted,
         self._undo_mark, self._level_mark) = (
            frontier, self.transitions + self._level_transitions, undo, self.depth + 1, [], *marks
        )  # fmt: skip
        report.new_states = len(frontier)
        self._end_level()
        return report

    def _pack(self, receiver: int, candidates: dict[int, Candidate]) -> bytes:
        export = self._export
        if export is not None:
            candidates = {
                key: (path, parent, export(state))
                for key, (path, parent, state) in candidates.items()
            }
        if self._shipping is None:
            return pickle.dumps(candidates, 5)
        return pickle.dumps(self._shipping.pack(receiver, candidates), 5)

    def _unpack(self, sender: int, batch: bytes) -> list[tuple[int, Candidate]]:
        if self._shipping is None:
            received: list[tuple[int, Candidate]] = list(pickle.loads(batch).items())
        else:
            received = self._shipping.unpack(sender, pickle.loads(batch))
        bring = self._import
        if bring is None:
            return received
        return [(k, (path, parent, bring(s))) for k, (path, parent, s) in received]

    def _ship_mark(self) -> Any:
        return None if self._shipping is None else self._shipping.mark()

    def _ship_restore(self, mark: Any) -> None:
        if self._shipping is not None and mark is not None:
            self._shipping.restore(mark)

    def _offer(self, key: int, candidate: Candidate) -> None:
        if key in self.parents:
            return
        held = self._candidates.get(key)
        if held is None or candidate[0] < held[0]:
            self._candidates[key] = candidate

    def _end_level(self) -> None:
        self._candidates = {}
        self._expanded = []
        self._inserted = []
        self._level_sent = []
        self._level_transitions = 0

    def _forget(self, inserted: list[int], expanded: list[int], sent: list[int]) -> None:
        for key in expanded:
            self.edges.pop(key, None)
            self.edge_perms.pop(key, None)
        for key in inserted:
            self.parents.pop(key, None)
            self.holds.pop(key, None)
            self.to_rep.pop(key, None)
        self._sent.difference_update(sent)

    def rollback(self, depth: int) -> None:
        """Back to the end of level ``depth``: drop the level in progress (its frontier has not
        been replaced yet), and undo the last commit if it went beyond ``depth``."""
        self._forget(self._inserted, self._expanded, self._level_sent)
        self._ship_restore(self._level_mark)
        self._end_level()
        if self.depth > depth and self._undo is not None:
            frontier, transitions, inserted, expanded, sent = self._undo
            self._forget(inserted, expanded, sent)
            self._ship_restore(self._undo_mark)
            self.frontier, self.transitions, self.depth, self._undo = (
                frontier, transitions, self.depth - 1, None
            )  # fmt: skip
            self._level_mark, self._undo_mark = self._undo_mark, None
        if self.depth != depth:
            raise RuntimeError(f"share {self.index} is at level {self.depth}, not {depth}")

    # --- saving ------------------------------------------------------------------------------
    def snapshot(self) -> bytes:
        """The share between levels, for a checkpoint (the frontier's states as the model's own,
        so that any process can take them up)."""
        frontier = self.frontier
        export = self._export
        if export is not None:
            frontier = [(path, key, export(state)) for path, key, state in frontier]
        return pickle.dumps(
            (self.depth, self.parents, frontier, self.transitions, self.holds, self.edges,
             self.edge_perms, self.to_rep), 5,
        )  # fmt: skip

    def restore(self, snapshots: Sequence[bytes]) -> None:
        """Take this share's part of saved shares (any number of them: a resumed search may
        use another number of workers).  Every share starts shipping afresh: a snapshot holds
        states, not the numbers of their parts."""
        mine = self.index
        if self._shipping is not None:
            self._shipping = Shipping(self.index, self.count)
            self._level_mark, self._undo_mark = self._shipping.mark(), None
        for data in snapshots:
            depth, parents, frontier, transitions, holds, edges, *lifted = pickle.loads(data)
            self.depth = depth
            self.parents.update((k, v) for k, v in parents.items() if k % self.count == mine)
            bring = self._import
            self.frontier.extend(
                f if bring is None else (f[0], f[1], bring(f[2]))
                for f in frontier
                if f[1] % self.count == mine
            )
            self.holds.update((k, v) for k, v in holds.items() if k % self.count == mine)
            self.edges.update((k, v) for k, v in edges.items() if k % self.count == mine)
            if lifted:  # liveness under symmetry's permutations
                edge_perms, to_rep = lifted
                self.edge_perms.update(
                    (k, v) for k, v in edge_perms.items() if k % self.count == mine
                )
                self.to_rep.update((k, v) for k, v in to_rep.items() if k % self.count == mine)
            if mine == 0:
                self.transitions += transitions  # counted once, by share 0
        self.frontier.sort(key=lambda f: f[0])

    # --- the end -----------------------------------------------------------------------------
    def totals(self) -> tuple[int, int, float]:
        """(states, transitions, estimated bytes of the parent map per state)."""
        import sys

        n = len(self.parents)
        if not n:
            return 0, self.transitions, 0.0
        sample = [kv for kv, _ in zip(self.parents.items(), range(256), strict=False)]
        per_item = sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in sample) / len(sample)
        return n, self.transitions, sys.getsizeof(self.parents) / n + per_item

    def graph(self, numbered: bool = False) -> tuple[Any, ...]:
        """The liveness graph this share holds: the properties' bits, the edges, the initial
        states, and under symmetry the permutations (``lifted``).  In this process it is handed
        over as it is; ``numbered`` (for a pipe, which pickles it), each edge's action is given
        as its number in a sixth item, the list of the actions, so that each distinct action is
        pickled once, not once per edge."""
        initial = {k: pos for k, (parent, pos) in self.parents.items() if parent is None}
        if not numbered:
            return self.holds, self.edges, initial, self.edge_perms, self.to_rep
        # Actions looked up by identity first (the edges keep them alive), as hashing one can
        # cost more than pickling it.
        by_id: dict[int, int] = {}
        ids: dict[A, int] = {}
        actions: list[A] = []
        edges: dict[int, tuple[tuple[int, int, int], ...]] = {}
        for key, recorded in self.edges.items():
            out = []
            for position, action, succ in recorded:
                aid = by_id.get(id(action))
                if aid is None:
                    aid = ids.get(action)
                    if aid is None:
                        aid = ids[action] = len(actions)
                        actions.append(action)
                    by_id[id(action)] = aid
                out.append((position, aid, succ))
            edges[key] = tuple(out)
        return self.holds, edges, initial, self.edge_perms, self.to_rep, actions
