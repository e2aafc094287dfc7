"""Partial-order reduction: expand a state through a persistent set of its actions, not all.

The model says which actions may be taken alone (``Reducible.persistent``): a persistent set
(every action outside it, now or later, is independent of the set until one of the set is
taken) whose actions are invisible to every property when it is not all of them.  The checker
adds the one condition only it can judge, the cycle proviso: the set is used only when every
successor it leads to is new.  Breadth-first, a new successor lies one level deeper than its
parent, so no cycle can consist of reduced states and no action is put off for ever
(Bošnački and Holzmann's proviso for breadth-first search); depth-first, a new state is not on
the stack, which is the classic proviso.  With these, every deadlock and every violation of a
safety property reachable in the full graph is reachable in the reduced one (Godefroid; Clarke,
Grumberg and Peled, ch. 10); paths may be longer than the full graph's shortest ones.

Liveness under weak fairness is not preserved by this reduction, so ``check`` runs without it
whenever it checks an EVENTUALLY property.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar, runtime_checkable

S = TypeVar("S")
A = TypeVar("A")
S_contra = TypeVar("S_contra", contravariant=True)
A_contra = TypeVar("A_contra", contravariant=True)


@runtime_checkable
class Reducible(Protocol[S_contra, A_contra]):
    """A model that offers persistent sets of invisible actions."""

    def persistent(
        self, state: S_contra, actions: Sequence[A_contra], successors: Sequence[S_contra]
    ) -> list[int] | None: ...


Persistent = Callable[[S, Sequence[A], Sequence[S]], "list[int] | None"]


def reducer(model: object) -> Persistent[S, A] | None:
    """The model's ``persistent``, when it has one."""
    return model.persistent if isinstance(model, Reducible) else None


def ample(
    persistent: Persistent[S, A],
    state: S,
    actions: Sequence[A],
    successors: Sequence[S],
    keys: Sequence[int],
    visited: Callable[[int], bool],
) -> Sequence[int] | None:
    """The positions to expand, or ``None`` for all of them: the model's persistent set when it
    is smaller than ``actions`` and every successor it leads to is new (the proviso)."""
    chosen = persistent(state, actions, successors)
    if chosen is None or not chosen or len(chosen) >= len(actions):
        return None
    if any(visited(keys[i]) for i in chosen):
        return None
    return chosen
