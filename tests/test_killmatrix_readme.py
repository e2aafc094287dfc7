"""Every cell of the README's kill matrix is reproduced here, row by row.

The README's table is ``wspshare mutants --markdown``.  A cell is reproduced when the checker
catches (or misses) the bug again with a story of the same length (Hypothesis's shrinking stops
on a time heuristic, so its story may only come out shorter).  A z3 cell that gave up within its
time budget depends on wall-clock time, not on the checker: it is marked so in the table and is
only checked to be a miss here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wspshare.models.variants import VARIANTS

from wspshare.matrix import COLUMNS
from wspshare.matrix.hypothesis_column import hypothesis_cell

# Slow (minutes on two cores) and checked by .ci/run's slow tier, not by the plain pytest.
pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parent.parent / "README.md"
CELL = re.compile(r"^(caught|missed|no alarm)(?: len=(\d+))? [0-9.]+s(?: \((.*)\))?$")
# z3's cells get more room than the table's own 20 s: a loaded machine (the slow tier runs two
# workers on two cores) can triple a solver query, and a cell caught here must not read as lost.
BUDGET = {"exhaustive": 30.0, "simulation": 30.0, "hypothesis": 60.0, "bmc": 180.0}


def readme_matrix() -> tuple[list[str], dict[str, dict[str, str]]]:
    """The columns and, per variant, the cell texts of the README's kill-matrix table."""
    lines = README.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| VARIANT | SPEC |"))
    headers = [c.strip() for c in lines[start].strip("|").split("|")]
    columns = headers[2:-1]
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(columns, cells[2:-1], strict=True))
    return columns, rows


COLUMN_NAMES, ROWS = readme_matrix()


def test_the_readme_shows_every_variant_and_every_checker() -> None:
    assert set(ROWS) == set(VARIANTS)
    assert list(COLUMNS) == COLUMN_NAMES


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_readme_row_is_reproduced(name: str) -> None:
    variant = VARIANTS[name]
    for column, text in ROWS[name].items():
        match = CELL.match(text)
        assert match, f"{name}/{column}: unreadable cell {text!r}"
        verdict, length, note = match.groups()
        # A miss the README blames on the clock, or the control's silence, needs no long search.
        quick = note == "solver gave up" or verdict == "no alarm"
        budget = 10.0 if quick else BUDGET[column]
        if column == "hypothesis":
            cell = hypothesis_cell(variant, budget, shrink=False)
        else:
            cell = COLUMNS[column](variant, budget)
        if note == "solver gave up":
            assert not cell.caught, f"{name}/{column}: now caught, update the README"
            continue
        assert cell.caught == (verdict == "caught"), f"{name}/{column}: {cell} vs {text}"
        if verdict == "caught" and column == "hypothesis":
            continue  # unshrunk: the verdict is what is reproduced
        if verdict == "caught":
            assert cell.length == int(length), f"{name}/{column}: {cell} vs {text}"
        elif note is not None and not note.endswith(" runs"):
            assert cell.note == note, f"{name}/{column}: {cell.note!r} vs {note!r}"
