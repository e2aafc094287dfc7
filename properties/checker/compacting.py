"""Running a search on a model's compact form and giving its answer in the model's own states.

A model may offer a compact form (``compact_form(symmetry)``): the same transition system over
states that are cheaper to store, hash and step (for the handoff, ``models.scenario.compact``),
with ``decode`` back to the model's states.  ``check`` searches the compact form and then turns its
result back: every path's states decoded, every property result naming the model's own property.
The actions are the model's own, so a path reads, prints and replays exactly as a search of the
model itself would give it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from wspshare.models.protocol import Model

from .lifted import Lifting
from .path import Path, Step
from .result import CheckResult

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)


class CompactForm(Protocol):
    """A model's compact form: itself a ``Model`` of the same actions, with ``decode``."""

    def decode(self, compact: Any) -> Any: ...

    def compact_lifting(self, lifting: Lifting[Any, Any]) -> Lifting[Any, Any]: ...

    def encode(self, state: Any) -> Any: ...

    def fork_fingerprints(
        self, shares: int
    ) -> tuple[Callable[[Any], int], Callable[[Any], int]]: ...


def compact_form_of(model: Model[S, A], symmetry: bool) -> CompactForm | None:
    """The compact form ``model`` offers for a search with or without ``symmetry``, or
    ``None`` (it offers none, or none that pays for that search)."""
    offer = getattr(model, "compact_form", None)
    return None if offer is None else offer(symmetry)


def decoded(
    form: CompactForm, model: Model[S, A], result: CheckResult[Any, A]
) -> CheckResult[S, A]:
    """``result`` of a search of ``form`` as the result of a search of ``model``."""
    originals = list(model.properties())
    properties = tuple(
        replace(found, prop=originals[i], path=_decoded_path(form, found.path))
        for i, found in enumerate(result.properties)
    )
    deadlocks = tuple(_decoded_path(form, path) for path in result.deadlocks)
    return replace(result, properties=properties, deadlocks=deadlocks)


def _decoded_path(form: CompactForm, path: Path[Any, A] | None) -> Any:
    if path is None:
        return None
    steps = tuple(Step(step.action, form.decode(step.state), step.label) for step in path.steps)
    return Path(steps, path.loop_index)
