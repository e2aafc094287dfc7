"""Forked workers search the compact form (``split._compact_share``): each numbers the parts
of states its own way, states travel between them as the model's own, and a state's
fingerprint is the hash of its parts' hashes, owned by its world (``compact.PartHashes``).

The evidence: the coordinator's fingerprint of a real state is the shares' fingerprint of its
encoding, on every reachable state; a state goes to the share of its world; and the split
search through the compact form answers as the one-process search and as the split search
of the model's own states, paths included, with and without symmetry and liveness."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import pytest
from wspshare.models.scenario.compact import CompactHandoff
from wspshare.models.scenario.lifting import HandoffLifting
from wspshare.properties.checker import check, reachable_states
from wspshare.properties.checker import split as split_module
from wspshare.properties.checker.split import parallel_check
from wspshare.properties.configs import Switches, model_for

from tests.checker.test_checker_interrupt import default_sigint
from tests.checker.test_checker_split import same


@pytest.mark.parametrize("shares", [2, 3])
def test_the_coordinator_and_the_shares_fingerprint_a_state_alike(shares: int) -> None:
    model = model_for("handoff", Switches(crash=1, reuse_pid=1, lose=1, stranger=True))
    form = CompactHandoff(model)
    of_compact, of_real = form.fork_fingerprints(shares)
    other = CompactHandoff(model)  # another share: parts numbered in another order
    other_compact, _ = other.fork_fingerprints(shares)
    states = list(reachable_states(model))
    for state in reversed(states):
        other.encode(state)
    for state in states:
        key = of_real(state)
        assert of_compact(form.encode(state)) == key
        assert other_compact(other.encode(state)) == key
        assert key % shares == hash(state.world) % shares  # every state of a world, one share


SPLIT = [
    ("handoff", Switches(provider="non-ifs-claim", ack=False), False),  # violated, 11 steps
    ("handoff", Switches(crash=1, lose=1, stranger=True), False),  # liveness, all hold
    ("fanout", Switches(provider="non-ifs-claim", ack=False), True),  # violated, symmetric
    ("fanout", Switches(crash=1), True),  # liveness under symmetry
    ("listener", Switches(), False),
]


@pytest.mark.parametrize(
    ("name", "switches", "symmetry"),
    [pytest.param(*c, id=f"{c[0]} {c[1].describe()}{' sym' if c[2] else ''}") for c in SPLIT],
)
def test_forked_workers_through_the_compact_form_answer_as_one_process(
    name: str, switches: Switches, symmetry: bool
) -> None:
    model = model_for(name, switches)
    lifting = HandoffLifting if symmetry else None
    compact = parallel_check(model, workers=2, symmetry=symmetry, lifting_of=lifting)
    plain = parallel_check(model, workers=2, symmetry=symmetry, lifting_of=lifting, compact=False)
    alone = check(model, symmetry=symmetry, lifting=None if lifting is None else lifting(model))
    same(compact, alone)
    same(plain, alone)


def test_forked_workers_do_search_the_compact_form(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each forked share makes its own compact form (noted in a file, as the shares are other
    processes); with ``compact=False``, a checkpoint or a cluster, none does."""
    made = tmp_path / "made"
    real = split_module._compact_share

    def noting(form: CompactHandoff, *args: Any) -> Any:
        with made.open("a") as out:
            out.write(f"share with {len(form.parts)} parts\n")
        return real(form, *args)

    monkeypatch.setattr(split_module, "_compact_share", noting)
    model = model_for("handoff", Switches(crash=1))
    parallel_check(model, workers=2)
    lines = made.read_text().splitlines()
    assert len(lines) == 2
    # Each share starts with the tables of the coordinator's short search (``_warmed``).
    assert all(int(line.split()[2]) > 50 for line in lines), lines
    made.unlink()
    parallel_check(model, workers=2, compact=False)
    parallel_check(model, workers=2, portable=True)
    assert not made.exists()


def test_a_compact_share_saves_its_frontier_as_the_model_s_states() -> None:
    """A snapshot holds the model's own states, which another share (another numbering of
    parts) takes up as its own: the frontier comes back equal once decoded."""
    model = model_for("handoff", Switches(crash=1, lose=1))
    options: dict[str, Any] = {
        "symmetry": False, "record_edges": True, "max_deadlock_paths": 10, "lifting_of": None,
        "shipping": True,
    }  # fmt: skip
    form = CompactHandoff(model)
    share = split_module._compact_share(form, model, None, options, 0, 1, None)
    share.seed()
    share.receive([], ())
    for _ in range(4):
        share.expand()
        share.receive([], ())
    saved = share.snapshot()
    other_form = CompactHandoff(model)
    for state in reversed(list(reachable_states(model))):  # another numbering of the parts
        other_form.encode(state)
    other = split_module._compact_share(other_form, model, None, options, 0, 1, None)
    other.restore([saved])
    decode_a, decode_b = share.model.decode, other.model.decode  # type: ignore[attr-defined]
    assert [(p, k, decode_a(s)) for p, k, s in share.frontier] == [
        (p, k, decode_b(s)) for p, k, s in other.frontier
    ]
    assert len(other.frontier) > 1


def test_ctrl_c_during_the_warm_up_gives_its_partial_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The coordinator's short search before the shares are forked (``_warmed``) stops at
    Ctrl-C as any search does: its partial result, in the model's states, or the interrupt."""
    real = CompactHandoff.next_state
    calls = [0]

    def interrupted_at_the_fiftieth(self: CompactHandoff, cs: Any, action: Any) -> Any:
        calls[0] += 1
        if calls[0] == 50:
            signal.raise_signal(signal.SIGINT)
        return real(self, cs, action)

    monkeypatch.setattr(CompactHandoff, "next_state", interrupted_at_the_fiftieth)
    model = model_for("handoff", Switches(crash=1, lose=1))
    with default_sigint():
        result = parallel_check(model, workers=2, partial_on_interrupt=True)
    assert result.interrupted and not result.complete
    assert 0 < result.statistics.states <= 50
    assert result.properties[0].prop is model.properties()[0]  # the model's, not the form's
    calls[0] = 0
    with default_sigint(), pytest.raises(KeyboardInterrupt):
        parallel_check(model, workers=2)


def test_a_time_bound_is_shared_by_the_warm_up_and_the_split_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The warm-up may take a quarter of ``max_seconds`` and the split search gets what is
    left, so the bound holds for the whole search."""
    real_warm, real_split = split_module._warmed, split_module.split_check
    given: dict[str, Any] = {}

    def slow_warm(*args: Any) -> Any:
        given["warm"] = args[-2]
        answer = real_warm(*args)
        time.sleep(0.2)  # the warm-up's own time comes off the split search's
        return answer

    def noted_split(*args: Any, **kwargs: Any) -> Any:
        given["split"] = kwargs["max_seconds"]
        return real_split(*args, **kwargs)

    monkeypatch.setattr(split_module, "_warmed", slow_warm)
    monkeypatch.setattr(split_module, "split_check", noted_split)
    model = model_for("fanout", Switches(targets=3, crash=1))
    cut = parallel_check(model, workers=2, symmetry=True, max_seconds=2.0)
    assert not cut.complete
    assert given["warm"] == 0.5
    assert given["split"] <= 2.0 - 0.2
