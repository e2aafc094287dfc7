"""The scenario's role programs step by step, on small scripted runs: what each step of the
stranger, the source and the target is called, which call it makes, which step of the seed it
belongs to, and what it leaves in the program's registers.  The exhaustive checks judge whole
state spaces by their properties; these tests pin down the programs themselves, cheaply."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from wspshare.models.calls import WSPBind, WSPDuplicateSocket, WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.actions import (
    Action,
    Arrive,
    Crash,
    Deliver,
    Duplicate,
    Effect,
    ReusePid,
    Step,
    Timeout,
)
from wspshare.models.scenario.config import Faults
from wspshare.models.scenario.messages import Direction
from wspshare.models.scenario.model import stranger_slots
from wspshare.models.scenario.roles.stranger import CLOSE, StrangerProgram
from wspshare.models.scenario.state import (
    DONE,
    HandoffState,
    SourceRegs,
    StrangerRegs,
    TargetRegs,
)
from wspshare.models.semantics import Semantics
from wspshare.models.state import AF_INET, SOCK_DGRAM, HandleKind
from wspshare.models.variants import CATALOGUE

Event = tuple[Step, Effect, HandoffState]


def drive(
    model: HandoffModel,
    let_stranger: Callable[[HandoffState, list[Event]], bool] = lambda s, e: True,
    max_steps: int = 500,
    start: HandoffState | None = None,
    hold: Callable[[Step, list[Event]], bool] = lambda step, events: False,
) -> list[Event]:
    """Run fault-free to quiescence: deliveries first, then the stranger's step when
    ``let_stranger`` allows it (or nothing else is enabled), else the lowest step of the seed
    (then the lowest slot, thread and target); the network's arrivals only when no process can
    move.  ``start``: the state to run from (the model's initial state by default); steps that
    ``hold`` names wait until nothing else can move."""
    state = model.init_states()[0] if start is None else start
    events: list[Event] = []
    for _ in range(max_steps):
        enabled = model.actions(state)
        actions: list[Action] = [a for a in enabled if isinstance(a, Step | Deliver)]
        if not actions:  # the network's next client or datagram, once nothing else can move
            arrival = next((a for a in enabled if isinstance(a, Arrive)), None)
            if arrival is None:
                return events
            state = model.next_state(state, arrival)
            continue
        delivery = next((a for a in actions if isinstance(a, Deliver)), None)
        if delivery is not None:
            state = model.next_state(state, delivery)
            continue
        steps = [a for a in actions if isinstance(a, Step)]
        strangers = set(stranger_slots(model, state))
        held = [a for a in steps if hold(a, events)]
        steps = [a for a in steps if not hold(a, events)] or held
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


# --- the source and the target: the seed's table (docs/SPEC.md), step by step -------------------

SOURCE, TARGET = 0, 1


def walk(events: list[Event]) -> list[tuple[int, int, int, str]]:
    """(slot, thread, step of the seed, label) of every step taken."""
    return [(step.slot, step.thread, effect.seed_step, step.label) for step, effect, _ in events]


def seed_table(ack: bool = True, pin: bool = True) -> list[tuple[int, int, int, str]]:
    """The seed's handoff with one target, one thread each, in the seed's order: the source's
    set-up is step 1 (socket, connect, keep-alive, events), then the table's steps 2 to 10; with
    the acknowledgement (step 10's arrow) the target acknowledges before it uses the socket and
    the source closes only once it has the acknowledgement."""
    out = [
        (SOURCE, 0, 1, "WSPSocket"),
        (SOURCE, 0, 1, "WSPConnect"),
        (SOURCE, 0, 1, "WSPSetSockOpt"),
        (SOURCE, 0, 1, "WSPEventSelect"),
        (SOURCE, 0, 2, "send PID_REQUEST"),
        (TARGET, 0, 3, "receive PID_REQUEST, reply"),
        (SOURCE, 0, 4, "receive PID_REPLY"),
        *([(SOURCE, 0, 4, "OpenProcess(target)")] if pin else []),
        (SOURCE, 0, 5, "WSPDuplicateSocket"),
        (SOURCE, 0, 6, "send INFO"),
        (TARGET, 0, 7, "receive INFO"),
        (TARGET, 0, 8, "WSPSocket(info)"),
        *([(TARGET, 0, 10, "send ACK")] if ack else []),
        (TARGET, 0, 9, "WSPEventSelect"),
        (TARGET, 0, 9, "WSPSend"),
        (TARGET, 0, 9, "WSPCloseSocket"),
        *([(SOURCE, 0, 10, "receive ACK")] if ack else []),
        (SOURCE, 0, 10, "WSPCloseSocket"),
        *([(SOURCE, 0, 10, "CloseHandle(target process)")] if pin else []),
    ]
    return out


def all_released(state: HandoffState) -> bool:
    """Every socket closed and no process holding a handle: nothing leaks."""
    w = state.world
    return all(s.refs == 0 for s in w.sockets) and all(p.handles == () for p in w.procs)


@pytest.mark.parametrize("provider", ["ifs", "non-ifs", "non-ifs-claim"])
@pytest.mark.parametrize(("ack", "pin"), [(True, True), (False, True), (True, False)])
def test_the_seeds_handoff_takes_the_steps_of_its_table_in_order(
    provider: str, ack: bool, pin: bool
) -> None:
    model = HandoffModel(ScenarioConfig(provider=provider, ack=ack, pin=pin))
    events = drive(model)
    assert walk(events) == seed_table(ack, pin)
    calls = {  # the source's steps by label (each is taken once)
        label: effect
        for (slot, _, _, label), (_, effect, _) in zip(walk(events), events, strict=True)
        if slot == SOURCE
    }
    claim = next(e for step, e, _ in events if step.label == "WSPSocket(info)")
    reply = next(e for step, e, _ in events if step.label == "receive PID_REQUEST, reply")
    pid = events[-1][2].world.procs[TARGET].pid
    catalog = model.catalog_id
    # M1: the source's socket is its first handle, 4; the pin the next free value, 8.
    assert calls["WSPSocket"].call == f"WSPSocket(cat={catalog})"
    assert calls["WSPSocket"].result == "OK 4" and calls["WSPSocket"].descriptor == 4
    assert calls["WSPConnect"].call == "WSPConnect(s=4)"
    assert calls["WSPSetSockOpt"].call == "WSPSetSockOpt(s=4, opt=0x8, val=1)"  # SO_KEEPALIVE
    assert calls["WSPEventSelect"].call == "WSPEventSelect(s=4, mask=0x21)"  # FD_READ|FD_CLOSE
    assert reply.result == f"reply PID_REPLY({pid})"
    assert calls["WSPDuplicateSocket"].call == f"WSPDuplicateSocket(s=4, pid={pid})"
    assert calls["WSPDuplicateSocket"].result.startswith("OK info(")
    if pin:
        assert calls["OpenProcess(target)"].call == f"OpenProcess({pid})"
        assert calls["CloseHandle(target process)"].call == "CloseHandle(8)"
    if ack:
        acked = next(e for step, e, _ in events if step.label == "send ACK")
        assert acked.result == "1"  # it holds its descriptor
        assert calls["receive ACK"].result == "ACK(1)"
    assert claim.result.startswith("OK ") and claim.descriptor > 0
    d = claim.descriptor
    for (slot, _, _, label), (_, effect, _) in zip(walk(events), events, strict=True):
        if slot == TARGET and label in ("WSPSend", "WSPCloseSocket"):
            assert effect.call == f"{label}(s={d})" and effect.result == "OK"
        if slot == TARGET and label == "WSPEventSelect":
            assert effect.call == f"WSPEventSelect(s={d}, mask=0x1)"  # FD_READ
        if slot == SOURCE and label == "WSPCloseSocket":
            assert effect.call == "WSPCloseSocket(s=4)" and effect.result == "OK"
    final = events[-1][2]
    assert model.is_final(final) and all_released(final)
    source, target = final.regs[SOURCE], final.regs[TARGET]
    assert isinstance(source, SourceRegs) and isinstance(target, TargetRegs)
    assert source.closed and source.pins == (0,) and source.pcs == (DONE,)
    assert source.pids == (pid,) and source.sock == 4
    assert source.infos[0] is not None
    assert target.claimed and target.worked and target.sock == d and target.pcs == (DONE,)
    assert target.info == source.infos[0] and target.extra == 0
    assert not final.stale_use and not final.faulted


def test_a_source_serves_two_targets_phase_by_phase_and_closes_after_both_acknowledge() -> None:
    """M7: the source serves each target (its steps name the target), here in the seed's order;
    it closes its descriptor only once both have acknowledged, then lets both pins go."""
    model = HandoffModel(ScenarioConfig(provider="non-ifs", targets=2))
    events = drive(model)
    taken = [(slot, seed, label, step.target) for (slot, _, seed, label), (step, _, _) in zip(
        walk(events), events, strict=True
    )]  # fmt: skip
    assert taken == [
        (0, 1, "WSPSocket", -1),
        (0, 1, "WSPConnect", -1),
        (0, 1, "WSPSetSockOpt", -1),
        (0, 1, "WSPEventSelect", -1),
        (0, 2, "send PID_REQUEST", 0),
        (0, 2, "send PID_REQUEST", 1),
        (1, 3, "receive PID_REQUEST, reply", -1),
        (2, 3, "receive PID_REQUEST, reply", -1),
        (0, 4, "receive PID_REPLY", 0),
        (0, 4, "OpenProcess(target)", 0),
        (0, 4, "receive PID_REPLY", 1),
        (0, 4, "OpenProcess(target)", 1),
        (0, 5, "WSPDuplicateSocket", 0),
        (0, 5, "WSPDuplicateSocket", 1),
        (0, 6, "send INFO", 0),
        (0, 6, "send INFO", 1),
        (1, 7, "receive INFO", -1),
        (2, 7, "receive INFO", -1),
        (1, 8, "WSPSocket(info)", -1),
        (2, 8, "WSPSocket(info)", -1),
        (1, 10, "send ACK", -1),
        (1, 9, "WSPEventSelect", -1),
        (1, 9, "WSPSend", -1),
        (1, 9, "WSPCloseSocket", -1),
        (0, 10, "receive ACK", 0),
        (2, 10, "send ACK", -1),
        (2, 9, "WSPEventSelect", -1),
        (2, 9, "WSPSend", -1),
        (2, 9, "WSPCloseSocket", -1),
        (0, 10, "receive ACK", 1),
        (0, 10, "WSPCloseSocket", -1),
        (0, 10, "CloseHandle(target process)", -1),
        (0, 10, "CloseHandle(target process)", -1),
    ]
    w = events[-1][2].world
    pids = (w.procs[1].pid, w.procs[2].pid)
    dups = [e.call for s, e, _ in events if s.label == "WSPDuplicateSocket"]
    assert dups == [f"WSPDuplicateSocket(s=4, pid={pid})" for pid in pids]
    # The pins, 8 and 12 (M1), closed lowest value first.
    assert [e.call for s, e, _ in events if s.label.startswith("CloseHandle")] == [
        "CloseHandle(8)",
        "CloseHandle(12)",
    ]
    final = events[-1][2]
    source = final.regs[SOURCE]
    assert isinstance(source, SourceRegs)
    assert source.pids == pids and source.pins == (0, 0) and source.closed
    infos = source.infos
    assert infos[0] is not None and infos[1] is not None
    assert {infos[0].provider_reserved, infos[1].provider_reserved} == {1, 2}  # two shares
    assert all_released(final) and model.is_final(final)


def test_with_two_threads_a_helper_uses_each_descriptor_and_the_main_thread_joins_it() -> None:
    """R5: the source's helper sets the keep-alive option (the main thread then skips it), the
    target's helper registers for events and sends (the main thread waits to join it); each
    process joins its helper before it closes."""
    model = HandoffModel(ScenarioConfig(provider="ifs", threads=2))
    events = drive(model)
    assert walk(events) == [
        (0, 0, 1, "WSPSocket"),
        (0, 0, 1, "WSPConnect"),
        (0, 0, 1, "WSPEventSelect"),
        (0, 1, 1, "WSPSetSockOpt"),
        (0, 0, 2, "send PID_REQUEST"),
        (1, 0, 3, "receive PID_REQUEST, reply"),
        (0, 0, 4, "receive PID_REPLY"),
        (0, 0, 4, "OpenProcess(target)"),
        (0, 0, 5, "WSPDuplicateSocket"),
        (0, 0, 6, "send INFO"),
        (1, 0, 7, "receive INFO"),
        (1, 0, 8, "WSPSocket(info)"),
        (1, 0, 10, "send ACK"),
        (1, 1, 9, "WSPEventSelect"),
        (1, 1, 9, "WSPSend"),
        (1, 0, 9, "join helper threads"),
        (1, 0, 9, "WSPCloseSocket"),
        (0, 0, 10, "receive ACK"),
        (0, 0, 10, "join helper threads"),
        (0, 0, 10, "WSPCloseSocket"),
        (0, 0, 10, "CloseHandle(target process)"),
    ]
    helper = next(e for s, e, _ in events if s.slot == 0 and s.thread == 1)
    assert helper.call == "WSPSetSockOpt(s=4, opt=0x8, val=1)" and helper.result == "OK"
    target_helper = [e.call for s, e, _ in events if s.slot == 1 and s.thread == 1]
    claim = next(e for s, e, _ in events if s.label == "WSPSocket(info)")
    d = claim.descriptor
    assert target_helper == [f"WSPEventSelect(s={d}, mask=0x1)", f"WSPSend(s={d})"]
    final = events[-1][2]
    target = final.regs[TARGET]
    assert isinstance(target, TargetRegs) and target.worked and target.pcs == (DONE, DONE)
    assert final.regs[SOURCE].pcs == (DONE, DONE)
    assert all_released(final) and not final.stale_use


def test_a_helper_that_never_ran_exits_once_its_main_thread_is_done() -> None:
    """A helper thread that never got the descriptor (the source gave up at WSPSocket) leaves
    by an exit step of its own."""
    model = HandoffModel(ScenarioConfig(provider="ifs", threads=2))
    state = model.init_states()[0]
    state = state._replace(
        world=model.semantics.inject_failure(state.world, SOURCE, WSAError.WSAENOBUFS)
    )
    first = next(a for a in model.actions(state) if isinstance(a, Step) and a.slot == SOURCE)
    state, effect = model.execute(state, first)
    assert first.label == "WSPSocket" and effect.result == "WSAENOBUFS"
    assert effect.descriptor == 0  # a failed WSPSocket made none and was made on none
    source = state.regs[SOURCE]
    assert isinstance(source, SourceRegs) and source.pcs == (DONE, 0) and source.sock == 0
    assert source.phases == (6,)  # its one target given up on (served)
    mine = [a for a in model.actions(state) if isinstance(a, Step) and a.slot == SOURCE]
    assert mine == [Step(SOURCE, 1, "exit")]
    state, effect = model.execute(state, mine[0])
    assert effect.call == "exit" and effect.seed_step == 1
    assert state.regs[SOURCE].pcs == (DONE, DONE)
    # It told its target it gave up: the target's pipe is broken, so it stops waiting.
    target_steps = [a for a in model.actions(state) if isinstance(a, Step) and a.slot == TARGET]
    assert [a.label for a in target_steps] == ["receive PID_REQUEST, reply"]
    state, effect = model.execute(state, target_steps[0])
    assert effect.result == "broken pipe" and state.regs[TARGET].pcs[0] == DONE


SERVING_SOURCE = [
    (SOURCE, 0, 1, "WSPSocket"),
    (SOURCE, 0, 1, "WSPBind"),
]
SERVING_HANDOFF = [
    (SOURCE, 0, 1, "WSPSetSockOpt"),
    (SOURCE, 0, 1, "WSPEventSelect"),
    (SOURCE, 0, 2, "send PID_REQUEST"),
    (TARGET, 0, 3, "receive PID_REQUEST, reply"),
    (SOURCE, 0, 4, "receive PID_REPLY"),
    (SOURCE, 0, 4, "OpenProcess(target)"),
    (SOURCE, 0, 5, "WSPDuplicateSocket"),
    (SOURCE, 0, 6, "send INFO"),
    (TARGET, 0, 7, "receive INFO"),
    (TARGET, 0, 8, "WSPSocket(info)"),
    (TARGET, 0, 10, "send ACK"),
    # The worker waits for the network; the source, acknowledged, closes its own descriptor.
    (SOURCE, 0, 10, "receive ACK"),
    (SOURCE, 0, 10, "WSPCloseSocket"),
    (SOURCE, 0, 10, "CloseHandle(target process)"),
]


def test_a_prefork_worker_accepts_each_client_closes_it_and_stops_when_all_are_served() -> None:
    model = HandoffModel(ScenarioConfig(provider="non-ifs", pattern="listener", clients=2))
    events = drive(model)
    assert walk(events) == [
        *SERVING_SOURCE,
        (SOURCE, 0, 1, "WSPListen"),
        *SERVING_HANDOFF,
        (TARGET, 0, 9, "WSPAccept"),
        (TARGET, 0, 9, "WSPCloseSocket(accepted)"),
        (TARGET, 0, 9, "WSPAccept"),
        (TARGET, 0, 9, "WSPCloseSocket(accepted)"),
        (TARGET, 0, 9, "stop serving"),
        (TARGET, 0, 9, "WSPCloseSocket"),
    ]
    by_label = [(s.label, e) for s, e, _ in events]
    assert [e.call for label, e in by_label[:3]] == [
        f"WSPSocket(cat={model.catalog_id})",
        "WSPBind(s=4, port=80)",
        "WSPListen(s=4, backlog=2)",  # the model's SOMAXCONN
    ]
    source_events = next(e for label, e in by_label if label == "WSPEventSelect")
    assert source_events.call == "WSPEventSelect(s=4, mask=0x20)"  # FD_CLOSE alone
    shared = next(e for label, e in by_label if label == "WSPSocket(info)").descriptor
    accepted = [e for label, e in by_label if label == "WSPAccept"]
    closed = [e for label, e in by_label if label == "WSPCloseSocket(accepted)"]
    assert all(e.call == f"WSPAccept(s={shared})" and e.descriptor > 0 for e in accepted)
    assert [e.call for e in closed] == [f"WSPCloseSocket(s={e.descriptor})" for e in accepted]
    assert all(e.result == "OK" for e in closed)
    final = events[-1][2]
    target = final.regs[TARGET]
    assert isinstance(target, TargetRegs)
    assert target.served == 2 and target.conn == 0 and target.worked and target.pcs == (DONE,)
    assert final.net == 2 and all_released(final) and model.is_final(final)


def test_a_datagram_reader_reads_each_datagram_and_stops_when_all_are_read() -> None:
    model = HandoffModel(ScenarioConfig(provider="ifs", pattern="datagram", clients=2))
    events = drive(model)
    assert walk(events) == [
        *SERVING_SOURCE,
        *SERVING_HANDOFF,
        (TARGET, 0, 9, "WSPRecvFrom"),
        (TARGET, 0, 9, "WSPRecvFrom"),
        (TARGET, 0, 9, "stop serving"),
        (TARGET, 0, 9, "WSPCloseSocket"),
    ]
    assert events[0][1].call == f"WSPSocket(cat={model.catalog_id})"
    assert events[-1][2].world.sockets[0].kind[:2] == (AF_INET, SOCK_DGRAM)  # a UDP socket
    assert events[1][1].call == "WSPBind(s=4, port=53)"
    shared = next(e for s, e, _ in events if s.label == "WSPSocket(info)").descriptor
    reads = [e for s, e, _ in events if s.label == "WSPRecvFrom"]
    assert [e.call for e in reads] == [f"WSPRecvFrom(s={shared})"] * 2
    assert all(e.result.startswith("OK") for e in reads)
    final = events[-1][2]
    target = final.regs[TARGET]
    assert isinstance(target, TargetRegs)
    assert target.served == 2 and target.conn == 0 and target.worked
    assert final.world.sockets[0].taken == (1, 2) and all_released(final)


def until(model: HandoffModel, label: str, slot: int) -> tuple[list[Event], HandoffState]:
    """The seed-order run up to (not including) the first step ``label`` of ``slot``, and the
    state there."""
    events = drive(model)
    i = next(i for i, (step, _, _) in enumerate(events) if (step.slot, step.label) == (slot, label))
    before = events[i - 1][2] if i else model.init_states()[0]
    return events[:i], before


def steps_of(model: HandoffModel, state: HandoffState, slot: int) -> list[Step]:
    return [a for a in model.actions(state) if isinstance(a, Step) and a.slot == slot]


def test_a_target_whose_source_gave_up_stops_and_its_idle_helper_exits() -> None:
    """The source gives up at WSPSocket (a shortage) and closes its ends of the pipes: the
    target's wait for the pid request sees a broken pipe, it stops without acknowledging, and its
    helper thread, which never had a descriptor, exits."""
    model = HandoffModel(ScenarioConfig(provider="non-ifs", threads=2))
    s = model.init_states()[0]
    s = s._replace(world=model.semantics.inject_failure(s.world, SOURCE, WSAError.WSAENOBUFS))
    s, _ = model.execute(s, Step(SOURCE, 0, "WSPSocket"))
    s, _ = model.execute(s, Step(SOURCE, 1, "exit"))
    assert steps_of(model, s, TARGET) == [Step(TARGET, 0, "receive PID_REQUEST, reply")]
    s, effect = model.execute(s, Step(TARGET, 0, "receive PID_REQUEST, reply"))
    assert (effect.seed_step, effect.call, effect.result) == (3, "receive", "broken pipe")
    target = s.regs[TARGET]
    assert isinstance(target, TargetRegs) and target.pcs == (DONE, 0) and target.sock == 0
    assert steps_of(model, s, TARGET) == [Step(TARGET, 1, "exit")]
    s, effect = model.execute(s, Step(TARGET, 1, "exit"))
    assert (effect.slot, effect.thread, effect.seed_step, effect.call) == (TARGET, 1, 9, "exit")
    assert s.regs[TARGET].pcs == (DONE, DONE) and model.is_final(s)
    assert s.chans[0].open_ends == (False, False)  # both ends of the pipe closed


@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
def test_a_target_whose_claim_fails_acknowledges_with_zero_and_stops(provider: str) -> None:
    """A shortage in the target at step 8: WSPSocket(info) fails, the target says so (ACK 0)
    and stops without a descriptor; the source takes the acknowledgement and closes its own."""
    model = HandoffModel(ScenarioConfig(provider=provider))
    _, s = until(model, "WSPSocket(info)", TARGET)
    s = s._replace(world=model.semantics.inject_failure(s.world, TARGET, WSAError.WSAENOBUFS))
    events = drive(model, start=s)
    assert [(slot, seed, label) for slot, _, seed, label in walk(events)] == [
        (TARGET, 8, "WSPSocket(info)"),
        (TARGET, 10, "send ACK"),
        (SOURCE, 10, "receive ACK"),
        (SOURCE, 10, "WSPCloseSocket"),
        (SOURCE, 10, "CloseHandle(target process)"),
    ]
    claim, ack, received = (e for _, e, _ in events[:3])
    assert claim.result == "WSAENOBUFS" and ack.result == "0" and received.result == "ACK(0)"
    assert claim.descriptor == 0
    final = events[-1][2]
    target = final.regs[TARGET]
    assert isinstance(target, TargetRegs)
    assert not target.claimed and target.sock == 0 and not target.worked
    assert target.pcs == (DONE,) and model.is_final(final)
    # What the duplication made for the target (M3's handle, M4's share) holds the socket until
    # the target exits; then nothing is left.
    assert final.world.procs[SOURCE].handles == () and not all_released(final)
    gone = final._replace(world=model.semantics.exit_process(final.world, TARGET))
    assert all_released(gone)


def test_a_target_that_gets_its_info_twice_claims_it_again_and_is_refused() -> None:
    """R2 from the target's side: a duplicated INFO (an IPC fault) is received again once the
    target has used its descriptor, and claimed again; the claim is refused (single use), so
    it has no second descriptor, closes its own and stops."""
    model = HandoffModel(ScenarioConfig(provider="non-ifs", faults=Faults(duplicate=1)))
    _, s = until(model, "receive INFO", TARGET)
    s = model.next_state(s, Duplicate(0, Direction.DOWN, False, 0))
    events = drive(model, start=s)
    mine = [(seed, label) for slot, _, seed, label in walk(events) if slot == TARGET]
    assert mine == [
        (7, "receive INFO"),
        (8, "WSPSocket(info)"),
        (10, "send ACK"),
        (9, "WSPEventSelect"),
        (9, "WSPSend"),
        (7, "receive INFO again"),
        (8, "WSPSocket(info) again"),
        (9, "WSPCloseSocket"),
    ]
    again = next(e for step, e, _ in events if step.label == "WSPSocket(info) again")
    assert again.result == "WSAEINVAL"
    final = events[-1][2]
    target = final.regs[TARGET]
    assert isinstance(target, TargetRegs) and target.extra == 0 and target.pcs == (DONE,)
    assert all_released(final)


def test_a_target_that_gets_its_info_twice_from_a_provider_that_accepts_it_twice_closes_both() -> (
    None
):
    """With the seeded bug accept-twice the second claim succeeds: the target holds a second
    descriptor (extra), closes it first, then its own."""
    variant = next(v for v in CATALOGUE if v.name == "accept-twice")
    model = variant.model(variant.witness.with_(faults=Faults(duplicate=1)))
    _, s = until(model, "receive INFO", TARGET)
    s = model.next_state(s, Duplicate(0, Direction.DOWN, False, 0))
    events = drive(model, start=s)
    tail = [(step.label, e) for step, e, _ in events if step.slot == TARGET][-3:]
    (again, claimed), (close_extra, first), (close_own, second) = tail
    assert again == "WSPSocket(info) again" and claimed.result.startswith("OK")
    extra = claimed.descriptor
    assert close_extra == close_own == "WSPCloseSocket"
    assert claimed.seed_step == 8 and first.seed_step == second.seed_step == 9
    assert first.call == f"WSPCloseSocket(s={extra})"
    own = next(e for step, e, _ in events if step.label == "WSPSocket(info)").descriptor
    assert second.call == f"WSPCloseSocket(s={own})" and own != extra
    target = events[-1][2].regs[TARGET]
    assert isinstance(target, TargetRegs) and target.extra == 0 and target.pcs == (DONE,)


def test_a_source_waiting_for_a_pid_times_out_and_closes_and_its_target_sees_the_pipe_broken() -> (
    None
):
    """With losses possible, a blocked receive may time out (a fault of its own): the source
    gives up on the target, closes its end of the pipe and its descriptor; the target's reply
    is lost on the broken pipe and its wait for the info ends with a broken pipe."""
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(lose=1)))
    _, s = until(model, "receive PID_REQUEST, reply", TARGET)
    assert model.programs.source.timeouts(model, s, SOURCE) == [Timeout(SOURCE, 0, 0)]
    assert model.programs.target.timeouts(model, s, TARGET) == []  # the request is there
    s, effect = model.execute(s, Timeout(SOURCE, 0, 0))
    assert (effect.seed_step, effect.call, effect.result) == (10, "receive", "timed out")
    assert s.faulted
    source = s.regs[SOURCE]
    assert isinstance(source, SourceRegs) and source.phases == (6,)  # served (given up)
    events = drive(model, start=s)
    pid = s.world.procs[TARGET].pid
    assert [(slot, seed, label, e.result) for (slot, _, seed, label), (_, e, _) in zip(
        walk(events), events, strict=True
    )] == [
        (TARGET, 3, "receive PID_REQUEST, reply", f"reply PID_REPLY({pid})"),
        (TARGET, 7, "receive INFO", "broken pipe"),
        (SOURCE, 10, "WSPCloseSocket", "OK"),
    ]  # fmt: skip
    assert all_released(events[-1][2])


def test_a_target_waiting_for_the_pid_request_may_time_out_and_stop() -> None:
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(lose=1)))
    s = model.init_states()[0]
    assert model.programs.target.timeouts(model, s, TARGET) == [Timeout(TARGET, 0)]
    assert model.programs.source.timeouts(model, s, SOURCE) == []  # not serving yet
    s, effect = model.execute(s, Timeout(TARGET, 0))
    assert (effect.slot, effect.thread, effect.seed_step, effect.call, effect.result) == (
        TARGET, 0, 3, "receive", "timed out",
    )  # fmt: skip
    target = s.regs[TARGET]
    assert isinstance(target, TargetRegs) and target.pcs == (DONE,) and s.faulted
    assert s.chans[0].open_ends[1] is False  # its end of the pipe closed


def test_two_prefork_workers_both_stop_once_the_network_has_sent_every_client() -> None:
    """The first worker (the seed's order) accepts both clients; the second, having served none,
    stops too once the network has sent every client and none waits: no worker blocks forever."""
    model = HandoffModel(
        ScenarioConfig(provider="non-ifs", pattern="listener", clients=2, targets=2)
    )
    events = drive(model)
    final = events[-1][2]
    assert model.is_final(final) and all_released(final) and final.net == 2
    served = [r.served for r in final.regs[1:] if isinstance(r, TargetRegs)]
    assert served == [2, 0]
    stops = [(s.slot, e.call, e.seed_step) for s, e, _ in events if s.label == "stop serving"]
    assert stops == [(1, "stop serving", 9), (2, "stop serving", 9)]


def test_a_worker_with_a_helper_thread_joins_it_before_it_closes_the_shared_socket() -> None:
    model = HandoffModel(ScenarioConfig(provider="ifs", pattern="listener", clients=1, threads=2))
    events = drive(model)
    target_main = [s.label for s, _, _ in events if s.slot == TARGET and s.thread == 0]
    assert target_main[-3:] == ["stop serving", "join helper threads", "WSPCloseSocket"]
    join = next(
        i for i, (s, _, _) in enumerate(events) if s.slot == TARGET and s.label.startswith("join")
    )
    helper = [i for i, (s, _, _) in enumerate(events) if s.slot == TARGET and s.thread == 1]
    assert len(helper) == 2 and max(helper) < join  # WSPEventSelect and WSPSend, joined
    final = events[-1][2]
    assert final.regs[TARGET].pcs == (DONE, DONE) and all_released(final)


def source_regs(s: HandoffState) -> SourceRegs:
    regs = s.regs[SOURCE]
    assert isinstance(regs, SourceRegs)
    return regs


def test_a_source_that_cannot_pin_an_exited_target_gives_up_on_it_and_closes() -> None:
    """The target crashes after its reply: OpenProcess finds no process with that pid, so the
    source gives up on the target (served) and closes its descriptor; it holds no pin."""
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(crash=1)))
    _, s = until(model, "OpenProcess(target)", SOURCE)
    pid = s.world.procs[TARGET].pid
    s = model.next_state(s, Crash(TARGET))
    events = drive(model, start=s)
    assert [(slot, seed, label) for slot, _, seed, label in walk(events)] == [
        (SOURCE, 4, "OpenProcess(target)"),
        (SOURCE, 10, "WSPCloseSocket"),
    ]
    opened = events[0][1]
    assert (opened.call, opened.result) == (f"OpenProcess({pid})", "WSAEINVAL")
    final = events[-1][2]
    assert source_regs(final).pins == (0,) and source_regs(final).pcs == (DONE,)
    assert all_released(final)


def test_a_source_that_pins_a_reused_pid_sees_the_pipe_gone_and_lets_the_pin_go() -> None:
    """The target crashed and a new process got its pid: OpenProcess succeeds, but the pipe to
    the target is gone, so the process pinned is not the target: the source closes the handle
    at once and gives up on the target."""
    model = HandoffModel(ScenarioConfig(provider="non-ifs", faults=Faults(crash=1, reuse_pid=1)))
    _, s = until(model, "OpenProcess(target)", SOURCE)
    pid = s.world.procs[TARGET].pid
    s = model.next_state(s, Crash(TARGET))
    s = model.next_state(s, ReusePid(TARGET))
    stranger = len(s.regs) - 1
    assert s.world.procs[stranger].pid == pid
    s, effect = model.execute(s, Step(SOURCE, 0, "OpenProcess(target)", 0))
    assert (effect.seed_step, effect.call) == (4, f"OpenProcess({pid})")
    assert effect.result == "pipe gone: unpinned"
    assert source_regs(s).pins == (0,) and source_regs(s).phases == (6,)  # served
    assert not any(h.kind is HandleKind.PROCESS for h in s.world.procs[SOURCE].handles)
    assert steps_of(model, s, SOURCE) == [Step(SOURCE, 0, "WSPCloseSocket")]


@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
def test_a_source_whose_duplication_fails_gives_up_on_the_target_and_closes(provider: str) -> None:
    """A shortage at step 5: the source sends no info, closes its end of the pipe, closes its
    descriptor and lets the pin go; the target, waiting for the info, sees the pipe broken."""
    model = HandoffModel(ScenarioConfig(provider=provider))
    _, s = until(model, "WSPDuplicateSocket", SOURCE)
    s = s._replace(world=model.semantics.inject_failure(s.world, SOURCE, WSAError.WSAENOBUFS))
    events = drive(model, start=s)
    assert [(slot, seed, label) for slot, _, seed, label in walk(events)] == [
        (SOURCE, 5, "WSPDuplicateSocket"),
        (TARGET, 7, "receive INFO"),
        (SOURCE, 10, "WSPCloseSocket"),
        (SOURCE, 10, "CloseHandle(target process)"),
    ]
    assert events[0][1].result == "WSAENOBUFS" and events[1][1].result == "broken pipe"
    final = events[-1][2]
    assert source_regs(final).infos == (None,) and all_released(final)


def test_a_source_ignores_a_duplicated_pid_reply_while_it_waits_for_the_acknowledgement() -> None:
    """An IPC fault duplicates the target's PID_REPLY: the second copy reaches the source while
    it waits for the ACK; it is taken and ignored (the source keeps waiting), then the ACK
    comes and the source closes."""
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(duplicate=1)))
    _, s = until(model, "receive PID_REPLY", SOURCE)
    s = model.next_state(s, Duplicate(0, Direction.UP, False, 0))
    events = drive(model, start=s)
    mine = [(seed, label, e.result) for (slot, _, seed, label), (_, e, _) in zip(
        walk(events), events, strict=True
    ) if slot == SOURCE]  # fmt: skip
    pid = s.world.procs[TARGET].pid
    assert mine[:2] == [
        (4, "receive PID_REPLY", f"PID_REPLY({pid})"),
        (4, "OpenProcess(target)", "8"),
    ]
    assert mine[4:] == [
        (10, "receive ACK", f"PID_REPLY({pid})"),  # the stray copy, ignored
        (10, "receive ACK", "ACK(1)"),
        (10, "WSPCloseSocket", "OK"),
        (10, "CloseHandle(target process)", "OK"),
    ]
    stray = next(
        st
        for (step, e, st) in events
        if e.result == f"PID_REPLY({pid})" and step.label == "receive ACK"
    )
    assert source_regs(stray).phases == (5,) and source_regs(stray).pids == (pid,)  # still waiting
    assert all_released(events[-1][2])


def test_a_source_that_times_out_on_one_of_two_targets_serves_the_other() -> None:
    model = HandoffModel(ScenarioConfig(provider="non-ifs", targets=2, faults=Faults(lose=1)))
    _, s = until(model, "receive PID_REQUEST, reply", 1)
    assert model.programs.source.timeouts(model, s, SOURCE) == [
        Timeout(SOURCE, 0, 0),
        Timeout(SOURCE, 0, 1),
    ]
    s, effect = model.execute(s, Timeout(SOURCE, 0, 1))
    assert (effect.slot, effect.thread, effect.seed_step, effect.descriptor) == (SOURCE, 0, 10, 0)
    assert source_regs(s).phases == (1, 6) and source_regs(s).pcs == (4,)  # still serving 0
    assert s.chans[1].open_ends[0] is False and s.chans[0].open_ends[0] is True


def test_a_worker_that_does_not_acknowledge_goes_straight_to_serving_the_network() -> None:
    """Without step 10's arrow a target serves as soon as it holds its descriptor: a prefork
    worker goes to its accept loop, not to the seed's WSPEventSelect and WSPSend."""
    model = HandoffModel(
        ScenarioConfig(provider="non-ifs", pattern="listener", clients=1, ack=False)
    )
    events = drive(model)
    target = [s.label for s, _, _ in events if s.slot == TARGET]
    assert target == [
        "receive PID_REQUEST, reply",
        "receive INFO",
        "WSPSocket(info)",
        "WSPAccept",
        "WSPCloseSocket(accepted)",
        "stop serving",
        "WSPCloseSocket",
    ]
    assert all_released(events[-1][2])


def test_with_explicit_delivery_a_message_waits_on_the_wire_until_it_is_delivered() -> None:
    """The simulator's mode: a write goes onto the wire, and the reader can take it only after a
    delivery action moves it to its inbox."""
    model = HandoffModel(ScenarioConfig(provider="ifs", explicit_delivery=True))
    _, s = until(model, "send PID_REQUEST", SOURCE)
    s, _ = model.execute(s, Step(SOURCE, 0, "send PID_REQUEST", 0))
    down = s.chans[0]
    assert [m.kind.name for m in down.wire[Direction.DOWN]] == ["PID_REQUEST"]
    assert down.inbox[Direction.DOWN] == ()
    assert steps_of(model, s, TARGET) == []  # nothing to read yet
    assert Deliver(0, Direction.DOWN) in model.actions(s)
    s = model.next_state(s, Deliver(0, Direction.DOWN))
    assert s.chans[0].wire[Direction.DOWN] == ()
    assert steps_of(model, s, TARGET) == [Step(TARGET, 0, "receive PID_REQUEST, reply")]


def test_a_target_that_acknowledges_before_it_claims_then_claims_and_uses_the_socket() -> None:
    """The seeded bug ack-before-claim, on a provider that holds a reference from duplication
    (where it is harmless): the ACK goes out at the info, then the target claims and does the
    seed's data exchange."""
    variant = next(v for v in CATALOGUE if v.name == "ack-before-claim")
    model = variant.model(variant.witness.with_(provider="non-ifs"))
    events = drive(model)
    assert [s.label for s, _, _ in events if s.slot == TARGET] == [
        "receive PID_REQUEST, reply",
        "receive INFO",
        "send ACK",
        "WSPSocket(info)",
        "WSPEventSelect",
        "WSPSend",
        "WSPCloseSocket",
    ]
    assert all_released(events[-1][2])


def test_a_helper_whose_value_now_names_another_socket_is_seen_as_a_stale_use() -> None:
    """The seeded bug stale-handle-reuse: the source closes without joining its helper and makes
    its next socket, which gets the same value (M1); the helper, held back until that, sets its
    option through that value on the new socket: the call succeeds, and the stale_use ghost
    (R5) records that a value reached a socket it was not handed for."""
    variant = next(v for v in CATALOGUE if v.name == "stale-handle-reuse")
    model = variant.model()

    def until_reopened(step: Step, events: list[Event]) -> bool:
        reopened = any(s.label == "WSPSocket (next connection)" for s, _, _ in events)
        return (step.slot, step.thread) == (SOURCE, 1) and not reopened

    events = drive(model, hold=until_reopened)
    helper = [(s, e, st) for s, e, st in events if (s.slot, s.thread) == (SOURCE, 1)]
    assert len(helper) == 1
    step, effect, after = helper[0]
    assert step.label == "WSPSetSockOpt" and effect.call == "WSPSetSockOpt(s=4, opt=0x8, val=1)"
    assert effect.result == "OK" and after.stale_use
    before = events[events.index(helper[0]) - 1][2]
    assert not before.stale_use  # the helper's call, and nothing earlier, set it
    # The correct source joins its helper first: held back just as long, it is no stale use.
    correct = drive(HandoffModel(variant.witness), hold=until_reopened)
    assert not correct[-1][2].stale_use


def test_an_effect_names_its_process_thread_and_the_descriptor_the_call_used_or_made() -> None:
    """A trace's effect: the slot and thread that stepped, and the descriptor (the one a call
    made, else the one it was made on; 0 for what is not a call on a descriptor)."""
    model = HandoffModel(ScenarioConfig(provider="non-ifs", threads=2))
    events = drive(model)
    for step, effect, _ in events:
        assert (effect.slot, effect.thread) == (step.slot, step.thread), step
    by = {(s.slot, s.label): e for s, e, _ in events}
    claim = by[(TARGET, "WSPSocket(info)")].descriptor
    assert by[(SOURCE, "WSPSocket")].descriptor == 4
    assert by[(SOURCE, "WSPConnect")].descriptor == 4  # no value: the descriptor called on
    assert by[(SOURCE, "WSPSetSockOpt")].descriptor == 4  # the helper's
    assert by[(SOURCE, "WSPDuplicateSocket")].descriptor == 4  # its value is an info
    assert by[(TARGET, "WSPSend")].descriptor == claim > 0
    assert by[(SOURCE, "send PID_REQUEST")].descriptor == 0
    assert by[(TARGET, "receive INFO")].descriptor == 0


def test_a_source_offers_a_timeout_only_for_a_target_it_waits_on_with_nothing_to_read() -> None:
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(lose=1)))
    _, s = until(model, "WSPDuplicateSocket", SOURCE)
    assert source_regs(s).phases == (3,)  # about to duplicate: not waiting
    assert model.programs.source.timeouts(model, s, SOURCE) == []
    _, s = until(model, "receive ACK", SOURCE)
    assert source_regs(s).phases == (5,)  # the ACK is there to read
    assert model.programs.source.timeouts(model, s, SOURCE) == []


def test_a_source_lets_its_pins_go_lowest_handle_value_first_whatever_the_targets_order() -> None:
    """M7: the source may serve the second target first, which then holds the lower pin (8);
    the pins are closed lowest value first, so the order does not tell the targets apart."""
    model = HandoffModel(ScenarioConfig(provider="non-ifs", targets=2))

    def second_first(step: Step, events: list[Event]) -> bool:
        pinned = any(s.label == "OpenProcess(target)" and s.target == 1 for s, _, _ in events)
        return step.slot == SOURCE and step.target == 0 and not pinned

    events = drive(model, hold=second_first)
    assert source_regs(events[-1][2]).pins == (0, 0)
    closes = [(e.call, st) for s, e, st in events if s.label == "CloseHandle(target process)"]
    assert [call for call, _ in closes] == ["CloseHandle(8)", "CloseHandle(12)"]
    assert source_regs(closes[0][1]).pins == (12, 0)  # target 1's pin, 8, went first
    assert all_released(events[-1][2])


def test_each_step_that_is_not_an_spi_call_says_what_it_did() -> None:
    """A trace's effects for the pipe, the joins and a stray message: what was done and, for a
    message, what it carried (empty when there is nothing to say)."""
    model = HandoffModel(ScenarioConfig(provider="ifs", threads=2))
    events = drive(model)
    said = {(s.slot, s.label): (e.call, e.result) for s, e, _ in events}
    info = source_regs(events[-1][2]).infos[0]
    assert said[(SOURCE, "send PID_REQUEST")] == ("send PID_REQUEST", "")
    assert said[(SOURCE, "send INFO")] == ("send INFO", str(info))
    assert said[(TARGET, "send ACK")] == ("send ACK", "1")
    assert said[(TARGET, "join helper threads")] == ("join helpers", "")
    assert said[(SOURCE, "join helper threads")] == ("join helpers", "")
    assert said[(TARGET, "receive INFO")] == ("receive", f"INFO({info})")
    # A duplicated info, received again once the target is done with its first.
    model = HandoffModel(ScenarioConfig(provider="non-ifs", faults=Faults(duplicate=1)))
    _, s = until(model, "receive INFO", TARGET)
    s = model.next_state(s, Duplicate(0, Direction.DOWN, False, 0))
    events = drive(model, start=s)
    again = next(e for st, e, _ in events if st.label == "receive INFO again")
    first = next(e for st, e, _ in events if st.label == "receive INFO")
    assert (again.seed_step, again.call, again.result) == (7, "receive", first.result)
    assert first.result.startswith("INFO(info(")


@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
def test_with_three_threads_both_helpers_of_each_process_run_and_are_joined(provider: str) -> None:
    model = HandoffModel(ScenarioConfig(provider=provider, threads=3))
    events = drive(model)
    final = events[-1][2]
    assert model.is_final(final) and all_released(final) and not final.stale_use
    helpers = [(s.slot, s.thread, s.label) for s, _, _ in events if s.thread > 0]
    assert sorted(helpers) == [
        (SOURCE, 1, "WSPSetSockOpt"),
        (SOURCE, 2, "WSPSetSockOpt"),
        (TARGET, 1, "WSPEventSelect"),
        (TARGET, 1, "WSPSend"),
        (TARGET, 2, "WSPEventSelect"),
        (TARGET, 2, "WSPSend"),
    ]
    assert final.regs[SOURCE].pcs == final.regs[TARGET].pcs == (DONE, DONE, DONE)


def test_the_programs_start_with_nothing_held_nothing_learned_and_nothing_done() -> None:
    model = HandoffModel(ScenarioConfig(provider="ifs", targets=2, threads=2))
    regs = model.init_states()[0].regs
    assert regs[SOURCE] == SourceRegs(
        (0, 0), 0, -1, (0, 0), (0, 0), (0, 0), (None, None), False, 0
    )  # fmt: skip
    for k in (0, 1):
        assert regs[1 + k] == TargetRegs(
            pcs=(0, 0), sock=0, sock_id=-1, info=None, claimed=False, extra=0, chan=k
        )
        target = regs[1 + k]
        assert isinstance(target, TargetRegs) and target.claimed is False
        assert (target.worked, target.conn, target.served) == (False, 0, 0)
    source = regs[SOURCE]
    assert isinstance(source, SourceRegs) and source.closed is False


def test_a_target_ignores_a_duplicated_pid_request_while_it_waits_for_the_info() -> None:
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(duplicate=1)))
    _, s = until(model, "receive PID_REQUEST, reply", TARGET)
    s = model.next_state(s, Duplicate(0, Direction.DOWN, False, 0))
    s, first = model.execute(s, Step(TARGET, 0, "receive PID_REQUEST, reply"))
    assert first.result.startswith("reply PID_REPLY(")
    assert steps_of(model, s, TARGET) == [Step(TARGET, 0, "receive INFO")]
    s2, stray = model.execute(s, Step(TARGET, 0, "receive INFO"))
    assert (stray.seed_step, stray.call, stray.result) == (7, "receive", "PID_REQUEST")
    assert s2.regs[TARGET] == s.regs[TARGET]  # still waiting for the info
    assert s2.chans[0].inbox[Direction.UP] == s.chans[0].inbox[Direction.UP]  # no second reply
    assert s2.chans[0].inbox[Direction.DOWN] == ()


def test_a_source_sees_the_pipe_broken_once_its_target_has_closed_its_end() -> None:
    """The target gave up waiting (a timeout) and closed its end of the pipe, though its process
    lives on: the source's wait for the pid then ends with a broken pipe, not a block."""
    model = HandoffModel(ScenarioConfig(provider="ifs", faults=Faults(lose=1)))
    s = model.init_states()[0]
    s, _ = model.execute(s, Timeout(TARGET, 0))
    assert s.chans[0].open_ends == (True, False) and s.world.procs[TARGET].alive
    events = drive(model, start=s)
    mine = [(label, e.result) for (slot, _, _, label), (_, e, _) in zip(
        walk(events), events, strict=True
    ) if slot == SOURCE]  # fmt: skip
    assert ("receive PID_REPLY", "broken pipe") in mine
    broke = next(e for st, e, _ in events if e.result == "broken pipe")
    assert (broke.slot, broke.seed_step, broke.call) == (SOURCE, 4, "receive")
    assert [label for label, _ in mine][-1] == "WSPCloseSocket"
    assert all_released(events[-1][2])


def test_a_source_helper_waits_until_the_socket_is_connected() -> None:
    """R5 in the seed: the helper uses the descriptor only once the main thread has connected
    it, so right after WSPSocket only the main thread can step."""
    model = HandoffModel(ScenarioConfig(provider="ifs", threads=2))
    s, _ = model.execute(model.init_states()[0], Step(SOURCE, 0, "WSPSocket"))
    assert source_regs(s).sock == 4
    assert steps_of(model, s, SOURCE) == [Step(SOURCE, 0, "WSPConnect")]
    s, _ = model.execute(s, Step(SOURCE, 0, "WSPConnect"))
    assert steps_of(model, s, SOURCE) == [
        Step(SOURCE, 0, "WSPEventSelect"),
        Step(SOURCE, 1, "WSPSetSockOpt"),
    ]


def test_a_source_whose_set_up_fails_tells_its_targets_and_closes_its_descriptor() -> None:
    """The listener's WSPBind fails (the port is taken by another socket): the source closes its
    ends of the pipes, gives up on every target and closes its descriptor (step 10); its target
    sees the pipe broken."""
    model = HandoffModel(ScenarioConfig(provider="non-ifs", pattern="listener", clients=1))
    s = model.init_states()[0]
    sem = model.semantics
    w, r = sem.call(s.world, TARGET, 0, WSPSocket(model.catalog_id))
    assert isinstance(r.value, int)
    w, bound = sem.call(w, TARGET, 0, WSPBind(r.value, 80))
    assert bound.ok
    events = drive(model, start=s._replace(world=w))
    assert [(slot, seed, label, e.result) for (slot, _, seed, label), (_, e, _) in zip(
        walk(events), events, strict=True
    )] == [
        (SOURCE, 1, "WSPSocket", "OK 4"),
        (SOURCE, 1, "WSPBind", "WSAEADDRINUSE"),
        (TARGET, 3, "receive PID_REQUEST, reply", "broken pipe"),
        (SOURCE, 10, "WSPCloseSocket", "OK"),
    ]  # fmt: skip
    final = events[-1][2]
    source = source_regs(final)
    assert source.phases == (6,) and source.closed and source.pcs == (DONE,)
    assert final.chans[0].open_ends == (False, False)


def test_a_sources_receive_says_it_received_and_what() -> None:
    model = HandoffModel(ScenarioConfig(provider="non-ifs"))
    events = drive(model)
    pid = events[-1][2].world.procs[TARGET].pid
    said = [(e.seed_step, e.call, e.result) for s, e, _ in events if s.label.startswith("receive")]
    assert said == [
        (3, "receive", f"reply PID_REPLY({pid})"),  # the target's, answered at once
        (4, "receive", f"PID_REPLY({pid})"),
        (7, "receive", said[2][2]),
        (10, "receive", "ACK(1)"),
    ]
    assert said[2][2].startswith("INFO(info(")
