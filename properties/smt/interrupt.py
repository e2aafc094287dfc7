"""Ctrl-C during a solver query, given back to Python.

While ``Solver.check`` runs, z3 handles SIGINT itself: it stops the query and answers ``unknown``
with the reason "interrupted from keyboard", and Python never sees the signal.  A proof would
then carry on with the next query as if one had merely timed out; ``checked`` raises
``KeyboardInterrupt`` instead, so the caller can stop and report what it has proved so far.
"""

from __future__ import annotations

from typing import Any

import z3


def checked(solver: z3.Solver, *assumptions: Any) -> Any:
    """``solver.check(*assumptions)``; ``KeyboardInterrupt`` if Ctrl-C interrupted it."""
    answer = solver.check(*assumptions)
    if answer == z3.unknown and "interrupted" in solver.reason_unknown():
        raise KeyboardInterrupt
    return answer
