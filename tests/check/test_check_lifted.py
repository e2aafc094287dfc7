"""Liveness under symmetry on the handoff (``properties.checker.lifted``, ``models.scenario.
lifting``): the renaming of actions commutes with every transition, and ``handoff-succeeds`` gets
the full search's verdict with a counterexample that is a real, fair behaviour of the full model."""

from __future__ import annotations

import itertools

import pytest
from wspshare.models.scenario import HandoffModel
from wspshare.models.scenario.lifting import HandoffLifting
from wspshare.models.variants import variant_named
from wspshare.properties.checker import Verdict, check, reachable_states
from wspshare.properties.configs import Switches, model_for
from wspshare.properties.handoff import checkable

from tests.checker.symmetric_toys import fair_lasso_of
from wspshare.cli import main

LIVE = "handoff-succeeds"


def premature_close(targets: int) -> HandoffModel:
    """The seeded bug ``close-before-claim`` (no acknowledgement, a provider that takes its
    reference at claim): the source may close before a target claims, which never succeeds."""
    variant = variant_named("close-before-claim")
    return checkable(variant.model(variant.witness.with_(targets=targets)))


def group(targets: int, threads: int) -> list[tuple[int, ...]]:
    """Every renaming ``HandoffLifting`` may apply: targets permuted (their helper threads with
    them), then the helper threads of each process permuted (none with fewer than three)."""
    helpers = threads - 1 if threads >= 3 else 0
    out = []
    for order in itertools.permutations(range(targets)):
        per_slot = [list(itertools.permutations(range(1, helpers + 1)))] * (1 + targets)
        for threads_of in itertools.product(*per_slot):
            flat = [*order, *[0] * ((1 + targets) * helpers)]
            for slot, olds in enumerate(threads_of):
                was = slot if slot == 0 else 1 + order[slot - 1]
                for new, old in enumerate(olds, start=1):
                    flat[targets + slot * helpers + new - 1] = targets + was * helpers + old - 1
            out.append(tuple(flat))
    return out


@pytest.mark.parametrize(
    ("switches", "every"),
    [
        (Switches(targets=2, crash=1), 1),
        (Switches(targets=2, threads=3), 100),  # one state in a hundred, 16 renamings each
        pytest.param(
            Switches(targets=2, crash=1, reuse_pid=1, stranger=True), 1, marks=pytest.mark.slow
        ),
        pytest.param(Switches(targets=2, threads=3), 10, marks=pytest.mark.slow),
    ],
    ids=["crash", "helpers-sampled", "crash-reuse-stranger", "helpers-tenth"],
)
def test_renaming_commutes_with_every_transition_and_gives_the_representative(
    switches: Switches, every: int
) -> None:
    # The law the lifting rests on, on reachable states and every renaming: the renamed
    # actions are exactly the renamed state's, and each leads to the renamed successor; and the
    # liveness property is the same in both (the quotient decides it per class).
    model = model_for("fanout", switches)
    lifting = HandoffLifting(model)
    live = next(p for p in model.properties() if p.name == LIVE).holds
    perms = group(model.config.targets, model.config.threads)
    assert len(perms[0]) == len(lifting.identity)
    renamed_some = False
    for state in reachable_states(model)[::every]:
        representative, to_rep = lifting.canonical_with(state)
        assert representative == model.representative(state)
        assert to_rep in perms
        assert lifting.rename_state(state, to_rep) == representative
        actions = model.actions(state)
        for perm in perms:
            image = lifting.rename_state(state, perm)
            assert live(image) == live(state)
            renamed = [lifting.rename_action(a, perm) for a in actions]
            assert sorted(map(str, renamed)) == sorted(map(str, model.actions(image)))
            for action, moved in zip(actions, renamed, strict=True):
                successor = model.next_state(image, moved)
                assert successor == lifting.rename_state(model.next_state(state, action), perm)
                renamed_some |= moved != action
    assert renamed_some


@pytest.mark.parametrize(
    "model",
    [
        model_for("fanout", Switches(targets=2)),
        model_for("fanout", Switches(targets=2, crash=1)),
        premature_close(2),
        pytest.param(model_for("fanout", Switches(targets=2, threads=3)), marks=pytest.mark.slow),
    ],
    ids=["holds", "crash-holds", "premature-close", "helpers"],
)
def test_handoff_succeeds_gets_the_full_verdict_under_symmetry(model: HandoffModel) -> None:
    full = check(model)
    reduced = check(model, symmetry=True, lifting=HandoffLifting(model))
    assert reduced.statistics.states < full.statistics.states
    assert reduced[LIVE].verdict is full[LIVE].verdict is not Verdict.UNKNOWN
    path = reduced[LIVE].path
    if path is not None:  # a real behaviour of the full model, fair, never succeeding
        fair_lasso_of(model, path, LIVE)
        assert full[LIVE].path is not None and len(path) == len(full[LIVE].path)


def test_the_command_checks_liveness_under_symmetry(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "fanout", "--targets", "2"])
    out = capsys.readouterr().out
    assert code == 0 and "symmetry on" in out
    assert [line.split()[3] for line in out.splitlines() if line.startswith(LIVE)] == ["holds"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "model",
    [
        model_for("fanout", Switches(targets=3)),
        model_for("fanout", Switches(targets=3, crash=1)),
        premature_close(3),
    ],
    ids=["holds", "crash-holds", "premature-close"],
)
def test_three_targets_get_the_full_verdict_under_symmetry(model: HandoffModel) -> None:
    test_handoff_succeeds_gets_the_full_verdict_under_symmetry(model)
