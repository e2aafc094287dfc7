"""A counterexample file (``wspshare check --counterexample``) opened in the explorer.

The file is the checker's path JSON plus the configuration and switches it was found in, so it
names its own model: a counterexample of a seeded bug opens in that bug's configuration whatever
the explorer was started with.  A bare path (``Path.to_json`` without them) opens in the first
model.  Every step is replayed, so a file that does not fit its model is refused, not shown.
"""

from __future__ import annotations

import json
from typing import Any

from wspshare.cli_errors import UsageError
from wspshare.explorer.models import Models
from wspshare.explorer.session import Session
from wspshare.models.errors import ModelError
from wspshare.models.scenario import Action, HandoffState
from wspshare.properties.checker import Path, state_encoder


def open_counterexample(models: Models, text: str) -> tuple[str, Session[HandoffState, Action]]:
    """The model's name and a session at the end of the file's path; ``UsageError`` (one line)
    when the text is no path JSON or does not replay."""
    try:
        data: Any = json.loads(text)
    except ValueError as err:
        raise UsageError(f"not a counterexample file (no JSON: {err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise UsageError("not a counterexample file (no 'steps': write one with "
                         "wspshare check ... --counterexample FILE)")  # fmt: skip
    name = models.home_name
    if isinstance(data.get("config"), str):
        name = models.canonical_name(data["config"], str(data.get("switches") or ""))
    model, successors = models.named(name)
    try:
        path = Path.from_json(text, model, state_encoder(model))
        session = Session(model, successors)
        session.load(path)
    except (ValueError, KeyError, TypeError, ModelError) as err:
        raise UsageError(
            f"the counterexample does not replay in {name or 'this model'}: {err}"
        ) from None
    return name, session
