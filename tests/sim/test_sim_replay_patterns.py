"""The listener and datagram patterns in the simulator's replay: a simulated run's trace file
replays, and every seeded bug's shortest counterexample of these patterns runs in the
simulator, is written as its trace, and replays to the same world and the same violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from wspshare.models.scenario import ScenarioConfig
from wspshare.models.variants import VARIANTS
from wspshare.properties.checker import check
from wspshare.properties.configs import Switches, model_for
from wspshare.properties.handoff import violations
from wspshare.sim.config import SimConfig
from wspshare.sim.counterexample import simulate_path
from wspshare.sim.replay import replay_trace
from wspshare.sim.run import model_for as simulator_model
from wspshare.sim.run import simulate
from wspshare.sim.trace import write_jsonl

PATTERN_BUGS = sorted(n for n, v in VARIANTS.items() if v.witness.pattern != "handoff")


def test_the_patterns_have_seeded_bugs_to_replay() -> None:
    assert len(PATTERN_BUGS) >= 4, PATTERN_BUGS


@pytest.mark.parametrize("pattern", ["listener", "datagram"])
def test_a_simulated_run_of_the_pattern_replays_from_its_trace_file(
    pattern: str, tmp_path: Path
) -> None:
    run = simulate(SimConfig(ScenarioConfig(targets=2, pattern=pattern, clients=2)), seed=3)
    assert any(e.action.__class__.__name__ == "Arrive" for e in run.events)
    write_jsonl(tmp_path / "run.jsonl", run.trace())
    _, events = replay_trace(tmp_path / "run.jsonl")
    assert events[-1].state == run.final


@pytest.mark.parametrize("variant", PATTERN_BUGS)
def test_each_shortest_counterexample_of_the_patterns_replays_in_the_simulator(
    variant: str, tmp_path: Path
) -> None:
    model = model_for("witness", Switches(variant=variant))
    safety = {p.name for p in model.properties() if p.expectation.value == "always"}
    found_by_check = [p for p in check(model).properties if p.failed and p.path is not None]
    failed = [p for p in found_by_check if p.name in safety]  # a liveness path is a lasso
    assert failed, f"{variant} is not caught in its witness configuration"
    for prop in failed:
        assert prop.path is not None
        actions = [a for a in prop.path.actions if a is not None]
        simulated = simulate_path(model.config, actions)
        trace = tmp_path / f"{prop.name}.jsonl"
        write_jsonl(trace, simulated.trace_records())
        config, events = replay_trace(trace)
        last = events[-1].state
        assert last.world == prop.path.last.world, prop.name
        found = {name for name, _ in violations(simulator_model(config), last)}
        assert prop.name in found, (prop.name, found)
