"""The z3 column: bounded model checking of the variant's twin over the call-level semantics.

Only mutations of a provider, the kernel or the switch change the call-level transition relation
the twin encodes; a mistake in the scenario's programs or flags lies outside it, and the cell says
so rather than claiming a miss.  A path z3 finds is replayed in the executable semantics and
counts only if the replay violates a property there too.
"""

from __future__ import annotations

import time

from wspshare.matrix.cell import Cell
from wspshare.models.variants import Variant
from wspshare.properties.smt.bmc import bmc, bounds_for, replay
from wspshare.properties.smt.layer_mutations import LAYER_MUTATIONS
from wspshare.properties.smt.variants import changes_transitions, semantics_for, twin_for

CONFIG = "handoff"
DEPTH = 12


def bmc_cell(variant: Variant, budget: float) -> Cell:
    start = time.perf_counter()
    if variant.name != "correct" and not changes_transitions(variant.name):
        if variant.mutates == "scenario":
            return Cell(False, "", None, 0.0, "outside the call-level twin")
        return Cell(False, "", None, 0.0, "no twin of this mutation")
    # A chain's twin has a context grid per layer over the handle cells and two descriptors per
    # socket and process: small tables (one socket, two values, no spare slot) keep its
    # unrolling within the budget.
    small = {"handles": 2, "sockets": 1, "spare": 0} if variant.name in LAYER_MUTATIONS else {}
    bounds = bounds_for(CONFIG, **small)
    twin, sem = twin_for(variant.name, bounds), semantics_for(variant.name, bounds)
    result = bmc(twin, sem, CONFIG, DEPTH, timeout_ms=max(1000, int(budget * 1000)))
    seconds = time.perf_counter() - start
    if result.path is None:
        note = "solver gave up" if result.unknown_at is not None else f"none within {DEPTH}"
        return Cell(False, "", None, seconds, note)
    replayed = replay(sem, CONFIG, result.path)
    if not replayed.violated:
        return Cell(False, "", None, seconds, "path did not replay")
    return Cell(True, replayed.violated[0], len(result.path), seconds)
