"""Which of a state's actions partial-order reduction may take alone: the handoff's persistent sets.

An action is *local* to process ``p`` in a state when, as measured on that state, it writes
nothing but ``p``'s program counters (none of them to or from ``DONE``) and reads nothing but
``p``'s own registers.  Writes are
measured by comparing the successor with the state; reads by running the action (and ``p``'s
own choice of what is enabled) on a watched copy of the state that records every field of
``HandoffState`` it touches and every process's registers it looks at (``Watched``).  Nothing is
listed per call or per configuration: a new call goes through ``Semantics.call``, which reads
the world, so a step that makes it is never local.

When every action ``p`` has enabled is local, those actions form a persistent set (Godefroid):

- no other process reads or writes ``p``'s registers (each program reads its own slot; the test
  ``tests/check/test_check_por.py`` watches every transition of every configuration for it), so
  nothing another process does can change what ``p``'s actions do or whether they are enabled;
- only a crash ends ``p`` from outside, so the set is taken only when no crash is left in the
  budget;
- a step between two running program counters is invisible: what properties see of a program
  counter is whether it is ``DONE`` (the same test watches every property in every reachable
  state), so taking ``p``'s steps first changes no verdict.

The checker adds the cycle proviso and keeps the full expansion when the set is every action.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from wspshare.models.scenario.actions import Action, Step, Timeout
from wspshare.models.scenario.state import DONE, HandoffState

if TYPE_CHECKING:
    from wspshare.models.scenario.model import HandoffModel

CONTROL = "pcs"  # the registers' field that only programs read: their program counters
CRASH = 0  # the crash budget's index in ``HandoffState.budget``

Read = tuple[str, ...]  # ("world",), ("chans", "0"), ("regs", "2"), ("regs", "*"), ...


class _Log:
    """The reads and writes of one watched run (one log at a time: the model checker is
    single-threaded per process; forked workers have their own)."""

    reads: ClassVar[set[Read]] = set()
    writes: ClassVar[set[str]] = set()


def _record(read: Read) -> None:
    _Log.reads.add(read)


class _Copied(tuple):  # type: ignore[type-arg]
    """A slice of a per-slot field: ``replace_at`` unpacks the items around the one it
    replaces, a copy that reads nothing; anything else done with a slice counts as reading
    every item (no code slices these fields otherwise)."""

    name: ClassVar[str] = ""

    def __getitem__(self, index: Any) -> Any:
        _record((self.name, "*"))
        return tuple.__getitem__(self, index)


class _WatchedItems(tuple):  # type: ignore[type-arg]
    """A per-slot field of ``HandoffState`` (``regs``, ``chans``) that records which items are
    looked at.  Indexing an item records it; iterating or taking the length records every item;
    a slice is a ``_Copied``."""

    name: ClassVar[str] = ""
    copied: ClassVar[type[_Copied]] = _Copied

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self.copied(tuple.__getitem__(self, index))
        size = tuple.__len__(self)
        _record((self.name, str(index if index >= 0 else size + index)))
        return tuple.__getitem__(self, index)

    def __iter__(self) -> Any:
        _record((self.name, "*"))
        return tuple.__iter__(self)

    def __len__(self) -> int:
        _record((self.name, "*"))
        return tuple.__len__(self)


def _watched_items(name: str) -> type[_WatchedItems]:
    copied = type(f"_Copied_{name}", (_Copied,), {"name": name})
    return type(f"_Watched_{name}", (_WatchedItems,), {"name": name, "copied": copied})


ITEMISED = ("regs", "chans")  # the fields whose items are watched one by one
_WATCHED_ITEMS = {name: _watched_items(name) for name in ITEMISED}


def _field(name: str, index: int) -> property:
    def get(self: HandoffState) -> Any:
        _record((name,))
        return tuple.__getitem__(self, index)

    return property(get)


def _items(name: str, index: int) -> property:
    watched = _WATCHED_ITEMS[name]

    def get(self: HandoffState) -> Any:
        items: tuple[Any, ...] = self[index]  # type: ignore[assignment]
        return watched(items)

    return property(get)


class Watched(HandoffState):
    """A ``HandoffState`` whose field reads are recorded (the per-slot fields item by item);
    ``_replace`` records the fields it is given and keeps watching, so reads after the action's
    first update are recorded too."""

    __slots__ = ()

    def _replace(self, **changes: Any) -> Watched:
        _Log.writes.update(changes)
        replaced: tuple[Any, ...] = HandoffState._replace(self, **changes)
        return tuple.__new__(Watched, replaced)


for _i, _name in enumerate(HandoffState._fields):
    setattr(Watched, _name, (_items if _name in ITEMISED else _field)(_name, _i))


def reads_of(run: Any, state: HandoffState) -> set[Read]:
    """What ``run(watched)`` reads of ``state``."""
    return watch(run, state)[1]


def watch(run: Any, state: HandoffState) -> tuple[Any, set[Read], set[str]]:
    """What ``run(watched)`` returns, what it reads of ``state`` and which fields it gives
    ``_replace``.  A result that holds a state holds a ``Watched`` one (equal to the plain)."""
    outer = _Log.reads, _Log.writes
    _Log.reads, _Log.writes = set(), set()
    try:
        answer = run(tuple.__new__(Watched, state))
        return answer, _Log.reads, _Log.writes
    finally:
        _Log.reads, _Log.writes = outer


def agent(action: Action) -> int | None:
    """The process slot whose program takes ``action`` (``None``: the environment)."""
    if isinstance(action, Step | Timeout):
        return action.slot
    return None


def writes_only_control(state: HandoffState, successor: HandoffState, slot: int) -> bool:
    """The successor differs from ``state`` in ``slot``'s program counters and nowhere else."""
    for i, (before, after) in enumerate(zip(state, successor, strict=True)):
        if i != 1 and before is not after and before != after:
            return False
    regs, new = state.regs, successor.regs
    if len(regs) != len(new):
        return False
    for j, (before, after) in enumerate(zip(regs, new, strict=True)):
        if before is after:
            continue
        if j != slot or type(before) is not type(after):
            return False
        for name, old, now in zip(before._fields, before, after, strict=True):
            if old is now or old == now:
                continue
            if name != CONTROL or not _unfinished(old, now):  # type: ignore[arg-type]
                return False
    return True


def _unfinished(old: tuple[int, ...], now: tuple[int, ...]) -> bool:
    """Every program counter that changed was running and still runs: what properties may see
    of a program counter is whether it is ``DONE`` (``HandoffModel.is_final``)."""
    return len(old) == len(now) and all(
        a == b or (a != DONE and b != DONE) for a, b in zip(old, now, strict=True)
    )


def may_reduce(budget: tuple[int, ...]) -> bool:
    """No persistent set is offered while a crash is left in the budget: a crash ends a
    process from outside (see the module's reasoning)."""
    return not budget[CRASH]


def persistent_set(
    model: HandoffModel,
    state: HandoffState,
    actions: Sequence[Action],
    successors: Sequence[HandoffState],
) -> list[int] | None:
    """The positions of a persistent set of invisible actions smaller than ``actions``, or
    ``None`` when there is none to offer (see the module's reasoning)."""
    if not may_reduce(state.budget):
        return None
    env: set[Read] | None = None
    mine: dict[int, list[int]] = {}
    spoilt: set[int] = set()  # slots with an action that writes more than a program counter
    world, chans = state.world, state.chans
    for position, action in enumerate(actions):
        slot = agent(action)
        if slot is None or slot in spoilt:
            continue
        after = successors[position]
        if after.world is not world or after.chans is not chans:  # the cheap test first
            spoilt.add(slot)
            continue
        mine.setdefault(slot, []).append(position)
    for slot in spoilt:
        mine.pop(slot, None)
    for slot, positions in mine.items():
        if len(positions) == len(actions):
            return None  # one process has every action: there is nothing to leave out
        if not all(writes_only_control(state, successors[i], slot) for i in positions):
            continue
        if env is None:
            env = _others_read(model, state)
        if _private(slot) & env:
            continue
        if _reads_own(model, state, slot, [actions[i] for i in positions]):
            return positions
    return None


def _private(slot: int) -> set[Read]:
    """What reads ``slot``'s registers: looking at the slot, or at every slot."""
    return {("regs", str(slot)), ("regs", "*")}


def _others_read(model: HandoffModel, state: HandoffState) -> set[Read]:
    """What the environment's choice of actions (faults, the network) and every process's
    choice of its own actions read, beyond each process's own registers."""

    def environment(s: HandoffState) -> None:
        model.network_actions(s)
        model.fault_actions(s)

    reads = reads_of(environment, state)
    for slot, regs in enumerate(state.regs):
        if not state.world.procs[slot].alive:
            continue
        program = model.program(regs)
        for read in reads_of(lambda s, p=program, q=slot: p.steps(model, s, q), state):
            if read != ("regs", str(slot)):
                reads.add(read)
    return reads


def _reads_own(model: HandoffModel, state: HandoffState, slot: int, actions: list[Action]) -> bool:
    """``slot``'s choice of actions and each of ``actions`` read only ``slot``'s registers."""
    own = {("regs", str(slot))}
    program = model.program(state.regs[slot])

    def choose(s: HandoffState) -> None:
        program.steps(model, s, slot)
        if model.config.timeouts_on:
            program.timeouts(model, s, slot)

    if not reads_of(choose, state) <= own:
        return False
    return all(reads_of(lambda s, a=a: model.execute(s, a), state) <= own for a in actions)
