"""A pipe keeps what its writer wrote before it closed: a reader sees a broken pipe only once
nothing is left in flight.  With explicit delivery (the simulator's IPC delay) the source may close
its end while the INFO is still on the wire; the target must still receive it."""

from __future__ import annotations

import pytest
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.properties.checker import Verdict, check
from wspshare.properties.handoff import checkable


@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
def test_info_in_flight_survives_the_source_closing_its_end(provider: str) -> None:
    config = ScenarioConfig(provider=provider, ack=False, explicit_delivery=True)
    result = check(checkable(HandoffModel(config)))
    assert result["no-leak"].verdict is Verdict.HOLDS
    assert result["handoff-succeeds"].verdict is Verdict.HOLDS
