"""Shared fixtures: a machine with a source and a target process."""

from __future__ import annotations

import os
from typing import NamedTuple

import pytest
from hypothesis import Phase, settings
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


# The fast tier (``pytest -m fast``, under a minute): the modules that pin the semantics call by
# call. The mutation run (``.ci/mutate``) uses it, so a mutant it lets live is a gap in these.
FAST_MODULES = frozenset(
    {
        "test_rules.py",
        "test_api.py",
        "test_overlapped.py",
        "test_inheritance.py",
        "test_endpoints.py",
        "test_pipe_drains.py",
        "test_fuzz_fast.py",
        "test_failed_calls.py",
        "test_closing.py",
        "test_rare_situations.py",
        "test_fault_families.py",
        "test_provider_calls.py",
        "test_semantics_edges.py",
        "test_io_and_api_edges.py",
        "test_fd_close.py",
        "test_layered_calls.py",
        "test_role_programs.py",
        "test_layered_transparency.py",
        "test_pipe_writes.py",
    }
)


# Under a mutation run (mutmut, and .ci/mutate's re-runs, set MUTANT_UNDER_TEST) a failure only
# needs to be found, not shrunk: shrinking a killed mutant's history is most of its time. Tests
# that name their own phases keep them.
if "MUTANT_UNDER_TEST" in os.environ:
    settings.register_profile("mutation", phases=(Phase.explicit, Phase.reuse, Phase.generate))
    settings.load_profile("mutation")


def pytest_itemcollected(item: pytest.Item) -> None:
    if item.path.name in FAST_MODULES:
        item.add_marker(pytest.mark.fast)
