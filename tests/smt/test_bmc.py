"""BMC finds a path to every transition-changing seeded bug within depth 12, and the path replays
in Python to the same violation."""

from __future__ import annotations

import pytest
from wspshare.models.errors import ModelError
from wspshare.properties.smt.bmc import bmc, bounds_for, replay
from wspshare.properties.smt.mutations import MUTATIONS
from wspshare.properties.smt.variants import semantics_for, twin_for

# Minutes of solver or Hypothesis time: the slow tier, which .ci/run runs after the suite.
pytestmark = pytest.mark.slow

# SPEC's bugs that change the transition relation, with the property a path must reach.
SPEC_BUGS = {
    "close-drops-twice": "reference-count",
    "close-drops-none": "reference-count",
    "no-rundown": "descriptor-validity",
    "no-pid-check": "no-strangers",
    "accept-twice": "single-use",
    "skip-modify-ifs-handle": "provider-discipline",
    "skip-create-socket-handle": "provider-discipline",
    "per-descriptor-options": "common-state",
    "per-descriptor-events": "single-registration",
}
# The catalogue's other bugs that change the transition relation.
FURTHER_BUGS = {
    "close-at-one": "open-iff-referenced",
    "rundown-skips-pending": "descriptor-validity",
    "ifs-duplicate-closes-source": "provider-discipline",
    "keeps-dead-shares": "no-strangers",  # a stranger reuses the dead target's pid: 5 steps
}
DEPTH = 12
# Small tables keep the unrolling quick; only a bug that needs a pid reuse gets a spare slot.
SMALL = {"handles": 2, "sockets": 1, "spare": 0}
NEEDS_SPARE = {"keeps-dead-shares"}
# Per depth.  keeps-dead-shares' depth 4 (no path yet) takes about a minute of solver time alone,
# and over the default 300 s on a machine running four other jobs: a timeout there would read as
# "no path found", which is not what this test is about.
REPLAY_TIMEOUT_MS = 1_200_000


@pytest.mark.parametrize("variant", sorted(SPEC_BUGS | FURTHER_BUGS))
def test_bmc_path_replays_to_the_same_violation(variant: str) -> None:
    expected = (SPEC_BUGS | FURTHER_BUGS)[variant]
    b = bounds_for("handoff", **{**SMALL, "spare": int(variant in NEEDS_SPARE)})
    sem = semantics_for(variant, b)
    result = bmc(twin_for(variant, b), sem, "handoff", DEPTH, timeout_ms=REPLAY_TIMEOUT_MS)
    assert result.path is not None and len(result.path) <= DEPTH
    assert expected in result.violated
    replayed = replay(sem, "handoff", result.path)
    assert expected in replayed.violated


def test_every_transition_changing_bug_is_covered() -> None:
    assert set(SPEC_BUGS) | set(FURTHER_BUGS) == set(MUTATIONS)


def test_no_path_for_the_correct_machine_at_small_depth() -> None:
    b = bounds_for("handoff")
    result = bmc(twin_for("correct", b), semantics_for("correct", b), "handoff", 3)
    assert result.holds


def test_unknown_configuration_is_a_usage_error() -> None:
    with pytest.raises(ModelError):
        bounds_for("three-targets")


def test_a_solver_timeout_is_inconclusive_not_a_proof() -> None:
    b = bounds_for("handoff")
    result = bmc(twin_for("correct", b), semantics_for("correct", b), "handoff", 4, timeout_ms=1)
    assert result.unknown_at is not None
    assert not result.holds and result.path is None
