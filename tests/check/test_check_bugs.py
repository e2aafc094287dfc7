"""Each bug SPEC lists, as a seeded variant (``models.variants``) or as a protocol flag, is found
by the checker with a shortest counterexample that replays in the simulator."""

from __future__ import annotations

import pytest
from wspshare.models.scenario import HandoffModel
from wspshare.models.variants import mutants
from wspshare.properties.checker import Path, check
from wspshare.properties.configs import Switches, model_for
from wspshare.properties.handoff import violations
from wspshare.sim.replay import replay_actions

FLAG_BUGS = {
    # close before the target claimed, with a provider that takes its reference at claim
    "premature-close": (
        "handoff",
        Switches(provider="non-ifs-claim", ack=False),
        "no-premature-close",
    ),
    # the info reaches a process that reused the target's pid (nothing pins it)
    "pid-reuse": ("handoff", Switches(pin=False, crash=1, reuse_pid=1), "no-strangers"),
}


def assert_shortest_and_replays(model: HandoffModel, name: str, path: Path) -> None:  # type: ignore[type-arg]
    # Shortest: a breadth-first search cut one step earlier finds no violation of ``name``.
    shorter = check(model, max_depth=len(path) - 1)
    assert shorter[name].path is None
    # Replays in the simulator, by the actions' printed names, to the state the checker reported.
    events = replay_actions(model, [str(a) for a in path.actions])
    assert events[-1].state == path.last
    assert name in {n for n, _ in violations(model, events[-1].state)}


@pytest.mark.parametrize("variant", [v.name for v in mutants()])
def test_a_seeded_bug_is_found_by_check_witness(variant: str) -> None:
    model = model_for("witness", Switches(variant=variant))
    result = check(model)
    expected = next(v for v in mutants() if v.name == variant).caught_by
    hits = [r for r in result.properties if r.failed and r.name in expected]
    assert hits, (variant, [r.name for r in result.properties if r.failed])
    safety = [r for r in hits if r.prop.expectation.value == "always"]
    for r in safety:
        assert r.path is not None
        assert_shortest_and_replays(model, r.name, r.path)


@pytest.mark.parametrize("bug", FLAG_BUGS)
def test_a_protocol_flag_bug_is_found_without_variants(bug: str) -> None:
    config, switches, name = FLAG_BUGS[bug]
    model = model_for(config, switches)
    result = check(model)
    path = result[name].path
    assert path is not None
    assert_shortest_and_replays(model, name, path)


def test_the_premature_close_path_ends_with_the_sources_close() -> None:
    # The story SPEC tells: the source closes before the target's WSPSocket has claimed.
    config, switches, name = FLAG_BUGS["premature-close"]
    path = check(model_for(config, switches))[name].path
    assert path is not None
    labels = [str(a) for a in path.actions]
    assert labels[-1] == "P0.T0: WSPCloseSocket"
    assert not any("WSPSocket(info)" in label for label in labels)
