"""Hypothesis state machines over the executable semantics.

``call_machine(make_semantics)`` drives a world with arbitrary SPI calls (the endpoint calls
beyond the seed among them), the network's arrivals and closes, process events and injected
failures (through ``Driver``, which checks every property after each step); protocol
infos that duplications return go into a Bundle and come back replayed, misdelivered to other
processes, or beside forged ones.  ``scenario_machine(make_model)`` walks a ``HandoffModel``,
choosing among ``model.actions(state)`` (faults included, within the model's budget) and checks
``properties.handoff.violations`` after each step; a PCT schedule (``properties.stateful.pct``)
picks the action, so a fault lands at the one moment a race needs it.  Both take a factory, so
a seeded bug is run by passing its semantics or model.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
)
from wspshare.models.calls import (
    WSPAccept,
    WSPBind,
    WSPDuplicateSocket,
    WSPListen,
    WSPRecvFrom,
    WSPSocket,
)
from wspshare.models.errors import WSAError
from wspshare.models.scenario import HandoffModel, HandoffState
from wspshare.models.semantics import Semantics
from wspshare.models.state import AF_INET, FROM_PROTOCOL_INFO, SOCK_DGRAM, ProtocolInfo
from wspshare.properties.handoff import violations
from wspshare.properties.stateful.driver import (
    Driver,
    PropertyViolation,
    TraceRow,
    descriptors,
    refs,
)
from wspshare.properties.stateful.ops import (
    CATALOGS,
    DATA_CALLS,
    MAX_SLOTS,
    PORTS,
    CallOp,
    DescPick,
    ExitOp,
    InfoPick,
    InjectOp,
    NetOp,
    PeerOp,
    SpawnOp,
    call_ops,
    desc_picks,
    endpoint_ops,
    info_picks,
    pid_picks,
    slots,
    threads,
)
from wspshare.properties.stateful.pct import PctSchedule

# The network's events, aimed first at the ports ``serving_socket`` binds.
arrivals = st.one_of(
    st.builds(NetOp, st.booleans(), st.sampled_from((80, 81, *PORTS)), st.integers(1, 9)),
    st.builds(PeerOp, st.integers(0, 7)),
)


def call_machine(
    make_semantics: Callable[[], Semantics], endpoints: bool = False
) -> type[RuleBasedStateMachine]:
    """A call-level machine over the semantics ``make_semantics()`` builds; with ``endpoints``
    it also draws the calls beyond the seed and the network's events.

    Off by default: two more rules change every derandomized example of the seed's machine, and
    the kill matrix and the seeded-bug tests rest on those examples and their shrunk stories
    (the leaky-exit story grew from 4 steps to 5 with them on)."""

    class CallLevel(RuleBasedStateMachine):
        infos = Bundle("infos")

        def __init__(self) -> None:
            super().__init__()
            self.driver = Driver.start(make_semantics())

        @rule(slot=slots, thread=threads, catalog=st.sampled_from((*CATALOGS, 0)))
        def socket(self, slot: int, thread: int, catalog: int) -> None:
            self.driver.call(slot, thread, WSPSocket(catalog))

        @rule(target=infos, slot=slots, thread=threads, desc=desc_picks, pid=pid_picks)
        def duplicate(self, slot: int, thread: int, desc: object, pid: object) -> object:
            d = self.driver
            call = WSPDuplicateSocket(d.descriptor(slot, desc), d.pid(pid))  # type: ignore[arg-type]
            result = d.call(slot, thread, call)
            return result.value if isinstance(result.value, ProtocolInfo) else multiple()

        @rule(info=infos, slot=slots, thread=threads)
        def claim(self, info: ProtocolInfo, slot: int, thread: int) -> None:
            """The info as made, claimed by any process: the target, a replay, a misdelivery."""
            self.driver.call(slot, thread, WSPSocket(info=info))

        @rule(info=infos, slot=slots, reserved=st.integers(-1, 40))
        def claim_forged_reserved(self, info: ProtocolInfo, slot: int, reserved: int) -> None:
            """A copy of a real info with ``dwProviderReserved`` guessed."""
            self.driver.call(slot, 0, WSPSocket(info=info._replace(provider_reserved=reserved)))

        @rule(slot=slots, thread=threads, pick=info_picks.map(lambda p: p._replace(source="f")))
        def claim_forged(self, slot: int, thread: int, pick: InfoPick) -> None:
            self.driver.call(slot, thread, WSPSocket(info=self.driver.info(pick)))

        @rule(op=call_ops.filter(lambda op: op.name in DATA_CALLS))
        def descriptor_call(self, op: CallOp) -> None:
            self.driver.apply(op)

        @rule(threads=st.integers(1, 2))
        def spawn(self, threads: int) -> None:
            self.driver.apply(SpawnOp(threads, -1))

        @precondition(lambda self: len(self.driver.world.procs) < MAX_SLOTS)
        @rule(dead=st.integers(0, MAX_SLOTS - 1))
        def spawn_reusing_pid(self, dead: int) -> None:
            self.driver.apply(SpawnOp(1, dead))

        @rule(slot=slots)
        def exit_process(self, slot: int) -> None:
            self.driver.apply(ExitOp(slot))

        @rule(
            slot=st.integers(0, 2), error=st.sampled_from((WSAError.WSAENOBUFS, WSAError.WSAEMFILE))
        )
        def inject_failure(self, slot: int, error: WSAError) -> None:
            self.driver.apply(InjectOp(slot, error))

        @invariant()
        def world_invariants_hold(self) -> None:
            self.driver.check()

    if not endpoints:
        return CallLevel

    class CallLevelWithEndpoints(CallLevel):
        @rule(
            slot=st.integers(0, 1),
            catalog=st.sampled_from(CATALOGS),
            datagram=st.booleans(),
            port=st.sampled_from((80, 81, 0)),
            backlog=st.integers(0, 3),
        )
        def serving_socket(
            self, slot: int, catalog: int, datagram: bool, port: int, backlog: int
        ) -> None:
            """Well aimed: a bound datagram socket or a listening stream socket, so that the
            network's clients and datagrams find one and accepts and reads succeed."""
            kind = (AF_INET, SOCK_DGRAM, 0) if datagram else (FROM_PROTOCOL_INFO,) * 3
            made = self.driver.call(slot, 0, WSPSocket(catalog, None, *kind))
            if isinstance(made.value, int):
                self.driver.call(slot, 0, WSPBind(made.value, port))
                if not datagram:
                    self.driver.call(slot, 0, WSPListen(made.value, backlog))

        @rule(slot=st.integers(0, 1), nth=st.integers(0, 3), datagram=st.booleans())
        def serve(self, slot: int, nth: int, datagram: bool) -> None:
            """Well aimed: accept a connection or read a datagram through one of the caller's
            own descriptors (which may be neither listening nor a datagram socket)."""
            s = self.driver.descriptor(slot, DescPick("own", nth, 0))
            self.driver.call(slot, 0, WSPRecvFrom(s) if datagram else WSPAccept(s))

        @rule(op=endpoint_ops)
        def endpoint_call(self, op: CallOp) -> None:
            """The calls beyond the seed (R12, R14, R15): any kind of socket, bind, listen,
            accept, datagrams, shutdown, overlapped receives and accepts, with good and bad
            ports, backlogs, ``how`` values and triples."""
            self.driver.apply(op)

        @rule(op=arrivals)
        def network(self, op: NetOp | PeerOp) -> None:
            """A client connects, a datagram arrives (mostly where ``serving_socket`` binds), or
            a connected socket's peer closes."""
            self.driver.apply(op)

    return CallLevelWithEndpoints


def scenario_machine(make_model: Callable[[], HandoffModel]) -> type[RuleBasedStateMachine]:
    """A scenario-level machine: one behaviour of ``make_model()`` per example, scheduled by PCT."""

    class ScenarioLevel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model = make_model()
            self.state: HandoffState = self.model.init_states()[0]
            self.schedule = PctSchedule()
            self.trace: list[TraceRow] = []

        def enabled(self) -> bool:
            return bool(self.model.actions(self.state))

        @precondition(lambda self: self.enabled())
        @rule(data=st.data())
        def act(self, data: st.DataObject) -> None:
            action = self.schedule.pick(data, self.model.actions(self.state))
            self.state, effect = self.model.execute(self.state, action)
            w = self.state.world
            actor = f"P{effect.slot}.T{effect.thread}" if effect.thread >= 0 else "-"
            self.trace.append(
                (
                    str(len(self.trace) + 1),
                    actor,
                    effect.call,
                    effect.result,
                    descriptors(w),
                    refs(w),
                )
            )
            found = violations(self.model, self.state)
            if found:
                raise PropertyViolation(found[0][0], found[0][1], list(self.trace))

        @precondition(lambda self: not self.enabled())
        @rule()
        def quiescent(self) -> None:
            """Nothing is enabled: the behaviour has ended (Hypothesis needs a rule to run)."""

    return ScenarioLevel
