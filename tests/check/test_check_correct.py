"""With both correct providers, every property holds on every named configuration, with faults
off and on (SPEC "What must hold"; Done-when of the model-checker issue).

Faults on means every kind at budget 1, in small groups so that each search stays small: all six
together multiply the state space (32k states for handoff, far more for fan-out), which the
benchmark and the README measure instead.  Fan-out runs with symmetry, which the symmetry tests
show keeps every safety verdict.
"""

from __future__ import annotations

import pytest
from wspshare.models.protocol import Expectation
from wspshare.properties.checker import Verdict, check
from wspshare.properties.configs import CONFIGS, Switches, model_for

FAULT_GROUPS = {
    "none": {},
    "crash+reuse-pid": {"crash": 1, "reuse_pid": 1},  # a pid is reused only after a crash
    "duplicate": {"duplicate": 1},
    "lose": {"lose": 1},
    "reorder+exhaust": {"reorder": 1, "exhaust": 1},
    "stranger": {"stranger": True},
}
SHAPES = ("handoff", "handoff-threads", "fanout", "listener", "datagram")
SYMMETRIC = ("fanout", "listener", "datagram")  # interchangeable targets (workers)


@pytest.mark.parametrize("faults", FAULT_GROUPS)
@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
@pytest.mark.parametrize("config", SHAPES)
def test_every_property_holds_with_a_correct_provider(
    config: str, provider: str, faults: str
) -> None:
    model = model_for(config, Switches(provider=provider, **FAULT_GROUPS[faults]))  # type: ignore[arg-type]
    symmetry = config in SYMMETRIC
    result = check(model, symmetry=symmetry)
    assert result.complete
    assert result.deadlock_count == 0
    for r in result.properties:
        if symmetry and r.prop.expectation is Expectation.EVENTUALLY:
            assert r.verdict is Verdict.UNKNOWN  # liveness is checked without symmetry
        else:
            assert r.verdict is Verdict.HOLDS, (r.name, r.path)
    assert result.ok


@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
def test_liveness_holds_on_the_full_fanout(provider: str) -> None:
    result = check(model_for("fanout", Switches(provider=provider)))
    assert result["handoff-succeeds"].verdict is Verdict.HOLDS


def test_every_named_shape_is_covered_here() -> None:
    # witness is the seeded bugs' (test_check_bugs), wine the wine profile's (test_check_profiles),
    # layered the protocol chains' (test_check_layered)
    assert set(CONFIGS) == {*SHAPES, "witness", "wine", "layered"}


def test_faults_really_happen_in_the_fault_groups() -> None:
    # A fault group that enabled nothing would make "holds with faults on" vacuous.
    for faults, switches in FAULT_GROUPS.items():
        if faults == "none":
            continue
        result = check(model_for("handoff", Switches(**switches)))  # type: ignore[arg-type]
        plain = check(model_for("handoff"))
        assert result.statistics.states > plain.statistics.states, faults
