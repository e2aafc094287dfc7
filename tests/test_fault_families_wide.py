"""Wider fault configurations than the fast tier affords (about half a minute): two targets, so two
duplications of one socket are in flight at once, with a crash and a shortage at any point."""

from __future__ import annotations

import pytest
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.config import PROVIDER_NAMES, Faults
from wspshare.properties.checker import Verdict, check
from wspshare.properties.handoff import checkable


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_two_targets_with_crashes_and_shortages_keep_every_claimed_property(provider: str) -> None:
    """Two duplications of one socket in flight at once, with a crash and a shortage anywhere."""
    config = ScenarioConfig(provider=provider, targets=2, faults=Faults(exhaust=1, crash=1))
    result = check(checkable(HandoffModel(config)))
    assert result.complete and result.deadlock_count == 0
    violated = {r.name for r in result.properties if r.verdict is Verdict.VIOLATED}
    assert violated == ({"no-premature-close"} if provider == "non-ifs-claim" else set())
