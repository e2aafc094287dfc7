"""``wspshare prove``: every world invariant is inductive, for all states within the bounds;
with ``--parametric``, the reference count for a world of any size.

Exit 0 when every invariant (and its stated strengthening) is preserved by every action; 1 with
a counterexample to induction (pre-state, action, post-state), or when a query timed out (shown
as "unknown": not proved, not refuted); 2 on bad input.  ``--parametric`` answers the same way:
0 when every operation is proved, fires somewhere, matches the twin's method and every counting
lemma holds; 1 otherwise, with a concrete counterexample where one exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from wspshare.cli_errors import EXIT_INTERRUPTED, UsageError
from wspshare.commands.files import Output, report_stream
from wspshare.commands.options import add_json, add_progress, progress_mode
from wspshare.commands.values import whole_number
from wspshare.progress import Reporter
from wspshare.properties.smt.induction import ProofResult, prove
from wspshare.properties.smt.interrupt import solver_interrupts
from wspshare.properties.smt.invariants import all_formulas
from wspshare.properties.smt.layer_mutations import LAYER_MUTATIONS
from wspshare.properties.smt.parametric import ParametricResult, prove_parametric
from wspshare.properties.smt.report import args_text, state_lines, table
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.variants import CORRECT, changes_transitions, twin_for

DEFAULT = Bounds()
# Each bound multiplies the solver's variables; past these the queries do not come back.
LIMITS = {"processes": 6, "threads": 4, "handle values": 16, "sockets": 4, "share records": 4}
timeout = whole_number(1, 86_400, "a day per query")


def bounds(text: str) -> Bounds:
    """``P,T,H,S[,K]``: processes, threads each, handle values, sockets, shares per provider."""
    try:
        parts = [int(p) for p in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected P,T,H,S[,K] as numbers, got {text!r}") from None
    if not 4 <= len(parts) <= 5 or min(parts) < 1:
        raise argparse.ArgumentTypeError(f"expected 4 or 5 numbers of at least 1, got {text!r}")
    for value, (what, limit) in zip(parts, LIMITS.items(), strict=False):
        if value > limit:
            raise argparse.ArgumentTypeError(
                f"at most {limit} {what} (larger bounds make the solver's work explode), "
                f"got {value}"
            )
    return Bounds(*parts)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("prove", help="prove the world invariants inductive with z3")
    p.add_argument(
        "--bound",
        type=bounds,
        default=DEFAULT,
        help="P,T,H,S[,K]: processes, threads per process, handle values per table, sockets, "
        "share records per non-IFS provider (default 3,2,8,2,2)",
    )
    p.add_argument("--variant", default=CORRECT, help="a seeded bug of models.variants")
    p.add_argument(
        "--invariant", action="append", default=None, help="prove only this one (repeatable)"
    )
    p.add_argument(
        "--parametric",
        action="store_true",
        help="prove the reference count for any number of processes, handle values, sockets and "
        "share records (no bound; --bound and --invariant do not apply)",
    )
    p.add_argument("--timeout", type=timeout, default=120, help="seconds per solver query (120)")
    add_json(p, "the result")
    add_progress(p)
    p.set_defaults(run=run)


def render(result: ProofResult, variant: str) -> str:
    formulas = all_formulas()
    rows = []
    for name, ok in result.proved.items():
        cti = next((c for c in result.ctis if c.formula == name), None)
        stuck = sorted({a for n, a in result.unknown if n == name})
        if cti is None and result.interrupted and (ok or not stuck):
            verdict = "unfinished (interrupted)"
        elif ok:
            verdict = "proved"
        elif cti is not None:
            verdict = f"CTI under {cti.action}"
        else:
            verdict = f"unknown (solver timeout) under {', '.join(stuck)}"
        rows.append((name, formulas[name][0], verdict, f"{result.seconds[name]:.1f}s"))
    out = [f"bounds: {result.bounds}; twin: {result.twin}"]
    if not changes_transitions(variant) and variant != CORRECT:
        out.append(
            f"variant {variant} changes the scenario's programs, not the transition relation: "
            "this is the correct machine's proof"
        )
    out.append(table(("INVARIANT", "RULE", "VERDICT", "TIME"), rows))
    if not result.initial_ok:
        out.append("the initial world violates an invariant")
    seen = set()
    for cti in result.ctis:
        if cti.formula in seen:
            continue
        seen.add(cti.formula)
        out.append(f"\ncounterexample to induction of {cti.formula}:")
        out.append("  before: " + "\n          ".join(state_lines(cti.before)))
        out.append(f"  action: {cti.action}({args_text(cti.args)})")
        out.append("  after:  " + "\n          ".join(state_lines(cti.after)))
    if result.interrupted:
        out.append(f"interrupted after {result.queries} solver queries: partial result")
    out.append("all invariants proved inductive" if result.holds else "NOT proved")
    return "\n".join(out)


def write_json(target: Output, result: ProofResult | ParametricResult) -> None:
    target.write_text(json.dumps(asdict(result), indent=2, sort_keys=True, default=str) + "\n")


def render_parametric(result: ParametricResult) -> str:
    out = [
        f"reference-count (R7, R11) for any number of processes, handle values, sockets and "
        f"share records; twin: {result.twin}",
        *result.lines(),
        "reference count proved for every size" if result.holds else "NOT proved",
    ]
    return "\n".join(out)


def run_parametric(args: argparse.Namespace) -> int:
    if args.invariant:
        raise UsageError("--parametric proves the reference count only; drop --invariant")
    if args.bound != DEFAULT:
        raise UsageError("--parametric has no bound; drop --bound")
    with Reporter(progress_mode(args), "proving for every size") as reporter:
        reporter.update("lemmas and operations")
        try:
            with solver_interrupts():
                twin = twin_for(args.variant, DEFAULT)
                result = prove_parametric(twin, timeout_ms=1000 * args.timeout)
        except KeyboardInterrupt:
            # The parametric proof is one argument: a part of it proves nothing, so nothing is
            # reported or written.
            print("wspshare: interrupted: the parametric proof is unfinished", file=sys.stderr)
            return EXIT_INTERRUPTED
    print(render_parametric(result), file=report_stream(args.json))
    if args.json:
        write_json(args.json, result)
    return 0 if result.holds else 1


def run(args: argparse.Namespace) -> int:
    if args.variant in LAYER_MUTATIONS:  # its induction runs at a small bound, in the tests
        raise UsageError(
            f"--variant {args.variant}: prove does not build a layered twin at its bounds; "
            "run wspshare bmc handoff --variant " + args.variant
        )
    if args.parametric:
        return run_parametric(args)
    names = args.invariant
    if names:
        unknown = [n for n in names if n not in all_formulas()]
        if unknown:
            raise UsageError(
                f"unknown invariant {unknown[0]!r}; choose from {', '.join(all_formulas())}"
            )
    twin = twin_for(args.variant, args.bound)
    with Reporter(progress_mode(args), "proving") as reporter:
        done: list[str] = []

        def progress(query: str) -> None:
            action = query.split(" under ", 1)[1].split(" (", 1)[0]
            if done and done[-1] != action:
                reporter.note(f"{done[-1]}: every invariant's query answered")
            if not done or done[-1] != action:
                done.append(action)
            reporter.update(query)

        result = prove(
            twin, formulas=names, timeout_ms=1000 * args.timeout, progress=progress,
            partial_on_interrupt=True,
        )  # fmt: skip
    print(render(result, args.variant), file=report_stream(args.json))
    if args.json:
        write_json(args.json, result)
    if result.interrupted:
        print(
            f"wspshare: interrupted: {result.queries} solver queries answered, "
            f"{len(result.finished)} of {len(twin.actions)} actions finished",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return 0 if result.holds else 1
