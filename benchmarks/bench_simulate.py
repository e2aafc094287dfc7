"""Handoff runs per second of the simulator, on all cores (not a test; run it by hand).

    python benchmarks/bench_simulate.py [RUNS] [WORKERS]

Runs the default handoff (IFS provider, one target, acknowledgement on) with runtime
verification after every step, as ``wspshare simulate --runs`` does.  The aim is 5,000 runs per
second on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import time

from wspshare.sim.config import SimConfig
from wspshare.sim.montecarlo import sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int, nargs="?", default=20_000)
    parser.add_argument("workers", type=int, nargs="?", default=os.cpu_count() or 1)
    args = parser.parse_args()
    runs, workers = args.runs, args.workers
    config = SimConfig()
    sweep(config, 200, workers=1)  # warm this process's caches; forked workers inherit them
    start = time.perf_counter()
    report = sweep(config, runs, workers=workers)
    elapsed = time.perf_counter() - start
    print(f"{runs} handoff runs on {workers} worker(s) in {elapsed:.2f} s")
    print(f"{runs / elapsed:,.0f} runs/s  ({report.count('completed')} completed)")


if __name__ == "__main__":
    main()
