"""The split search (``split_check``) answers exactly as the one-process breadth-first search:
the same states, transitions, depth, verdicts, paths and deadlocks, over any number of shares,
in this process or in forked workers; and a search saved between levels resumes to that answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from wspshare.properties.checker import CheckResult, check
from wspshare.properties.checker.checkpoint import Checkpoint, CheckpointMismatch, load
from wspshare.properties.checker.portable import PortableFingerprint
from wspshare.properties.checker.split import parallel_check
from wspshare.properties.configs import Switches, model_for

from tests.checker.checker_toys import CheckThenSet, LostUpdate, OppositeLocks


def same(a: CheckResult[Any, Any], b: CheckResult[Any, Any]) -> None:
    sa, sb = a.statistics, b.statistics
    assert (sa.states, sa.transitions, sa.max_depth) == (sb.states, sb.transitions, sb.max_depth)
    verdicts = [(r.name, r.verdict) for r in b.properties]
    assert [(r.name, r.verdict) for r in a.properties] == verdicts
    assert [r.path for r in a.properties] == [r.path for r in b.properties]
    assert (a.deadlocks, a.deadlock_count) == (b.deadlocks, b.deadlock_count)
    assert a.complete == b.complete


TOYS = [LostUpdate(3), OppositeLocks(), CheckThenSet()]


@pytest.mark.parametrize("model", TOYS, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_a_toy_split_over_shares_is_the_one_process_search(model: Any, workers: int) -> None:
    same(parallel_check(model, workers=workers), check(model))


HANDOFF = [
    ("handoff", Switches(provider="non-ifs-claim", ack=False)),  # violated, 11 steps
    ("handoff", Switches(crash=1, lose=1, stranger=True)),  # liveness checked, all hold
    ("fanout", Switches(provider="non-ifs-claim", ack=False)),
]


@pytest.mark.parametrize(("name", "switches"), HANDOFF, ids=lambda v: str(v))
def test_the_handoff_split_over_forked_workers_is_the_one_process_search(
    name: str, switches: Switches
) -> None:
    model = model_for(name, switches)
    same(parallel_check(model, workers=2), check(model))


def test_the_first_violation_stop_keeps_the_one_process_paths() -> None:
    model = model_for("fanout", Switches(provider="non-ifs-claim", ack=False, crash=1))
    split, alone = parallel_check(model, workers=2, stop_at_first=True), check(model)
    assert split.stopped
    for a, b in zip(split.properties, alone.properties, strict=True):
        assert a.path is None or a.path == b.path


def test_portable_fingerprints_are_the_same_in_another_process() -> None:
    model = model_for("handoff", Switches(crash=1))
    here = PortableFingerprint()(model.init_states()[0])
    code = (
        "from wspshare.properties.checker.portable import PortableFingerprint\n"
        "from wspshare.properties.configs import Switches, model_for\n"
        "print(PortableFingerprint()(model_for('handoff', Switches(crash=1)).init_states()[0]))"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(there.stdout) == here


def test_portable_fingerprints_follow_equality_and_refuse_what_they_cannot_hash() -> None:
    fp = PortableFingerprint()
    assert fp((1, True, None)) == fp((1, 1, None)) and fp((1, 2)) != fp((2, 1))
    with pytest.raises(TypeError, match="float"):
        fp((1.5,))


def test_a_search_saved_at_a_level_resumes_to_the_uninterrupted_answer(tmp_path: Path) -> None:
    model = model_for("handoff", Switches(crash=1, lose=1, stranger=True))
    meta = {"config": "handoff", "what": "test"}
    saver = Checkpoint(tmp_path, 0.0, meta)
    cut = parallel_check(model, workers=2, checkpoint=saver, max_depth=9)
    assert not cut.complete and saver.saves >= 9
    saved = load(tmp_path, meta)
    assert saved.ledger.depth == 9
    resumed = parallel_check(model, workers=1, resume=saved)  # another number of workers
    same(resumed, check(model))


def test_a_checkpoint_of_another_search_is_refused(tmp_path: Path) -> None:
    model = model_for("handoff")
    parallel_check(model, checkpoint=Checkpoint(tmp_path, 60.0, {"config": "handoff"}))
    with pytest.raises(CheckpointMismatch, match="config"):
        load(tmp_path, {"config": "fanout"})


def test_a_deadline_cuts_a_level_short_and_rolls_it_back(tmp_path: Path) -> None:
    model = model_for("fanout", Switches(targets=3))
    meta = {"config": "fanout"}
    saver = Checkpoint(tmp_path, 60, meta)
    cut = parallel_check(model, workers=2, max_seconds=0.5, checkpoint=saver)
    assert not cut.complete and cut.statistics.seconds < 30
    small = model_for("fanout", Switches(targets=3))
    saved = load(tmp_path, meta)
    resumed = parallel_check(small, workers=2, resume=saved, max_depth=saved.ledger.depth + 2)
    straight = parallel_check(small, workers=2, max_depth=saved.ledger.depth + 2)
    same(resumed, straight)


def test_check_takes_workers_as_an_option() -> None:
    model = LostUpdate(3)
    same(check(model, workers=2), check(model))
    with pytest.raises(ValueError, match="max_states"):
        check(model, workers=2, max_states=10)
