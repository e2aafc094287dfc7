"""Swarm verification (Holzmann, Joshi and Groce): many small diversified searches instead of
one big one, spread over worker processes or a Dask cluster.

Each job is a batch of seeded random walks (``random_walk``) with its own seed and its own depth
bound (a quarter, a half, three quarters or all of ``depth``), so the jobs reach different parts
of a state space too big to exhaust.  A job sends back, per property, the action positions of
its shortest discovery, which the coordinator replays into a path; the shortest over all jobs is
reported.  Like any random search it proves nothing: what it does not find stays ``UNKNOWN``.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from wspshare.models.protocol import Model

from .fingerprint import fast_fingerprint
from .path import Path, replay
from .random_walk import random_walks
from .result import CheckResult, PropertyResult, Statistics, Verdict

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)

# The number of jobs is fixed, not one per worker, so that the answer does not depend on how
# many workers share the jobs (the same seed and configuration, the same output).
JOBS = 16


@dataclass(frozen=True)
class Job:
    index: int
    walks: int
    depth: int
    seed: int


@dataclass
class JobResult:
    found: dict[int, tuple[int, ...]]  # property index -> (init position, moves...)
    deadlocks: list[tuple[int, ...]]
    states: int  # distinct within the job (fingerprints mean nothing across processes)
    transitions: int
    max_depth: int


def jobs(walks: int, depth: int, seed: int) -> list[Job]:
    """The diversified jobs: seeds ``seed``, ``seed + 1``, ...; depths cycling over quarters."""
    count = max(1, min(walks, JOBS))
    share, extra = divmod(walks, count)
    return [
        Job(i, share + (i < extra), max(1, depth * (i % 4 + 1) // 4), seed + i)
        for i in range(count)
    ]


def _moves(model: Model[Any, Any], path: Path[Any, Any]) -> tuple[int, ...]:
    start = list(model.init_states()).index(path.steps[0].state)
    moves = [start]
    for before, step in zip(path.steps, path.steps[1:], strict=False):
        moves.append(list(model.actions(before.state)).index(step.action))
    return tuple(moves)


def run_job(model: Model[Any, Any], job: Job) -> JobResult:
    """One job, where it runs (a forked worker or a Dask worker)."""
    result = random_walks(
        model, walks=job.walks, depth=job.depth, seed=job.seed, fingerprint=fast_fingerprint,
        max_seconds=None, max_deadlock_paths=10, progress=None,
    )  # fmt: skip
    found = {
        i: _moves(model, r.path) for i, r in enumerate(result.properties) if r.path is not None
    }
    deadlocks = [_moves(model, path) for path in result.deadlocks]
    stats = result.statistics
    return JobResult(found, deadlocks, stats.states, stats.transitions, stats.max_depth)


_MODEL: Model[Any, Any] | None = None  # the model a forked worker inherits


def _forked_job(job: Job) -> JobResult:
    assert _MODEL is not None
    return run_job(_MODEL, job)


def _dask_job(make_model: Callable[[], Model[Any, Any]], job: Job) -> JobResult:
    return run_job(make_model(), job)


def swarm(
    model: Model[S, A],
    *,
    workers: int,
    walks: int,
    depth: int,
    seed: int = 0,
    client: Any = None,
    make_model: Callable[[], Model[S, A]] | None = None,
    partial_on_interrupt: bool = False,
) -> CheckResult[S, A]:
    """Run the swarm's jobs on ``workers`` forked processes, or on a Dask ``client``."""
    global _MODEL
    start = time.monotonic()
    todo = jobs(walks, depth, seed)
    done: list[JobResult] = []
    interrupted = False
    try:
        if client is not None:
            if make_model is None:
                raise ValueError("a Dask client needs make_model, a picklable factory")
            futures = client.map(_dask_job, [make_model] * len(todo), todo, pure=False)
            done = client.gather(futures)
        elif workers <= 1:
            done = [run_job(model, job) for job in todo]
        else:
            _MODEL = model
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = pool.map(_forked_job, todo, chunksize=1)
    except KeyboardInterrupt:
        if not partial_on_interrupt:
            raise
        interrupted = True
    finally:
        _MODEL = None
    properties = list(model.properties())
    results = []
    for index, prop in enumerate(properties):
        moves = min(
            (r.found[index] for r in done if index in r.found), key=lambda m: (len(m), m),
            default=None,
        )  # fmt: skip
        path = None if moves is None else replay(model, moves[0], moves[1:])
        verdict = Verdict.decide(prop.expectation, path is not None, False)
        results.append(PropertyResult(prop, verdict, path))
    stuck = sorted({d for r in done for d in r.deadlocks}, key=lambda m: (len(m), m))
    deadlocks = tuple(replay(model, m[0], m[1:]) for m in stuck[:10])
    states = sum(r.states for r in done)  # an upper bound: jobs may visit the same states
    stats = Statistics(
        "swarm", states, sum(r.transitions for r in done),
        max((r.max_depth for r in done), default=0), time.monotonic() - start, 0.0,
    )  # fmt: skip
    return CheckResult(
        tuple(results), deadlocks, len(stuck), stats, False, interrupted=interrupted
    )
