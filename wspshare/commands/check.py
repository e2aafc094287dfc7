"""``wspshare check CONFIG``: every property of SPEC "What must hold", over every interleaving.

Prints a verdict per property and the search's size; on a violation, the shortest path that shows
it (breadth-first; the search stops once that depth is checked, unless --all), which can be saved
as JSON (``--counterexample``) and drawn as a sequence diagram (``--diagram``).  Exit status: 0
when every property holds (or is undecided), 1 on a violation or a deadlock, 2 on bad input.
Standard output is deterministic; timings go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable
from functools import partial
from typing import Any

from wspshare.cli_errors import EXIT_INTERRUPTED, UsageError
from wspshare.commands import scenario_file
from wspshare.commands.files import Output, output_file, report_stream
from wspshare.commands.layers import add_chain_option
from wspshare.commands.options import (
    add_json,
    add_progress,
    add_scenario_options,
    add_seed,
    progress_mode,
)
from wspshare.commands.values import positive, scheduler_address, seconds, whole_number
from wspshare.models.protocol import Expectation
from wspshare.models.scenario import Action, HandoffModel, HandoffState
from wspshare.models.scenario.lifting import HandoffLifting, handoff_lifting
from wspshare.models.scenario.symmetry import reduces, symmetry_sound
from wspshare.models.variants import CORRECT, VARIANTS
from wspshare.progress import Reporter
from wspshare.properties.checker import (
    CheckResult,
    Path,
    Progress,
    Verdict,
    check,
    state_graph,
    to_dot,
)
from wspshare.properties.configs import CONFIGS, Switches, config_named, model_for, witness_gaps
from wspshare.render import text_table

MAX_WORKERS = 256
GRAPH_LIMIT = 20_000  # states; a bigger graph is no use in a viewer and costs memory
FAULT_KINDS = ("crash", "lose", "duplicate", "reorder", "reuse_pid", "exhaust")
MAX_BUDGET = 8  # faults of one kind per behaviour; each one more multiplies the states
budget = whole_number(0, MAX_BUDGET, "each fault more multiplies the states")
Result = CheckResult[HandoffState, Action]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check every property over every interleaving of a named configuration",
        description=__doc__,
    )
    p.add_argument(
        "config", nargs="?", help="a configuration name (--list shows them) or a scenario file"
    )
    p.add_argument("--list", action="store_true", help="list the configurations and exit")
    add_scenario_options(p)
    p.set_defaults(provider=None, targets=None, threads=None)
    faults = p.add_argument_group("faults (M5): each a budget per behaviour; a bare flag means 1")
    for kind in FAULT_KINDS:
        faults.add_argument(
            "--" + kind.replace("_", "-"), type=budget, nargs="?", const=1, default=0,
            metavar="N",
        )  # fmt: skip
    faults.add_argument("--faults", type=budget, default=0, metavar="N", help="every kind, N each")
    p.add_argument("--stranger", action="store_true", help="add a process trying forged infos")
    add_chain_option(p)
    p.add_argument("--variant", default=CORRECT, help="a seeded bug (see wspshare mutants)")
    search = p.add_argument_group("search")
    search.add_argument(
        "--strategy", choices=("bfs", "dfs", "random", "swarm"), default="bfs",
        help="bfs (shortest paths), dfs, random walks, or swarm: diversified random walks over "
        "the workers (--walks in all, depths up to --depth, 100 by default)",
    )  # fmt: skip
    search.add_argument(
        "--workers", type=whole_number(1, MAX_WORKERS, "more processes than cores"),
        metavar="N", help="processes sharing a breadth-first search (default 1: shipping states "
        "between processes still costs more than it saves); the result is the one-process "
        "result, paths included",
    )  # fmt: skip
    search.add_argument(
        "--scheduler", type=scheduler_address, metavar="ADDRESS",
        help="run the breadth-first search on a Dask scheduler (tcp://HOST:PORT)",
    )  # fmt: skip
    search.add_argument(
        "--checkpoint", metavar="DIR", help="save the search in DIR between levels, every "
        "--checkpoint-every seconds, at the end and on Ctrl-C",
    )  # fmt: skip
    search.add_argument(
        "--checkpoint-every", type=seconds, default=60.0, metavar="S",
        help="seconds between checkpoints (default 60)",
    )  # fmt: skip
    search.add_argument(
        "--resume", metavar="DIR", help="continue the search saved in DIR (same configuration "
        "and switches; it goes on saving there unless --checkpoint names another DIR)",
    )  # fmt: skip
    search.add_argument(
        "--no-symmetry", action="store_true",
        help="explore every state, not one per class of interchangeable targets and threads",
    )  # fmt: skip
    search.add_argument(
        "--no-por", action="store_true",
        help="no partial-order reduction: expand every action of every state (paths are then "
        "the shortest of all, not of the reduced graph)",
    )  # fmt: skip
    search.add_argument(
        "--no-compact", action="store_true",
        help="search the model's own states, not their compact form (the same answer, slower "
        "where the compact form pays: README, 'Compact states')",
    )  # fmt: skip
    search.add_argument(
        "--all", action="store_true",
        help="keep going after the first violation until every property is decided (bfs, dfs)",
    )  # fmt: skip
    search.add_argument("--max-states", type=positive, metavar="N", help="stop after N states")
    search.add_argument("--max-seconds", type=seconds, metavar="S", help="stop after S seconds")
    search.add_argument(
        "--walks", type=whole_number(1, 10**7), default=100, help="random walks (random)"
    )
    search.add_argument(
        "--depth", type=whole_number(1, 10**6), metavar="N", help="bound on path length"
    )
    add_seed(search, "seed of the random walks (default 0)")
    out = p.add_argument_group("output (FILE may be - for standard output)")
    add_json(out, "the verdicts and statistics")
    out.add_argument(
        "--counterexample", type=output_file(), metavar="FILE", help="save the path shown as JSON"
    )
    out.add_argument(
        "--diagram", type=output_file((".svg", ".png")), metavar="FILE",
        help="draw the path shown (.svg or .png; - writes SVG)",
    )  # fmt: skip
    out.add_argument("--graph", type=output_file(), metavar="FILE", help=f"write the state graph "
                     f"as GraphML (at most {GRAPH_LIMIT} states)")  # fmt: skip
    out.add_argument(
        "--dot", type=output_file(), metavar="FILE", help="write the state graph as Graphviz DOT"
    )
    add_progress(out)
    p.set_defaults(run=run)


def switches_from(args: argparse.Namespace) -> Switches:
    if args.variant not in VARIANTS:
        raise UsageError(f"no variant named {args.variant!r}; known: {', '.join(VARIANTS)}")
    fault = {k: max(getattr(args, k), args.faults) for k in FAULT_KINDS}
    return Switches(
        provider=args.provider, ack=not args.no_ack, pin=not args.no_pin, targets=args.targets,
        threads=args.threads, stranger=args.stranger, variant=args.variant, chain=args.chain,
        profile=args.profile, **fault,
    )  # fmt: skip


def list_configs(names: list[str] | None = None, columns: int = 100) -> str:
    """One entry per configuration, its description wrapped under itself to ``columns``."""
    width = max(len(name) for name in CONFIGS)
    chosen = names or list(CONFIGS)
    return "\n".join(
        textwrap.fill(
            CONFIGS[name].doc, columns, initial_indent=f"{name:<{width}}  ",
            subsequent_indent=" " * (width + 2),
        )
        for name in chosen
    )


def run(args: argparse.Namespace) -> int:
    if args.list:
        if args.config is not None:
            config_named(args.config)  # an unknown name is an error, not ignored
            print(list_configs([args.config]))
        else:
            print(list_configs())
        return 0
    if args.config is None:
        raise UsageError("check: name a configuration (wspshare check --list shows them)")
    if scenario_file.is_scenario_file(args.config):
        return scenario_file.run_check(args)
    config_named(args.config)
    stdout_outputs = [o for o in outputs(args) if o.to_stdout]
    if len(stdout_outputs) > 1:
        raise UsageError("only one output can go to standard output (-)")
    switches = switches_from(args)
    model = model_for(args.config, switches)
    for gap in witness_gaps(switches.variant, model.config):
        print(f"wspshare: warning: {switches.variant} may be unreachable here: {gap}; "
              f"'wspshare check witness --variant {switches.variant}' runs its witness",
              file=sys.stderr)  # fmt: skip
    symmetry = not args.no_symmetry and args.strategy in ("bfs", "dfs") and reduces(model)
    if args.graph or args.dot:
        export_graph(model, args, symmetry)
    with Reporter(progress_mode(args), "checking") as reporter:

        def report(p: Progress) -> None:
            info = f"{p.states:,} states, frontier {p.frontier:,}, depth {p.depth}"
            reporter.update(info, completed=p.states, total=p.max_states)

        result: Result = search(args, switches, model, symmetry, report)
    report_to = report_stream(*stdout_outputs)
    print(header(args.config, switches, model, symmetry), file=report_to)
    print(verdict_table(result), file=report_to)
    print(statistics_line(result), file=report_to)
    shown = shown_path(result)
    if shown is not None:
        # Rendering a path needs the simulator's replay; a run that holds imports none of it.
        from wspshare.commands.counterexample import ending, path_table

        name, path = shown
        # Partial-order reduction may take a process's own steps first: the path is then the
        # shortest of the reduced search, not always of all behaviours.
        which = "shortest path" if not result.statistics.reduced else "path (--no-por: shortest)"
        print(f"\n{name}: {which} found ({len(path)} steps)", file=report_to)
        print(path_table(model, path), file=report_to)
        print(ending(model, path), file=report_to)
    if not args.quiet:
        stats = result.statistics
        print(
            f"{stats.seconds:.2f} s, {stats.states_per_second:,.0f} states/s, "
            f"{stats.bytes_per_state:.0f} bytes per stored state",
            file=sys.stderr,
        )
    meta = {
        "config": args.config, "switches": switches.describe(), "symmetry": symmetry,
        "partial": result.interrupted,
    }  # fmt: skip
    if args.json:
        save_json(args.json, result, meta)
    if (args.counterexample or args.diagram) and shown is None:
        print("no violation: no counterexample to save or draw", file=sys.stderr)
    elif shown is not None:
        from wspshare.commands.counterexample import path_json, write_diagram

        if args.counterexample:
            data = path_json(model, shown[1], {**meta, "property": shown[0]})
            args.counterexample.write_text(json.dumps(data, indent=1) + "\n")
        if args.diagram:
            write_diagram(model, shown[1], args.diagram)
    if result.interrupted:
        s = result.statistics
        print(
            f"wspshare: interrupted: partial result after {s.states:,} states and "
            f"{s.transitions:,} transitions ({s.seconds:.1f} s)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return 0 if result.ok else 1


def search(
    args: argparse.Namespace,
    switches: Switches,
    model: HandoffModel,
    symmetry: bool,
    report: Callable[[Progress], None],
) -> Result:
    """One process runs the search itself; several, a cluster or a checkpoint go through the
    split search, whose result is the same (see ``properties.checker.split``)."""
    # One process by default: measured, two workers are still no faster than one on this
    # model (each process's memo tables learn the same worlds again, and the split search has
    # no compact states: the README's "First answer, processes, clusters, checkpoints").
    # --strategy swarm shares its jobs over every core.
    workers = args.workers or ((os.cpu_count() or 1) if args.strategy == "swarm" else 1)
    saving = args.checkpoint or args.resume
    if args.strategy == "swarm":
        return run_swarm(args, switches, model, workers)
    split = args.strategy == "bfs" and (workers > 1 or args.scheduler or saving)
    if (args.scheduler or saving) and args.strategy != "bfs":
        raise UsageError(
            "--scheduler needs --strategy bfs or swarm; --checkpoint and --resume need bfs"
        )
    if split and args.max_states is not None:
        if args.scheduler or saving:
            raise UsageError(
                "--max-states cuts a one-process search only; use --depth or --max-seconds "
                "with --scheduler, --checkpoint or --resume"
            )
        split = False
    if not split:
        # Under symmetry, liveness is checked on the annotated quotient (the targets'
        # permutations acting on states and actions: ``models.scenario.lifting``).
        lifting = HandoffLifting(model) if symmetry else None
        return check(
            model, strategy=args.strategy, symmetry=symmetry, max_states=args.max_states,
            max_depth=args.depth, max_seconds=args.max_seconds, walks=args.walks, seed=args.seed,
            progress=report, partial_on_interrupt=True, stop_at_first=not args.all,
            por=not args.no_por, lifting=lifting, compact=not args.no_compact,
        )  # fmt: skip
    from wspshare.properties.checker.checkpoint import Checkpoint, load
    from wspshare.properties.checker.split import parallel_check

    meta = {"config": args.config, "switches": switches.describe(), "symmetry": symmetry}
    resume = None
    if args.resume:
        try:
            resume = load(args.resume, meta)
        except ValueError as err:
            raise UsageError(str(err)) from None
    directory = args.checkpoint or args.resume
    checkpoint = None if not directory else Checkpoint(directory, args.checkpoint_every, meta)
    client = None
    if args.scheduler:
        client = connect(args.scheduler)
    try:
        result: Result = parallel_check(
            model, workers=workers if not args.scheduler or args.workers else 0,
            client=client, make_model=partial(model_for, args.config, switches),
            symmetry=symmetry, stop_at_first=not args.all, max_depth=args.depth,
            max_seconds=args.max_seconds, checkpoint=checkpoint, resume=resume,
            progress=report, partial_on_interrupt=True,
            lifting_of=handoff_lifting if symmetry else None,
        )  # fmt: skip
    finally:
        if client is not None:
            client.close()
    return result


def run_swarm(
    args: argparse.Namespace, switches: Switches, model: HandoffModel, workers: int
) -> Result:
    from wspshare.properties.checker.swarm import swarm

    if args.checkpoint or args.resume:
        raise UsageError("--checkpoint and --resume need --strategy bfs")
    client = connect(args.scheduler) if args.scheduler else None
    try:
        result: Result = swarm(
            model, workers=workers, walks=args.walks, depth=args.depth or 100, seed=args.seed,
            client=client, make_model=partial(model_for, args.config, switches),
            partial_on_interrupt=True,
        )  # fmt: skip
    finally:
        if client is not None:
            client.close()
    return result


def connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise UsageError("--scheduler needs Dask: pip install 'wspshare[cluster]'") from None
    try:
        return Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except OSError as err:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {err}") from None


def outputs(args: argparse.Namespace) -> list[Output]:
    names = ("json", "counterexample", "diagram", "graph", "dot")
    return [getattr(args, n) for n in names if getattr(args, n) is not None]


def provider_line(base: str, chain: tuple[str, ...]) -> str:
    """The base provider, and the layers over it (top first) if any."""
    return f"{base}, layers {','.join(chain)} over it (top first)" if chain else base


def header(name: str, switches: Switches, model: HandoffModel, symmetry: bool) -> str:
    cfg = model.config
    flags = switches.describe() or "(defaults)"
    line = (
        f"{name}: provider {provider_line(cfg.provider, cfg.chain)}, {cfg.targets} target(s), "
        f"{cfg.threads} thread(s) each, "
        f"ack {'on' if cfg.ack else 'off'}, pin {'on' if cfg.pin else 'off'}, faults "
        + (
            ", ".join(f"{k}={v}" for k, v in vars(cfg.faults).items() if v)
            if cfg.faults.any
            else "none"
        )
        + (", stranger" if cfg.stranger else "")
        + (f", variant {cfg.variant}" if cfg.variant != CORRECT else "")
    )
    why = symmetry_sound(model)
    sym = "on" if symmetry else f"off ({why})" if why else "off"
    return f"{line}\nswitches: {flags}; symmetry {sym}"


def verdict_table(result: Result) -> str:
    rows = []
    for r in result.properties:
        steps = str(len(r.path)) if r.path is not None else "-"
        verdict = r.verdict.value
        if r.verdict is Verdict.UNKNOWN and r.note == "interrupted":
            verdict = "unknown (interrupted)"
        elif r.verdict is Verdict.UNKNOWN and result.stopped:
            verdict = "unknown (stopped at the first violation; --all decides it)"
        elif r.verdict is Verdict.UNKNOWN and r.note.startswith("not checked"):
            verdict = "not checked under symmetry (--no-symmetry checks it)"
        rows.append((r.name, r.prop.rule, r.prop.expectation.value, verdict, steps))
    return text_table(("PROPERTY", "RULE", "KIND", "VERDICT", "STEPS"), rows)


def statistics_line(result: Result) -> str:
    s = result.statistics
    complete = (
        "complete"
        if result.complete
        else "incomplete (interrupted)"
        if result.interrupted
        else "stopped at the first violation (--all searches on)"
        if result.stopped
        else "incomplete (a bound cut the search)"
    )
    # Said only when the reduction left something out, so a search it cannot shorten reads
    # the same with and without it (and the same as a split search, which does not reduce).
    reduced = f"; partial-order reduction at {s.reduced} states" if s.reduced else ""
    return (
        f"{s.strategy}: {s.states} states, {s.transitions} transitions, depth {s.max_depth}, "
        f"{complete}; deadlocks: {result.deadlock_count}{reduced}"
    )


def shown_path(result: Result) -> tuple[str, Path[HandoffState, Action]] | None:
    """The shortest violation (safety first, in property order on ties), else a deadlock."""
    found = [
        (r.prop.expectation is Expectation.EVENTUALLY, len(r.path), i, r.name, r.path)
        for i, r in enumerate(result.properties)
        if r.failed and r.path is not None
    ]
    if found:
        _, _, _, name, path = min(found, key=lambda f: f[:3])
        return name, path
    if result.deadlocks:
        return "deadlock", result.deadlocks[0]
    return None


def save_json(target: Output, result: Result, meta: dict[str, Any]) -> None:
    s = result.statistics
    data = {
        **meta,
        **result.summary(),
        "ok": result.ok,
        "states_per_second": round(s.states_per_second),
        "bytes_per_state": round(s.bytes_per_state),
        "paths": {
            r.name: [str(a) for a in r.path.actions]
            for r in result.properties
            if r.failed and r.path is not None
        },
    }
    target.write_text(json.dumps(data, indent=1) + "\n")


def export_graph(model: HandoffModel, args: argparse.Namespace, symmetry: bool) -> None:
    graph = state_graph(model, symmetry=symmetry, max_states=GRAPH_LIMIT)
    if not graph.graph["complete"]:
        raise UsageError(
            f"the state space has more than {GRAPH_LIMIT} states: too big to export as a graph"
        )
    if args.graph:
        import networkx as nx

        args.graph.write_lines(nx.generate_graphml(graph))
    if args.dot:
        args.dot.write_text(to_dot(graph, args.config))
