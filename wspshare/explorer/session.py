"""The explorer's session: a path through a model, a cursor on it, and moves along it.

This is the explorer without the web: the page and the notebook only show what a ``Session``
says, so every rule of stepping (what back, forward and jump do, when the future beyond the cursor
is kept, how a list of fingerprints becomes a path again) lives here and is tested here.

States are named by *fingerprints*, as Stateright's explorer names them in its URLs: a link is a
list of fingerprints from an initial state, and any run of the same model rebuilds the same path
from it.  That needs a fingerprint stable across processes, so the explorer uses the checker's
``stable_fingerprint`` (a digest of ``repr``), not the salted built-in hash the search uses.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from wspshare.models.protocol import Model
from wspshare.properties.checker import Path, Step, stable_fingerprint

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)

CACHE_LIMIT = 20_000  # states whose successors are remembered; a page walks far fewer


def fingerprint(state: object) -> str:
    """A state's name in a URL: 16 hex digits, the same in every process."""
    return f"{stable_fingerprint(state) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


class UnknownFingerprint(LookupError):
    """A fingerprint of a link that names no state where the path says it should be."""

    def __init__(self, position: int, wanted: str) -> None:
        where = "no initial state" if position == 0 else f"no successor of step {position - 1}"
        super().__init__(
            f"step {position} of the link names state {wanted}, but {where} has that "
            "fingerprint: the link was made for another model or configuration"
        )
        self.position = position
        self.wanted = wanted


@dataclass(frozen=True)
class Visit(Generic[S, A]):
    """One state on the path: how it was reached (``None`` for an initial state) and its name."""

    action: A | None
    state: S
    fingerprint: str


@dataclass(frozen=True)
class Choice(Generic[S, A]):
    """An enabled action and where it leads."""

    action: A
    state: S
    fingerprint: str


class Successors(Generic[S, A]):
    """The enabled actions of each state with their targets, remembered by fingerprint, so that
    rebuilding a path from a link on every request costs a dictionary look-up per step."""

    def __init__(self, model: Model[S, A]) -> None:
        self.model = model
        self._known: dict[str, list[Choice[S, A]]] = {}

    def of(self, visit: Visit[S, A]) -> list[Choice[S, A]]:
        found = self._known.get(visit.fingerprint)
        if found is None:
            if len(self._known) >= CACHE_LIMIT:
                self._known.clear()
            found = []
            for action in self.model.actions(visit.state):
                state = self.model.next_state(visit.state, action)
                found.append(Choice(action, state, fingerprint(state)))
            self._known[visit.fingerprint] = found
        return found

    def initial(self) -> list[Visit[S, A]]:
        return [Visit(None, s, fingerprint(s)) for s in self.model.init_states()]


class Session(Generic[S, A]):
    """A path from an initial state and a cursor on it; steps past the cursor are the future
    that forward walks back into, kept until a different action is taken at the cursor."""

    def __init__(self, model: Model[S, A], successors: Successors[S, A] | None = None) -> None:
        self.model = model
        self.successors = successors or Successors(model)
        self.visits: list[Visit[S, A]] = [self.successors.initial()[0]]
        self.cursor = 0

    # --- what the page shows ---------------------------------------------------------------
    @property
    def current(self) -> Visit[S, A]:
        return self.visits[self.cursor]

    def choices(self) -> list[Choice[S, A]]:
        """The actions enabled at the cursor, in the model's order."""
        return self.successors.of(self.current)

    def fingerprints(self, through_cursor: bool = False) -> list[str]:
        """The whole path's fingerprints, or only those up to the cursor (the current state's
        name as a link)."""
        end = self.cursor + 1 if through_cursor else len(self.visits)
        return [v.fingerprint for v in self.visits[:end]]

    def path(self) -> Path[S, A]:
        """The path up to the cursor as the checker's ``Path`` value."""
        return Path(tuple(Step.of(v.action, v.state) for v in self.visits[: self.cursor + 1]))

    # --- moves -------------------------------------------------------------------------------
    def take(self, index: int) -> None:
        """Take the ``index``-th enabled action.  When it is the step the future already holds,
        the future is kept (walking a loaded path by hand does not erase it)."""
        choices = self.choices()
        if not 0 <= index < len(choices):
            raise IndexError(f"there are {len(choices)} enabled actions; no action {index}")
        chosen = choices[index]
        after = self.cursor + 1
        if not (after < len(self.visits) and self.visits[after].fingerprint == chosen.fingerprint):
            del self.visits[after:]
            self.visits.append(Visit(chosen.action, chosen.state, chosen.fingerprint))
        self.cursor = after

    def back(self, steps: int = 1) -> None:
        self.jump(max(0, self.cursor - steps))

    def forward(self, steps: int = 1) -> None:
        self.jump(min(len(self.visits) - 1, self.cursor + steps))

    def jump(self, step: int) -> None:
        """Move the cursor to step ``step`` of the path (0 is the initial state)."""
        if not 0 <= step < len(self.visits):
            raise IndexError(f"the path has steps 0 to {len(self.visits) - 1}; no step {step}")
        self.cursor = step

    def restart(self) -> None:
        """Back to the initial state, forgetting the path."""
        del self.visits[1:]
        self.cursor = 0

    def load(self, path: Path[S, A]) -> None:
        """Replace the path by ``path`` (a checker's path with real actions), cursor at its end.
        Every step is checked to be an enabled action leading to the recorded state."""
        first = path.steps[0].state
        visits: list[Visit[S, A]] = [Visit(None, first, fingerprint(first))]
        if first not in self.model.init_states():
            raise ValueError("the path does not start in an initial state of this model")
        for n, step in enumerate(path.steps[1:], start=1):
            match = next(
                (c for c in self.successors.of(visits[-1]) if c.action == step.action), None
            )
            if match is None or match.state != step.state:
                raise ValueError(f"step {n} of the path ({step.label}) is not enabled here")
            visits.append(Visit(match.action, match.state, match.fingerprint))
        self.visits = visits
        self.cursor = len(visits) - 1

    def follow(self, fingerprints: Sequence[str], cursor: int | None = None) -> None:
        """Rebuild the path a link names: the first fingerprint an initial state's, each next one
        a successor's.  Raises ``UnknownFingerprint`` (the session unchanged) when one is not."""
        if not fingerprints:
            raise UnknownFingerprint(0, "(none)")
        visits = [v for v in self.successors.initial() if v.fingerprint == fingerprints[0]][:1]
        if not visits:
            raise UnknownFingerprint(0, fingerprints[0])
        for n, wanted in enumerate(fingerprints[1:], start=1):
            match = next(
                (c for c in self.successors.of(visits[-1]) if c.fingerprint == wanted), None
            )
            if match is None:
                raise UnknownFingerprint(n, wanted)
            visits.append(Visit(match.action, match.state, match.fingerprint))
        at = len(visits) - 1 if cursor is None else cursor
        if not 0 <= at < len(visits):
            raise IndexError(f"the link has steps 0 to {len(visits) - 1}; no step {at}")
        self.visits = visits
        self.cursor = at
