"""``wspshare simulate``: the handoff in simulated time, once (a trace) or many times (rates).

One run prints its trace as a table and can write it as JSON Lines (``--trace``) and as a
sequence diagram (``--diagram``).  ``--runs N`` runs seeds SEED .. SEED+N-1 on all cores (or on a
Dask cluster with ``--scheduler``) and prints each outcome's rate with a 95% interval.
Exit status: 0, or 1 when a run violated an invariant; 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from wspshare.cli_errors import EXIT_INTERRUPTED, UsageError
from wspshare.commands.counterexample import draw_trace
from wspshare.commands.files import output_file, report_stream, text_input
from wspshare.commands.options import (
    Renamed,
    add_json,
    add_progress,
    add_scenario_options,
    add_seed,
    progress_mode,
    scenario_config,
)
from wspshare.commands.values import (
    MAX_SEED,
    number,
    number_or_infinity,
    scheduler_address,
    whole_number,
)
from wspshare.models.errors import ModelError
from wspshare.progress import Reporter
from wspshare.render import text_table
from wspshare.sim.config import SimConfig
from wspshare.sim.faults import KINDS, PlannedFault, parse_fault, parse_plan
from wspshare.sim.montecarlo import SweepReport, sweep
from wspshare.sim.outcome import BENIGN, LEAK
from wspshare.sim.run import simulate
from wspshare.sim.timing import Timing
from wspshare.sim.trace import Record, dumps

HEADERS = ("TIME", "STEP", "PROCESS", "THREAD", "CALL", "RESULT", "DESCRIPTORS", "REFS")
NOT_VIOLATIONS = (*BENIGN, LEAK, "deadlock", "horizon")

FAULT_HELP = """\
faults (flags may repeat; a --fault-plan FILE holds one per line, or a JSON list of strings):
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


MAX_RUNS = 10**9
MAX_WORKERS = 256
milliseconds = number(0.0, unit=" of milliseconds")
runs = whole_number(1, MAX_RUNS, "a billion runs is days of work")
workers = whole_number(1, MAX_WORKERS, "more processes than work")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "simulate",
        help="run the handoff in simulated time: a trace, or outcome rates over many seeds",
        description=__doc__,
        epilog=FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario", nargs="?", help="a scenario file (.toml); without one, the seed's handoff"
    )
    add_scenario_options(p)
    add_seed(p, "seed of the (first) run (default 0)")
    p.add_argument("--runs", type=runs, default=1, help="number of seeded runs (default 1)")
    out = p.add_argument_group("output (FILE may be - for standard output)")
    out.add_argument("--trace", type=output_file(), metavar="FILE", help="the run's JSON Lines")
    out.add_argument(
        "--diagram", type=output_file((".png", ".svg")), metavar="FILE",
        help="the run's sequence diagram (.png or .svg; - writes SVG)",
    )  # fmt: skip
    add_json(out, "the last trace record (one run) or the sweep's report")
    out.add_argument(
        "--save-failure", type=output_file(), metavar="FILE",
        help="the lowest failing seed's trace",
    )  # fmt: skip
    add_progress(out)
    p.add_argument(
        "--workers", type=workers, help="worker processes (default: all cores, at most one a batch)"
    )
    p.add_argument(
        "--scheduler", type=scheduler_address, metavar="ADDRESS",
        help="run the sweep on a Dask scheduler (tcp://HOST:PORT)",
    )  # fmt: skip
    t = p.add_argument_group("timing (simulated milliseconds, exponential distributions)")
    t.add_argument("--call-time", type=milliseconds, default=1.0, help="mean call duration (1)")
    t.add_argument("--ipc-delay", type=milliseconds, default=2.0, help="mean IPC delay (2)")
    t.add_argument(
        "--close-delay", type=milliseconds, default=0.0,
        help="the source waits this long before closing (0)",
    )  # fmt: skip
    t.add_argument(
        "--receive-timeout", type=number_or_infinity(unit=" of milliseconds"), default=1000.0,
        help="a receive gives up after this long (1000; inf: never)",
    )  # fmt: skip
    f = p.add_argument_group("faults (see below)")
    f.add_argument(
        "--fault-plan", type=text_input, metavar="FILE",
        help="a file of faults, one per line (- reads standard input)",
    )  # fmt: skip
    f.add_argument(
        "--faults", action=Renamed,
        instead="a fault plan file is --fault-plan FILE (check's --faults N is a fault budget)",
    )  # fmt: skip
    for kind in KINDS:
        f.add_argument(f"--{kind}", action="append", default=[], metavar="SPEC", help="")
    p.set_defaults(run=run)


def fault_plan(args: argparse.Namespace) -> tuple[PlannedFault, ...]:
    plan: list[PlannedFault] = []
    if args.fault_plan is not None:
        try:
            plan.extend(parse_plan(args.fault_plan))
        except ModelError as err:
            raise UsageError(f"--fault-plan: {err}") from None
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
    if args.scenario is not None:
        from wspshare.commands import scenario_file

        return scenario_file.run_simulate(args)
    config = sim_config(args)
    if args.seed + args.runs - 1 > MAX_SEED:
        raise UsageError(f"--seed + --runs goes past the largest seed, {MAX_SEED}")
    files = [o for o in (args.trace, args.diagram, args.json, args.save_failure) if o is not None]
    if sum(1 for o in files if o.to_stdout) > 1:
        raise UsageError("only one output can go to standard output (-)")
    if args.runs == 1 and not args.scheduler:
        return single(args, config)
    if args.trace or args.diagram:
        raise UsageError("--trace and --diagram describe one run; use --save-failure with --runs")
    return many(args, config)


def single(args: argparse.Namespace, config: SimConfig) -> int:
    result = simulate(config, args.seed)
    records = result.trace()
    if args.trace:
        args.trace.write_lines(dumps(rec) for rec in records)
    if args.diagram:
        draw_trace(records, args.diagram)
    r = result.result
    if args.json:
        args.json.write_text(json.dumps(records[-1], indent=2) + "\n")
    report = (
        sys.stderr
        if any(o.to_stdout for o in (args.trace, args.diagram, args.json) if o)
        else sys.stdout
    )
    print(trace_table(records), file=report)
    line = f"outcome: {r.outcome}" + (f" ({r.detail})" if r.detail else "")
    print(line, file=report)
    if result.violation is not None:
        v = result.violation
        print(
            f"invariant {v.name} violated after event {v.n} ({v.action}) at t={v.time}", file=report
        )
    if r.errors:
        print("errors returned: " + ", ".join(r.errors), file=report)
    for fault in result.unfired:
        print(f"fault not applied (its moment never came): {fault}", file=report)
    return 1 if r.outcome not in NOT_VIOLATIONS else 0


def many(args: argparse.Namespace, config: SimConfig) -> int:
    with Reporter(progress_mode(args), "simulating", total=args.runs) as reporter:
        if args.scheduler:
            from wspshare.sim.cluster import sweep_on

            report = sweep_on(
                args.scheduler, config, args.runs, args.seed, progress=reporter.advance,
                partial_on_interrupt=True,
            )  # fmt: skip
        else:
            report = sweep(
                config, args.runs, args.seed, args.workers, progress=reporter.advance,
                partial_on_interrupt=True,
            )  # fmt: skip
    if args.save_failure and report.first_failure is not None:
        trace = simulate(config, report.first_failure.seed).trace()
        args.save_failure.write_lines(dumps(rec) for rec in trace)
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n")
    out = report_stream(args.json)
    print(render_report(report), file=out)
    if report.interrupted:
        print(
            f"wspshare: interrupted: partial result of {report.runs:,} of {args.runs:,} runs",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
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
    partial = " (interrupted: partial)" if report.interrupted else ""
    lines = [
        f"{report.runs} runs{partial}, seeds "
        f"{report.first_seed}..{report.first_seed + report.runs - 1}; "
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
