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


@pytest.mark.parametrize(
    "switches",
    [
        Switches(targets=2, crash=1),
        pytest.param(
            Switches(targets=2, crash=1, reuse_pid=1, stranger=True), marks=pytest.mark.slow
        ),
    ],
    ids=["crash", "crash-reuse-stranger"],
)
def test_renaming_targets_commutes_with_every_transition_and_gives_the_representative(
    switches: Switches,
) -> None:
    # The law the lifting rests on, on every reachable state and every permutation: the renamed
    # actions are exactly the renamed state's, and each leads to the renamed successor; and the
    # liveness property is the same in both (the quotient decides it per class).
    model = model_for("fanout", switches)
    lifting = HandoffLifting(model)
    live = next(p for p in model.properties() if p.name == LIVE).holds
    perms = list(itertools.permutations(range(2)))
    renamed_some = False
    for state in reachable_states(model):
        representative, to_rep = lifting.canonical_with(state)
        assert representative == model.representative(state)
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
    ],
    ids=["holds", "crash-holds", "premature-close"],
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
