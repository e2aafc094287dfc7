"""``split_check``: breadth-first search with the visited set split by fingerprint over shares
(``partition``), run in this process, in forked workers (``shares``) or on a Dask cluster
(``cluster``), with checkpoints between levels (``checkpoint``).

The result is the one ``check(model, strategy="bfs")`` gives: the same states, transitions and
depth, the same verdicts, and the same paths (the shares keep the parent a sequential search
keeps, see ``partition``); only the times differ.  The search stops at the end of a level, so a
bound (``max_depth``, ``max_seconds``) or ``stop_at_first`` acts on whole levels.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from wspshare.models.protocol import Expectation, Model

from .checkpoint import Checkpoint, Saved
from .compacting import CompactForm, compact_form_of, decoded
from .fingerprint import Fingerprint, fast_fingerprint
from .lifted import LiftedLivenessGraph, Lifting
from .liveness import Lasso, LivenessGraph
from .partition import CanonicalPath, Discovery, LevelReport, Partition
from .path import Path, replay
from .portable import PortableFingerprint
from .result import CheckResult, Progress, PropertyResult, Statistics, Verdict
from .search import STOPPED
from .shares import ForkedShares, InProcessShares, Shares

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)

_NO_LIVENESS_UNDER_SYMMETRY = (
    "not checked: liveness under symmetry reduction needs the model's symmetry as permutations "
    "of states and actions (lifting_of=); run again with symmetry=False"
)


@dataclass
class Ledger:
    """What the coordinator knows between levels (saved in a checkpoint with the shares)."""

    depth: int = 0  # of the frontier
    found: dict[int, Discovery] = field(default_factory=dict)
    deadlocks: list[Discovery] = field(default_factory=list)
    deadlock_count: int = 0
    max_depth: int = 0
    states: int = 0
    seconds: float = 0.0  # spent by earlier runs of a resumed search

    def merge_found(self, reports: list[LevelReport]) -> bool:
        """Keep each property's least discovery; True when an ALWAYS failed (or a deadlock)."""
        for report in reports:
            for index, discovery in report.found.items():
                held = self.found.get(index)
                if held is None or (len(discovery[0]), discovery[0]) < (len(held[0]), held[0]):
                    self.found[index] = discovery
        return any(report.found for report in reports)

    def merge_deadlocks(self, reports: list[LevelReport], limit: int) -> bool:
        level = sorted(d for report in reports for d in report.deadlocks)
        self.deadlocks.extend(level[: max(0, limit - len(self.deadlocks))])
        self.deadlock_count += sum(report.deadlock_count for report in reports)
        return bool(level)


def split_check(
    model: Model[S, A],
    shares: Shares,
    *,
    key_of: Callable[[S], int],
    symmetry: bool,
    stop_at_first: bool = False,
    max_depth: int | None = None,
    max_seconds: float | None = None,
    max_deadlock_paths: int = 10,
    checkpoint: Checkpoint | None = None,
    resume: Saved | None = None,
    progress: Callable[[Progress], None] | None = None,
    partial_on_interrupt: bool = False,
    lifting: Lifting[S, A] | None = None,
) -> CheckResult[S, A]:
    """Check ``model`` over ``shares`` (made by the caller with the same model, fingerprint and
    symmetry); ``key_of`` is the fingerprint of a state as the shares compute it.  ``lifting``:
    the shares record the permutations of liveness under symmetry (``lifted``)."""
    start = time.monotonic()
    properties = list(model.properties())
    always = {i for i, p in enumerate(properties) if p.expectation is Expectation.ALWAYS}
    eventually = [p for p in properties if p.expectation is Expectation.EVENTUALLY]
    liveness = bool(eventually) and (not symmetry or lifting is not None)
    ledger = Ledger()
    if resume is not None:
        ledger = resume.ledger
        n = shares.count
        shares.call("restore", [(resume.snapshots,)] * n)
    else:
        shares.call("seed", [()] * shares.count)
        reports = shares.call("receive", [((), ())] * shares.count)
        ledger.states = sum(r.new_states for r in reports)
        ledger.merge_found(reports)
    complete, interrupted, stopped = True, False, False
    # The first save comes before the first level, so that a search killed at any moment after
    # it started can be resumed.
    last_save = float("-inf")
    # A level can take long: at the deadline the shares are told to cut it short.
    timer = None if max_seconds is None else threading.Timer(max_seconds, shares.abort)
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        while True:
            if stop_at_first and (always & set(ledger.found) or ledger.deadlocks):
                stopped, complete = True, False
                break
            if max_depth is not None and ledger.depth >= max_depth:
                complete = False
                break
            if max_seconds is not None and time.monotonic() - start > max_seconds:
                complete = False
                break
            if checkpoint is not None and checkpoint.due(last_save):
                checkpoint.save(ledger, shares.call("snapshot", [()] * shares.count), start)
                last_save = time.monotonic()
            out = shares.call("expand", [()] * shares.count)
            if any(sent[1].aborted for sent in out):
                if timer is None or timer.is_alive():
                    raise KeyboardInterrupt  # no deadline passed: it was Ctrl-C
                shares.call("rollback", [(ledger.depth,)] * shares.count)
                complete = False
                break
            batches = [[sent[0][j] for sent in out] for j in range(shares.count)]
            decided = tuple(ledger.found)
            reports = shares.call("receive", [(batches[j], decided) for j in range(shares.count)])
            # One assignment, so Ctrl-C finds the ledger either before the level or after it.
            ledger = _merged(ledger, out, reports, max_deadlock_paths)
            if not any(r.new_states for r in reports):  # every successor was seen before
                break
            if progress is not None:
                frontier = sum(r.new_states for r in reports)
                seconds = time.monotonic() - start
                progress(Progress(ledger.states, 0, frontier, ledger.depth, seconds, None))
    except KeyboardInterrupt:
        if not partial_on_interrupt and checkpoint is None:
            raise
        shares.call("rollback", [(ledger.depth,)] * shares.count)
        interrupted, complete = True, False
        if checkpoint is not None:
            checkpoint.save(ledger, shares.call("snapshot", [()] * shares.count), start)
        if not partial_on_interrupt:
            raise
    finally:
        if timer is not None:
            timer.cancel()
    if checkpoint is not None and not interrupted:
        checkpoint.save(ledger, shares.call("snapshot", [()] * shares.count), start)
    totals = shares.call("totals", [()] * shares.count)
    states = sum(t[0] for t in totals)
    transitions = sum(t[1] for t in totals)
    per_state = sum(t[2] * t[0] for t in totals) / states if states else 0.0
    graph: LivenessGraph[S, A] | None = None
    if liveness and complete:
        # Across processes, each edge's action comes as a number (``Partition.graph``).
        numbered = not isinstance(shares, InProcessShares)
        parts = shares.call("graph", [(numbered,)] * shares.count)
        if lifting is not None and symmetry:
            lifted = LiftedLivenessGraph(model, eventually, lifting)
            lifted.absorb([_with_actions(part) for part in parts])
            graph = lifted
        else:
            graph = LivenessGraph(model, eventually)
            for data in parts:
                _merge_graph(graph, data)
    results: list[PropertyResult[S, A]] = []
    for index, prop in enumerate(properties):
        if prop.expectation is not Expectation.EVENTUALLY:
            discovery = ledger.found.get(index)
            path = None if discovery is None else _path(model, key_of, discovery)
            verdict = Verdict.decide(prop.expectation, path is not None, complete)
            results.append(PropertyResult(prop, verdict, path))
        elif not liveness:
            results.append(PropertyResult(prop, Verdict.UNKNOWN, None, _NO_LIVENESS_UNDER_SYMMETRY))
        elif interrupted:
            results.append(PropertyResult(prop, Verdict.UNKNOWN, None, "interrupted"))
        elif stopped or graph is None:
            results.append(PropertyResult(prop, Verdict.UNKNOWN, None, STOPPED))
        else:
            lasso = graph.find_lasso(eventually.index(prop))
            path = None if lasso is None else _lasso(model, key_of, lasso)
            verdict = Verdict.decide(prop.expectation, path is not None, complete)
            results.append(PropertyResult(prop, verdict, path))
    deadlocks = tuple(_path(model, key_of, d) for d in ledger.deadlocks)
    seconds = ledger.seconds + time.monotonic() - start
    stats = Statistics("bfs", states, transitions, ledger.max_depth, seconds, per_state)
    return CheckResult(
        tuple(results), deadlocks, ledger.deadlock_count, stats, complete,
        interrupted=interrupted, stopped=stopped,
    )  # fmt: skip


def _merged(ledger: Ledger, out: list[Any], reports: list[LevelReport], limit: int) -> Ledger:
    """The ledger after a level: the deadlocks found expanding it, the discoveries among the
    states it added, and one level more (the deepest with states only if it added some)."""
    new = copy.deepcopy(ledger)
    new.merge_deadlocks([sent[1] for sent in out], limit)
    new.merge_found(reports)
    new.depth += 1
    added = sum(r.new_states for r in reports)
    if added:
        new.max_depth = new.depth
    new.states += added
    return new


def _lasso(model: Model[S, A], key_of: Callable[[S], int], lasso: Lasso) -> Path[S, A]:
    path: Path[S, A] = replay(model, lasso.init_position, lasso.moves, lasso.loop_index)
    loop = lasso.loop_index
    if loop is not None and key_of(path.last) != key_of(path.steps[loop].state):
        raise RuntimeError("replaying a lasso did not close its loop: nondeterministic model")
    return path


def _merge_graph(graph: LivenessGraph[Any, Any], data: Any) -> None:
    holds, edges, initial, *rest = data
    graph.holds.update(holds)
    graph.initial.update(initial)
    if len(rest) < 3:  # the actions as they are
        for key, recorded in edges.items():
            graph.expanded(key, list(recorded))
        return
    ids = [graph.action_id(action) for action in rest[2]]
    for key, recorded in edges.items():
        graph.edges[key] = tuple([(position, ids[aid], succ) for position, aid, succ in recorded])


def _with_actions(data: Any) -> Any:
    """A share's graph with each edge's action, not its number (``Partition.graph``)."""
    if len(data) < 6:
        return data
    holds, edges, initial, edge_perms, to_rep, actions = data
    edges = {
        key: tuple([(position, actions[aid], succ) for position, aid, succ in recorded])
        for key, recorded in edges.items()
    }
    return holds, edges, initial, edge_perms, to_rep


def _path(model: Model[S, A], key_of: Callable[[S], int], found: Discovery) -> Path[S, A]:
    moves: CanonicalPath = found[0]
    path: Path[S, A] = replay(model, moves[0], moves[1:])
    if key_of(path.last) != found[1]:
        raise RuntimeError(
            "replaying a share's path did not reach its state: the model must be deterministic"
        )
    return path


WARM_STATES = 5_000  # states the coordinator searches alone before it forks compact shares


def _warmed(
    form: CompactForm,
    model: Model[S, A],
    symmetry: bool,
    lifting_of: Callable[[Model[S, A]], Lifting[S, A]] | None,
    max_seconds: float | None,
    partial_on_interrupt: bool,
) -> CheckResult[S, A] | None:
    """Fill ``form``'s tables with a short one-process search (``WARM_STATES``) before the
    shares are forked, so that each starts with what it would otherwise learn again: half of
    a cold search's misses come in its first tenth of states (measured on the fan-out of three
    and of four targets).  The tables change no answer, only how soon it comes.  Ctrl-C during
    it gives its partial result, in the model's states (or, without ``partial_on_interrupt``,
    the interrupt); otherwise ``None``."""
    from .search import check  # which imports this module

    lifting = None if lifting_of is None else form.compact_lifting(lifting_of(model))
    warm = check(
        form,  # type: ignore[arg-type]  # a compact form is a model of its own states
        symmetry=symmetry, max_states=WARM_STATES, max_seconds=max_seconds, compact=False,
        por=False, lifting=lifting, partial_on_interrupt=partial_on_interrupt,
    )  # fmt: skip
    return decoded(form, model, warm) if warm.interrupted else None


def _compact_share(
    form: CompactForm,
    model: Model[S, A],
    lifting_of: Callable[[Model[S, A]], Lifting[S, A]] | None,
    options: dict[str, Any],
    index: int,
    count: int,
    abort: Callable[[], bool] | None,
) -> Partition[Any, A]:
    """A share that searches ``form``, ``model``'s compact form, in the worker's own process:
    it starts with the tables the coordinator filled before forking (``_warmed``), and from
    then on numbers parts and remembers answers on its own."""
    lifted = None
    if lifting_of is not None:
        lifting = form.compact_lifting(lifting_of(model))
        lifted = lambda _form: lifting  # noqa: E731  (the share asks with the model it has)
    return Partition(
        form, index, count,  # type: ignore[arg-type]
        fingerprint=form.fork_fingerprints(count)[0], abort=abort,
        translate=(form.decode, form.encode), **{**options, "lifting_of": lifted},
    )  # fmt: skip


def parallel_check(
    model: Model[S, A],
    *,
    workers: int = 1,
    client: Any = None,
    make_model: Callable[[], Model[S, A]] | None = None,
    symmetry: bool = False,
    portable: bool = False,
    max_deadlock_paths: int = 10,
    lifting_of: Callable[[Model[S, A]], Lifting[S, A]] | None = None,
    shipping: bool = True,
    compact: bool = True,
    **search: Any,
) -> CheckResult[S, A]:
    """``split_check`` over ``workers`` forked processes (one: this process), or over a Dask
    ``client``'s workers (then ``make_model`` builds the model on each).  ``portable`` (implied
    by a client, a checkpoint or a resume) fingerprints with ``PortableFingerprint``, which
    every process computes alike; otherwise forked workers share this process's ``hash``.
    ``lifting_of`` (a picklable factory, e.g. a class) gives the model's symmetry as
    permutations, so liveness is checked under symmetry too (``lifted``).  ``shipping``: states
    go between shares as the numbers of their parts (``shipping``), not pickled whole.
    ``compact``: forked workers search the model's compact form where it offers one
    (``compacting``), each with its own numbering of parts, so states travel between them as the
    model's own and are fingerprinted by ``fork_fingerprints``; a cluster, a checkpoint or a
    resume search the model's states (their states must mean the same in every process)."""
    saving = search.get("checkpoint") is not None or search.get("resume") is not None
    portable = portable or client is not None or saving
    fingerprint: Fingerprint = PortableFingerprint() if portable else fast_fingerprint
    eventually = any(p.expectation is Expectation.EVENTUALLY for p in model.properties())
    lifted = symmetry and eventually and lifting_of is not None
    lifting = lifting_of(model) if lifted and lifting_of is not None else None
    record_edges = eventually and (not symmetry or lifted)
    options: dict[str, Any] = {
        "symmetry": symmetry, "record_edges": record_edges,
        "max_deadlock_paths": max_deadlock_paths, "lifting_of": lifting_of if lifted else None,
        "shipping": shipping,
    }  # fmt: skip
    shares: Shares
    if client is not None:
        from .cluster import DaskShares

        if make_model is None:
            raise ValueError("a Dask client needs make_model, a picklable factory of the model")
        shares = DaskShares(client, make_model, None if workers <= 1 else workers, **options)
    else:

        def make(index: int, count: int, abort: Callable[[], bool] | None) -> Partition[S, A]:
            own: Fingerprint = PortableFingerprint() if portable else fast_fingerprint
            return Partition(model, index, count, fingerprint=own, abort=abort, **options)

        forked = compact and workers > 1 and not portable
        probe = compact_form_of(model, symmetry) if forked else None
        if probe is not None:
            fingerprint = probe.fork_fingerprints(workers)[1]
            share_lifting = lifting_of if lifted else None
            # A time bound holds for the whole: a quarter of it at most for the warm-up.
            deadline, started = search.get("max_seconds"), time.monotonic()
            warm_for = None if deadline is None else deadline / 4
            interrupted = _warmed(
                probe, model, symmetry, share_lifting, warm_for,
                bool(search.get("partial_on_interrupt")),
            )  # fmt: skip
            if interrupted is not None:
                return interrupted
            if deadline is not None:
                search["max_seconds"] = max(0.0, deadline - (time.monotonic() - started))
            make = partial(_compact_share, probe, model, share_lifting, options)

        shares = InProcessShares(make) if workers <= 1 else ForkedShares(make, workers)
    representative = model.representative

    def key_of(state: S) -> int:
        if lifting is not None:
            return fingerprint(lifting.canonical_with(state)[0])
        return fingerprint(representative(state) if symmetry else state)

    try:
        return split_check(
            model, shares, key_of=key_of, symmetry=symmetry,
            max_deadlock_paths=max_deadlock_paths, lifting=lifting, **search,
        )  # fmt: skip
    finally:
        shares.close()
