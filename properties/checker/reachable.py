"""Every reachable state, as objects: for measurements and tests that need the states themselves
rather than the checker's fingerprints (so only for small state spaces)."""

from __future__ import annotations

from collections import deque

from wspshare.models.protocol import A, Model, S


def reachable_states(model: Model[S, A]) -> list[S]:
    """Breadth-first, from every initial state, without symmetry reduction."""
    initial = list(dict.fromkeys(model.init_states()))
    seen: set[S] = set(initial)
    queue, out = deque(initial), []
    while queue:
        state = queue.popleft()
        out.append(state)
        for action in model.actions(state):
            nxt = model.next_state(state, action)
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return out
