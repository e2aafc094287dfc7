"""The explorer's session: moving along a path, keeping or dropping the future, and rebuilding a
path from the fingerprints of a link.  No web server is involved."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from wspshare.models.scenario import HandoffModel
from wspshare.models.scenario.schedule import seed_order_run
from wspshare.properties.checker import Path, Step

from tests.checker.checker_toys import Act, LostUpdate
from wspshare.explorer.session import Session, UnknownFingerprint, fingerprint


def walk(session: Session[object, Act], *labels: str) -> None:
    """Take the enabled actions named ``labels``, in order."""
    for label in labels:
        index = [str(c.action) for c in session.choices()].index(label)
        session.take(index)


def test_a_session_starts_in_the_initial_state() -> None:
    session = Session(LostUpdate())
    assert session.cursor == 0 and session.current.action is None
    assert session.current.state == LostUpdate().init_states()[0]
    assert [str(c.action) for c in session.choices()] == ["read 0", "read 1"]


def test_taking_an_action_moves_to_its_successor() -> None:
    model = LostUpdate()
    session = Session(model)
    walk(session, "read 1")
    assert session.cursor == 1
    assert session.current.state == model.next_state(model.init_states()[0], Act("read", 1))
    assert session.current.fingerprint == fingerprint(session.current.state)


def test_back_and_forward_walk_the_same_path() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0", "read 1", "write 0")
    end = session.current
    session.back()
    session.back()
    assert session.cursor == 1 and len(session.visits) == 4
    session.forward()
    session.forward()
    assert session.current == end


def test_back_stops_at_the_start_and_forward_at_the_end() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0")
    session.back()
    session.back()
    assert session.cursor == 0
    session.forward()
    session.forward()
    assert session.cursor == 1


def test_a_different_action_after_going_back_drops_the_future() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0", "read 1", "write 0")
    session.back(2)
    walk(session, "write 0")
    assert [str(v.action) for v in session.visits[1:]] == ["read 0", "write 0"]
    assert session.cursor == 2


def test_the_same_action_after_going_back_keeps_the_future() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0", "read 1", "write 0")
    session.back(2)
    walk(session, "read 1")
    assert session.cursor == 2 and len(session.visits) == 4


def test_jump_goes_to_any_step_and_refuses_steps_not_on_the_path() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0", "read 1")
    session.jump(0)
    assert session.cursor == 0
    session.jump(2)
    assert session.cursor == 2
    with pytest.raises(IndexError):
        session.jump(3)
    with pytest.raises(IndexError):
        session.take(5)


def test_restart_forgets_the_path() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0", "read 1")
    session.restart()
    assert session.cursor == 0 and len(session.visits) == 1


def test_the_path_is_the_checkers_path_up_to_the_cursor() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0", "read 1", "write 1")
    session.back()
    path = session.path()
    assert isinstance(path, Path) and len(path) == 2
    assert [str(a) for a in path.actions] == ["read 0", "read 1"]


def test_fingerprints_rebuild_the_same_path_in_a_new_session() -> None:
    session = Session(LostUpdate())
    walk(session, "read 1", "read 0", "write 1", "write 0")
    session.back()
    again = Session(LostUpdate())
    again.follow(session.fingerprints(), session.cursor)
    assert again.visits == session.visits and again.cursor == session.cursor


def test_a_link_through_the_cursor_names_the_current_state() -> None:
    session = Session(LostUpdate())
    walk(session, "read 1", "read 0", "write 1")
    session.back()
    again = Session(LostUpdate())
    again.follow(session.fingerprints(through_cursor=True))
    assert again.current == session.current and len(again.visits) == 3


def test_an_unknown_fingerprint_names_its_position_and_leaves_the_session_alone() -> None:
    session = Session(LostUpdate())
    walk(session, "read 0")
    good = session.fingerprints()
    with pytest.raises(UnknownFingerprint) as caught:
        session.follow([good[0], good[1], "0123456789abcdef"])
    assert caught.value.position == 2 and "0123456789abcdef" in str(caught.value)
    assert session.fingerprints() == good
    with pytest.raises(UnknownFingerprint) as first:
        session.follow(["ffffffffffffffff"])
    assert first.value.position == 0


def test_loading_a_checker_path_puts_the_cursor_at_its_end() -> None:
    model = HandoffModel()
    events = seed_order_run(model)
    steps = [Step.of(None, model.init_states()[0])]
    steps += [Step.of(ev.action, ev.state) for ev in events]
    session = Session(model)
    session.load(Path(tuple(steps)))
    assert session.cursor == len(events)
    assert session.current.state == events[-1].state


def test_loading_a_path_with_a_step_not_enabled_is_refused() -> None:
    other = HandoffModel()
    bogus = Path((Step.of(None, other.init_states()[0]), Step.of(Act("read", 0), 0)))
    with pytest.raises(ValueError):
        Session(HandoffModel()).load(bogus)


def test_fingerprints_are_the_same_in_another_process() -> None:
    """A link must survive a restart of the server: the built-in hash is salted per process, the
    explorer's fingerprint is not."""
    state = seed_order_run(HandoffModel())[5].state
    code = (
        "from wspshare.models.scenario import HandoffModel\n"
        "from wspshare.models.scenario.schedule import seed_order_run\n"
        "from wspshare.explorer.session import fingerprint\n"
        "print(fingerprint(seed_order_run(HandoffModel())[5].state))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == fingerprint(state)
