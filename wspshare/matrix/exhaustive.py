"""The exhaustive column: breadth-first search of the variant's witness configuration."""

from __future__ import annotations

import time

from wspshare.matrix.cell import Cell
from wspshare.models.variants import Variant
from wspshare.properties.checker import check
from wspshare.properties.handoff import checkable


def exhaustive_cell(variant: Variant, budget: float) -> Cell:
    """BFS, so the story is the shortest; a deadlock counts as caught when no property fails."""
    start = time.perf_counter()
    result = check(checkable(variant.model()), strategy="bfs", max_seconds=budget)
    seconds = time.perf_counter() - start
    failed = [p for p in result.properties if p.failed and p.path is not None]
    if failed:
        best = min(failed, key=lambda p: len(p.path) if p.path is not None else 0)
        length = len(best.path) if best.path is not None else None
        return Cell(True, best.name, length, seconds)
    if result.deadlocks:
        return Cell(True, "deadlock", len(result.deadlocks[0]), seconds)
    note = "" if result.complete else "budget spent"
    return Cell(False, "", None, seconds, note)
