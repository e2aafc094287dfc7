"""``wspshare conform``: every conformance case in the model, and against a real Winsock.

Prints one row per case (case, source, what it claims, the model, Wine, the verdict) and, for
every case that is not a plain match, what differs at which step.  Without ``--real`` the Wine
column comes from the observations recorded under ``conformance/observed/``; with
``--real wine`` each case is compiled to a Windows program and run under Wine now, and the
observations are recorded again.  Exit status: 0 when every case matches (or differs only as
``conformance/known-differences.toml`` explains), 1 on a mismatch, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from wspshare.cli_errors import EXIT_INTERRUPTED, UsageError
from wspshare.commands.files import report_stream
from wspshare.commands.options import add_json
from wspshare.conformance import suite
from wspshare.conformance.suite import CaseResult
from wspshare.models.scenario_data import Scenario
from wspshare.models.variants import CORRECT, VARIANTS, variant_named
from wspshare.render import text_table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "conform",
        help="run the conformance cases in the model and compare with Wine's observations",
        description=__doc__,
    )
    p.add_argument("--real", choices=("wine",), help="run every case on a real Winsock now")
    p.add_argument(
        "--case", action="append", default=[], metavar="NAME", help="only this case (may repeat)"
    )
    p.add_argument("--cases", type=Path, metavar="DIR", help="the directory of case files")
    p.add_argument(
        "--observed",
        type=Path,
        metavar="FILE",
        help="the recorded observations (default conformance/observed/wine.json)",
    )
    p.add_argument("--variant", default=CORRECT, help="run the model with a seeded bug")
    add_json(p, "every case's steps and verdict")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.variant not in VARIANTS:
        raise UsageError(f"no variant named {args.variant!r}; known: {', '.join(VARIANTS)}")
    if args.cases is not None and not args.cases.is_dir():
        raise UsageError(f"--cases {args.cases}: not a directory")
    if args.observed is not None and args.real is None and not args.observed.is_file():
        raise UsageError(f"--observed {args.observed}: no such file")
    cases = suite.load_cases(args.cases)
    if not cases:
        where = args.cases or suite.ROOT / "cases"
        raise UsageError(
            f"no conformance cases in {where} (a source checkout has them in "
            "conformance/cases; --cases DIR names another directory)"
        )
    if args.case:
        unknown = sorted(set(args.case) - {c.name for c in cases})
        if unknown:
            raise UsageError(f"--case: no case named {', '.join(unknown)}")
        cases = [c for c in cases if c.name in args.case]
    semantics = None if args.variant == CORRECT else variant_named(args.variant).semantics()
    observed_path = args.observed or suite.ROOT / "observed" / "wine.json"
    try:
        if args.real == "wine":
            observations = record(cases, observed_path)
        else:
            observations = suite.load_observed(observed_path)
    except KeyboardInterrupt:
        print("wspshare: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    known = suite.load_known()
    results = suite.run_suite(cases, observations, known, semantics)
    out = report_stream(args.json)
    print(render(results, str(observations.get("wine", "no observations recorded"))), file=out)
    if args.json:
        data = {
            "wine": observations.get("wine"),
            "variant": args.variant,
            "cases": [r.to_json() for r in results],
        }
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return 1 if any(r.verdict == "mismatch" for r in results) else 0


def record(cases: list[Scenario], path: Path) -> dict[str, object]:
    """Run the cases under Wine and save what they observed (every case, merged into the file
    when only some were run)."""
    from wspshare.conformance import wine

    try:
        fresh = wine.observe(cases, progress=lambda name: print(f"wine: {name}", file=sys.stderr))
    except wine.WineUnavailable as err:
        raise UsageError(str(err)) from None
    old = suite.load_observed(path)
    before = old.get("cases", {})
    merged: dict[str, object] = dict(before) if isinstance(before, dict) else {}
    if old.get("wine") != fresh["wine"]:
        merged = {}  # observations of another Wine are not mixed with these
    new = fresh["cases"]
    assert isinstance(new, dict)
    merged.update(new)
    data = {"wine": fresh["wine"], "cases": dict(sorted(merged.items()))}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")
    return data


def test_of(source: str) -> str:
    """The test a source names (its last comma-separated part, when that is one word), else
    the source itself: the table has room for the test, the JSON has the whole citation."""
    found = re.search(r", ([A-Za-z_][\w.]*)$", source)
    return found.group(1) if found else source


def short(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(results: list[CaseResult], wine: str) -> str:
    rows = []
    details: list[str] = []
    counts: dict[str, int] = {}
    for r in results:
        claims = f"{r.claims} claims / {len(r.rows)} steps"
        model = "agrees" if all(s.documented_agrees for s in r.rows) else "differs"
        ran = [s for s in r.rows if s.wine is not None]
        if not ran:
            seen = "not run"
        elif all(s.wine == s.wine_model for s in ran):
            seen = "as the wine profile"
        else:
            seen = "differs"
        rows.append((r.name, short(test_of(r.source), 40), claims, model, seen, r.verdict))
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
        details.extend(f"  {r.name}: {note}" for note in r.notes)
    table = text_table(("CASE", "SOURCE", "EXPECTED", "MODEL", "WINE", "VERDICT"), rows)
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    lines = [f"observations: {wine}", table, f"{len(results)} cases: {summary}"]
    if details:
        lines += ["", "differences:", *details]
    return "\n".join(lines)
