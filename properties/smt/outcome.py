"""What a twin action yields, and the if-elif chain that combines the cases of a call.

Kept apart from ``properties.smt.twin`` so that the groups of actions (the seed's calls there,
the endpoint calls in ``properties.smt.endpoints``) build their outcomes the same way.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import z3
from wspshare.models.errors import WSAError
from wspshare.properties.smt.state import SymState, ite


class Outcome(NamedTuple):
    enabled: Any
    error: Any
    value: Any
    post: SymState


def merge(cases: list[tuple[Any, Outcome]], default: Outcome) -> Outcome:
    """The first case whose condition holds, else ``default`` (an if-elif chain)."""
    out = default
    for cond, o in reversed(cases):
        out = Outcome(
            z3.If(cond, o.enabled, out.enabled),
            z3.If(cond, o.error, out.error),
            z3.If(cond, o.value, out.value),
            ite(cond, o.post, out.post),
        )
    return out


def err(s: SymState, code: WSAError) -> Outcome:
    """The call fails with ``code`` and changes nothing (R10)."""
    return Outcome(z3.BoolVal(True), z3.IntVal(int(code)), z3.IntVal(0), s)


def ok(value: Any, post: SymState) -> Outcome:
    """The call succeeds, returning ``value``."""
    return Outcome(z3.BoolVal(True), z3.IntVal(0), value, post)


class View(NamedTuple):
    """A handle-table entry found by (slot, value): ``cells[i][j]`` says which cell it is."""

    found: Any
    kind: Any
    obj: Any
    cat: Any
    cells: list[list[Any]]
