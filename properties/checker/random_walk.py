"""Seeded random walks: a cheap bug finder for state spaces too large to exhaust.

Each walk starts at a random initial state and takes uniformly random enabled actions for at most
``depth`` steps.  Walks keep their own path, so discoveries need no replay; across walks the
shortest discovery per property is kept.  Walks prove nothing: a property without a discovery is
``UNKNOWN``.  An EVENTUALLY property is reported violated only when a walk reaches a state with no
fair action enabled (where a fair behaviour may stop) without the property ever having held.
Symmetry plays no part here; fingerprints only count distinct states.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from wspshare.models.protocol import Expectation, Model

from .fingerprint import Fingerprint
from .path import Path, Step
from .result import CheckResult, Progress, PropertyResult, Statistics, Verdict

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)


def random_walks(
    model: Model[S, A],
    *,
    walks: int,
    depth: int,
    seed: int,
    fingerprint: Fingerprint,
    max_seconds: float | None,
    max_deadlock_paths: int,
    progress: Callable[[Progress], None] | None,
    partial_on_interrupt: bool = False,
) -> CheckResult[S, A]:
    """Run ``walks`` random walks of at most ``depth`` steps with ``random.Random(seed)``."""
    rng = random.Random(seed)
    properties = list(model.properties())
    found: dict[int, Path[S, A]] = {}
    deadlocks: list[Path[S, A]] = []
    transitions = max_depth = 0
    seen: set[int] = set()
    deadlocked: set[int] = set()
    inits = list(model.init_states())
    start = last_report = time.monotonic()

    def keep(index: int, steps: list[Step[S, A]]) -> None:
        if index not in found or len(steps) - 1 < len(found[index]):
            found[index] = Path(tuple(steps))

    interrupted = False
    try:
        for walk in range(walks):
            if max_seconds is not None and time.monotonic() - start > max_seconds:
                break
            state = rng.choice(inits)
            steps: list[Step[S, A]] = [Step.of(None, state)]
            ever = [False] * len(properties)
            while True:
                seen.add(fingerprint(state))
                for index, prop in enumerate(properties):
                    holds = prop.holds(state)
                    ever[index] = ever[index] or holds
                    if (prop.expectation is Expectation.ALWAYS and not holds) or (
                        prop.expectation is Expectation.SOMETIMES and holds
                    ):
                        keep(index, steps)
                actions = list(model.actions(state))
                if not any(model.is_fair(a) for a in actions):  # a fair behaviour may stop here
                    for index, prop in enumerate(properties):
                        if prop.expectation is Expectation.EVENTUALLY and not ever[index]:
                            keep(index, steps)
                if not actions:
                    key = fingerprint(state)
                    if not model.is_final(state) and key not in deadlocked:
                        deadlocked.add(key)
                        if len(deadlocks) < max_deadlock_paths:
                            deadlocks.append(Path(tuple(steps)))
                    break
                if len(steps) - 1 >= depth:
                    break
                action = rng.choice(actions)
                state = model.next_state(state, action)
                steps.append(Step.of(action, state))
                transitions += 1
            max_depth = max(max_depth, len(steps) - 1)
            now = time.monotonic()
            if progress is not None and now - last_report >= 0.2:
                last_report = now
                progress(
                    Progress(len(seen), transitions, walks - walk - 1, max_depth, now - start, None)
                )
    except KeyboardInterrupt:  # Ctrl-C: report the walks done so far, as partial
        if not partial_on_interrupt:
            raise
        interrupted = True
    seconds = time.monotonic() - start
    results = tuple(
        PropertyResult(prop, Verdict.decide(prop.expectation, i in found, False), found.get(i))
        for i, prop in enumerate(properties)
    )
    per_state = (sys.getsizeof(seen) / len(seen) + 32) if seen else 0.0
    stats = Statistics("random", len(seen), transitions, max_depth, seconds, per_state)
    return CheckResult(
        results, tuple(deadlocks), len(deadlocked), stats, False, interrupted=interrupted
    )
