"""Which model the explorer shows, by name: the one it was started with, or a configuration a
counterexample file names.

A model's name is how the command line writes it, a configuration followed by its switches
(``witness --variant close-before-claim``), so a link can carry it and a counterexample file
already does (its ``config`` and ``switches`` fields).  ``model_from_argument`` is the one place
where the command's argument becomes a model; a scenario file will plug in there.
"""

from __future__ import annotations

import threading

from wspshare.cli_errors import UsageError
from wspshare.explorer.session import Successors
from wspshare.explorer.switches import parse_switches
from wspshare.models.errors import ModelError
from wspshare.models.scenario import Action, HandoffModel, HandoffState
from wspshare.properties.configs import CONFIGS, Switches, model_for
from wspshare.properties.handoff import checkable

KEEP = 32  # models remembered besides the first


def model_from_argument(argument: str, switches: Switches) -> HandoffModel:
    """The model ``wspshare explore ARGUMENT [switches]`` shows: a configuration name today."""
    return model_for(argument, switches)


def model_name(argument: str, switches: Switches) -> str:
    """The model's name in links and in the page's title."""
    return " ".join(part for part in (argument, switches.describe()) if part)


class Models:
    """The models one explorer shows, each with its own memory of successors.

    The first is the one it was started with; any other is a named configuration, built when a
    link or a counterexample file asks for it.  Only configuration names are accepted from a
    link, never a file name: a page must not make the server read files."""

    def __init__(self, home: HandoffModel, name: str = "") -> None:
        if not home.properties():
            home = checkable(home)  # a bare model from a notebook: attach the SPEC's properties
        self.home_name = name
        self._models: dict[str, tuple[HandoffModel, Successors[HandoffState, Action]]] = {
            name: (home, Successors(home))
        }
        self._lock = threading.Lock()

    def named(self, name: str | None) -> tuple[HandoffModel, Successors[HandoffState, Action]]:
        """The model called ``name`` (``None`` or empty: the first); ``UsageError`` for a name
        that is no configuration with valid switches."""
        key = self.home_name if not name else " ".join(name.split())
        with self._lock:
            found = self._models.get(key)
            if found is None:
                found = self._build(key)
                if len(self._models) > KEEP:
                    del self._models[next(k for k in self._models if k != self.home_name)]
                self._models[key] = found
            return found

    def _build(self, key: str) -> tuple[HandoffModel, Successors[HandoffState, Action]]:
        config, _, flags = key.partition(" ")
        if config not in CONFIGS:
            raise UsageError(
                f"no configuration named {config!r}; choose one of: {', '.join(CONFIGS)}"
            )
        try:
            model = model_for(config, parse_switches(flags))
        except ModelError as err:
            raise UsageError(str(err)) from None
        return model, Successors(model)

    def canonical_name(self, config: str, switches: str) -> str:
        """The name of a configuration and switches as a file records them."""
        return model_name(config, parse_switches(switches))
