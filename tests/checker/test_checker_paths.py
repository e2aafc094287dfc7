"""Paths as values: a readable table, JSON round trips, replay; and the fingerprints behind them."""

from __future__ import annotations

import json

import pytest
from wspshare.properties.checker import (
    Path,
    Step,
    check,
    fast_fingerprint,
    replay,
    stable_fingerprint,
    state_encoder,
)

from tests.checker.checker_toys import Blinker, LostUpdate


def _race() -> Path[object, object]:
    path = check(LostUpdate(2))["no lost update"].path
    assert path is not None
    return path


def test_a_path_prints_as_a_numbered_table_of_actions_and_states() -> None:
    text = str(_race())
    lines = text.splitlines()
    assert len(lines) == 6
    assert "action" in lines[0] and "read 0" in lines[2] and "write 1" in lines[5]


def test_a_lasso_marks_the_step_it_loops_back_to() -> None:
    path = check(Blinker())["done"].path
    assert path is not None
    assert "loops back to step 0" in str(path)


def test_json_keeps_action_labels_and_encoded_states() -> None:
    data = json.loads(_race().to_json())
    assert [s["action"] for s in data["steps"]][1:] == ["read 0", "read 1", "write 0", "write 1"]
    assert data["steps"][-1]["state"] == repr(((2, 2), (0, 0), 1))


def test_json_read_back_with_the_model_is_the_same_path_with_real_objects() -> None:
    path = _race()
    assert Path.from_json(path.to_json(), LostUpdate(2)) == path


def test_json_read_back_without_a_model_keeps_labels_and_encodings() -> None:
    back = Path.from_json(_race().to_json(encode_state=list))
    assert len(back) == 4 and back.steps[1].label == "read 0" and back.steps[1].action is None
    assert back.last == [[2, 2], [0, 0], 1]


def test_json_from_another_model_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="same model"):
        Path.from_json(_race().to_json(), Blinker())


def test_replay_follows_action_positions_from_an_initial_state() -> None:
    path = replay(LostUpdate(2), 0, [0, 0, 0])
    assert [s.label for s in path.steps[1:]] == ["read 0", "write 0", "read 1"]
    assert path.last == ((2, 1), (0, 1), 1)


def test_a_path_needs_its_initial_step() -> None:
    with pytest.raises(ValueError, match="initial"):
        Path(())
    assert len(Path((Step.of(None, 0),))) == 0


def test_stable_fingerprints_do_not_depend_on_the_process() -> None:
    assert stable_fingerprint(("a", 1)) == stable_fingerprint(("a", 1))
    assert stable_fingerprint(("a", 1)) != stable_fingerprint(("a", 2))
    assert -(2**63) <= stable_fingerprint(("a", 1)) < 2**63


def test_fast_fingerprints_cannot_tell_minus_one_from_minus_two() -> None:
    # The documented price of using the built-in hash: models must not rely on -1 versus -2.
    assert fast_fingerprint((-1, 0)) == fast_fingerprint((-2, 0))
    assert stable_fingerprint((-1, 0)) != stable_fingerprint((-2, 0))


def test_a_model_may_supply_the_json_form_of_its_states() -> None:
    class Encoding(LostUpdate):
        def encode_state(self, state: object) -> object:
            return {"state": list(map(str, state))}  # type: ignore[call-overload]

    model = Encoding(2)
    encode = state_encoder(model)
    path = check(model)["no lost update"].path
    assert path is not None
    assert json.loads(path.to_json(encode))["steps"][0]["state"] == {
        "state": ["(0, 0)", "(0, 0)", "0"]
    }
    assert Path.from_json(path.to_json(encode), model, encode) == path
    assert state_encoder(LostUpdate(2)) is repr
