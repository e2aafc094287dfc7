"""The scenario's role programs step by step, on small scripted runs: what each step of the
stranger, the source and the target is called, which call it makes, which step of the seed it
belongs to, and what it leaves in the program's registers.  The exhaustive checks judge whole
state spaces by their properties; these tests pin down the programs themselves, cheaply."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from wspshare.models.calls import WSPDuplicateSocket, WSPSocket
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.actions import Action, Deliver, Effect, Step
from wspshare.models.scenario.model import stranger_slots
from wspshare.models.scenario.roles.stranger import CLOSE, StrangerProgram
from wspshare.models.scenario.state import DONE, HandoffState, StrangerRegs
from wspshare.models.semantics import Semantics
from wspshare.models.variants import CATALOGUE

Event = tuple[Step, Effect, HandoffState]


def drive(
    model: HandoffModel,
    let_stranger: Callable[[HandoffState, list[Event]], bool] = lambda s, e: True,
    max_steps: int = 500,
) -> list[Event]:
    """Run fault-free to quiescence: deliveries first, then the stranger's step when
    ``let_stranger`` allows it (or nothing else is enabled), else the lowest step of the seed
    (then the lowest slot, thread and target)."""
    state = model.init_states()[0]
    events: list[Event] = []
    for _ in range(max_steps):
        actions: list[Action] = [a for a in model.actions(state) if isinstance(a, Step | Deliver)]
        if not actions:
            return events
        delivery = next((a for a in actions if isinstance(a, Deliver)), None)
        if delivery is not None:
            state = model.next_state(state, delivery)
            continue
        steps = [a for a in actions if isinstance(a, Step)]
        strangers = set(stranger_slots(model, state))
        theirs = [a for a in steps if a.slot in strangers]
        others = [a for a in steps if a.slot not in strangers]
        if theirs and (not others or let_stranger(state, events)):
            chosen = theirs[0]
            nxt, effect = model.execute(state, chosen)
        else:
            ranked = []
            for a in others:
                nxt, effect = model.execute(state, a)
                ranked.append(((effect.seed_step, a.slot, a.thread, a.target), a, effect, nxt))
            _, chosen, effect, nxt = min(ranked, key=lambda r: r[0])
        events.append((chosen, effect, nxt))
        state = nxt
    raise AssertionError(f"no quiescence in {max_steps} steps")


def of_slot(events: list[Event], slot: int) -> list[Event]:
    return [e for e in events if e[0].slot == slot]


STRANGER = 2  # the slot of the configured stranger with one target (source 0, target 1)


def no_pid_check(targets: int = 1) -> HandoffModel:
    variant = next(v for v in CATALOGUE if v.name == "no-pid-check")
    return variant.model(variant.witness.with_(targets=targets))


def duplicated(events: list[Event], times: int) -> bool:
    return (
        sum(1 for _, effect, _ in events if effect.call.startswith("WSPDuplicateSocket")) >= times
    )


# --- the stranger ------------------------------------------------------------------------------


def test_a_stranger_guesses_the_first_two_values_its_provider_hands_out() -> None:
    """Handle values for an IFS provider (the first two sockets' descriptors), share tokens
    otherwise (the first two duplications' dwProviderReserved): guesses that a real machine would
    actually have to refuse."""
    sem = Semantics()
    for name in ("ifs", "non-ifs", "non-ifs-claim"):
        model = HandoffModel(ScenarioConfig(provider=name, stranger=True))
        catalog = model.provider.catalog_id
        w, slot = sem.spawn(sem.initial_world())
        w, other = sem.spawn(w)
        w, first = sem.call(w, slot, 0, WSPSocket(catalog))
        w, second = sem.call(w, slot, 0, WSPSocket(catalog))
        pid = w.procs[other].pid
        w, one = sem.call(w, slot, 0, WSPDuplicateSocket(first.value, pid))  # type: ignore[arg-type]
        w, two = sem.call(w, slot, 0, WSPDuplicateSocket(first.value, pid))  # type: ignore[arg-type]
        assert one.ok and two.ok and first.ok and second.ok
        if name == "ifs":
            expected = (first.value, second.value)
        else:
            expected = (one.value.provider_reserved, two.value.provider_reserved)  # type: ignore[union-attr]
        assert StrangerProgram().guesses(model) == expected, name


@pytest.mark.parametrize(("provider", "guesses"), [("ifs", (4, 8)), ("non-ifs", (1, 2))])
def test_a_refused_stranger_tries_each_guess_once_in_turn_then_stops(
    provider: str, guesses: tuple[int, int]
) -> None:
    """Refused at every guess (the correct machine), the stranger makes one WSPSocket per guess,
    each step named after the guess it forges, counts its tries, never holds a descriptor, and is
    done after the last; none of its calls is a step of the seed."""
    model = HandoffModel(ScenarioConfig(provider=provider, stranger=True))
    assert model.init_states()[0].regs[STRANGER] == StrangerRegs((0,), 0, 0)
    mine = of_slot(drive(model), STRANGER)
    assert [step.label for step, _, _ in mine] == [
        f"WSPSocket(forged info, rsv={guesses[0]})",
        f"WSPSocket(forged info, rsv={guesses[1]})",
    ]
    assert [state.regs[STRANGER] for _, _, state in mine] == [
        StrangerRegs((1,), 0, 1),
        StrangerRegs((DONE,), 0, 2),
    ]
    for _, effect, _ in mine:
        assert effect.seed_step == 0
        assert effect.result == "WSAEINVAL"


def test_a_stranger_let_in_at_its_first_guess_closes_what_it_took_then_tries_the_next() -> None:
    """The seeded bug no-pid-check lets the stranger claim the share token 1 once the source has
    duplicated: it holds the descriptor, closes it (a WSPCloseSocket step of no seed step), holds
    nothing again, and goes on to its second guess, which no share has; then it is done."""
    model = no_pid_check()
    events = drive(model, lambda state, events: duplicated(events, 1))
    mine = of_slot(events, STRANGER)
    labels = [step.label for step, _, _ in mine]
    assert labels == [
        "WSPSocket(forged info, rsv=1)",
        "WSPCloseSocket",
        "WSPSocket(forged info, rsv=2)",
    ]
    (_, got, after_claim), (_, closed, after_close), (_, refused, after_last) = mine
    assert got.result.startswith("OK") and got.descriptor > 0
    assert after_claim.regs[STRANGER] == StrangerRegs((CLOSE,), got.descriptor, 1)
    assert closed.call == f"WSPCloseSocket(s={got.descriptor})" and closed.result.startswith("OK")
    assert after_close.regs[STRANGER] == StrangerRegs((1,), 0, 1)
    assert "WSAEINVAL" in refused.result
    assert after_last.regs[STRANGER] == StrangerRegs((DONE,), 0, 2)
    assert [effect.seed_step for _, effect, _ in mine] == [0, 0, 0]


def test_a_stranger_let_in_at_its_last_guess_closes_it_and_is_done() -> None:
    """With two targets the source makes tokens 1 and 2.  A stranger refused at its first guess
    (before any duplication) and let in at its second closes what it took and stops: it has no
    third guess."""
    model = no_pid_check(targets=2)
    stranger = 3

    def let(state: HandoffState, events: list[Event]) -> bool:
        tried = state.regs[stranger]
        assert isinstance(tried, StrangerRegs)
        return tried.tries == 0 or duplicated(events, 2)

    mine = of_slot(drive(model, let), stranger)
    assert [step.label for step, _, _ in mine] == [
        "WSPSocket(forged info, rsv=1)",
        "WSPSocket(forged info, rsv=2)",
        "WSPCloseSocket",
    ]
    (_, first, _), (_, second, claimed), (_, closed, final) = mine
    assert "WSAEINVAL" in first.result and second.result.startswith("OK")
    assert claimed.regs[stranger] == StrangerRegs((CLOSE,), second.descriptor, 2)
    assert closed.result.startswith("OK")
    assert final.regs[stranger] == StrangerRegs((DONE,), 0, 2)
