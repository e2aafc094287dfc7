"""What ``check``, ``simulate`` and ``bmc`` do when given a scenario file instead of a name.

Each command calls one function here when its configuration argument is a file
(``properties.scenario_file.is_scenario_file``); the built-in configurations keep their own
paths untouched.  ``check FILE`` explores every interleaving with the generic checker;
``simulate FILE`` runs seeded random schedules with the simulator's timing; ``bmc FILE``
takes the process and thread shape of the file for the call-level twin.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any, cast

from wspshare.cli_errors import EXIT_INTERRUPTED, UsageError
from wspshare.commands.files import report_stream
from wspshare.models.scenario.config import Faults
from wspshare.models.scenario_data.model import Action, ScenarioModel, ScenarioState
from wspshare.models.variants import CORRECT
from wspshare.properties.checker import CheckResult, Path, check
from wspshare.properties.scenario_file import is_scenario_file, scenario_model
from wspshare.render import text_table

__all__ = ["is_scenario_file", "run_bmc", "run_check", "run_simulate"]


def _model(args: argparse.Namespace, name: str) -> ScenarioModel:
    variant = getattr(args, "variant", CORRECT)
    return scenario_model(
        name, variant, getattr(args, "provider", None), profile=getattr(args, "profile", None)
    )


def run_check(args: argparse.Namespace) -> int:
    """``wspshare check FILE``: every property over every interleaving of the file."""
    if args.targets is not None or args.threads is not None:
        raise UsageError(
            "--targets and --threads shape the built-in configurations; a scenario "
            "file states its own processes and threads"
        )
    if args.stranger or args.no_ack or args.no_pin:
        raise UsageError(
            "--stranger, --no-ack and --no-pin change the built-in handoff's "
            "programs; a scenario file states its own"
        )
    if getattr(args, "chain", None):
        raise UsageError(
            "--chain installs layered providers for the built-in configurations; a scenario "
            "file names its own provider"
        )
    from wspshare.commands.check import FAULT_KINDS

    budgets = {k: max(getattr(args, k), args.faults) for k in FAULT_KINDS if k != "reuse_pid"}
    if args.reuse_pid:  # --faults N gives the file's five kinds N each
        raise UsageError(
            "--reuse-pid: a scenario file has no pid-reuse fault (its budgets: "
            "crash, lose, duplicate, reorder, exhaust)"
        )
    model = scenario_model(
        args.config, args.variant, args.provider, Faults(**budgets), args.profile
    )
    sc = model.scenario
    result: CheckResult[ScenarioState, Action] = check(
        model,
        strategy=args.strategy,
        max_states=args.max_states,
        max_depth=args.depth,
        max_seconds=args.max_seconds,
        walks=args.walks,
        seed=args.seed,
        partial_on_interrupt=True,
    )
    from wspshare.commands.check import statistics_line, verdict_table

    out = report_stream(args.json)
    shape = ", ".join(
        f"{p.name} ({len(p.threads)} thread{'s' if len(p.threads) > 1 else ''})"
        for p in sc.processes
    )
    print(
        f"{args.config}: scenario {sc.name!r}, provider {sc.provider}, profile {sc.profile}, "
        f"mode {sc.mode}; processes: {shape}",
        file=out,
    )
    print(verdict_table(cast(Any, result)), file=out)
    print(statistics_line(cast(Any, result)), file=out)
    shown = _shown(result)
    if shown is not None:
        name, path = shown
        print(f"\n{name}: shortest path found ({len(path)} steps)", file=out)
        print(path_table(model, path), file=out)
    if args.json:
        data = {
            "config": args.config,
            "scenario": sc.name,
            **result.summary(),
            "ok": result.ok,
            "partial": result.interrupted,
        }
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    if result.interrupted:
        print("wspshare: interrupted: partial result", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0 if result.ok else 1


def _shown(
    result: CheckResult[ScenarioState, Action],
) -> tuple[str, Path[ScenarioState, Action]] | None:
    found = [
        (len(r.path), r.name, r.path) for r in result.properties if r.failed and r.path is not None
    ]
    if found:
        _, name, path = min(found, key=lambda f: f[0])
        return name, path
    if result.deadlocks:
        return "deadlock", result.deadlocks[0]
    return None


def path_table(model: ScenarioModel, path: Path[ScenarioState, Action]) -> str:
    """A path as rows: each action, what it did, and the reference counts after it."""
    rows = []
    state = path.states[0]
    for n, action in enumerate((a for a in path.actions if a is not None), 1):
        state, effect = model.execute(state, action)
        refs = ",".join("x" if k.refs <= 0 else str(k.refs) for k in state.world.sockets) or "-"
        rows.append((str(n), str(action), effect.result, refs))
    return text_table(("STEP", "ACTION", "RESULT", "REFS"), rows)


def run_simulate(args: argparse.Namespace) -> int:
    """``wspshare simulate FILE``: seeded runs of the file; each run picks the next action by
    drawing every enabled thread's exponential call time (``--call-time``) and taking the
    soonest, so the same seed gives the same run.  Faults happen only where the file gives a
    budget, with a small fixed chance each.  Exit 1 when a run violates a safety property."""
    from wspshare.sim.faults import KINDS

    planned = args.fault_plan or any(getattr(args, k.replace("-", "_")) for k in KINDS)
    if planned or args.trace or args.diagram or args.save_failure or args.scheduler:
        raise UsageError(
            "fault plans, --trace, --diagram, --save-failure and --scheduler "
            "belong to the built-in handoff's simulator; a scenario file's "
            "faults are its [faults] budgets"
        )
    if args.no_ack or args.no_pin or args.targets != 1 or args.threads != 1:
        raise UsageError(
            "--no-ack, --no-pin, --targets and --threads change the built-in "
            "handoff; a scenario file states its own processes and programs"
        )
    model = _model(args, args.scenario)
    safety = [p for p in model.properties() if p.expectation.value == "always"]
    outcomes: dict[str, int] = {}
    last: list[tuple[float, str, str]] = []
    try:
        for seed in range(args.seed, args.seed + args.runs):
            rng = random.Random(seed)
            state, clock, trace, outcome = model.init_states()[0], 0.0, [], "completed"
            for _ in range(10_000):
                actions = list(model.actions(state))
                if not actions:
                    outcome = "completed" if model.is_final(state) else "deadlock"
                    break
                fair = [a for a in actions if model.is_fair(a)]
                pool = fair if fair and rng.random() > 0.05 else actions
                times = [rng.expovariate(1.0 / max(args.call_time, 1e-9)) for _ in pool]
                k = min(range(len(pool)), key=times.__getitem__)
                clock += times[k]
                state, effect = model.execute(state, pool[k])
                trace.append((clock, str(pool[k]), effect.result))
                bad = [p.name for p in safety if not p.holds(state)]
                if bad:
                    outcome = bad[0]
                    break
            if state.faulted and outcome == "completed":
                outcome = "completed after a fault"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            last = trace
    except KeyboardInterrupt:
        print("wspshare: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.runs == 1:
        print(text_table(("TIME", "ACTION", "RESULT"), [(f"{t:.3f}", a, r) for t, a, r in last]))
    rows = [(name, str(n), f"{n / args.runs:.4f}") for name, n in sorted(outcomes.items())]
    print(text_table(("OUTCOME", "RUNS", "RATE"), rows))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"scenario": model.scenario.name, "runs": args.runs, "outcomes": outcomes}, indent=1
            )
            + "\n"
        )
    benign = ("completed", "completed after a fault", "deadlock")
    return 1 if any(name not in benign for name in outcomes) else 0


def bmc_shape(name: str) -> tuple[int, ...]:
    """The threads of each process of scenario file ``name``: the shape BMC starts from."""
    model = scenario_model(name)
    return tuple(len(p.threads) for p in model.scenario.processes)


def run_bmc(args: argparse.Namespace) -> None:
    """Make ``bmc FILE`` work: BMC's configurations are process and thread shapes (its steps
    are arbitrary calls, not programs), so the file's shape is registered under its name."""
    from wspshare.properties.smt import bmc

    bmc.CONFIGS.setdefault(args.config, bmc_shape(args.config))
