"""Partial-order reduction (``properties.checker.por``, ``models.scenario.independence``) keeps
every verdict: of every seeded bug, of every correct configuration, with and without symmetry;
its counterexamples replay; and the facts its persistent sets rest on hold in every reachable
transition (no property sees more of a program counter than whether it is done, no process
reads another's registers, only a crash ends a process from outside)."""

from __future__ import annotations

from typing import Any

import pytest
from wspshare.models.protocol import Expectation
from wspshare.models.scenario import HandoffModel
from wspshare.models.scenario.actions import Crash, ReusePid, Step, Timeout
from wspshare.models.scenario.independence import CONTROL, reads_of
from wspshare.models.scenario.state import DONE, HandoffState
from wspshare.models.variants import mutants
from wspshare.properties.checker import CheckResult, check
from wspshare.properties.configs import Switches, model_for
from wspshare.sim.replay import replay_actions


def safety_only(model: HandoffModel) -> HandoffModel:
    """The model without its EVENTUALLY properties, whose check the reduction does not serve."""
    props = [p for p in model.properties() if p.expectation is not Expectation.EVENTUALLY]
    return model.with_properties(props)


def verdicts(result: CheckResult[Any, Any]) -> list[tuple[str, str]]:
    return [(r.name, r.verdict.value) for r in result.properties]


def assert_same_verdicts(model: HandoffModel, symmetry: bool = False) -> CheckResult[Any, Any]:
    reduced = check(model, symmetry=symmetry)
    full = check(model, symmetry=symmetry, por=False)
    assert verdicts(reduced) == verdicts(full)
    assert (reduced.deadlock_count > 0) == (full.deadlock_count > 0)
    assert reduced.statistics.states <= full.statistics.states
    for r in reduced.properties:
        if r.failed and r.path is not None and r.prop.expectation is Expectation.ALWAYS:
            events = replay_actions(model, [str(a) for a in r.path.actions])
            assert events[-1].state == r.path.last
            assert not r.prop.holds(r.path.last)
    return reduced


# The witnesses with network clients are the big ones (tens of seconds for both searches).
SEEDED = [
    pytest.param(v.name, marks=pytest.mark.slow) if v.witness.shares.loops else v.name
    for v in mutants()
]


@pytest.mark.parametrize("variant", SEEDED)
def test_every_seeded_bug_has_the_same_verdicts_with_and_without_por(variant: str) -> None:
    model = safety_only(model_for("witness", Switches(variant=variant)))
    assert_same_verdicts(model)


CORRECT = [
    ("handoff", Switches()),
    ("handoff-threads", Switches()),
    ("handoff-threads", Switches(provider="non-ifs", lose=1, duplicate=1)),
    ("handoff-threads", Switches(threads=3, stranger=True)),
    ("fanout", Switches(threads=2)),
    ("listener", Switches()),
    ("datagram", Switches(provider="non-ifs")),
    ("handoff-threads", Switches(provider="non-ifs-claim", ack=False)),  # a violation
]


@pytest.mark.parametrize(("name", "switches"), CORRECT, ids=lambda v: str(v))
@pytest.mark.parametrize("symmetry", [False, True])
def test_every_configuration_has_the_same_verdicts_with_and_without_por(
    name: str, switches: Switches, symmetry: bool
) -> None:
    assert_same_verdicts(safety_only(model_for(name, switches)), symmetry)


def test_por_reduces_where_a_process_has_a_step_of_its_own() -> None:
    # Joining helper threads touches nothing but the joining process's program counter.
    result = check(safety_only(model_for("handoff-threads", Switches())))
    full = check(safety_only(model_for("handoff-threads", Switches())), por=False)
    assert result.statistics.reduced > 0
    assert result.statistics.transitions < full.statistics.transitions


def test_por_stays_off_while_liveness_is_checked() -> None:
    result = check(model_for("handoff-threads", Switches()))
    assert not result.statistics.por and result.statistics.reduced == 0


def test_no_por_expands_every_action() -> None:
    result = check(safety_only(model_for("handoff-threads", Switches())), por=False)
    assert not result.statistics.por and result.statistics.reduced == 0


# --- the facts the persistent sets rest on, in every reachable transition ----------------------


class _DoneOrNot:
    """A program counter of which a property may learn only whether it is ``DONE``."""

    def __init__(self, pc: int) -> None:
        self.pc = pc

    def __eq__(self, other: object) -> bool:
        assert other == DONE, "a property read a program counter beyond DONE"
        return self.pc == DONE

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        raise AssertionError("a property read a program counter beyond DONE")


def poisoned(state: HandoffState) -> HandoffState:
    regs = tuple(
        r._replace(**{CONTROL: tuple(_DoneOrNot(pc) for pc in getattr(r, CONTROL))})
        for r in state.regs
    )
    return state._replace(regs=regs)


def transitions(model: HandoffModel) -> Any:
    seen: set[HandoffState] = set()
    todo = list(model.init_states())
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        for action in model.actions(state):
            successor = model.next_state(state, action)
            yield state, action, successor
            todo.append(successor)


SLOW = pytest.mark.slow  # 20 to 40 s each
WATCHED = [
    pytest.param(
        "handoff-threads",
        Switches(crash=1, lose=1, duplicate=1, reuse_pid=1, stranger=True),
        marks=SLOW,
    ),
    ("handoff-threads", Switches(provider="non-ifs", reorder=1, exhaust=1)),
    ("handoff-threads", Switches(crash=1, reuse_pid=1, stranger=True)),
    ("fanout", Switches(threads=2, provider="non-ifs-claim", ack=False)),
    pytest.param("listener", Switches(crash=1), marks=SLOW),
    pytest.param("datagram", Switches(threads=2), marks=SLOW),
]


@pytest.mark.parametrize(("name", "switches"), WATCHED, ids=lambda v: str(v))
def test_the_facts_behind_the_persistent_sets_hold_in_every_transition(
    name: str, switches: Switches
) -> None:
    model = model_for(name, switches)
    checked: set[HandoffState] = set()
    for state, action, successor in transitions(model):
        if state not in checked:  # no property reads a program counter
            checked.add(state)
            for prop in model.properties():
                prop.holds(poisoned(state))
        slot = action.slot if isinstance(action, Step | Timeout) else None
        if isinstance(action, ReusePid):  # appends a slot, copying the others as they are
            assert all(a is b for a, b in zip(state.regs, successor.regs, strict=False))
        else:
            read = reads_of(lambda s, a=action: model.execute(s, a), state)
            foreign = {r for r in read if r[0] == "regs" and r[1] != str(slot)}
            assert not foreign, (str(action), foreign)  # nobody reads another's registers
        for j, (before, after) in enumerate(
            zip(state.world.procs, successor.world.procs, strict=False)
        ):
            if before.alive and not after.alive and j != slot:
                assert isinstance(action, Crash), str(action)  # only a crash ends another
