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

from wspshare.commands.options import positive
from wspshare.properties.smt.bmc import BmcResult, bmc, bounds_for, config_threads, replay
from wspshare.properties.smt.report import args_text, table
from wspshare.properties.smt.variants import CORRECT, semantics_for, twin_for
from wspshare.properties.stateful.driver import descriptors, refs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bmc", help="bounded model checking with z3 over the call-level semantics")
    p.add_argument("config", help="handoff, handoff-threads or fanout")
    p.add_argument("--depth", type=positive, required=True, help="longest path to look for")
    p.add_argument("--variant", default=CORRECT, help="a seeded bug of models.variants")
    p.add_argument("--handles", type=positive, default=4, help="handle values per table (4)")
    p.add_argument(
        "--timeout", type=positive, default=300, help="seconds per depth before giving up (300)"
    )
    p.add_argument("--json", metavar="PATH", help="also write the result as JSON")
    p.set_defaults(run=run)


def render(result: BmcResult, config: str, handles: int, variant: str) -> str:
    b = bounds_for(config, handles)
    out = [f"config: {config} ({b}); twin: {result.twin}; depth <= {result.depth}"]
    times = " ".join(f"{k}:{t:.1f}s" for k, t in enumerate(result.seconds_per_depth))
    out.append(f"solver time per depth: {times}")
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
    config_threads(args.config)  # unknown names: one line, exit 2
    b = bounds_for(args.config, args.handles)
    twin, sem = twin_for(args.variant, b), semantics_for(args.variant, b)
    result = bmc(twin, sem, args.config, args.depth, timeout_ms=1000 * args.timeout)
    print(render(result, args.config, args.handles, args.variant))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result.__dict__, f, indent=2, sort_keys=True)
    return 0 if result.holds else 1
