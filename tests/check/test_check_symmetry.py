"""Symmetry over interchangeable targets (M7): the same verdicts as the full search, close to
k! times fewer states, and a canonical form that is a real, reachable member of each class."""

from __future__ import annotations

import itertools
import math

import pytest
from wspshare.models.protocol import Expectation
from wspshare.models.scenario import HandoffModel, Programs
from wspshare.models.scenario.symmetry import _permute, canonical, reduces, symmetry_sound
from wspshare.models.variants import variant_named
from wspshare.properties.checker import CheckResult, check, reachable_states
from wspshare.properties.configs import Switches, model_for

# Measured once and reasoned about: an orbit has at most k! members, so the reduced count can
# never be below full / k!; symmetric states (two targets in the same condition) have smaller
# orbits, so it is a little above.  Fan-out, ifs, no faults:
#   k=2: 659 states -> 334 (659/2 = 329.5, ratio 1.97)
#   k=3: 28242 states -> 4759 (28242/6 = 4707, ratio 5.93)
MEASURED = {2: (659, 334), 3: (28242, 4759)}


def safety_only(model: HandoffModel) -> HandoffModel:
    """Liveness is not checked under symmetry; leaving it out halves the full search's cost."""
    return model.with_properties(
        [p for p in model.properties() if p.expectation is Expectation.ALWAYS]
    )


def verdicts(result: CheckResult) -> dict[str, str]:  # type: ignore[type-arg]
    return {r.name: r.verdict.value for r in result.properties}


@pytest.mark.parametrize("k", [2, 3])
def test_fanout_with_symmetry_keeps_every_verdict_with_at_most_a_kth_factorial_of_states(
    k: int,
) -> None:
    model = safety_only(model_for("fanout", Switches(targets=k)))
    full, reduced = check(model), check(model, symmetry=True)
    assert verdicts(full) == verdicts(reduced)
    assert full.deadlock_count == reduced.deadlock_count == 0
    assert (full.statistics.states, reduced.statistics.states) == MEASURED[k]
    bound = full.statistics.states / math.factorial(k)
    assert bound <= reduced.statistics.states <= 1.02 * bound


@pytest.mark.parametrize(
    "switches",
    [
        Switches(provider="non-ifs-claim", ack=False),  # a violation: premature close
        Switches(pin=False, crash=1, reuse_pid=1),  # a violation: a stranger gets the socket
        Switches(provider="non-ifs", crash=1, reuse_pid=1),  # all hold
    ],
    ids=["premature-close", "pid-reuse", "faults-hold"],
)
def test_symmetry_finds_the_same_violations_at_the_same_depth(switches: Switches) -> None:
    model = safety_only(model_for("fanout", switches))
    full, reduced = check(model), check(model, symmetry=True)
    assert verdicts(full) == verdicts(reduced)
    for a, b in zip(full.properties, reduced.properties, strict=True):
        assert (a.path is None) == (b.path is None)
        if a.path is not None and b.path is not None:
            assert len(a.path) == len(b.path)
    assert reduced.statistics.states < full.statistics.states


@pytest.mark.parametrize(
    "switches",
    [Switches(), Switches(provider="non-ifs", crash=1, reuse_pid=1, pin=False)],
    ids=["plain", "faults"],
)
def test_the_canonical_form_is_a_reachable_member_shared_by_the_whole_class(
    switches: Switches,
) -> None:
    # Soundness: every renaming of a reachable state is reachable (the transition relation is
    # symmetric), and the representative is one of them.  Canonicity: all members of a class get
    # the same representative, so the reduction is as large as the classes allow.
    model = model_for("fanout", switches)
    states = reachable_states(model)
    seen = set(states)
    for state in states:
        pids = [state.world.procs[1 + k].pid for k in range(2)]
        rep = canonical(model, state)
        assert rep in seen and canonical(model, rep) == rep
        for order in itertools.permutations(range(2)):
            image = _permute(state, list(order), pids, model.semantics.providers)
            assert image in seen
            assert canonical(model, image) == rep


def test_the_unpin_order_does_not_tell_targets_apart() -> None:
    # The source used to unpin in target order, so renaming targets gave unreachable states.
    model = model_for("fanout")
    states = reachable_states(model)
    both_pinned = [s for s in states if all(s.regs[0].pins)]  # type: ignore[union-attr]
    assert both_pinned
    seen = set(states)
    for state in both_pinned:
        pids = [state.world.procs[1 + k].pid for k in range(2)]
        assert _permute(state, [1, 0], pids, model.semantics.providers) in seen


def test_symmetry_is_off_where_it_could_be_unsound() -> None:
    stale = variant_named("stale-handle-reuse").model()  # a source program variant
    assert symmetry_sound(stale) is not None and not reduces(stale)
    options = variant_named("per-descriptor-options").model()  # a provider keyed by slot
    assert symmetry_sound(options) is not None
    assert not reduces(HandoffModel())  # one target, one thread: nothing to permute
    assert reduces(HandoffModel(model_for("fanout").config, programs=Programs()))


def test_helper_threads_are_interchangeable() -> None:
    model = safety_only(model_for("handoff-threads", Switches(threads=3)))
    full, reduced = check(model), check(model, symmetry=True)
    assert verdicts(full) == verdicts(reduced)
    assert reduced.statistics.states < full.statistics.states


def test_a_provider_is_trusted_for_symmetry_only_by_its_own_declaration() -> None:
    # Each provider says how its state is renamed; a subclass (a seeded bug) inherits the
    # renaming but not the trust, so symmetry stays off until the subclass declares it itself.
    from wspshare.models.providers import IfsProvider, NonIfsProvider

    class Subclass(NonIfsProvider):
        pass

    assert IfsProvider.symmetric() and NonIfsProvider.symmetric()
    assert not Subclass.symmetric()
