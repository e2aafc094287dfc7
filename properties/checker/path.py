"""Paths: a behaviour as a value, from an initial state through a sequence of actions.

Counterexamples, witnesses and deadlocks are all paths.  A liveness counterexample is a lasso: the
same value with ``loop_index`` naming the step whose state the last step returns to.  Paths keep
the real action and state objects in memory (so the simulator can replay them) and serialise to
JSON with ``str(action)`` and an encoded state, since states and actions are arbitrary values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from wspshare.models.protocol import Model

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)

StateEncoder = Callable[[Any], Any]

_TRIM = 100


@dataclass(frozen=True)
class Step(Generic[S, A]):
    """One step: the action taken (``None`` for the initial state) and the state it reached."""

    action: A | None
    state: S
    label: str

    @classmethod
    def of(cls, action: A | None, state: S) -> Step[S, A]:
        return cls(action, state, "init" if action is None else str(action))


@dataclass(frozen=True)
class Path(Generic[S, A]):
    """Steps from an initial state; ``len`` is the number of actions, not of states."""

    steps: tuple[Step[S, A], ...]
    loop_index: int | None = None  # a lasso: the last state equals ``steps[loop_index].state``

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a Path has at least its initial step: Step.of(None, initial_state)")

    def __len__(self) -> int:
        return len(self.steps) - 1

    def __iter__(self) -> Iterator[Step[S, A]]:
        return iter(self.steps)

    @property
    def states(self) -> list[S]:
        return [step.state for step in self.steps]

    @property
    def actions(self) -> list[A | None]:
        return [step.action for step in self.steps[1:]]

    @property
    def last(self) -> S:
        return self.steps[-1].state

    def __str__(self) -> str:
        width = max(len(step.label) for step in self.steps)
        rows = [f"{'#':>3}  {'action':<{width}}  state"]
        for i, step in enumerate(self.steps):
            mark = "@" if i == self.loop_index else " "
            state = repr(step.state)
            if len(state) > _TRIM:
                state = state[: _TRIM - 3] + "..."
            rows.append(f"{i:>3}{mark} {step.label:<{width}}  {state}")
        if self.loop_index is not None:
            rows.append(f"  (loops back to step {self.loop_index}, marked @)")
        return "\n".join(rows)

    def to_json(self, encode_state: StateEncoder | None = None) -> str:
        """JSON text; states go through ``encode_state`` (default ``repr``), actions as ``str``."""
        encode = encode_state or repr
        return json.dumps(
            {
                "loop_index": self.loop_index,
                "steps": [{"action": s.label, "state": encode(s.state)} for s in self.steps],
            }
        )

    @staticmethod
    def from_json(
        text: str,
        model: Model[Any, Any] | None = None,
        encode_state: StateEncoder | None = None,
    ) -> Path[Any, Any]:
        """Read a path back.  Without a model, states are the encoded JSON values and actions are
        ``None`` (labels kept).  With a model, the path is replayed: the initial state is the one
        whose encoding matches and each action the enabled one whose ``str`` matches, so the result
        holds real objects again (``encode_state`` must be the one used to write it)."""
        data = json.loads(text)
        raw = data["steps"]
        loop = data["loop_index"]
        if model is None:
            steps: tuple[Step[Any, Any], ...] = tuple(
                Step(None, s["state"], s["action"]) for s in raw
            )
            return Path(steps, loop)
        encode = encode_state or repr
        state = _match(model.init_states(), encode, raw[0]["state"])
        replayed: list[Step[Any, Any]] = [Step.of(None, state)]
        for item in raw[1:]:
            action = _match(model.actions(state), str, item["action"])
            state = model.next_state(state, action)
            replayed.append(Step.of(action, state))
        return Path(tuple(replayed), loop)


def state_encoder(model: object) -> StateEncoder:
    """The model's optional ``encode_state`` hook (a JSON-ready form of a state), else ``repr``."""
    encode = getattr(model, "encode_state", None)
    return encode if callable(encode) else repr


def _match(candidates: Any, encode: Callable[[Any], Any], wanted: Any) -> Any:
    for candidate in candidates:
        if encode(candidate) == wanted:
            return candidate
    raise ValueError(
        f"cannot replay the path: nothing enabled encodes as {wanted!r}; pass the same model "
        "and the same encode_state that wrote it"
    )


def replay(
    model: Model[S, A], init_index: int, moves: Sequence[int], loop_index: int | None = None
) -> Path[S, A]:
    """The path that starts at ``init_states()[init_index]`` and takes, at each step, the enabled
    action at the given position of ``model.actions(state)``."""
    state = model.init_states()[init_index]
    steps: list[Step[S, A]] = [Step.of(None, state)]
    for move in moves:
        action = _nth(model.actions(state), move)
        state = model.next_state(state, action)
        steps.append(Step.of(action, state))
    return Path(tuple(steps), loop_index)


def _nth(actions: Any, index: int) -> Any:
    for i, action in enumerate(actions):
        if i == index:
            return action
    raise RuntimeError(
        "replay found fewer enabled actions than exploration did: model.actions must be "
        "deterministic (same state, same actions in the same order)"
    )
