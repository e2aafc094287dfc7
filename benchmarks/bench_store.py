"""The visited-state store alone: the dict the search used to keep against ``StateStore``.

    .venv/bin/python benchmarks/bench_store.py            # handoff +faults, fanout K=3 crash
    .venv/bin/python benchmarks/bench_store.py --repeat 9

One breadth-first search per configuration records what its store was asked (every initial
state, then for each expanded state its successors' fingerprints in order); the benchmark
replays that sequence into each store as the search does (look the successor up, store it with
its parent if new), so both stores see the same keys without the model's work around them.
Per configuration: CPU microseconds per stored state (best of ``--repeat``, the whole replay
over the states), and bytes per stored state two ways: as ``sys.getsizeof`` counts it (what
``Exploration.bytes_per_state`` and so ``wspshare check`` report; for the dict, the table plus
each key's int and each value's tuple) and as ``tracemalloc`` sees the allocator hold it while
the store is built afresh.  "faults" is every kind at budget 1 plus a stranger, as in
``bench_check.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Hashable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wspshare.models.scenario.lifting import HandoffLifting
from wspshare.properties.checker import explore, fast_fingerprint
from wspshare.properties.checker.explore import Edge
from wspshare.properties.checker.store import StateStore
from wspshare.properties.configs import Switches, model_for

from wspshare.render import text_table

ALL_FAULTS = {
    "crash": 1, "lose": 1, "duplicate": 1, "reorder": 1, "reuse_pid": 1, "exhaust": 1,
    "stranger": True,
}  # fmt: skip
ROWS: list[tuple[str, str, dict[str, Any], bool]] = [
    ("handoff +faults", "handoff", ALL_FAULTS, False),
    ("fanout targets=3 crash, symmetry", "fanout", {"targets": 3, "crash": 1}, True),
]

Trace = tuple[list[tuple[int, int]], list[tuple[int, list[tuple[int, int]]]]]
# (initial (key, position)s, then per expansion: (its key, its successors' (position, key)s))


class _Recorder:
    """A visitor that records each expansion's successor keys."""

    def __init__(self) -> None:
        self.expansions: list[tuple[int, list[tuple[int, int]]]] = []

    def visit(self, key: int, state: Hashable, depth: int) -> bool:
        return False

    def expanded(
        self, key: int, state: Hashable, enabled: int, edges: list[Edge[Any]], depth: int
    ) -> bool:
        self.expansions.append((key, [(position, succ) for position, _, succ in edges]))
        return False


def trace(name: str, extra: dict[str, Any], symmetry: bool) -> tuple[Trace, int]:
    """The store's work in a breadth-first search of the configuration; under symmetry the
    keys are those ``wspshare check`` stores (the fingerprints of ``HandoffLifting``'s
    representatives, as ``lifted.PermutationKeys`` gives them)."""
    model = model_for(name, Switches(**extra))
    key_of = fast_fingerprint
    if symmetry:
        canonical = HandoffLifting(model).canonical_with

        def key_of(state: object) -> int:
            return fast_fingerprint(canonical(state)[0])  # type: ignore[arg-type]

    recorder = _Recorder()
    run = explore(model, recorder, fingerprint=key_of, record_edges=True)
    return (list(run.parents.initial().items()), recorder.expansions), len(run.parents)


def replay_dict(t: Trace) -> dict[int, tuple[int | None, int]]:
    """The search's loop as it was over ``dict[int, tuple[int | None, int]]``."""
    initial, expansions = t
    parents: dict[int, tuple[int | None, int]] = {}
    for key, position in initial:
        if key not in parents:
            parents[key] = (None, position)
    for key, edges in expansions:
        for position, succ in edges:
            if succ in parents:
                continue
            parents[succ] = (key, position)
    return parents


def replay_store(t: Trace) -> StateStore:
    """The search's loop over ``StateStore``: the parent's index travels with it."""
    initial, expansions = t
    store = StateStore()
    add, index = store.add, store.index
    for key, position in initial:
        add(key, -1, position)
    for key, edges in expansions:
        parent = index(key)  # the search carries it in the frontier entry instead
        for position, succ in edges:
            add(succ, parent, position)
    return store


def dict_getsizeof(parents: dict[int, tuple[int | None, int]]) -> float:
    """The dict's table, and every key's int and value's tuple (a parent's int is its key's)."""
    per_item = sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in parents.items())
    return (sys.getsizeof(parents) + per_item) / len(parents)


def fresh(key: int) -> int:
    return int.from_bytes(key.to_bytes(8, "little", signed=True), "little", signed=True)


def dict_traced(t: Trace) -> float:
    """Bytes per state the allocator holds for the dict built afresh (new int objects, each
    parent the same object as its key, as in the search), less the scaffolding that maps the
    trace's ints to the new ones."""
    initial, expansions = t
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        parents: dict[int, tuple[int | None, int]] = {}
        made: dict[int, int] = {}
        for key, position in initial:
            if key not in made:
                made[key] = k = fresh(key)
                parents[k] = (None, position)
        for key, edges in expansions:
            parent = made[key]
            for position, succ in edges:
                if succ not in made:
                    made[succ] = k = fresh(succ)
                    parents[k] = (parent, position)
        held = tracemalloc.get_traced_memory()[0] - base - sys.getsizeof(made)
    finally:
        tracemalloc.stop()
    return held / len(parents)


def store_traced(t: Trace) -> float:
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        store = replay_store(t)
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    return held / len(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="replays per store (the best)")
    args = parser.parse_args()
    out = []
    for label, name, extra, symmetry in ROWS:
        t, states = trace(name, extra, symmetry)
        lookups = sum(len(edges) for _, edges in t[1])
        best = {"dict": float("inf"), "store": float("inf")}
        for _ in range(args.repeat):
            for kind, replay in (("dict", replay_dict), ("store", replay_store)):
                start = time.process_time()
                result: Any = replay(t)
                best[kind] = min(best[kind], time.process_time() - start)
                if len(result) != states:
                    raise SystemExit(f"{label}: {kind} stored {len(result)} of {states} states")
        if list(replay_store(t).items()) != list(replay_dict(t).items()):
            raise SystemExit(f"{label}: the stores differ")
        parents, store = replay_dict(t), replay_store(t)
        out.append((
            label, f"{states:,}", f"{lookups:,}",
            f"{dict_getsizeof(parents):.1f}", f"{dict_traced(t):.1f}",
            f"{sys.getsizeof(store) / len(store):.1f}", f"{store_traced(t):.1f}",
            f"{1e6 * best['dict'] / states:.2f}", f"{1e6 * best['store'] / states:.2f}",
        ))  # fmt: skip
        print(out[-1], file=sys.stderr, flush=True)
    headers = ("CONFIGURATION", "STATES", "LOOKUPS", "DICT B/STATE", "DICT TRACED",
               "STORE B/STATE", "STORE TRACED", "DICT US/STATE", "STORE US/STATE")  # fmt: skip
    print(text_table(headers, out))


if __name__ == "__main__":
    main()
