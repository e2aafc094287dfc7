"""Model-checking benchmark: states per second, bytes per stored state, and state counts with and
without symmetry, for each named configuration; ``--profile`` splits the seed's handoff's time.

    .venv/bin/python benchmarks/bench_check.py             # the table (a few minutes)
    .venv/bin/python benchmarks/bench_check.py --quick     # faults off only
    .venv/bin/python benchmarks/bench_check.py --profile   # where the time goes

"faults" means every kind at budget 1 plus a stranger.  Times are wall-clock on one core and vary
with the machine; state counts do not.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wspshare.models.protocol import Expectation
from wspshare.models.scenario import HandoffModel
from wspshare.models.scenario.symmetry import reduces
from wspshare.properties.checker import check, reachable_states
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


def table(rows: list[tuple[str, dict[str, object]]], providers: tuple[str, ...]) -> str:
    out = []
    for name, extra in rows:
        for provider in providers:
            model = model_for(name, Switches(provider=provider, **extra))  # type: ignore[arg-type]
            label = " ".join(
                [name, *(f"{k}={v}" for k, v in extra.items() if k not in ALL_FAULTS)]
                + (["+faults"] if any(k in ALL_FAULTS for k in extra) else [])
            )
            full = check(model)
            safety = check(safety_only(model))
            sym = check(model, symmetry=True) if reduces(model) else None
            s, f = safety.statistics, full.statistics
            out.append(
                (
                    label, provider, f.states, sym.statistics.states if sym else "-",
                    f"{f.seconds:.2f}", f"{f.states_per_second:,.0f}",
                    f"{s.states_per_second:,.0f}",
                    f"{sym.statistics.seconds:.2f}" if sym else "-",
                    f"{s.bytes_per_state:.0f}", "yes" if full.ok else "NO",
                )
            )  # fmt: skip
            print(out[-1], file=sys.stderr, flush=True)
    headers = (
        "CONFIGURATION", "PROVIDER", "STATES", "SYMMETRY", "SECONDS", "STATES/S",
        "SAFETY-ONLY STATES/S", "SYM SECONDS", "BYTES/STATE", "ALL HOLD",
    )  # fmt: skip
    return text_table(headers, out)


def profile() -> str:
    """Time each part of the search separately over the same states, so no profiler overhead
    distorts the split: successors (actions + next_state), fingerprints, properties, liveness."""
    model = model_for("handoff", Switches(**ALL_FAULTS))  # type: ignore[arg-type]
    states = reachable_states(model)
    t0 = time.perf_counter()
    succs = [model.next_state(s, a) for s in states for a in model.actions(s)]
    t1 = time.perf_counter()
    for s in states:
        model.actions(s)
    t_actions = time.perf_counter() - t1
    t2 = time.perf_counter()
    for n in succs:
        hash(n)
    t3 = time.perf_counter()
    times = {}
    for p in model.properties():
        start = time.perf_counter()
        for s in states:
            p.holds(s)
        times[p.name] = time.perf_counter() - start
    full = check(model)
    safety = check(safety_only(model))
    n = len(states)
    rows = [
        ("model.actions", t_actions),
        ("model.next_state (execute)", (t1 - t0) - t_actions),
        ("fingerprint (hash of successors)", t3 - t2),
        *((f"property {k}", v) for k, v in sorted(times.items(), key=lambda kv: -kv[1])),
        ("check(): whole search, safety only", safety.statistics.seconds),
        ("check(): whole search with liveness", full.statistics.seconds),
    ]
    lines = [f"handoff +faults (ifs): {n} states, {len(succs)} transitions"]
    lines.append(
        text_table(
            ("PART", "SECONDS", "US/STATE"),
            [(k, f"{v:.3f}", f"{1e6 * v / n:.1f}") for k, v in rows],
        )
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="faults off only")
    parser.add_argument("--profile", action="store_true", help="split the seed's handoff's time")
    args = parser.parse_args()
    if args.profile:
        print(profile())
        return
    rows = [r for r in ROWS if not args.quick or not r[1] or list(r[1]) == ["targets"]]
    print(table(rows, ("ifs", "non-ifs")))


if __name__ == "__main__":
    main()
