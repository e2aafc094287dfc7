"""What a write to a pipe does when the other end has gone.

``roles.common.send`` keeps the rule of named pipes: a write whose *reader* has gone (its end
closed or its process dead) is lost, as a broken pipe.  The mutation run of the role programs
(issue #16) found that the code asked about the *writer* instead, so such a write was kept in the
pipe; no verdict changed (nobody can read it), but the state space held states that differed only
by it (the seed's handoff with every fault and a stranger had 37,548 states, 32,379 with the
rule kept).  The scenario-file interpreter (``models/scenario_data``) keeps the same rule.
"""

from __future__ import annotations

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


def test_a_write_whose_reader_has_crashed_is_lost() -> None:
    model, state = crashed_target()
    after = send(model, state, 0, Direction.DOWN, "INFO")
    assert after.chans[0] == state.chans[0]


def test_a_write_up_to_a_crashed_source_is_lost_and_to_a_live_one_kept() -> None:
    """The other direction: the target writes up; the source is the reader it asks about."""
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(crash=1)))
    state = model.init_states()[0]
    assert send(model, state, 0, Direction.UP, "ACK").chans[0] != state.chans[0]
    crashed = model.next_state(state, Crash(SOURCE))
    assert not crashed.world.procs[SOURCE].alive
    assert send(model, crashed, 0, Direction.UP, "ACK").chans[0] == crashed.chans[0]
