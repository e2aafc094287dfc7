"""``wspshare simulate``: the handoff in simulated time, once (a trace) or many times (rates).

One run prints its trace as a table and can write it as JSON Lines (``--trace``) and as a
sequence diagram (``--diagram``).  ``--runs N`` runs seeds SEED .. SEED+N-1 on all cores (or on a
Dask cluster with ``--scheduler``) and prints each outcome's rate with a 95% interval.
Exit status: 0, or 1 when a run violated an invariant; 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from wspshare.commands.options import add_scenario_options, non_negative, positive, scenario_config
from wspshare.models.errors import ModelError
from wspshare.render import text_table
from wspshare.sim.config import SimConfig
from wspshare.sim.faults import KINDS, PlannedFault, parse_fault, parse_plan
from wspshare.sim.montecarlo import Progress, SweepReport, sweep
from wspshare.sim.outcome import BENIGN, LEAK
from wspshare.sim.run import simulate
from wspshare.sim.timing import Timing
from wspshare.sim.trace import Record, write_jsonl

HEADERS = ("TIME", "STEP", "PROCESS", "THREAD", "CALL", "RESULT", "DESCRIPTORS", "REFS")
NOT_VIOLATIONS = (*BENIGN, LEAK, "deadlock", "horizon")

FAULT_HELP = """\
faults (flags may repeat; a --faults FILE holds one per line, or a JSON list of strings):
  --crash ROLE@WHEN           crash the process (its handles are run down, R11)
  --exhaust ROLE@WHEN[,ERR]   its next allocating call fails with WSAENOBUFS (or ERR: WSAEMFILE)
  --reuse-pid ROLE[@WHEN]     a new process gets ROLE's pid once it has exited and is free
  --lose STEP[@ROLE]          the pipe loses the message sent in seed step STEP
  --duplicate STEP[@ROLE]     ... delivers it twice
  --reorder STEP[@ROLE]       ... swaps the first two messages on the wire
  --delay STEP:MS[@ROLE]      ... delivers it MS ms late
ROLE: source, target1, target2, ...  WHEN: t=MS, before:STEP, after:STEP (first event of a
seed step).  Messages: 2 PID_REQUEST, 3 PID_REPLY, 6 INFO, 10 ACK; ROLE names the target's pipe.
e.g. wspshare simulate --crash target1@after:5      wspshare simulate --lose 6

outcomes: completed; aborted (a fault stopped the handoff, nothing left behind); leak
(quiescent, but a socket, handle or share remains); deadlock; horizon; or the name of the
first invariant violated.  Exit status 1 when a run violated an invariant."""


def nonneg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of milliseconds, got {text!r}"
        ) from None
    if math.isnan(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "simulate",
        help="run the handoff in simulated time: a trace, or outcome rates over many seeds",
        description=__doc__,
        epilog=FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scenario_options(p)
    p.add_argument(
        "--seed", type=non_negative, default=0, help="seed of the (first) run (default 0)"
    )
    p.add_argument("--runs", type=positive, default=1, help="number of seeded runs (default 1)")
    p.add_argument("--trace", metavar="PATH", help="write the run's trace as JSON Lines")
    p.add_argument("--diagram", metavar="PATH", help="write a sequence diagram (.png or .svg)")
    p.add_argument("--json", action="store_true", help="print the sweep's report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=positive, help="worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run the sweep on a Dask scheduler")
    p.add_argument("--save-failure", metavar="PATH", help="write the lowest failing seed's trace")
    t = p.add_argument_group("timing (simulated milliseconds, exponential distributions)")
    t.add_argument("--call-time", type=nonneg, default=1.0, help="mean call duration (1)")
    t.add_argument("--ipc-delay", type=nonneg, default=2.0, help="mean IPC delivery delay (2)")
    t.add_argument(
        "--close-delay", type=nonneg, default=0.0, help="the source waits this long before closing"
    )
    t.add_argument(
        "--receive-timeout", type=nonneg, default=1000.0, help="a receive gives up (1000; inf)"
    )
    f = p.add_argument_group("faults (see below)")
    f.add_argument("--faults", metavar="FILE", help="a fault plan file")
    for kind in KINDS:
        f.add_argument(f"--{kind}", action="append", default=[], metavar="SPEC", help="")
    p.set_defaults(run=run)


def fault_plan(args: argparse.Namespace) -> tuple[PlannedFault, ...]:
    plan: list[PlannedFault] = []
    if args.faults:
        plan.extend(parse_plan(Path(args.faults).read_text(encoding="utf-8")))
    for kind in KINDS:
        plan.extend(parse_fault(kind, spec) for spec in getattr(args, kind.replace("-", "_")))
    return tuple(plan)


def sim_config(args: argparse.Namespace) -> SimConfig:
    timing = Timing(
        call=args.call_time,
        ipc=args.ipc_delay,
        close_delay=args.close_delay,
        receive_timeout=args.receive_timeout,
    )
    return SimConfig(scenario_config(args), timing, fault_plan(args))


def trace_table(records: list[Record]) -> str:
    rows = []
    for r in records:
        if r.get("event") != "action":
            continue
        descriptors = " ".join(f"{p}:{','.join(v)}" for p, v in r["descriptors"].items())
        refs = ",".join("x" if n is None else str(n) for n in r["refs"]) or "-"
        rows.append(
            (
                f"{r['time']:.3f}",
                r["step"] or "-",
                r["process"] if r["pid"] is None else f"{r['process']}({r['pid']})",
                f"T{r['thread']}" if r["thread"] >= 0 else "-",
                r["call"],
                r["result"],
                descriptors or "-",
                refs,
            )
        )
    return text_table(HEADERS, rows)


def run(args: argparse.Namespace) -> int:
    config = sim_config(args)
    if args.diagram and Path(args.diagram).suffix.lower() not in (".png", ".svg"):
        raise ModelError(f"--diagram must end in .png or .svg, got {args.diagram!r}")
    if args.runs == 1 and not args.scheduler:
        return single(args, config)
    if args.trace or args.diagram:
        raise ModelError("--trace and --diagram describe one run; use --save-failure with --runs")
    return many(args, config)


def single(args: argparse.Namespace, config: SimConfig) -> int:
    result = simulate(config, args.seed)
    records = result.trace()
    if args.trace:
        write_jsonl(args.trace, records)
    if args.diagram:
        from wspshare.sim.diagram import draw

        draw(records, args.diagram)
    r = result.result
    if args.json:
        print(json.dumps(records[-1], indent=2))
    else:
        print(trace_table(records))
        line = f"outcome: {r.outcome}" + (f" ({r.detail})" if r.detail else "")
        print(line)
        if result.violation is not None:
            v = result.violation
            print(f"invariant {v.name} violated after event {v.n} ({v.action}) at t={v.time}")
        if r.errors:
            print("errors returned: " + ", ".join(r.errors))
        for fault in result.unfired:
            print(f"fault not applied (its moment never came): {fault}")
    return 1 if r.outcome not in NOT_VIOLATIONS else 0


def many(args: argparse.Namespace, config: SimConfig) -> int:
    with progress_bar(args.runs, enabled=not args.quiet and sys.stderr.isatty()) as advance:
        if args.scheduler:
            from wspshare.sim.cluster import sweep_on

            report = sweep_on(args.scheduler, config, args.runs, args.seed, progress=advance)
        else:
            report = sweep(config, args.runs, args.seed, args.workers, progress=advance)
    if args.save_failure and report.first_failure is not None:
        write_jsonl(args.save_failure, simulate(config, report.first_failure.seed).trace())
    print(json.dumps(report.to_json(), indent=2) if args.json else render_report(report))
    violated = any(r.name not in NOT_VIOLATIONS for r in report.outcomes)
    return 1 if violated else 0


def render_report(report: SweepReport) -> str:
    def table(title: str, rates: tuple[object, ...]) -> str:
        rows = [
            (r.name, r.count, f"{r.rate:.4f}", f"[{r.low:.4f}, {r.high:.4f}]")  # type: ignore[attr-defined]
            for r in rates
        ]
        return text_table((title, "RUNS", "RATE", "95% CI"), rows)

    s = report.config.scenario
    lines = [
        f"{report.runs} runs, seeds {report.first_seed}..{report.first_seed + report.runs - 1}; "
        f"provider {s.provider}, {s.targets} target(s), ack {'on' if s.ack else 'off'}, "
        f"pin {'on' if s.pin else 'off'}"
        + (
            f"; faults: {', '.join(str(f) for f in report.config.faults)}"
            if report.config.faults
            else ""
        ),
        "",
        table("OUTCOME", report.outcomes),
    ]
    if report.errors:
        lines += ["", table("ERROR RETURNED", report.errors)]
    f = report.first_failure
    if f is not None:
        lines += ["", f"first failing run: seed {f.seed}: {f.outcome} ({f.detail})"]
    return "\n".join(lines)


@contextmanager
def progress_bar(total: int, enabled: bool) -> Iterator[Progress]:
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task("simulating", total=total)
        advance: Callable[[int], None] = lambda n: bar.advance(task, n)  # noqa: E731
        yield advance
