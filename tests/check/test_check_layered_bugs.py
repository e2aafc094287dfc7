"""The seeded LSP bugs (R16): each is found by breadth-first search with a shortest
counterexample, which replays in the simulator to a state its property condemns, and the correct
layer in the same witness shows nothing."""

from __future__ import annotations

import pytest
from wspshare.models.variants import variant_named
from wspshare.properties.checker import Verdict, check
from wspshare.properties.handoff import checkable, violations
from wspshare.sim.replay import replay_actions

# variant -> (the property its shortest counterexample violates, that path's length)
SHORTEST = {
    "lsp-info-passthrough": ("top-of-chain", 12),  # the target's claim lands on the base
    "lsp-source-catalog-only": ("no-leak", 16),  # the target's claim fails; the share stays
    "lsp-context-lookup-misses": ("no-leak", 16),
    "lsp-closes-shared-lower": ("open-iff-referenced", 15),  # the source's close resets it
    "lsp-ifs-unmodified-handle": ("top-of-chain", 1),  # the very first WSPSocket
}


@pytest.mark.parametrize("name", list(SHORTEST))
def test_each_lsp_bug_has_a_shortest_counterexample_that_replays_in_the_simulator(
    name: str,
) -> None:
    variant = variant_named(name)
    model = checkable(variant.model())
    result = check(model, strategy="bfs")
    prop, length = SHORTEST[name]
    found = result[prop]
    assert found.verdict is Verdict.VIOLATED and found.path is not None
    assert len(found.path) == length
    assert prop in variant.caught_by
    events = replay_actions(model, found.path.actions)
    assert len(events) == length
    assert events[-1].state == found.path.last
    assert prop in {n for n, _ in violations(model, events[-1].state)}


@pytest.mark.parametrize("name", list(SHORTEST))
def test_the_correct_layer_in_each_lsp_witness_shows_nothing(name: str) -> None:
    assert check(checkable(variant_named(name).control())).ok


def test_check_witness_with_an_lsp_bug_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    from wspshare.cli import main

    code = main(["check", "witness", "--variant", "lsp-info-passthrough", "--quiet"])
    out = capsys.readouterr().out
    assert code == 1
    assert "top-of-chain: shortest path found (12 steps)" in out
