"""The handoff scenario as a ``Model``: the state space the checker explores and the simulator runs.

Slot 0 is the source, slots 1..k the targets, then an optional stranger; a fault that reuses a
pid adds a stranger slot.  Actions are the enabled steps of every thread, IPC deliveries (with
explicit delivery), and faults within the configured budget (M5).  ``execute`` also returns what
the action did, for traces; ``next_state`` is its first half.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Protocol

from wspshare.models.errors import ModelError, WSAError
from wspshare.models.kernel import replace_at
from wspshare.models.memo import Memo
from wspshare.models.profiles import profile_named
from wspshare.models.protocol import Property
from wspshare.models.providers import Provider
from wspshare.models.providers.layered import install_chain, top_of_chain
from wspshare.models.scenario.actions import (
    Action,
    Arrive,
    Crash,
    Deliver,
    Duplicate,
    Effect,
    Exhaust,
    Lose,
    Reorder,
    ReusePid,
    Step,
    Timeout,
)
from wspshare.models.scenario.config import ScenarioConfig
from wspshare.models.scenario.independence import persistent_set
from wspshare.models.scenario.messages import Channel, Direction
from wspshare.models.scenario.roles.common import Outcome
from wspshare.models.scenario.roles.source import SourceProgram
from wspshare.models.scenario.roles.stranger import StrangerProgram
from wspshare.models.scenario.roles.target import TargetProgram
from wspshare.models.scenario.state import (
    DONE,
    MAIN,
    HandoffState,
    Regs,
    SourceRegs,
    StrangerRegs,
    TargetRegs,
)
from wspshare.models.scenario.symmetry import (
    SortedTargets,
    canonical,
    reduces,
    rename_world,
    sort_targets,
)
from wspshare.models.semantics import Semantics
from wspshare.models.state import Result, SocketStatus, World

if TYPE_CHECKING:
    from wspshare.models.scenario.compact import CompactHandoff

CRASH, LOSE, DUPLICATE, REORDER, REUSE_PID, EXHAUST = range(6)
SHORTAGES = (WSAError.WSAENOBUFS, WSAError.WSAEMFILE)  # M5: lack of resources


ActionPart = Callable[[HandoffState], Sequence[Action]]


class Program(Protocol):
    def steps(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Step]: ...
    def timeouts(self, m: HandoffModel, s: HandoffState, slot: int) -> list[Timeout]: ...
    def run(self, m: HandoffModel, s: HandoffState, step: Step) -> Outcome: ...


@dataclass(frozen=True)
class Programs:
    """The three roles' programs; a protocol variant swaps one of them."""

    source: SourceProgram = field(default_factory=SourceProgram)
    target: TargetProgram = field(default_factory=TargetProgram)
    stranger: StrangerProgram = field(default_factory=StrangerProgram)


class HandoffModel:
    """The seed's handoff, parametrised by ``ScenarioConfig``, over a ``Semantics``."""

    def __init__(
        self,
        config: ScenarioConfig | None = None,
        semantics: Semantics | None = None,
        programs: Programs | None = None,
        properties: Sequence[Property[HandoffState]] = (),
    ) -> None:
        self.config = config or ScenarioConfig()
        sem = semantics or Semantics()
        if sem.profile.name != self.config.profile:  # the configuration names the implementation
            sem = replace(sem, profile=profile_named(self.config.profile))
        chain = self.config.chain
        if chain:  # layered providers over the base (R16); the switch loads the chain's top
            sem = replace(sem, providers=install_chain(sem.providers, self.config.provider, chain))
        self.semantics = sem
        # The world's operations, remembered (``models.memo``): a search asks each many times.
        self.world_call: Memo[tuple[World, Result]] = Memo(sem.call)
        self.exit_process: Memo[World] = Memo(sem.exit_process)
        self.inject_failure: Memo[World] = Memo(sem.inject_failure)
        self.channel_faults: Memo[tuple[Action, ...]] = Memo(self._channel_faults)
        # The renaming that sorts a state's targets and its result (``symmetry.sort_targets``),
        # remembered; the last one is kept at hand too, compared by identity (no hashing), as
        # the search asks for the renaming and then the renamed state of the same successor.
        self._sorted: Memo[SortedTargets] = Memo(partial(sort_targets, self))
        self.renamed_world: Memo[World] = Memo(partial(rename_world, self.semantics.providers))
        self._last_sorted: tuple[HandoffState | None, SortedTargets | None] = (None, None)
        self.programs = programs or Programs()
        top = top_of_chain(self.config.provider, chain)
        self.provider: Provider = self.semantics.provider_named(top)
        self.catalog_id = self.provider.catalog_id
        self.pattern = self.config.shares
        self.source_slot = 0
        self._properties = tuple(properties)
        self._symmetric = reduces(self)
        self._action_parts: dict[int, tuple[tuple[Hashable, ActionPart], ...]] = {}

    def with_properties(self, properties: Sequence[Property[HandoffState]]) -> HandoffModel:
        return HandoffModel(self.config, self.semantics, self.programs, properties)

    def target_slot(self, k: int) -> int:
        return 1 + k

    def target_slots(self) -> range:
        return range(1, 1 + self.config.targets)

    # --- Model protocol ------------------------------------------------------------------------
    def init_states(self) -> Sequence[HandoffState]:
        cfg = self.config
        sem = self.semantics
        w = sem.initial_world()
        regs: list[Regs] = []
        w, _ = sem.spawn(w, cfg.threads)
        regs.append(self.programs.source.initial_regs(cfg.threads, cfg.targets))
        for k in range(cfg.targets):
            w, _ = sem.spawn(w, cfg.threads)
            regs.append(self.programs.target.initial_regs(cfg.threads, k))
        if cfg.stranger:
            w, _ = sem.spawn(w, 1)
            regs.append(self.programs.stranger.initial_regs(1))
        f = cfg.faults
        budget = (f.crash, f.lose, f.duplicate, f.reorder, f.reuse_pid, f.exhaust)
        chans = tuple(Channel.fresh() for _ in range(cfg.targets))
        return (HandoffState(w, tuple(regs), chans, budget, False, False),)

    def program(self, regs: Regs) -> Program:
        if isinstance(regs, SourceRegs):
            return self.programs.source
        if isinstance(regs, TargetRegs):
            return self.programs.target
        return self.programs.stranger

    def actions(self, state: HandoffState) -> list[Action]:
        out: list[Action] = []
        for _, part in self.action_parts(len(state.regs)):
            out.extend(part(state))
        return out

    def action_parts(self, slots: int) -> Sequence[tuple[Hashable, ActionPart]]:
        """The parts of ``actions`` for a state of ``slots`` processes, in order, each with a
        name: every live process's next steps, the deliveries, every live process's timeouts,
        the network and the faults.  Apart, each reads less of a state than the whole list
        does, so the compact checker (``models.scenario.compact``) remembers each by what it
        reads."""
        parts = self._action_parts.get(slots)
        if parts is None:
            listed: list[tuple[Hashable, ActionPart]] = [
                (("steps", slot), partial(self._steps_of, slot)) for slot in range(slots)
            ]
            if self.config.explicit_delivery:
                listed.append((("deliveries",), self._deliveries))
            if self.config.timeouts_on:
                listed.extend(
                    (("timeouts", slot), partial(self._timeouts_of, slot)) for slot in range(slots)
                )
            listed.append((("network",), self.network_actions))
            listed.append((("process faults",), self.process_faults))
            listed.append((("pipe faults",), self.pipe_faults))
            listed.append((("pid reuses",), self.pid_reuses))
            parts = self._action_parts[slots] = tuple(listed)
        return parts

    def _steps_of(self, slot: int, state: HandoffState) -> Sequence[Action]:
        if not state.world.procs[slot].alive:
            return ()
        return self.program(state.regs[slot]).steps(self, state, slot)

    def _timeouts_of(self, slot: int, state: HandoffState) -> Sequence[Action]:
        if not state.world.procs[slot].alive:
            return ()
        return self.program(state.regs[slot]).timeouts(self, state, slot)

    @staticmethod
    def _deliveries(state: HandoffState) -> list[Action]:
        return [
            Deliver(k, d) for k, chan in enumerate(state.chans) for d in Direction if chan.wire[d]
        ]

    def network_actions(self, state: HandoffState) -> list[Action]:
        """The next network client (or datagram), once the shared socket can take it: a
        client retries until the server listens with room in its backlog, a sender sends to a
        bound socket; so none is refused in a behaviour where the workers do their job."""
        pattern = self.pattern
        if not pattern.loops or state.net >= self.config.clients:
            return []
        datagram = pattern.serves == "read"
        for sock in state.world.sockets:
            if sock.port != pattern.port or sock.status is SocketStatus.CLOSED:
                continue
            if datagram or (
                sock.status is SocketStatus.LISTENING and len(sock.queue) < sock.backlog
            ):
                return [Arrive(state.net + 1, datagram)]
        return []

    def fault_actions(self, state: HandoffState) -> list[Action]:
        """Every fault the budget still allows: crashes and shortages, then the pipes' faults,
        then pid reuse (each kind is also a part of ``action_parts`` of its own)."""
        return [
            *self.process_faults(state),
            *self.pipe_faults(state),
            *self.pid_reuses(state),
        ]

    def process_faults(self, state: HandoffState) -> list[Action]:
        """A running source or target crashes, or its next allocation fails."""
        budget = state.budget
        if not budget[CRASH] and not budget[EXHAUST]:
            # Only a crash or a shortage looks at who is still running: reading every program
            # counter otherwise would make every step visible to the environment
            # (partial-order reduction, ``models.scenario.independence``).
            return []
        procs = state.world.procs
        actors = [0, *self.target_slots()]
        running = [s for s in actors if procs[s].alive and state.regs[s].pcs[MAIN] != DONE]
        out: list[Action] = []
        if budget[CRASH]:
            out.extend(Crash(s) for s in running)
        if budget[EXHAUST]:
            out.extend(
                Exhaust(s, error)
                for s in running
                if procs[s].fail_next is WSAError.NO_ERROR
                for error in SHORTAGES
            )
        return out

    def pipe_faults(self, state: HandoffState) -> list[Action]:
        """A message in a pipe is lost, duplicated, or swapped with the next."""
        budget = state.budget
        out: list[Action] = []
        if budget[LOSE] or budget[DUPLICATE] or budget[REORDER]:
            kinds = (budget[LOSE] > 0, budget[DUPLICATE] > 0, budget[REORDER] > 0)
            for k, chan in enumerate(state.chans):
                out.extend(self.channel_faults(k, chan, *kinds))
        return out

    def pid_reuses(self, state: HandoffState) -> list[Action]:
        """A new process takes the pid of a dead target."""
        if not state.budget[REUSE_PID]:
            return []
        procs = state.world.procs
        kernel = self.semantics.kernel
        return [
            ReusePid(s)
            for s in self.target_slots()
            if not procs[s].alive and kernel.pid_reusable(state.world, procs[s].pid)
        ]

    def _channel_faults(
        self, k: int, chan: Channel, lose: bool, duplicate: bool, reorder: bool
    ) -> tuple[Action, ...]:
        """The faults of pipe ``k`` (remembered as ``channel_faults``: pipes repeat)."""
        out: list[Action] = []
        for d in Direction:
            for on_wire, queue in ((False, chan.inbox[d]), (True, chan.wire[d])):
                if lose:
                    out.extend(Lose(k, d, on_wire, i) for i in range(len(queue)))
                if duplicate:
                    out.extend(Duplicate(k, d, on_wire, i) for i in range(len(queue)))
                if reorder and len(queue) >= 2:
                    out.append(Reorder(k, d, on_wire))
        return tuple(out)

    def sorted_targets(self, state: HandoffState) -> SortedTargets:
        """The renaming that sorts ``state``'s targets and the state it gives, remembered."""
        last, answer = self._last_sorted
        if last is not state or answer is None:
            answer = self._sorted(state)
            self._last_sorted = (state, answer)
        return answer

    def next_state(self, state: HandoffState, action: Action) -> HandoffState:
        return self.execute(state, action)[0]

    def execute(self, state: HandoffState, action: Action) -> Outcome:
        """Apply an enabled action; return the new state and what happened, for traces."""
        if isinstance(action, Step):
            return self.program(state.regs[action.slot]).run(self, state, action)
        if isinstance(action, Deliver):
            chan = state.chans[action.chan].deliver(action.direction)
            state = state._replace(chans=replace_at(state.chans, action.chan, chan))
            return state, Effect(-1, -1, 0, str(action), "delivered")
        if isinstance(action, Arrive):
            return self.arrive(state, action)
        if isinstance(action, Timeout):
            prog = self.program(state.regs[action.slot])
            state = state._replace(faulted=True)
            assert isinstance(prog, SourceProgram | TargetProgram)
            return prog.time_out(self, state, action)
        return self.inject(state, action)

    def arrive(self, state: HandoffState, action: Arrive) -> Outcome:
        sem, port = self.semantics, self.pattern.port
        if action.datagram:
            w, queued = sem.datagram_arrives(state.world, port, action.ident)
        else:
            w, queued = sem.client_connects(state.world, port, action.ident)
        state = state._replace(world=w, net=state.net + 1)
        return state, Effect(-1, -1, 0, str(action), "queued" if queued else "refused")

    def inject(self, state: HandoffState, action: Action) -> Outcome:
        """Apply a fault (M5); every fault spends its budget and marks the behaviour faulted."""
        sem = self.semantics
        s = state._replace(faulted=True)
        effect = Effect(getattr(action, "slot", -1), -1, 0, str(action), "fault")
        if isinstance(action, Crash):
            s = self.spend(s, CRASH)
            return s._replace(world=self.exit_process(s.world, action.slot)), effect
        if isinstance(action, Exhaust):
            s = self.spend(s, EXHAUST)
            world = self.inject_failure(s.world, action.slot, action.error)
            return s._replace(world=world), effect
        if isinstance(action, ReusePid):
            s = self.spend(s, REUSE_PID)
            pid = s.world.procs[action.dead_slot].pid
            w, _ = sem.spawn(s.world, 1, pid)
            regs = (*s.regs, self.programs.stranger.initial_regs(1))
            return s._replace(world=w, regs=regs), effect
        if isinstance(action, Lose | Duplicate | Reorder):
            return self.disturb(s, action), effect
        raise ModelError(f"not an action of the handoff model: {action!r}")

    def spend(self, s: HandoffState, kind: int) -> HandoffState:
        return s._replace(budget=replace_at(s.budget, kind, s.budget[kind] - 1))

    def disturb(self, s: HandoffState, action: Lose | Duplicate | Reorder) -> HandoffState:
        chan = s.chans[action.chan]
        field_name = "wire" if action.on_wire else "inbox"
        pair = getattr(chan, field_name)
        queue = pair[action.direction]
        if isinstance(action, Lose):
            s = self.spend(s, LOSE)
            queue = queue[: action.position] + queue[action.position + 1 :]
        elif isinstance(action, Duplicate):
            s = self.spend(s, DUPLICATE)
            queue = queue[: action.position + 1] + queue[action.position :]
        else:
            s = self.spend(s, REORDER)
            queue = (queue[1], queue[0], *queue[2:])
        pair = replace_at(pair, action.direction, queue)
        chan = chan._replace(**{field_name: pair})
        return s._replace(chans=replace_at(s.chans, action.chan, chan))

    def properties(self) -> Sequence[Property[HandoffState]]:
        return self._properties

    def is_final(self, state: HandoffState) -> bool:
        """Quiescence: every thread of every live process has finished its program."""
        procs = state.world.procs
        return all(
            not procs[slot].alive or all(pc == DONE for pc in regs.pcs)
            for slot, regs in enumerate(state.regs)
        )

    def is_fair(self, action: Action) -> bool:
        return isinstance(action, Step | Deliver | Arrive)

    def persistent(
        self, state: HandoffState, actions: Sequence[Action], successors: Sequence[HandoffState]
    ) -> list[int] | None:
        """A smaller persistent set of invisible actions, for partial-order reduction
        (``models.scenario.independence``), or ``None``."""
        return persistent_set(self, state, actions, successors)

    def compact_form(self, symmetry: bool) -> CompactHandoff | None:
        """This model over compact states, for the checker (``models.scenario.compact``); a
        symmetric search's representatives are worked out on its part numbers too
        (``models.scenario.compact_symmetry``)."""
        from wspshare.models.scenario.compact import CompactHandoff  # which imports this module

        return CompactHandoff(self)

    def representative(self, state: HandoffState) -> HandoffState:
        """Targets and helper threads sorted, when that is sound (``models.scenario.symmetry``)."""
        return canonical(self, state) if self._symmetric else state


def stranger_slots(model: HandoffModel, state: HandoffState) -> list[int]:
    return [i for i, r in enumerate(state.regs) if isinstance(r, StrangerRegs)]
