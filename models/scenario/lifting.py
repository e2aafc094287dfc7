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

Helper threads are not renamed here: the representative used for liveness sorts targets only, so
with three or more threads a process's helper threads keep their indices (less reduction than the
safety search's, never a wrong verdict).
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
    """Interchangeable targets of one ``HandoffModel`` as permutations (``lifted.Lifting``)."""

    def __init__(self, model: HandoffModel) -> None:
        self._model = model
        self._targets = model.config.targets
        self._on = reduces(model) and self._targets >= 2
        self.identity: Perm = tuple(range(self._targets))

    def canonical_with(self, state: HandoffState) -> tuple[HandoffState, Perm]:
        """The representative of ``state`` (targets sorted) and the renaming that gives it."""
        if not self._on:
            return state, self.identity
        order = target_order(self._model, state)
        perm = tuple(order)
        if perm == self.identity:
            return state, perm
        return permute_targets(self._model, state, order), perm

    def rename_state(self, state: HandoffState, perm: Perm) -> HandoffState:
        return state if perm == self.identity else permute_targets(self._model, state, list(perm))

    def rename_action(self, action: Action, perm: Perm) -> Action:
        """``action`` as it is named in the state renamed by ``perm``."""
        if perm == self.identity:
            return action
        new_of = [0] * len(perm)
        for new, old in enumerate(perm):
            new_of[old] = new
        targets = len(perm)

        def slot(s: int) -> int:
            return 1 + new_of[s - 1] if 1 <= s <= targets else s

        def target(k: int) -> int:
            return new_of[k] if 0 <= k < targets else k

        if isinstance(action, Step):
            return action._replace(slot=slot(action.slot), target=target(action.target))
        if isinstance(action, Timeout):
            return action._replace(slot=slot(action.slot), target=target(action.target))
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
