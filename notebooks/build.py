"""Build the committed notebooks from their percent-format sources: ``python notebooks/build.py``.

The sources (``notebooks/src/*.py``) are plain Python that ruff can lint and a reviewer can diff;
the ``.ipynb`` files are generated from them without outputs, so a committed notebook never holds
stale results.  ``--check`` fails (exit 1) when a committed notebook differs from its source.

Cell markers: ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell whose lines are
comments (``# `` is stripped).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
MARKER = "# %%"


def cells(text: str) -> list[nbformat.NotebookNode]:
    """Split a percent-format source into notebook cells (text before the first marker is
    dropped: it is the file's own docstring for linters)."""
    out: list[nbformat.NotebookNode] = []
    kind: str = ""  # "" = before the first marker
    lines: list[str] = []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(_uncomment(line) for line in body.splitlines())
            out.append(nbformat.v4.new_markdown_cell(body))
        elif kind == "code":
            out.append(nbformat.v4.new_code_cell(body))

    for line in text.splitlines():
        if line.startswith(MARKER):
            flush()
            kind = "markdown" if "[markdown]" in line else "code"
            lines = []
        else:
            lines.append(line)
    flush()
    return out


def _uncomment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return "" if line == "#" else line


def notebook(source: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells(source.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb.cells):
        cell.id = f"{source.stem[:2]}-{i:03d}"  # stable ids: rebuilding changes nothing
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def render(source: Path) -> str:
    return nbformat.writes(notebook(source)) + "\n"


def targets() -> list[tuple[Path, Path]]:
    return [(src, HERE / f"{src.stem}.ipynb") for src in sorted(SOURCES.glob("[0-9]*.py"))]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for src, dst in targets():
        text = render(src)
        if check:
            if not dst.exists() or dst.read_text(encoding="utf-8") != text:
                stale.append(dst.name)
        else:
            dst.write_text(text, encoding="utf-8")
            print(f"wrote {dst.relative_to(HERE.parent)}")
    if stale:
        print(f"out of date, run python notebooks/build.py: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
