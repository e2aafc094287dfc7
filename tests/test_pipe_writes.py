"""What a write to a pipe does when the other end has gone.

``roles.common.send`` documents the rule of named pipes: a write whose *reader* has gone (its
end closed or its process dead) is lost, as a broken pipe.  The mutation run of the role programs
(issue #16) showed that the code asks about the *writer* instead, so such a write is kept in the
pipe.  No property reads a message nobody can read, so no verdict changes, but the state space
holds states that differ only by it.  Fixing it changes every state count a fault reaches (the
seed's handoff with every fault and a stranger goes from 37,548 states to 32,379), so the fix
comes with a regeneration of the documented counts; until then the rule is pinned here as a
known bug, and this test fails, asking for its marker to go, once the code keeps the rule.  The
scenario-file interpreter (``models/scenario_data``) keeps the rule already.
"""

from __future__ import annotations

import pytest
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.actions import Crash
from wspshare.models.scenario.config import Faults
from wspshare.models.scenario.messages import Direction
from wspshare.models.scenario.roles.common import send
from wspshare.models.scenario.state import HandoffState

SOURCE, TARGET = 0, 1


def crashed_target() -> tuple[HandoffModel, HandoffState]:
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(crash=1)))
    state = model.next_state(model.init_states()[0], Crash(TARGET))
    assert not state.world.procs[TARGET].alive
    return model, state


def test_a_write_to_a_live_reader_lands_in_the_pipe() -> None:
    """The control: with both ends there, the source's write is in flight to the target."""
    model = HandoffModel(ScenarioConfig(provider="ifs"))
    state = model.init_states()[0]
    after = send(model, state, 0, Direction.DOWN, "INFO")
    assert after.chans[0] != state.chans[0]


@pytest.mark.xfail(
    strict=True,
    reason="known bug: common.send asks whether the writer is gone, not the reader, so a write "
    "to a crashed reader is kept (found by mutation testing; the fix regenerates state counts)",
)
def test_a_write_whose_reader_has_crashed_is_lost() -> None:
    model, state = crashed_target()
    after = send(model, state, 0, Direction.DOWN, "INFO")
    assert after.chans[0] == state.chans[0]
