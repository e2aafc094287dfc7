"""``wspshare mutants``: the kill matrix of seeded bugs against every checker."""

from __future__ import annotations

import argparse
import sys
import textwrap

from wspshare.cli_errors import EXIT_INTERRUPTED, UsageError
from wspshare.commands.files import report_stream
from wspshare.commands.options import add_json, add_progress, progress_mode
from wspshare.commands.values import number
from wspshare.matrix import COLUMNS, Matrix, run_matrix
from wspshare.models.variants import CORRECT, VARIANTS, mutants, variant_named
from wspshare.progress import Reporter
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
    p.add_argument(
        "--budget", type=number(0.1, 3600.0, " of seconds"), default=20.0,
        help="seconds per cell (default 20)",
    )  # fmt: skip
    add_json(p, "the matrix")
    add_progress(p)
    p.add_argument("--list", action="store_true", help="list the variants and exit")
    p.add_argument("--markdown", action="store_true", help="print the matrix as a Markdown table")
    p.set_defaults(run=run)


def variant_list(width: int = 50) -> str:
    """The catalogue, one row a variant, its mistake wrapped to ``width`` columns."""
    rows: list[tuple[str, ...]] = []
    for v in (VARIANTS[CORRECT], *mutants()):
        lines = textwrap.wrap(v.summary.replace("``", ""), width) or [""]
        rows.append((v.name, v.mutates, "yes" if v.spec_bug else "no", lines[0]))
        rows.extend(("", "", "", more) for more in lines[1:])
    return text_table(("VARIANT", "MUTATES", "SPEC", "MISTAKE"), rows)


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
        print(variant_list())
        return 0
    columns = [c.strip() for c in args.checkers.split(",") if c.strip()]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not columns:
        raise UsageError(
            f"unknown checker {unknown[0] if unknown else '(none)'}; "
            f"choose among {', '.join(COLUMNS)}"
        )
    variants = [variant_named(n) for n in args.bug] if args.bug else list(mutants())
    with Reporter(progress_mode(args), "kill matrix", total=len(variants) + 1) as reporter:

        def progress(variant: str, column: str, cell: object) -> None:
            reporter.note(f"{variant} / {column}: {cell}")
            if column == columns[-1]:
                reporter.advance(1)

        matrix = run_matrix(variants, columns, args.budget, progress, partial_on_interrupt=True)
    out = report_stream(args.json)
    print(render(matrix, args.markdown), file=out)
    if args.json:
        args.json.write_text(matrix.to_json() + "\n")
    if matrix.interrupted:
        print(
            f"wspshare: interrupted: {len(matrix.rows)} of {len(variants) + 1} rows finished",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if matrix.false_alarms:
        print(f"FALSE ALARM on the correct machine: {', '.join(matrix.false_alarms)}")
        return 1
    if matrix.uncaught:
        print(f"not caught by any checker that ran: {', '.join(matrix.uncaught)}")
        return 1
    return 0
