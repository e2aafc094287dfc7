"""``check``: the one entry point that runs a strategy over a model and returns a ``CheckResult``.

Breadth-first and depth-first search go through ``explore`` with a recorder that evaluates the
properties on every new state and notes deadlocks; random walks live in ``random_walk``.  Paths are
rebuilt at the end by replay, so only fingerprints are stored during the search.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, Literal, TypeVar

from wspshare.models.protocol import Expectation, Model, Property

from .compacting import compact_form_of, decoded
from .explore import Edge, Exploration, explore
from .fingerprint import Fingerprint, fast_fingerprint
from .lifted import LiftedLivenessGraph, Lifting, PermutationKeys
from .liveness import Lasso, LivenessGraph
from .path import Path, replay
from .por import Persistent, reducer
from .random_walk import random_walks
from .result import CheckResult, Progress, PropertyResult, Statistics, Verdict

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)

Strategy = Literal["bfs", "dfs", "random"]

STOPPED = "stopped at the first violation"

_NO_LIVENESS_UNDER_SYMMETRY = (
    "not checked: liveness under symmetry reduction needs the model's symmetry as permutations "
    "of states and actions (lifting=); run again with symmetry=False"
)


class _Recorder(Generic[S, A]):
    """Evaluates properties on each new state and notes deadlocks (a ``Visitor``)."""

    def __init__(
        self,
        model: Model[S, A],
        properties: Sequence[Property[S]],
        liveness: LivenessGraph[S, A] | None,
        stop_early: bool,
        max_deadlock_paths: int,
        stop_at_first: bool = False,
        breadth_first: bool = True,
    ) -> None:
        self._model = model
        self._pending = [
            (i, p.holds, p.expectation is Expectation.ALWAYS)
            for i, p in enumerate(properties)
            if p.expectation is not Expectation.EVENTUALLY
        ]
        self._liveness = liveness
        self._stop_early = stop_early and liveness is None
        self._max_deadlock_paths = max_deadlock_paths
        self.found: dict[int, int] = {}  # property index -> fingerprint of its discovery
        self.deadlocks: list[int] = []
        self.deadlock_count = 0
        # Stopping at the first failure (a violated ALWAYS or a deadlock).  Breadth-first, the
        # search first finishes the depth of that failure, so every property that fails at that
        # depth is found in the same state as an exhaustive search finds it, and the path shown
        # is the one ``--all`` would show; depth-first, it stops at once.
        self._stop_at_first = stop_at_first
        self._breadth_first = breadth_first
        self._failure_depth: int | None = None
        self.stopped = False  # the search ended at a failure, not for lack of states

    def _failed(self, depth: int) -> None:
        if not self._stop_at_first:
            return
        if not self._breadth_first:
            depth = -1  # depth-first order says nothing about what is shallower: stop now
        if self._failure_depth is None or self._failure_depth > depth:
            self._failure_depth = depth

    def _past_failure(self, depth: int) -> bool:
        if self._failure_depth is not None and depth > self._failure_depth:
            self.stopped = True
        return self.stopped

    def visit(self, key: int, state: S, depth: int) -> bool:
        if self._past_failure(depth):
            return True
        hit = False
        for index, holds, always in self._pending:
            if holds(state) != always:  # an ALWAYS that fails, or a SOMETIMES that holds
                self.found[index] = key
                hit = True
                if always:
                    self._failed(depth)
        if hit:
            self._pending = [p for p in self._pending if p[0] not in self.found]
        if self._liveness is not None:
            self._liveness.visit(key, state)
        return (self._stop_early and not self._pending) or self._past_failure(depth)

    def expanded(
        self, key: int, state: S, enabled: int, edges: list[Edge[A]], depth: int = 0
    ) -> bool:
        if enabled == 0 and not self._model.is_final(state):
            self.deadlock_count += 1
            if len(self.deadlocks) < self._max_deadlock_paths:
                self.deadlocks.append(key)
            self._failed(depth)
        if self._liveness is not None:
            self._liveness.expanded(key, edges)
        return self._past_failure(depth)


def check(
    model: Model[S, A],
    *,
    strategy: Strategy = "bfs",
    symmetry: bool = False,
    max_states: int | None = None,
    max_depth: int | None = None,
    max_seconds: float | None = None,
    walks: int = 100,
    seed: int = 0,
    fingerprint: Fingerprint = fast_fingerprint,
    stop_early: bool = False,
    stop_at_first: bool = False,
    max_deadlock_paths: int = 10,
    progress: Callable[[Progress], None] | None = None,
    partial_on_interrupt: bool = False,
    workers: int = 1,
    por: bool = True,
    lifting: Lifting[S, A] | None = None,
    compact: bool = True,
) -> CheckResult[S, A]:
    """Check every property of ``model`` and look for deadlocks.

    ``strategy``: ``"bfs"`` (shortest counterexamples), ``"dfs"``, or ``"random"`` (``walks``
    seeded random walks of at most ``max_depth`` steps, 100 by default; it can find bugs but never
    prove a property).  ``symmetry`` deduplicates states by ``model.representative``.  Any bound
    (``max_states``, ``max_depth``, ``max_seconds``) that cuts the search makes undecided verdicts
    ``UNKNOWN`` and ``complete`` false.  ``stop_early`` ends the search once every ALWAYS and
    SOMETIMES property has its discovery (ignored when there are EVENTUALLY properties).
    ``stop_at_first`` ends the search at the first failure, a violated ALWAYS property or a
    deadlock (SPIN's default): breadth-first, once every state as deep as that failure is
    checked, so the counterexamples found are the ones the full search finds; the properties
    still undecided then are ``UNKNOWN`` and ``CheckResult.stopped`` is true.
    ``partial_on_interrupt``: Ctrl-C returns the result so far, marked ``interrupted``.
    ``workers`` above one splits a breadth-first search over that many forked processes
    (``split.parallel_check``): the same result, sooner on a big state space; the bounds then act
    on whole levels, and ``max_states`` and ``stop_early`` are not offered.
    ``por``: partial-order reduction (``por``) where the model offers persistent sets, in a
    one-process breadth- or depth-first search that checks no EVENTUALLY property (the
    reduction keeps safety verdicts and deadlocks, not liveness under fairness); its paths may
    be longer than the shortest ones, which ``por=False`` gives.
    ``lifting``: the model's symmetry as permutations of states and actions (``lifted``); with
    ``symmetry`` it lets EVENTUALLY properties be checked on the reduced state space (without
    it they are reported not checked), the states then being deduplicated by
    ``lifting.canonical_with`` instead of ``model.representative``.
    ``compact``: search the model's compact form where it offers one (``compacting``), in one
    process; the result is the same, in the model's own states, and ``compact=False`` searches
    the model's states themselves.
    """
    if strategy == "random":
        return random_walks(
            model, walks=walks, depth=100 if max_depth is None else max_depth, seed=seed,
            fingerprint=fingerprint, max_seconds=max_seconds,
            max_deadlock_paths=max_deadlock_paths, progress=progress,
            partial_on_interrupt=partial_on_interrupt,
        )  # fmt: skip
    if strategy not in ("bfs", "dfs"):
        raise ValueError(f"unknown strategy {strategy!r}: use 'bfs', 'dfs' or 'random'")
    if workers > 1 and strategy == "bfs":
        if max_states is not None or stop_early:
            raise ValueError("max_states and stop_early need workers=1")
        from .split import parallel_check  # which imports this module

        return parallel_check(
            model, workers=workers, symmetry=symmetry, stop_at_first=stop_at_first,
            max_depth=max_depth, max_seconds=max_seconds, max_deadlock_paths=max_deadlock_paths,
            progress=progress, partial_on_interrupt=partial_on_interrupt,
        )  # fmt: skip
    form = compact_form_of(model, symmetry) if compact else None
    if form is not None:
        compact_result = check(
            form,  # type: ignore[arg-type]
            strategy=strategy, symmetry=symmetry, max_states=max_states, max_depth=max_depth,
            max_seconds=max_seconds, walks=walks, seed=seed, fingerprint=fingerprint,
            stop_early=stop_early, stop_at_first=stop_at_first,
            max_deadlock_paths=max_deadlock_paths, progress=progress,
            partial_on_interrupt=partial_on_interrupt, por=por,
            lifting=None if lifting is None else form.compact_lifting(lifting), compact=False,
        )  # fmt: skip
        return decoded(form, model, compact_result)
    start = time.monotonic()
    properties = list(model.properties())
    eventually = [p for p in properties if p.expectation is Expectation.EVENTUALLY]
    liveness: LivenessGraph[S, A] | None = None
    keys = fingerprint
    if eventually and not symmetry:
        liveness = LivenessGraph(model, eventually)
    elif eventually and lifting is not None:  # the annotated quotient (``lifted``)
        permuting = PermutationKeys(lifting, fingerprint)
        liveness = LiftedLivenessGraph(model, eventually, lifting, permuting)
        keys, symmetry = permuting, False  # the keys are the representatives' already
    recorder = _Recorder(
        model, properties, liveness, stop_early, max_deadlock_paths, stop_at_first,
        strategy == "bfs",
    )  # fmt: skip
    persistent: Persistent[S, A] | None = reducer(model) if por and liveness is None else None
    run = explore(
        model, recorder, depth_first=strategy == "dfs", symmetry=symmetry, fingerprint=keys,
        max_states=max_states, max_depth=max_depth, max_seconds=max_seconds,
        record_edges=liveness is not None, progress=progress,
        partial_on_interrupt=partial_on_interrupt, persistent=persistent,
    )  # fmt: skip
    if liveness is not None:
        liveness.initial = run.parents.initial()
    results = []
    for index, prop in enumerate(properties):
        if prop.expectation is not Expectation.EVENTUALLY:
            key = recorder.found.get(index)
            path = None if key is None else _path_to(model, run, key)
            verdict = Verdict.decide(prop.expectation, path is not None, run.complete)
            results.append(PropertyResult(prop, verdict, path))
        elif liveness is None:
            results.append(PropertyResult(prop, Verdict.UNKNOWN, None, _NO_LIVENESS_UNDER_SYMMETRY))
        elif run.interrupted:  # Ctrl-C asks for an answer now, not a lasso search
            results.append(PropertyResult(prop, Verdict.UNKNOWN, None, "interrupted"))
        elif recorder.stopped:  # a partial graph can show no lasso that the full one lacks
            results.append(PropertyResult(prop, Verdict.UNKNOWN, None, STOPPED))
        else:
            lasso = liveness.find_lasso(eventually.index(prop))
            path = None if lasso is None else _lasso_path(model, run, lasso)
            verdict = Verdict.decide(prop.expectation, path is not None, run.complete)
            results.append(PropertyResult(prop, verdict, path))
    deadlocks = tuple(_path_to(model, run, key) for key in recorder.deadlocks)
    stats = Statistics(
        strategy, len(run.parents), run.transitions, run.max_depth, time.monotonic() - start,
        run.bytes_per_state(), persistent is not None, run.reduced,
    )  # fmt: skip
    return CheckResult(
        tuple(results), deadlocks, recorder.deadlock_count, stats, run.complete,
        interrupted=run.interrupted, stopped=recorder.stopped,
    )  # fmt: skip


def _path_to(model: Model[S, A], run: Exploration[S, A], key: int) -> Path[S, A]:
    path: Path[S, A] = replay(model, *run.chain(key))
    if run.key_of(path.last) != key:
        raise RuntimeError(
            "replaying the recorded actions did not reach the recorded state: the model must be "
            "deterministic (init_states, actions and next_state give the same results every call)"
        )
    return path


def _lasso_path(model: Model[S, A], run: Exploration[S, A], lasso: Lasso) -> Path[S, A]:
    path: Path[S, A] = replay(model, lasso.init_position, lasso.moves, lasso.loop_index)
    if lasso.loop_index is not None and run.key_of(path.last) != run.key_of(
        path.steps[lasso.loop_index].state
    ):
        raise RuntimeError(
            "replaying a lasso did not close its loop: the model is not deterministic"
        )
    return path
