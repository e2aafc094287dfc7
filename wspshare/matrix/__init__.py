"""The kill matrix: every seeded bug through every checker, and the correct machine as control.

A checker is proven by the bugs it catches.  Each column is a function ``(variant, budget) ->
Cell``; ``run_matrix`` fills the table and returns it as a value the command renders.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from wspshare.matrix.bmc_column import bmc_cell
from wspshare.matrix.cell import Cell, CellRunner
from wspshare.matrix.exhaustive import exhaustive_cell
from wspshare.matrix.hypothesis_column import hypothesis_cell
from wspshare.matrix.simulation import simulation_cell
from wspshare.models.variants import CORRECT, VARIANTS, Variant

COLUMNS: dict[str, CellRunner] = {
    "exhaustive": exhaustive_cell,
    "simulation": simulation_cell,
    "hypothesis": hypothesis_cell,
    "bmc": bmc_cell,
}


@dataclass(frozen=True)
class Row:
    variant: str
    spec_bug: bool
    control: bool
    cells: Mapping[str, Cell]

    @property
    def caught_by(self) -> list[str]:
        return [name for name, cell in self.cells.items() if cell.caught]


@dataclass(frozen=True)
class Matrix:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    interrupted: bool = False  # Ctrl-C stopped it: only the finished rows are here

    def row(self, variant: str) -> Row:
        return next(r for r in self.rows if r.variant == variant)

    @property
    def false_alarms(self) -> list[str]:
        """Columns that flag the correct machine."""
        return [c for r in self.rows if r.control for c in r.caught_by]

    @property
    def uncaught(self) -> list[str]:
        return [r.variant for r in self.rows if not r.control and not r.caught_by]

    def only_catchers(self) -> dict[str, str]:
        """Bugs caught by exactly one checker, and which."""
        return {
            r.variant: r.caught_by[0] for r in self.rows if not r.control and len(r.caught_by) == 1
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "columns": list(self.columns),
                "interrupted": self.interrupted,
                "rows": [
                    {
                        "variant": r.variant,
                        "spec_bug": r.spec_bug,
                        "control": r.control,
                        "cells": {k: v.to_dict() for k, v in r.cells.items()},
                    }
                    for r in self.rows
                ],
            },
            indent=2,
        )


def run_matrix(
    variants: Sequence[Variant],
    columns: Sequence[str],
    budget: float,
    on_cell: Callable[[str, str, Cell], None] | None = None,
    partial_on_interrupt: bool = False,
) -> Matrix:
    """Run every column on the control row first, then on every variant.  Ctrl-C returns the
    rows finished so far, marked ``interrupted``."""
    rows = []
    ordered = [VARIANTS[CORRECT], *(v for v in variants if v.name != CORRECT)]
    try:
        for variant in ordered:
            cells = {}
            for column in columns:
                cell = COLUMNS[column](variant, budget)
                cells[column] = cell
                if on_cell is not None:
                    on_cell(variant.name, column, cell)
            control = variant.name == CORRECT
            rows.append(Row(variant.name, variant.spec_bug, control, cells))
    except KeyboardInterrupt:
        if not partial_on_interrupt:
            raise
        return Matrix(tuple(columns), tuple(rows), interrupted=True)
    return Matrix(tuple(columns), tuple(rows))


__all__ = ["COLUMNS", "Cell", "CellRunner", "Matrix", "Row", "run_matrix"]
