"""Ctrl-C during a solver query, given back to Python.

While ``Solver.check`` runs, z3 handles SIGINT itself: it stops the query and answers ``unknown``,
and Python never sees the signal.  A proof would then carry on with the next query as if one had
merely timed out; ``checked`` raises ``KeyboardInterrupt`` instead, so the caller can stop and
report what it has proved so far.

z3 names the reason "interrupted from keyboard" for a one-shot query, but "canceled" in an
incremental one (after ``push``), which is also what it says there when the query's own timeout
runs out.  So "canceled" counts as Ctrl-C only when it came clearly before that timeout.
"""

from __future__ import annotations

import time
from typing import Any

import z3

TIMEOUT_MARGIN = 0.9  # a cancel before 90% of the query's timeout cannot be the timeout


def checked(solver: z3.Solver, *assumptions: Any, timeout_ms: int | None = None) -> Any:
    """``solver.check(*assumptions)``; ``KeyboardInterrupt`` if Ctrl-C interrupted it.
    ``timeout_ms`` is the timeout the solver was given, if any."""
    start = time.monotonic()
    answer = solver.check(*assumptions)
    if answer != z3.unknown:
        return answer
    reason = solver.reason_unknown()
    elapsed_ms = 1000 * (time.monotonic() - start)
    early = timeout_ms is None or elapsed_ms < TIMEOUT_MARGIN * timeout_ms
    if "interrupted" in reason or (reason == "canceled" and early):
        raise KeyboardInterrupt
    return answer
