"""The compact form (``models.scenario.compact``) is the same transition system as the model.

Its answers are remembered by the parts of a state each question read, so the danger is a
question whose answer depends on something it was not seen to read.  Three layers of evidence:

- the law, on every reachable transition of a spread of configurations: the compact successor,
  enabled actions and property verdicts are the encoding of the model's own;
- whole searches, with and without the compact form, of correct configurations and of every
  seeded bug's witness: the same counts, verdicts, paths and deadlocks;
- a compact form broken on purpose (it forgets that a question read the pipes) is caught by
  the law, so the law can fail.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

import pytest
from wspshare.models.scenario import HandoffModel
from wspshare.models.scenario import compact as compact_module
from wspshare.models.scenario.actions import Action
from wspshare.models.scenario.compact import Compact, CompactHandoff
from wspshare.models.scenario.state import HandoffState
from wspshare.models.variants import mutants
from wspshare.properties.checker import CheckResult, check
from wspshare.properties.configs import Switches, model_for

from tests.check.test_check_por import transitions

EVERY_FAULT = Switches(
    crash=1, lose=1, duplicate=1, reorder=1, reuse_pid=1, exhaust=1, stranger=True
)

LAW = [  # small enough to walk every transition, and between them every kind of action
    ("handoff", Switches()),
    ("handoff", Switches(provider="non-ifs", crash=1, reuse_pid=1, stranger=True)),
    ("handoff", Switches(lose=1, duplicate=1, reorder=1, exhaust=1)),
    ("handoff-threads", Switches(provider="non-ifs", crash=1)),
    ("handoff-threads", Switches(threads=3, stranger=True)),
    ("fanout", Switches(crash=1)),
    ("listener", Switches()),
    ("datagram", Switches(provider="non-ifs")),
    ("handoff", Switches(chain=("non-ifs",), crash=1)),
    ("handoff", Switches(provider="non-ifs", chain=("non-ifs", "non-ifs"))),
]


def named(name: str, switches: Switches) -> str:
    return f"{name} {switches.describe()}"


def law_breaks(model: HandoffModel, form: CompactHandoff) -> list[str]:
    """Where the compact form and the model disagree, over every reachable transition (the
    compact form is asked of each state twice, so remembered answers are used too)."""
    broken: list[str] = []
    properties = list(zip(model.properties(), form.properties(), strict=True))
    for _ in range(2):
        for state, action, successor in transitions(model):
            cs = form.encode(state)
            if repr(form.decode(cs)) != repr(state):  # repr: False == 0, but not as a field
                broken.append(f"round trip of {state}")
            if form.actions(cs) != list(model.actions(state)):
                broken.append(f"actions of {state}")
            if repr(form.decode(form.next_state(cs, action))) != repr(successor):
                broken.append(f"{action} from {state}")
            for real, compact in properties:
                if compact.holds(cs) != real.holds(state):
                    broken.append(f"{real.name} in {state}")
            if form.is_final(cs) != model.is_final(state):
                broken.append(f"quiescence of {state}")
    return broken


@pytest.mark.parametrize(("name", "switches"), [pytest.param(*c, id=named(*c)) for c in LAW])
def test_the_compact_form_answers_as_the_model_on_every_transition(
    name: str, switches: Switches
) -> None:
    model = model_for(name, switches)
    assert law_breaks(model, CompactHandoff(model)) == []


def test_questions_that_give_up_remembering_still_answer_as_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compact_module, "WINDOW", 1)  # every question gives up at its second miss
    model = model_for("handoff", Switches(provider="non-ifs", crash=1, lose=1, stranger=True))
    form = CompactHandoff(model)
    assert law_breaks(model, form) == []
    # A question whose footprint widens starts a warm-up window again, so not every one gives
    # up; enough of each kind do for the law above to have run them directly.
    steps = list(form._steps.values())
    assert sum(q.direct for q in steps) > len(steps) // 2
    assert any(q.direct for q, _ in form._choice_by_name.values())
    assert any(q.direct for _, q in form._groups)


def test_questions_that_read_the_same_parts_are_asked_together_as_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After the first window the verdict questions with one footprint become one question
    (``CompactHandoff._regroup``), and so do the parts of the action list
    (``_merge_choices``); a short window makes that happen within a small search."""
    monkeypatch.setattr(compact_module, "WINDOW", 16)
    model = model_for("handoff", Switches(provider="non-ifs", crash=1, lose=1, stranger=True))
    form = CompactHandoff(model)
    assert law_breaks(model, form) == []
    assert any(len(indices) > 1 for indices, _ in form._groups)
    assert any(place > 0 for _, place in form._choice_by_name.values())
    assert sorted(i for indices, _ in form._groups for i in indices) == list(
        range(len(model.properties()))
    )


def test_a_compact_form_that_forgets_a_read_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeded bug: reads of the pipes are dropped from every footprint, so an answer
    remembered for one pipe's contents is given back for another's."""
    forgetful = CompactHandoff._footprint

    def without_pipes(self: CompactHandoff, reads: set[tuple[str, ...]]) -> Any:
        return forgetful(self, {r for r in reads if r[0] != "chans"})

    monkeypatch.setattr(CompactHandoff, "_footprint", without_pipes)
    model = model_for("handoff", Switches(lose=1, duplicate=1))
    assert law_breaks(model, CompactHandoff(model))


def test_equal_parts_are_one_object_and_a_state_is_a_tuple_of_small_ints() -> None:
    model = model_for("handoff", EVERY_FAULT)
    form = CompactHandoff(model)
    states = [s for s, _, _ in islice(transitions(model), 500)]
    encoded = [form.encode(s) for s in states]
    assert all(isinstance(n, int) and 0 <= n < len(form.parts) for cs in encoded for n in cs)
    worlds = {id(form.decode(cs).world) for cs in encoded}
    assert len(worlds) == len({s.world for s in states})  # one object per distinct world


def summary(result: CheckResult[Any, Any]) -> Any:
    stats = result.statistics
    return (
        (stats.states, stats.transitions, stats.max_depth),
        [(r.prop.name, r.verdict, r.path) for r in result.properties],
        result.deadlocks,
        result.deadlock_count,
    )


def assert_same_search(model: HandoffModel, **options: Any) -> CheckResult[Any, Any]:
    compact = check(model, **options)
    plain = check(model, compact=False, **options)
    assert summary(compact) == summary(plain)
    assert [r.prop for r in compact.properties] == list(model.properties())
    return compact


SEARCHES = [
    ("handoff", EVERY_FAULT),
    ("handoff-threads", Switches(provider="non-ifs", lose=1, duplicate=1)),
    ("handoff-threads", Switches(provider="non-ifs-claim", ack=False)),  # a violation
    ("fanout", Switches(threads=2)),
    ("listener", Switches(crash=1)),
    ("datagram", Switches(provider="non-ifs", crash=1)),
]


@pytest.mark.parametrize(("name", "switches"), [pytest.param(*c, id=named(*c)) for c in SEARCHES])
def test_a_search_of_the_compact_form_is_the_search_of_the_model(
    name: str, switches: Switches
) -> None:
    assert_same_search(model_for(name, switches))


def test_the_first_violation_and_a_depth_first_search_are_the_same_too() -> None:
    model = model_for("handoff-threads", Switches(provider="non-ifs-claim", ack=False))
    result = assert_same_search(model, stop_at_first=True)
    assert not result.ok
    assert_same_search(model, strategy="dfs")
    assert_same_search(model, max_depth=6)


SEEDED = [
    pytest.param(v.name, marks=pytest.mark.slow) if v.witness.shares.loops else v.name
    for v in mutants()
]


@pytest.mark.parametrize("variant", SEEDED)
def test_every_seeded_bug_is_found_the_same_through_the_compact_form(variant: str) -> None:
    result = assert_same_search(model_for("witness", Switches(variant=variant)))
    assert not result.ok


def test_the_model_offers_its_compact_form_with_and_without_symmetry() -> None:
    """Representatives are worked out on part numbers (``compact_symmetry``), so a symmetric
    search pays through the compact form too; ``test_check_compact_symmetry`` checks them."""
    model = model_for("fanout", Switches())
    assert isinstance(model.compact_form(symmetry=True), CompactHandoff)
    assert isinstance(model.compact_form(symmetry=False), CompactHandoff)


def test_compact_states_survive_as_keys() -> None:
    """A compact state is a plain tuple of ints: hashable and picklable as it is."""
    model = model_for("handoff", Switches())
    form = CompactHandoff(model)
    cs: Compact = form.init_states()[0]
    assert type(cs) is tuple and hash(cs) == hash(tuple(cs))


def test_a_successor_built_afresh_is_taken_whole_and_not_remembered() -> None:
    """The writes are read off ``_replace``; a successor built as a new record (no code of the
    model does so today) would hide them, so it is encoded whole and never remembered."""
    model = model_for("handoff", Switches(crash=1, lose=1))
    real_execute = model.execute

    def afresh(state: HandoffState, action: Action) -> Any:
        successor, effect = real_execute(state, action)
        return HandoffState(*successor), effect

    model.execute = afresh  # type: ignore[method-assign]
    form = CompactHandoff(model)
    assert law_breaks(model, form) == []
    assert all(not q.answers for q in form._steps.values())
