"""Model-checking benchmark: states per second, bytes per stored state, and state counts with and
without symmetry, for each named configuration; ``--profile`` splits the seed's handoff's time.

    .venv/bin/python benchmarks/bench_check.py             # the table (a few minutes)
    .venv/bin/python benchmarks/bench_check.py --quick     # faults off only
    .venv/bin/python benchmarks/bench_check.py --profile   # where the time goes
    .venv/bin/python benchmarks/bench_check.py --parallel  # one process against --workers 2
    .venv/bin/python benchmarks/bench_check.py --answer    # start-up and time to first answer
    .venv/bin/python benchmarks/bench_check.py --symmetry  # fanout K=3 with a crash, symmetric
    .venv/bin/python benchmarks/bench_check.py --compact   # the compact form against plain

"faults" means every kind at budget 1 plus a stranger.  The table and the profile give CPU
seconds of this process (other jobs share the cores, so wall time is noisy); they vary with the
machine, state counts do not.  "POR": partial-order reduction (on by default; ``--no-por``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wspshare.models.protocol import Expectation
from wspshare.models.scenario import HandoffModel
from wspshare.models.scenario.symmetry import reduces
from wspshare.properties.checker import CheckResult, check, reachable_states
from wspshare.properties.configs import Switches, model_for

from wspshare.render import text_table

ALL_FAULTS = {
    "crash": 1, "lose": 1, "duplicate": 1, "reorder": 1, "reuse_pid": 1, "exhaust": 1,
    "stranger": True,
}  # fmt: skip
ROWS = [
    ("handoff", {}),
    ("handoff-threads", {}),
    ("fanout", {}),
    ("fanout", {"targets": 3}),
    ("handoff", ALL_FAULTS),
    ("handoff-threads", ALL_FAULTS),
    ("fanout", {"crash": 1, "reuse_pid": 1, "duplicate": 1, "stranger": True}),
]


def safety_only(model: HandoffModel) -> HandoffModel:
    return model.with_properties(
        [p for p in model.properties() if p.expectation is Expectation.ALWAYS]
    )


def cpu_check(model: HandoffModel, **options: object) -> tuple[CheckResult[Any, Any], float]:
    """``check`` and the CPU seconds it took (other jobs share the cores, so wall time says
    more about them than about the checker)."""
    start = time.process_time()
    result = check(model, stop_at_first=False, **options)  # type: ignore[arg-type]
    return result, time.process_time() - start


def table(rows: list[tuple[str, dict[str, object]]], providers: tuple[str, ...]) -> str:
    """Per configuration: the states of the full search, of the safety search with and
    without partial-order reduction, with symmetry (and the reduction), the CPU seconds and
    states per CPU second of the safety search without either reduction, bytes per stored
    state, and whether every property (liveness included, without symmetry) holds."""
    out = []
    for name, extra in rows:
        for provider in providers:
            model = model_for(name, Switches(provider=provider, **extra))  # type: ignore[arg-type]
            label = " ".join(
                [name, *(f"{k}={v}" for k, v in extra.items() if k not in ALL_FAULTS)]
                + (["+faults"] if any(k in ALL_FAULTS for k in extra) else [])
            )
            full, _ = cpu_check(model)
            plain, cpu = cpu_check(safety_only(model), por=False)
            por, cpu_por = cpu_check(safety_only(model))
            sym = cpu_check(safety_only(model), symmetry=True) if reduces(model) else None
            p, r = plain.statistics, por.statistics
            out.append(
                (
                    label, provider, f"{p.states:,}", f"{r.states:,}",
                    f"{p.transitions:,}", f"{r.transitions:,}",
                    f"{sym[0].statistics.states:,}" if sym else "-",
                    f"{cpu:.2f}", f"{p.states / cpu:,.0f}", f"{cpu_por:.2f}",
                    f"{sym[1]:.2f}" if sym else "-",
                    f"{p.bytes_per_state:.0f}", "yes" if full.ok else "NO",
                )
            )  # fmt: skip
            print(out[-1], file=sys.stderr, flush=True)
    headers = (
        "CONFIGURATION", "PROVIDER", "STATES", "STATES POR", "TRANSITIONS", "TRANSITIONS POR",
        "SYMMETRY+POR", "CPU S", "STATES/CPU S", "CPU S POR", "CPU S SYM+POR", "BYTES/STATE",
        "ALL HOLD",
    )  # fmt: skip
    return text_table(headers, out)


def profile() -> str:
    """Time each part of the search separately over the same states, so no profiler overhead
    distorts the split: successors (actions + next_state), fingerprints, properties, liveness.
    CPU seconds; the model's memo tables (``models.memo``) fill during the first pass, so the
    successors are timed on a fresh model and the parts after them see warm tables, as a
    search does after its first visits of a world."""
    model = model_for("handoff", Switches(**ALL_FAULTS))  # type: ignore[arg-type]
    states = reachable_states(model_for("handoff", Switches(**ALL_FAULTS)))  # type: ignore[arg-type]
    clock = time.process_time
    t0 = clock()
    succs = [model.next_state(s, a) for s in states for a in model.actions(s)]
    t1 = clock()
    for s in states:
        model.actions(s)
    t_actions = clock() - t1
    t2 = clock()
    for n in succs:
        hash(n)
    t3 = clock()
    times = {}
    for p in model.properties():
        start = clock()
        for s in states:
            p.holds(s)
        times[p.name] = clock() - start
    _, cpu_full = cpu_check(model)
    _, cpu_safety = cpu_check(safety_only(model), por=False)
    _, cpu_por = cpu_check(safety_only(model))
    n = len(states)
    rows = [
        ("model.actions", t_actions),
        ("model.next_state (execute)", (t1 - t0) - t_actions),
        ("fingerprint (hash of successors)", t3 - t2),
        *((f"property {k}", v) for k, v in sorted(times.items(), key=lambda kv: -kv[1])),
        ("check(): whole search, safety only, no POR", cpu_safety),
        ("check(): whole search, safety only, POR (nothing to reduce)", cpu_por),
        ("check(): whole search with liveness", cpu_full),
    ]
    lines = [f"handoff +faults (ifs): {n} states, {len(succs)} transitions (CPU seconds)"]
    lines.append(
        text_table(
            ("PART", "CPU S", "US/STATE"),
            [(k, f"{v:.3f}", f"{1e6 * v / n:.1f}") for k, v in rows],
        )
    )
    lines.append(f"{n / cpu_safety:,.0f} states per CPU second (safety only, no POR)")
    return "\n".join(lines)


def symmetry_profile() -> str:
    """``fanout --targets 3 --crash`` as ``wspshare check`` runs it (symmetry with liveness,
    the annotated quotient): CPU seconds, states per CPU second and bytes per stored state;
    then how often the search asked for a representative, for how many distinct states and
    worlds (the model remembers a state's sorting renaming and a world's renaming), and the
    CPU seconds of those representatives worked out afresh and asked again."""
    from wspshare.models.scenario.lifting import HandoffLifting

    model = model_for("fanout", Switches(targets=3, crash=1))
    start = time.process_time()
    result = check(model, symmetry=True, lifting=HandoffLifting(model))
    cpu = time.process_time() - start
    st = result.statistics
    lines = [
        f"fanout --targets 3 --crash: {st.states:,} states, {st.transitions:,} transitions, "
        f"{cpu:.2f} CPU s, {st.states / cpu:,.0f} states per CPU second, "
        f"{st.bytes_per_state:.0f} bytes per stored state, all hold: {result.ok}"
    ]
    states = reachable_states(model_for("fanout", Switches(targets=3, crash=1)))[:8000]
    succs = [model.next_state(s, a) for s in states for a in model.actions(s)]
    fresh = model_for("fanout", Switches(targets=3, crash=1))
    clock = time.process_time
    t0 = clock()
    for s in succs:
        fresh.representative(s)
    t1 = clock()
    for s in succs:
        fresh.representative(s)
    t2 = clock()
    lines.append(
        f"representatives of the {len(succs):,} successors of {len(states):,} states: "
        f"{len(set(succs)):,} distinct states, {len(fresh.renamed_world.table):,} distinct "
        f"world renamings; {t1 - t0:.2f} CPU s the first time, {t2 - t1:.2f} asked again"
    )
    return "\n".join(lines)


COMPACT_ROWS = [
    ("handoff", ALL_FAULTS, "ifs"),
    ("handoff", ALL_FAULTS, "non-ifs"),
    ("handoff-threads", ALL_FAULTS, "ifs"),
    ("listener", {"crash": 1, "stranger": True}, "ifs"),
    ("datagram", {"crash": 1, "stranger": True}, "non-ifs"),
    ("fanout", {"targets": 3}, "ifs"),
    ("fanout", {"targets": 3, "crash": 1}, "ifs"),
]


def compact_table(repeat: int) -> str:
    """The whole check (every property, liveness included, symmetry where it merges states,
    as ``wspshare check`` runs it) through the compact form and without it
    (``models.scenario.compact``), in paired, interleaved runs: CPU seconds, medians of
    ``repeat``; the counts must agree.  Each run has a fresh model (and lifting), so no run
    finds another's memo tables warm."""
    from wspshare.models.scenario.lifting import HandoffLifting

    out = []
    for name, extra, provider in COMPACT_ROWS:
        model = model_for(name, Switches(provider=provider, **extra))  # type: ignore[arg-type]
        symmetry = reduces(model)
        times: dict[bool, list[float]] = {True: [], False: []}
        counts = set()
        for _ in range(repeat):
            for compact in (True, False):
                fresh = model_for(name, Switches(provider=provider, **extra))  # type: ignore[arg-type]
                result, cpu = cpu_check(
                    fresh, symmetry=symmetry, lifting=HandoffLifting(fresh) if symmetry else None,
                    compact=compact,
                )  # fmt: skip
                times[compact].append(cpu)
                counts.add((result.statistics.states, result.statistics.transitions, result.ok))
        if len(counts) != 1:
            raise SystemExit(f"{name}: the compact form counted differently: {counts}")
        ((states, transitions, ok),) = counts
        fast, slow = statistics.median(times[True]), statistics.median(times[False])
        label = " ".join(
            [name, *(f"{k}={v}" for k, v in extra.items() if k not in ALL_FAULTS)]
            + (["+faults"] if any(k in ALL_FAULTS for k in extra) else [])
        )
        used = model.compact_form(symmetry) is not None
        out.append((
            label, provider, "on" if symmetry else "off", "yes" if used else "declined",
            f"{states:,}", f"{transitions:,}", f"{slow:.2f}", f"{fast:.2f}",
            f"{states / slow:,.0f}", f"{states / fast:,.0f}", f"{slow / fast:.2f}",
            "yes" if ok else "NO",
        ))  # fmt: skip
        print(out[-1], file=sys.stderr, flush=True)
    headers = ("CONFIGURATION", "PROVIDER", "SYMMETRY", "COMPACT", "STATES", "TRANSITIONS",
               "CPU S PLAIN", "CPU S COMPACT", "STATES/CPU S PLAIN", "STATES/CPU S COMPACT",
               "SPEED-UP", "ALL HOLD")  # fmt: skip
    return text_table(headers, out)


PARALLEL_ROWS = [
    ("fanout", {"targets": 3}, False),
    ("handoff", ALL_FAULTS, False),
    ("fanout", {"targets": 3, "crash": 1}, True),
    ("fanout", {"targets": 4}, True),
]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the forked workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def parallel(workers: int, repeat: int) -> str:
    """The one-process search against the split search on ``workers`` forked processes, each
    timed ``repeat`` times (the median is shown); the counts must agree.  On a loaded machine
    the wall-clock speed-up says little, so the CPU seconds are shown too, and from them the
    speed-up ``workers`` idle cores would give (``workers`` times the CPU ratio), an upper
    bound that ignores the waits between levels."""
    from wspshare.properties.checker.split import parallel_check

    out = []
    for name, extra, symmetric in PARALLEL_ROWS:
        model = model_for(name, Switches(**extra))  # type: ignore[arg-type]
        symmetry = symmetric and reduces(model)
        if symmetric and not symmetry:
            print(f"{name} {extra}: skipped, symmetry is off for it", file=sys.stderr)
            continue  # millions of states without it
        alone, split, cpu_alone, cpu_split = [], [], [], []
        for _ in range(repeat):
            before = cpu_seconds()
            a = check(model, symmetry=symmetry)
            middle = cpu_seconds()
            b = parallel_check(model, workers=workers, symmetry=symmetry)
            cpu_alone.append(middle - before)
            cpu_split.append(cpu_seconds() - middle)
            s, t = a.statistics, b.statistics
            if (s.states, s.transitions) != (t.states, t.transitions):
                raise SystemExit(f"{name}: the split search counted differently: {s} {t}")
            alone.append(s.seconds)
            split.append(t.seconds)
        one, many = statistics.median(alone), statistics.median(split)
        label = " ".join([name, *(f"{k}={v}" for k, v in extra.items() if k not in ALL_FAULTS)])
        label += " +faults" if any(k in ALL_FAULTS for k in extra) else ""
        cpu_one, cpu_many = statistics.median(cpu_alone), statistics.median(cpu_split)
        out.append((
            label, "on" if symmetry else "off", s.states, f"{one:.2f}", f"{many:.2f}",
            f"{one / many:.2f}", f"{cpu_one:.2f}", f"{cpu_many:.2f}",
            f"{workers * cpu_one / cpu_many:.2f}",
        ))  # fmt: skip
        print(out[-1], file=sys.stderr, flush=True)
    headers = ("CONFIGURATION", "SYMMETRY", "STATES", "1 PROCESS S", f"{workers} WORKERS S",
               "SPEED-UP", "CPU S 1", f"CPU S {workers}", "SPEED-UP ON IDLE CORES")  # fmt: skip
    return text_table(headers, out)


ANSWERS = [
    ("start-up: check --list", ["check", "--list"]),
    ("check handoff (29 states)", ["check", "handoff", "--workers", "1", "--quiet"]),
    ("fanout K=3 non-ifs-claim no ack crash: first violation",
     ["check", "fanout", "--targets", "3", "--crash", "--provider", "non-ifs-claim", "--no-ack",
      "--quiet", "--workers", "1"]),
    ("the same with --all (every property decided)",
     ["check", "fanout", "--targets", "3", "--crash", "--provider", "non-ifs-claim", "--no-ack",
      "--quiet", "--workers", "1", "--all"]),
]  # fmt: skip


def answers(repeat: int) -> str:
    """Wall-clock seconds of whole commands, cold (a new interpreter each time), median of
    ``repeat`` runs; bytecode caching on, as an installed package has it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rows = []
    for label, argv in ANSWERS:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            command = [sys.executable, "-m", "wspshare", *argv]
            subprocess.run(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
            times.append(time.perf_counter() - start)
        rows.append((label, f"{statistics.median(times):.2f}", f"{min(times):.2f}"))
        print(rows[-1], file=sys.stderr, flush=True)
    return text_table(("COMMAND", "MEDIAN S", "BEST S"), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="faults off only")
    parser.add_argument("--profile", action="store_true", help="split the seed's handoff's time")
    parser.add_argument("--parallel", action="store_true", help="one process against workers")
    parser.add_argument("--workers", type=int, default=2, help="workers for --parallel")
    parser.add_argument("--answer", action="store_true", help="start-up and first answer")
    parser.add_argument("--symmetry", action="store_true", help="fanout K=3 crash, symmetric")
    parser.add_argument("--compact", action="store_true", help="compact form against plain")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (the median)")
    args = parser.parse_args()
    if args.compact:
        print(compact_table(args.repeat))
        return
    if args.profile:
        print(profile())
        return
    if args.parallel:
        print(parallel(args.workers, args.repeat))
        return
    if args.answer:
        print(answers(args.repeat))
        return
    if args.symmetry:
        print(symmetry_profile())
        return
    rows = [r for r in ROWS if not args.quick or not r[1] or list(r[1]) == ["targets"]]
    print(table(rows, ("ifs", "non-ifs")))


if __name__ == "__main__":
    main()
