"""The targets' symmetry on part numbers (``models.scenario.compact_symmetry``) gives the real
representatives.

The danger is a remembered key or renamed part that depends on something it was not remembered
by, or a tie broken differently from ``symmetry._sorting``.  So, on every reachable state of a
spread of symmetric configurations (each state asked twice, the second time from the tables):
the compact representative and its order are the encoding of the model's own
(``HandoffLifting.canonical_with``); and whole symmetric searches through the compact form count
and judge as the model's own.  A broken copy that forgets the world's tie-breaking keys is
caught, so the law can fail.
"""

from __future__ import annotations

import pytest
from wspshare.models.scenario import HandoffModel
from wspshare.models.scenario.compact import CompactHandoff
from wspshare.models.scenario.compact_symmetry import CompactSymmetry
from wspshare.models.scenario.lifting import HandoffLifting
from wspshare.properties.checker import check, reachable_states
from wspshare.properties.configs import Switches, model_for

SYMMETRIC = [  # two or three interchangeable targets, each kind of socket and provider
    ("fanout", Switches(crash=1)),
    ("fanout", Switches(targets=3)),
    ("fanout", Switches(provider="non-ifs", crash=1, reuse_pid=1, stranger=True)),
    ("fanout", Switches(duplicate=1, lose=1)),
    ("listener", Switches()),
    ("datagram", Switches(provider="non-ifs")),
]


def representative_breaks(model: HandoffModel, form: CompactHandoff) -> list[str]:
    """Where the compact representative differs from the model's, over every reachable state
    (each asked twice: the second answer comes from the tables)."""
    lifting = HandoffLifting(model)
    compact_lifting = form.compact_lifting(lifting)
    broken: list[str] = []
    states = reachable_states(model)
    for _ in range(2):
        for state in states:
            cs = form.encode(state)
            real, perm = lifting.canonical_with(state)
            got, got_perm = compact_lifting.canonical_with(cs)
            if got != form.encode(real) or got_perm != perm:
                broken.append(f"{state}: order {got_perm}, the model's {perm}")
            if form.representative(cs) != form.encode(model.representative(state)):
                broken.append(f"{state}: representative differs")
    return broken


@pytest.mark.parametrize(
    ("name", "switches"), SYMMETRIC, ids=[f"{n} {s.describe()}" for n, s in SYMMETRIC]
)
def test_compact_representatives_are_the_models(name: str, switches: Switches) -> None:
    model = model_for(name, switches)
    form = CompactHandoff(model)
    assert form._symmetry.on_parts
    assert representative_breaks(model, form) == []


@pytest.mark.parametrize(
    ("name", "switches"), SYMMETRIC[:3], ids=[f"{n} {s.describe()}" for n, s in SYMMETRIC[:3]]
)
def test_a_symmetric_search_through_the_compact_form_is_the_models(
    name: str, switches: Switches
) -> None:
    model = model_for(name, switches)
    lifting = HandoffLifting(model)
    compact = check(model, symmetry=True, lifting=lifting)
    plain = check(model, symmetry=True, lifting=lifting, compact=False)
    assert compact.statistics.states < check(model, symmetry=False).statistics.states
    assert (compact.statistics.states, compact.statistics.transitions) == (
        plain.statistics.states,
        plain.statistics.transitions,
    )
    assert [r.verdict for r in compact.properties] == [r.verdict for r in plain.properties]
    assert [r.path for r in compact.properties] == [r.path for r in plain.properties]


class _NoTieBreak(CompactSymmetry):
    """Broken on purpose: tied local keys are left in index order, the world never asked."""

    def _world_key(self, world: int, k: int, pids: tuple[int, ...]) -> tuple[object, ...]:
        return ()


def test_forgetting_the_tie_break_is_caught() -> None:
    """In the fan-out with a crash, three reachable states have targets that only the world's
    references tell apart (found by comparing both sorts over its states)."""
    model = model_for("fanout", Switches(crash=1))
    form = CompactHandoff(model)
    form._symmetry = _NoTieBreak(form, form._symmetry._world_at, form._symmetry._chans_at)
    assert representative_breaks(model, form) != []


class _ForgetsThePipe(dict[tuple[int, ...], object]):
    """Broken on purpose: a target's sort key remembered without its pipe's part number."""

    def get(self, key: tuple[int, ...], default: object = None) -> object:
        return super().get(key[:3] + key[4:], default)

    def __setitem__(self, key: tuple[int, ...], value: object) -> None:
        super().__setitem__(key[:3] + key[4:], value)


def test_a_sort_key_remembered_by_too_little_is_caught() -> None:
    model = model_for("fanout", Switches(crash=1))
    form = CompactHandoff(model)
    form._symmetry._local = _ForgetsThePipe()  # type: ignore[assignment]
    assert representative_breaks(model, form) != []


def test_helper_threads_are_left_to_the_real_states() -> None:
    """With three threads a representative also sorts helpers, which is not done on parts;
    the real states' answer is used, and it still merges states."""
    model = model_for("fanout", Switches(threads=3))
    form = CompactHandoff(model)
    assert not form._symmetry.on_parts
    assert representative_breaks(model, form) == []
