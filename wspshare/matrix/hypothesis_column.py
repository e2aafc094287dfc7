"""The Hypothesis column: the call-level machine, then the scenario machine, on the variant.

A bug of the world's transitions shows in a few arbitrary calls; a bug of the protocol's programs
needs the scenario machine over the variant's witness model.  The story length is the number of
rules in the shrunk history.  The second machine is skipped once the budget is spent.  The call
machine gets 100 examples, the scenario machine as many as the seeded-bug test gives it.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, Phase, settings

from wspshare.matrix.cell import Cell
from wspshare.models.variants import Variant
from wspshare.properties.stateful import profiles
from wspshare.properties.stateful.machines import call_machine, scenario_machine
from wspshare.properties.stateful.run import find_failure


def hypothesis_cell(variant: Variant, budget: float, shrink: bool = True) -> Cell:
    """``shrink=False`` answers caught or missed only (the story is whatever failed first):
    shrinking is most of the time spent, and its result depends on time heuristics."""
    start = time.perf_counter()
    base = profiles.load()
    if not shrink:
        base = settings(base, phases=[Phase.explicit, Phase.reuse, Phase.generate])
    # Derandomized, so a cell is reproducible: the same examples, the same shrunk story.
    limited = settings(
        base,
        max_examples=100,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    scenario = settings(limited, max_examples=profiles.scenario_examples())
    machines = [
        (call_machine(variant.semantics), limited),
        (scenario_machine(variant.model), scenario),
    ]
    if variant.mutates == "scenario":
        machines.reverse()  # a mistake in the programs only shows in the scenario machine
    for machine, examples in machines:
        found = find_failure(machine, examples)
        if found is not None:
            seconds = time.perf_counter() - start
            return Cell(True, found.name, len(found.trace), seconds)
        if time.perf_counter() - start > budget:
            break
    return Cell(False, "", None, time.perf_counter() - start)
