"""Shared fixtures: a machine with a source and a target process."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from wspshare.models.semantics import Semantics
from wspshare.models.state import World


class Machine(NamedTuple):
    sem: Semantics
    world: World
    source: int  # slot
    target: int  # slot


@pytest.fixture
def machine() -> Machine:
    sem = Semantics()
    w = sem.initial_world()
    w, source = sem.spawn(w, threads=2)
    w, target = sem.spawn(w, threads=2)
    return Machine(sem, w, source, target)
