"""Monte Carlo: many seeded runs of one configuration, and how often each outcome happens.

A run is a pure function of ``(config, seed)``, so seeds are cut into batches, each batch is
tallied wherever it runs (this process, a pool of worker processes, a Dask cluster), and the
tallies are merged.  A tally is order-independent (counts, and the lowest failing seed), so the
report is the same whatever the number of workers or the order batches finish in.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from wspshare.sim.config import SimConfig
from wspshare.sim.outcome import RunResult
from wspshare.sim.run import run_once

Progress = Callable[[int], None]  # called with the number of runs just finished

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial rate (sound at 0 and 1, unlike the normal one)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


@dataclass
class Tally:
    """What a batch of runs amounts to; ``merge`` is commutative and associative."""

    runs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # runs in which a call returned it
    first_failure: RunResult | None = None  # the failing run with the lowest seed

    def add(self, r: RunResult) -> None:
        self.runs += 1
        self.outcomes[r.outcome] += 1
        self.errors.update(r.errors)
        if r.failed and (self.first_failure is None or r.seed < self.first_failure.seed):
            self.first_failure = r

    def merge(self, other: Tally) -> None:
        self.runs += other.runs
        self.outcomes.update(other.outcomes)
        self.errors.update(other.errors)
        f = other.first_failure
        if f is not None and (self.first_failure is None or f.seed < self.first_failure.seed):
            self.first_failure = f


def run_batch(config: SimConfig, start: int, stop: int) -> Tally:
    """Run seeds ``start`` .. ``stop - 1`` here and tally them (a task for any executor)."""
    tally = Tally()
    for seed in range(start, stop):
        tally.add(run_once(config, seed))
    return tally


@dataclass(frozen=True)
class Rate:
    name: str
    count: int
    rate: float
    low: float
    high: float


@dataclass(frozen=True)
class SweepReport:
    """The outcome rates of ``runs`` runs of ``config`` with seeds from ``first_seed``."""

    config: SimConfig
    first_seed: int
    runs: int
    outcomes: tuple[Rate, ...]  # every outcome seen, most frequent first
    errors: tuple[Rate, ...]  # every error code returned, most frequent first
    first_failure: RunResult | None
    interrupted: bool = False  # Ctrl-C stopped the sweep: ``runs`` counts the finished ones

    @staticmethod
    def of(
        config: SimConfig, first_seed: int, tally: Tally, interrupted: bool = False
    ) -> SweepReport:
        def rates(counts: Counter[str]) -> tuple[Rate, ...]:
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            return tuple(
                Rate(name, n, n / tally.runs, *wilson(n, tally.runs)) for name, n in ordered
            )

        return SweepReport(
            config,
            first_seed,
            tally.runs,
            rates(tally.outcomes),
            rates(tally.errors),
            tally.first_failure,
            interrupted,
        )

    def count(self, outcome: str) -> int:
        return next((r.count for r in self.outcomes if r.name == outcome), 0)

    def to_json(self) -> dict[str, object]:
        def rates(items: tuple[Rate, ...]) -> list[dict[str, object]]:
            return [
                {
                    "name": r.name,
                    "count": r.count,
                    "rate": round(r.rate, 6),
                    "ci95": [round(r.low, 6), round(r.high, 6)],
                }
                for r in items
            ]

        f = self.first_failure
        return {
            "config": self.config.to_json(),
            "first_seed": self.first_seed,
            "runs": self.runs,
            "interrupted": self.interrupted,
            "outcomes": rates(self.outcomes),
            "errors": rates(self.errors),
            "first_failure": None
            if f is None
            else {"seed": f.seed, "outcome": f.outcome, "detail": f.detail},
        }


def batches(first_seed: int, runs: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(first_seed, first_seed + runs, size):
        yield start, min(start + size, first_seed + runs)


def batch_size(runs: int, workers: int) -> int:
    """Big enough to amortise a task's overhead, small enough to keep every worker busy."""
    return max(1, min(500, math.ceil(runs / (workers * 8))))


def _run_batch(args: tuple[SimConfig, int, int]) -> Tally:
    return run_batch(*args)


def sweep(
    config: SimConfig,
    runs: int,
    first_seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
    partial_on_interrupt: bool = False,
) -> SweepReport:
    """Run ``runs`` seeds on ``workers`` processes (all cores by default, never more than there
    are batches) and report.  With ``partial_on_interrupt``, Ctrl-C stops the sweep and reports
    the batches already finished, marked ``interrupted``."""
    workers = workers or os.cpu_count() or 1
    size = batch_size(runs, workers)
    tasks = [(config, a, b) for a, b in batches(first_seed, runs, size)]
    workers = min(workers, len(tasks))
    tally = Tally()
    try:
        if workers == 1:
            _collect(tally, map(_run_batch, tasks), progress)
        else:
            context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            with context.Pool(workers, initializer=_ignore_interrupts) as pool:
                _collect(tally, pool.imap_unordered(_run_batch, tasks), progress)
    except KeyboardInterrupt:
        if not partial_on_interrupt:
            raise
        return SweepReport.of(config, first_seed, tally, interrupted=True)
    return SweepReport.of(config, first_seed, tally)


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops the pool), so a worker neither
    dies of it mid-batch nor prints a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _collect(tally: Tally, results: Iterable[Tally], progress: Progress | None) -> None:
    for part in results:
        tally.merge(part)
        if progress is not None:
            progress(part.runs)
