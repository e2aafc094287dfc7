"""``wspshare mutants``: the kill matrix of seeded bugs against every checker."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wspshare.cli_errors import UsageError
from wspshare.matrix import COLUMNS, Matrix, run_matrix
from wspshare.models.variants import CORRECT, VARIANTS, mutants, variant_named
from wspshare.render import text_table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("mutants", help="run every seeded bug through every checker")
    p.add_argument(
        "--bug",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this variant (repeatable); the control row always runs",
    )
    p.add_argument(
        "--checkers",
        default=",".join(COLUMNS),
        help=f"comma-separated columns among {', '.join(COLUMNS)}",
    )
    p.add_argument("--budget", type=float, default=20.0, help="seconds per cell (default 20)")
    p.add_argument("--json", type=Path, metavar="FILE", help="save the matrix as JSON")
    p.add_argument("--list", action="store_true", help="list the variants and exit")
    p.add_argument("--markdown", action="store_true", help="print the matrix as a Markdown table")
    p.set_defaults(run=run)


def markdown_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def render(matrix: Matrix, markdown: bool = False) -> str:
    headers = ("VARIANT", "SPEC", *matrix.columns, "FIRST FOUND")
    rows = []
    for r in matrix.rows:
        found = next((c.found for c in r.cells.values() if c.caught), "-")
        kind = "control" if r.control else ("yes" if r.spec_bug else "no")
        cells = [
            f"no alarm {r.cells[c].seconds:.1f}s"
            if r.control and not r.cells[c].caught
            else str(r.cells[c])
            for c in matrix.columns
        ]
        rows.append((r.variant, kind, *cells, found))
    return markdown_table(headers, rows) if markdown else text_table(headers, rows)


def run(args: argparse.Namespace) -> int:
    if args.list:
        rows = [
            (v.name, v.mutates, "yes" if v.spec_bug else "no", v.summary)
            for v in (VARIANTS[CORRECT], *mutants())
        ]
        print(text_table(("VARIANT", "MUTATES", "SPEC", "MISTAKE"), rows))
        return 0
    columns = [c.strip() for c in args.checkers.split(",") if c.strip()]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not columns:
        raise UsageError(
            f"unknown checker {unknown[0] if unknown else '(none)'}; "
            f"choose among {', '.join(COLUMNS)}"
        )
    if args.budget <= 0:
        raise UsageError("--budget must be a positive number of seconds")
    variants = [variant_named(n) for n in args.bug] if args.bug else list(mutants())
    quiet = not sys.stderr.isatty()

    def progress(variant: str, column: str, cell: object) -> None:
        if not quiet:
            print(f"  {variant} / {column}: {cell}", file=sys.stderr)

    matrix = run_matrix(variants, columns, args.budget, progress)
    print(render(matrix, args.markdown))
    if args.json:
        args.json.write_text(matrix.to_json() + "\n")
    if matrix.false_alarms:
        print(f"FALSE ALARM on the correct machine: {', '.join(matrix.false_alarms)}")
        return 1
    if matrix.uncaught:
        print(f"not caught by any checker that ran: {', '.join(matrix.uncaught)}")
        return 1
    return 0
