"""Deterministic replay: a trace, or a model checker's path, run again through ``model.execute``.

A behaviour is its sequence of actions; replaying it needs no clock and no randomness.  Give
``replay_actions`` the model and the actions (``Action`` objects, or their ``str`` as a checker
path prints them) and get back every ``Event(action, effect, state)``::

    from wspshare.properties.checker.path import Path            # a counterexample from the checker
    events = replay_actions(model, [str(a) for a in path.actions])
    assert events[-1].state == path.last

A simulator trace file carries its configuration and the actions: ``replay_trace(path)`` rebuilds
the model (``model_for(config)``) and replays them; ``actions_from_records`` gives the actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from wspshare.models.errors import ModelError, WSAError
from wspshare.models.scenario import (
    Action,
    Arrive,
    Crash,
    Deliver,
    Direction,
    Duplicate,
    Exhaust,
    HandoffModel,
    HandoffState,
    Lose,
    Reorder,
    ReusePid,
    Step,
    Timeout,
)
from wspshare.models.scenario.schedule import Event
from wspshare.sim.config import SimConfig
from wspshare.sim.handoff import is_enabled
from wspshare.sim.trace import Record, read_jsonl

ACTION_TYPES: dict[str, type[Any]] = {
    t.__name__: t
    for t in (Step, Deliver, Timeout, Crash, Lose, Duplicate, Reorder, ReusePid, Exhaust, Arrive)
}
_ENUMS: dict[str, type[Any]] = {"direction": Direction, "error": WSAError}


def replay_actions(
    model: HandoffModel,
    actions: Iterable[Action | str],
    start: HandoffState | None = None,
) -> list[Event]:
    """Execute ``actions`` from ``start`` (the model's initial state by default).

    Each action must be enabled when its turn comes; a string is matched against the ``str`` of
    the enabled actions.  Raises ``ModelError`` naming the first action that is not enabled.
    """
    state = model.init_states()[0] if start is None else start
    events: list[Event] = []
    for i, wanted in enumerate(actions):
        enabled = model.actions(state)
        if isinstance(wanted, str):
            action = next((a for a in enabled if str(a) == wanted), None)
        else:
            action = wanted if is_enabled(wanted, enabled) else None
        if action is None:
            raise ModelError(
                f"replay: action {i} ({wanted}) is not enabled; enabled: "
                + "; ".join(str(a) for a in enabled)
            )
        state, effect = model.execute(state, action)
        events.append(Event(action, effect, state))
    return events


def action_from_fields(fields: dict[str, Any]) -> Action:
    """The action a trace record's ``act`` object describes."""
    data = dict(fields)
    kind = ACTION_TYPES.get(data.pop("type", ""))
    if kind is None:
        raise ModelError(f"replay: unknown action type in {fields!r}")
    for key, enum in _ENUMS.items():
        if key in data:
            data[key] = enum[data[key]]
    action: Action = kind(**data)
    return action


def actions_from_records(records: Sequence[Record]) -> list[Action]:
    """The actions of a trace's ``action`` records, in order."""
    return [action_from_fields(r["act"]) for r in records if r.get("event") == "action"]


def config_from_records(records: Sequence[Record]) -> SimConfig:
    header = next((r for r in records if r.get("event") == "run"), None)
    if header is None:
        raise ModelError("replay: the trace has no 'run' header record")
    return SimConfig.from_json(header["config"])


def replay_trace(path: str | Path) -> tuple[SimConfig, list[Event]]:
    """Rebuild a trace file's configuration and replay its actions."""
    from wspshare.sim.run import model_for  # the run module imports this one's neighbours

    records = read_jsonl(path)
    config = config_from_records(records)
    return config, replay_actions(model_for(config), actions_from_records(records))
