"""The Monte Carlo column: seeded simulated runs of the variant, with sampled fault plans.

The simulator injects only the faults of a plan, so the witness's fault budget is turned into
plans drawn from a seeded generator (which process crashes after which step, which message is
lost or duplicated), a batch of runs each.  A run counts as catching the bug when the runtime
verification stops it on a property of ``properties.handoff``.
"""

from __future__ import annotations

import random
import time

from wspshare.matrix.cell import Cell
from wspshare.models.scenario import Faults
from wspshare.models.variants import Variant
from wspshare.properties.handoff import SCENARIO_INVARIANTS
from wspshare.properties.invariants import WORLD_INVARIANTS
from wspshare.properties.layered import LAYER_INVARIANTS
from wspshare.properties.patterns import PATTERN_INVARIANTS
from wspshare.sim.config import SimConfig
from wspshare.sim.faults import PlannedFault, parse_line
from wspshare.sim.montecarlo import sweep

PROPERTY_NAMES = (
    frozenset(WORLD_INVARIANTS)
    | frozenset(SCENARIO_INVARIANTS)
    | frozenset(PATTERN_INVARIANTS)
    | frozenset(LAYER_INVARIANTS)
)
RUNS_PER_PLAN = 100
MAX_RUNS = 5000  # a cell stops here even with budget left: enough to see a 1-in-1000 race
MESSAGE_STEPS = (2, 3, 6, 10)


def sampled_plan(faults: Faults, targets: int, rng: random.Random) -> tuple[PlannedFault, ...]:
    """One fault plan within the budget ``faults``, drawn from ``rng``."""
    roles = ["source", *(f"target{k + 1}" for k in range(targets))]
    lines: list[str] = []
    for _ in range(faults.crash):
        lines.append(f"crash {rng.choice(roles)}@after:{rng.randint(1, 10)}")
    for _ in range(faults.exhaust):
        lines.append(f"exhaust {rng.choice(roles)}@after:{rng.randint(1, 8)}")
    for kind, count in (("lose", faults.lose), ("duplicate", faults.duplicate)):
        for _ in range(count):
            lines.append(f"{kind} {rng.choice(MESSAGE_STEPS)}@target{rng.randint(1, targets)}")
    for _ in range(faults.reuse_pid):
        lines.append(f"reuse-pid target{rng.randint(1, targets)}")
    return tuple(parse_line(line) for line in lines)


def simulation_cell(variant: Variant, budget: float) -> Cell:
    start = time.perf_counter()
    witness = variant.config()
    scenario = witness.with_(faults=Faults())
    rng = random.Random(f"wspshare-matrix/{variant.name}")
    plans = 0
    runs = 0
    while time.perf_counter() - start < budget and runs < MAX_RUNS:
        plan = sampled_plan(witness.faults, witness.targets, rng) if witness.faults.any else ()
        report = sweep(SimConfig(scenario=scenario, faults=plan), RUNS_PER_PLAN, runs, workers=1)
        plans += 1
        runs += RUNS_PER_PLAN
        failure = report.first_failure
        if failure is not None and failure.outcome in PROPERTY_NAMES:
            seconds = time.perf_counter() - start
            return Cell(True, failure.outcome, failure.actions, seconds, f"{runs} runs")
    return Cell(False, "", None, time.perf_counter() - start, f"{runs} runs")
