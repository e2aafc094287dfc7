"""How each query of the proof is put to z3, and how an answer reads as a verdict (a proof is
unsat of a negation)."""

from __future__ import annotations

from typing import Any

import z3
from wspshare.properties.smt.interrupt import checked

PROVED, COUNTEREXAMPLE, UNKNOWN = "proved", "counterexample", "unknown"


def status_of(answer: z3.CheckSatResult) -> str:
    """unsat of a negation is a proof, sat a counterexample, anything else no answer."""
    if answer == z3.unsat:
        return PROVED
    return COUNTEREXAMPLE if answer == z3.sat else UNKNOWN


def solve(timeout_ms: int, *facts: Any) -> tuple[z3.CheckSatResult, z3.Solver]:
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*facts)
    return checked(solver, timeout_ms=timeout_ms), solver
