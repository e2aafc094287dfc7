"""The rarer situations as configurations, checked exhaustively under every provider with crashes
and shortages together (M5): a process duplicating for itself (scenarios/self-duplicate.toml) and
two duplications for one target (scenarios/two-duplications.toml).  Every property of the world
holds, nothing leaks and nothing deadlocks; the only property a fault may break is a file's own
expectation that a call succeeds (a shortage fails the claim it was told to expect to work)."""

from __future__ import annotations

from pathlib import Path

import pytest
from wspshare.models.scenario.config import PROVIDER_NAMES, Faults
from wspshare.properties.checker import Verdict, check
from wspshare.properties.scenario_file import scenario_model

SCENARIOS = Path(__file__).parents[1] / "scenarios"
RARE = ("self-duplicate", "two-duplications")


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
@pytest.mark.parametrize("name", RARE)
def test_a_rare_configuration_keeps_every_property_under_crashes_and_shortages(
    name: str, provider: str
) -> None:
    model = scenario_model(
        str(SCENARIOS / f"{name}.toml"), provider=provider, faults=Faults(crash=1, exhaust=1)
    )
    result = check(model, stop_early=False)
    assert result.complete and result.deadlock_count == 0
    verdicts = {r.name: r.verdict for r in result.properties}
    assert "no-leak" in verdicts and "reference-count" in verdicts
    broken = {n for n, v in verdicts.items() if v is Verdict.VIOLATED}
    # self-duplicate expects its claim to succeed, which a shortage can fail: proof the faults
    # were offered; two-duplications expects nothing, so nothing may break.
    assert broken == ({"expectations"} if name == "self-duplicate" else set())
    undecided = {n for n, v in verdicts.items() if v in (Verdict.UNKNOWN, Verdict.NOT_FOUND)}
    assert undecided <= {"scenario-finishes"}  # a liveness claim made without faults only
