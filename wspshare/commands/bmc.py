"""``wspshare bmc CONFIG --depth K``: z3 looks for a path of at most K actions to a violation.

CONFIG names the processes (``handoff``, ``handoff-threads``, ``fanout``; see
``properties.smt.bmc``); the steps are arbitrary SPI calls, exits, spawns and injected failures.
A path found is replayed through the executable semantics and printed with the Python results.
Exit 0 when no violation is reachable within K steps, 1 with a path or when the solver gave up
at some depth (reported as inconclusive, never as "no violation"), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from wspshare.cli_errors import EXIT_INTERRUPTED, UsageError
from wspshare.commands.files import report_stream
from wspshare.commands.options import add_json, add_profile_option, add_progress, progress_mode
from wspshare.commands.values import whole_number
from wspshare.models.profiles import DOCUMENTED
from wspshare.progress import Reporter
from wspshare.properties.smt.bmc import BmcResult, bmc, bounds_for, config_threads, replay
from wspshare.properties.smt.report import args_text, table
from wspshare.properties.smt.variants import CORRECT, semantics_for, twin_for
from wspshare.properties.stateful.driver import descriptors, refs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bmc", help="bounded model checking with z3 over the call-level semantics")
    p.add_argument("config", help="handoff, handoff-threads, fanout or a scenario file")
    p.add_argument(
        "--depth", type=whole_number(1, 64, "each step adds a copy of the world to the formula"),
        required=True, help="longest path to look for (1..64)",
    )  # fmt: skip
    p.add_argument("--variant", default=CORRECT, help="a seeded bug (see wspshare mutants)")
    add_profile_option(p)
    p.add_argument(
        "--handles", type=whole_number(1, 16, "more makes the formula explode"), default=4,
        help="handle values per table (4)",
    )  # fmt: skip
    p.add_argument(
        "--timeout", type=whole_number(1, 86_400, "a day per depth"), default=300,
        help="seconds per depth before giving up (300)",
    )  # fmt: skip
    add_json(p, "the result")
    add_progress(p)
    p.set_defaults(run=run)


def render(result: BmcResult, config: str, handles: int, variant: str) -> str:
    b = bounds_for(config, handles)
    out = [f"config: {config} ({b}); twin: {result.twin}; depth <= {result.depth}"]
    times = " ".join(f"{k}:{t:.1f}s" for k, t in enumerate(result.seconds_per_depth))
    out.append(f"solver time per depth: {times}")
    if result.interrupted:
        out.append(
            f"interrupted: no violation within {(result.unknown_at or 1) - 1} steps; "
            "deeper paths were not searched"
        )
        return "\n".join(out)
    if result.unknown_at is not None:
        out.append(
            f"no violation within {result.unknown_at - 1} steps; depth {result.unknown_at} "
            "unknown (solver timeout): inconclusive"
        )
        return "\n".join(out)
    if result.path is None:
        out.append(f"no violation within {result.depth} steps")
        return "\n".join(out)
    sem = semantics_for(variant, b)
    rp = replay(sem, config, result.path)
    rows = []
    for n, ((name, a), res, w) in enumerate(
        zip(result.path, rp.results, rp.worlds[1:], strict=True)
    ):
        rows.append((str(n + 1), f"{name}({args_text(a)})", res, descriptors(w), refs(w)))
    out.append(table(("STEP", "ACTION", "RESULT", "DESCRIPTORS", "REFS"), rows))
    out.append(f"violated (z3): {', '.join(result.violated)}")
    out.append(
        f"violated (replayed in the executable semantics): {', '.join(rp.violated) or 'none'}"
    )
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from wspshare.properties.scenario_file import is_scenario_file

    if args.profile not in (None, DOCUMENTED.name):
        raise UsageError(
            f"--profile {args.profile}: the z3 twin encodes the documented profile only; "
            "check and simulate run the others"
        )
    if is_scenario_file(args.config):
        from wspshare.commands import scenario_file

        scenario_file.run_bmc(args)  # the file's processes and threads, as BMC's shape
    config_threads(args.config)  # unknown names: one line, exit 2
    b = bounds_for(args.config, args.handles)
    twin, sem = twin_for(args.variant, b), semantics_for(args.variant, b)
    with Reporter(progress_mode(args), "bounded model checking") as reporter:
        reporter.update(f"depth 0 of {args.depth}")

        def progress(depth: int, spent: float) -> None:
            reporter.note(f"depth {depth} answered ({spent:.1f} s)")
            reporter.update(f"depth {depth + 1} of {args.depth}")

        result = bmc(
            twin, sem, args.config, args.depth, timeout_ms=1000 * args.timeout,
            progress=progress, partial_on_interrupt=True,
        )  # fmt: skip
    out = report_stream(args.json)
    print(render(result, args.config, args.handles, args.variant), file=out)
    if args.json:
        args.json.write_text(json.dumps(result.__dict__, indent=2, sort_keys=True) + "\n")
    if result.interrupted:
        print(
            f"wspshare: interrupted at depth {result.unknown_at}: partial result", file=sys.stderr
        )
        return EXIT_INTERRUPTED
    return 0 if result.holds else 1
