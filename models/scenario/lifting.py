"""The handoff model's symmetry as a group acting on states *and* actions, for liveness.

Safety under symmetry needs only a representative per class (``symmetry.canonical``).  Liveness
under weak fairness needs more (``properties.checker.lifted``): which renaming took a real state
to its representative, and what each action becomes under a renaming, so that "the same action"
can be followed around a cycle of the quotient while the targets are renamed under it.

A renaming is a permutation of the targets, written ``order`` with ``order[new] = old`` (target
``order[i]`` becomes target ``i``), as ``symmetry.permute_targets`` applies it.  An action names a
target by its slot (``1 + k``: a target's own steps, its crash, its shortage, a stranger reusing
its pid), by its pipe (a delivery, a lost, duplicated or reordered message) or by the source's
``target`` field (which target the source serves or times out on); each of these moves to the new
index, and nothing else in an action names a target (step labels hold call names and descriptor
values, which are not renamed).  A test checks the defining law on every reachable transition of
small configurations: the renamed action is enabled in the renamed state and leads to the renamed
successor.

Helper threads (three or more threads a process) are renamed too, as the representative sorts
them: a step of helper thread ``t`` becomes a step of the thread that ``t`` became.
"""

from __future__ import annotations

from wspshare.models.protocol import Model
from wspshare.models.scenario.actions import (
    Action,
    Crash,
    Deliver,
    Duplicate,
    Exhaust,
    Lose,
    Reorder,
    ReusePid,
    Step,
    Timeout,
)
from wspshare.models.scenario.model import HandoffModel
from wspshare.models.scenario.state import HandoffState
from wspshare.models.scenario.symmetry import permute_targets, reduces, target_order

Perm = tuple[int, ...]


class HandoffLifting:
    """Interchangeable targets and helper threads of one ``HandoffModel`` as permutations
    (``lifted.Lifting``).

    A permutation acts on one index space: first the ``k`` targets, then each helper thread of
    the source and of each target (``k + slot * (n - 1) + thread - 1`` for thread ``1..n-1`` of
    ``n``, slot ``0..k``).  The target part renames targets (their helper threads go with them);
    the helper part then says which thread of the renamed process each new thread was.  With
    fewer than three threads there are no helpers to rename and the space is the targets'."""

    def __init__(self, model: HandoffModel) -> None:
        self._model = model
        cfg = model.config
        sound = reduces(model)
        self._k = cfg.targets
        self._sort_targets = sound and cfg.targets >= 2
        self._helpers = cfg.threads - 1 if sound and cfg.threads >= 3 else 0
        self.identity: Perm = tuple(range(self._k + (1 + self._k) * self._helpers))

    def _index(self, slot: int, thread: int) -> int:
        return self._k + slot * self._helpers + thread - 1

    def canonical_with(self, state: HandoffState) -> tuple[HandoffState, Perm]:
        """The representative of ``state`` (``symmetry.canonical``) and the renaming that
        gives it."""
        if not self._sort_targets and not self._helpers:
            return state, self.identity
        order = target_order(self._model, state) if self._sort_targets else list(range(self._k))
        if any(old != new for new, old in enumerate(order)):
            state = permute_targets(self._model, state, order)
        perm = [*order, *self.identity[self._k :]]
        if self._helpers:
            regs = list(state.regs)
            for slot in range(1 + self._k):
                pcs = regs[slot].pcs
                threads = sorted(range(1, len(pcs)), key=pcs.__getitem__)
                was = slot if slot == 0 else 1 + order[slot - 1]
                for new, old in enumerate(threads, start=1):
                    perm[self._index(slot, new)] = self._index(was, old)
                regs[slot] = regs[slot]._replace(pcs=(pcs[0], *[pcs[t] for t in threads]))
            state = state._replace(regs=tuple(regs))
        return state, tuple(perm)

    def rename_state(self, state: HandoffState, perm: Perm) -> HandoffState:
        if perm == self.identity:
            return state
        order = list(perm[: self._k])
        if any(old != new for new, old in enumerate(order)):
            state = permute_targets(self._model, state, order)
        if self._helpers:
            regs = list(state.regs)
            for slot in range(1 + self._k):
                pcs = regs[slot].pcs
                was = slot if slot == 0 else 1 + order[slot - 1]
                base = self._index(was, 1)
                olds = [perm[self._index(slot, t)] - base + 1 for t in range(1, len(pcs))]
                regs[slot] = regs[slot]._replace(pcs=(pcs[0], *[pcs[t] for t in olds]))
            state = state._replace(regs=tuple(regs))
        return state

    def rename_action(self, action: Action, perm: Perm) -> Action:
        """``action`` as it is named in the state renamed by ``perm``."""
        if perm == self.identity:
            return action
        k = self._k
        new_of = [0] * len(perm)
        for new, old in enumerate(perm):
            new_of[old] = new

        def slot(s: int) -> int:
            return 1 + new_of[s - 1] if 1 <= s <= k else s

        def target(t: int) -> int:
            return new_of[t] if 0 <= t < k else t

        def thread(s: int, t: int) -> int:
            if t == 0 or not self._helpers or s > k:
                return t
            return new_of[self._index(s, t)] - self._index(slot(s), 1) + 1

        if isinstance(action, Step | Timeout):
            return action._replace(
                slot=slot(action.slot),
                thread=thread(action.slot, action.thread),
                target=target(action.target),
            )
        if isinstance(action, Deliver | Lose | Duplicate | Reorder):
            return action._replace(chan=new_of[action.chan])
        if isinstance(action, Crash | Exhaust):
            return action._replace(slot=slot(action.slot))
        if isinstance(action, ReusePid):
            return action._replace(dead_slot=slot(action.dead_slot))
        return action  # a network arrival names no target


def handoff_lifting(model: Model[HandoffState, Action]) -> HandoffLifting:
    """The lifting of a handoff model, as a picklable factory (the split search makes one in
    each of its processes)."""
    if not isinstance(model, HandoffModel):
        raise TypeError(f"not a handoff model: {model!r}")
    return HandoffLifting(model)
