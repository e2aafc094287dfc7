"""Symmetry reduction for the handoff model: a canonical member of a state's symmetry class.

Two symmetries are used, each sound only for the correct programs and the standard machine:

* **Interchangeable targets** (M7).  The source serves targets in any order and collects their
  acknowledgements in any order, and every target runs the same program, so renaming targets by a
  permutation ``sigma`` maps behaviours to behaviours.  A target is more than its slot: it is its
  process (slot ``1+k``, pid), its registers, its pipe ``k``, the source's per-target registers
  ``phases/pids/pins/infos[k]``, and every reference to its slot or pid anywhere in the world
  (``PROCESS`` handles' ``obj``, event registrations' pid, whatever a provider's own state
  records about a process, which the provider renames itself (``Provider.renamed``, e.g. the
  non-IFS share records' ``target_pid``), ``PID_REPLY`` payloads on pipes, strangers that
  reused its pid).  Pids are data that flow through messages, so the permutation also renames
  pids: target ``i`` of the representative keeps the pid of slot ``1+i`` (a bijection on the
  targets' pids; the kernel compares pids only for equality once processes are spawned, so
  renaming them is invisible to every rule).  Targets are sorted by everything about them except
  their pid, which is written relative to itself.
* **Interchangeable helper threads.**  Threads ``1..n`` of a process run the same program and
  nothing in the world records a thread's index, so their program counters are sorted.

Not used: **handle values.**  M1 hands out the lowest free multiple of 4, so the next value a
process gets depends on which values are in use: with ``{4}`` in use the next one is 8, but after
swapping 8 and 12 the next one is still 8, not 12.  Renaming handle values therefore does not
commute with allocation (and stale-value hazards depend on exactly which value is reused), so no
permutation of handle values other than the identity is a symmetry of this model.

Soundness needs the transition relation to be invariant under the renaming.  A variant (a seeded
bug, a provider keyed by slot, a source serving targets in index order) may break that, so
``symmetry_sound`` accepts only the standard semantics and programs; for anything else the
representative is the state itself (no reduction, never a wrong verdict).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from wspshare.models.kernel import Kernel
from wspshare.models.providers.base import Rename
from wspshare.models.scenario.messages import Channel, Kind, Message
from wspshare.models.scenario.roles.source import SourceProgram
from wspshare.models.scenario.roles.stranger import StrangerProgram
from wspshare.models.scenario.roles.target import TargetProgram
from wspshare.models.scenario.state import (
    HandoffState,
    Regs,
    SourceRegs,
    StrangerRegs,
    TargetRegs,
)
from wspshare.models.state import Handle, HandleKind, Process, ProtocolInfo, Sock, World
from wspshare.models.switch import Switch

if TYPE_CHECKING:
    from wspshare.models.providers import Provider
    from wspshare.models.scenario.model import HandoffModel

Key = tuple[object, ...]
SortedTargets = tuple[tuple[int, ...], HandoffState]  # order[new] = old, and the renamed state


# The fields this module knows how to rename.  A new field may carry a slot, a pid or a target
# index, so until it is handled here, symmetry switches itself off (and the tests notice).
KNOWN_FIELDS = {
    Process: ("pid", "alive", "threads", "handles", "issued", "fail_next", "startups"),
    Handle: ("value", "obj", "catalog", "kind", "inheritable"),
    SourceRegs: ("pcs", "sock", "sock_id", "phases", "pids", "pins", "infos", "closed", "spare"),
    TargetRegs: (
        "pcs", "sock", "sock_id", "info", "claimed", "extra", "chan", "worked", "conn", "served",
    ),
    HandoffState: ("world", "regs", "chans", "budget", "faulted", "stale_use", "net"),
    World: ("procs", "sockets", "providers", "completions"),  # completions name no pid
    # No field of a socket names a slot; pids appear in the event registrations and the pending
    # operations, which are renamed; the other fields beyond the seed
    # hold ports, tags and network ids (the same in every
    # member of a class), and sockets are not permuted: a target's accepted connections are
    # sockets it reaches through its handles, which move with it.
    Sock: (
        "catalog", "refs", "status", "options", "events", "sent", "inbox", "last_set", "kind",
        "port", "backlog", "queue", "taken", "origin", "shut", "pending", "completion",
        "signalled",
    ),
}  # fmt: skip


def symmetry_sound(model: HandoffModel) -> str | None:
    """Why the symmetries above may not hold for ``model`` (None: they do)."""
    for record, known in KNOWN_FIELDS.items():
        if record._fields != known:  # type: ignore[attr-defined]
            fields = record._fields  # type: ignore[attr-defined]
            return f"{record.__name__} has fields this module does not rename: {fields}"
    programs = model.programs
    if (type(programs.source), type(programs.target), type(programs.stranger)) != (
        SourceProgram,
        TargetProgram,
        StrangerProgram,
    ):
        return "a protocol variant replaces a program, which may tell targets apart"
    sem = model.semantics
    if type(sem.kernel) is not Kernel or type(sem.switch) is not Switch:
        return "a kernel or switch variant may depend on slots, pids or thread indices"
    if not all(type(p).symmetric() for p in sem.providers):
        return "a provider variant may key its state by slot, pid or descriptor"
    return None


def reduces(model: HandoffModel) -> bool:
    """True when some symmetry can merge states: two targets, or two helper threads."""
    cfg = model.config
    return symmetry_sound(model) is None and (cfg.targets >= 2 or cfg.threads >= 3)


def canonical(model: HandoffModel, state: HandoffState) -> HandoffState:
    """The representative of ``state``'s class: targets sorted, helper threads sorted."""
    if model.config.targets >= 2:
        state = model.sorted_targets(state)[1]
    if model.config.threads >= 3:
        state = state._replace(regs=tuple(_sort_helpers(r) for r in state.regs))
    return state


def target_order(model: HandoffModel, state: HandoffState) -> list[int]:
    """The renaming that sorts ``state``'s targets: ``order[new] = old`` (the identity with
    fewer than two targets).  Liveness under symmetry needs it as well as the sorted state."""
    if model.config.targets < 2:
        return list(range(model.config.targets))
    return list(model.sorted_targets(state)[0])


def sort_targets(model: HandoffModel, state: HandoffState) -> SortedTargets:
    """The renaming that sorts ``state``'s targets and the state it gives, worked out afresh.

    The model remembers it per state (``HandoffModel.sorted_targets``): a search asks for the
    representative of every successor, and most successors are states met before (in the fan-out
    of three targets with a crash, 93,470 successors are 29,321 distinct states), so sorting and
    renaming each one again would be two thirds of the symmetry's cost spent for nothing."""
    order, pids = _sorting(model, state)
    if any(old != new for new, old in enumerate(order)):
        state = _permute_remembered(model, state, order, pids)
    return tuple(order), state


def _sorting(model: HandoffModel, state: HandoffState) -> tuple[list[int], list[int]]:
    """``target_order`` and the targets' pids."""
    targets = model.config.targets
    if targets < 2:
        return list(range(targets)), []
    procs = state.world.procs
    pids = [procs[1 + k].pid for k in range(targets)]
    keys = [_local_key(state, k, pids) for k in range(targets)]
    if len(set(keys)) < targets:  # a tie: look at the world's references to each target too
        providers = model.semantics.providers
        keys = [(key, world_key(state.world, k, pids, providers)) for k, key in enumerate(keys)]
    return sorted(range(targets), key=keys.__getitem__), pids


def permute_targets(model: HandoffModel, state: HandoffState, order: list[int]) -> HandoffState:
    """``state`` with target ``order[i]`` renamed to target ``i`` (any permutation)."""
    if model.config.targets >= 2:
        known, renamed = model.sorted_targets(state)
        if list(known) == order:  # the sorting permutation: the remembered representative
            return renamed
    procs = state.world.procs
    pids = [procs[1 + k].pid for k in range(model.config.targets)]
    return _permute_remembered(model, state, order, pids)


# --- the sort key of one target ------------------------------------------------------------------
def _relative(own: int, pids: Sequence[int]) -> Callable[[int], tuple[int, ...]]:
    """A pid as seen from the target whose pid is ``own``: itself, another target, or other."""

    def pid(p: int) -> tuple[int, ...]:
        return (0,) if p == own else (1,) if p in pids else (2, p)

    return pid


def _local_key(s: HandoffState, k: int, pids: list[int]) -> Key:
    """Target ``k``'s own process, registers, pipe and the source's registers for it."""
    return local_key(s.world.procs[1 + k], s.regs[1 + k], s.regs[0], s.chans[k], k, pids)


def local_key(
    proc: Process, regs: Regs, src: Regs, chan: Channel, k: int, pids: Sequence[int]
) -> Key:
    """``_local_key`` from the parts it reads, which the compact form remembers it by
    (``models.scenario.compact_symmetry``)."""
    pid = _relative(pids[k], pids)
    assert isinstance(regs, TargetRegs) and isinstance(src, SourceRegs)
    mine = (
        _helpers_sorted(regs.pcs), _info(regs.info), regs.sock, regs.sock_id, regs.claimed,
        regs.extra, regs.worked, regs.conn, regs.served,
    )  # fmt: skip
    return (
        proc[1:],  # all but the pid
        mine,
        (src.phases[k], pid(src.pids[k]), src.pins[k], _info(src.infos[k])),
        _chan_key(chan, pid),
    )


def world_key(w: World, k: int, pids: Sequence[int], providers: tuple[Provider, ...]) -> Key:
    """The rest of the world's references to target ``k``'s slot or pid."""
    own = pids[k]
    slot = 1 + k
    pinned_by = tuple(
        (holder, h.value)
        for holder, p in enumerate(w.procs)
        for h in p.handles
        if h.kind is HandleKind.PROCESS and h.obj == slot
    )
    events = tuple(
        (i, d, mask) for i, sock in enumerate(w.sockets) for p, d, mask in sock.events if p == own
    )
    shares = tuple(  # each provider says what its own state records about the process
        p.refs_to(st, own) for p, st in zip(providers, w.providers, strict=True)
    )
    reused = tuple(i for i, p in enumerate(w.procs) if i > slot and p.pid == own)
    io = tuple(
        (i, tuple(op for op in sock.pending if op[2] == own))
        for i, sock in enumerate(w.sockets)
        if sock.pending
    )
    return (pinned_by, events, shares, reused, io)


def _info(info: ProtocolInfo | None) -> tuple[object, ...]:
    return () if info is None else info


def _chan_key(chan: Channel, pid: Callable[[int], tuple[int, ...]]) -> Key:
    def msg(m: Message) -> tuple[object, ...]:
        payload = m.payload
        if m.kind is Kind.PID_REPLY and isinstance(payload, int):
            return (m.kind, pid(payload))
        return (
            m.kind,
            () if payload is None else (payload,) if isinstance(payload, int) else payload,
        )

    (down, up), (wire_down, wire_up) = chan.inbox, chan.wire
    queues = (
        tuple(map(msg, down)),
        tuple(map(msg, up)),
        tuple(map(msg, wire_down)) if wire_down else (),
        tuple(map(msg, wire_up)) if wire_up else (),
    )
    return (queues, chan.open_ends)


# --- applying a permutation ----------------------------------------------------------------------
def _permute_remembered(
    model: HandoffModel, s: HandoffState, order: list[int], pids: list[int]
) -> HandoffState:
    """``_permute`` with the world's part remembered by world and renaming
    (``HandoffModel.renamed_world``): a search meets few distinct worlds (489 renamings for
    the 25,014 successors of 8,000 states of the fan-out of three targets with a crash), and
    renaming one is most of the cost of a representative."""
    world = model.renamed_world(s.world, tuple(order), tuple(pids))
    return _permute(s, order, pids, model.semantics.providers, world)


def _permute(
    s: HandoffState,
    order: list[int],
    pids: list[int],
    providers: tuple[Provider, ...],
    world: World | None = None,
) -> HandoffState:
    """Target ``order[i]`` becomes target ``i`` (slot ``1+i``, pipe ``i``, pid ``pids[i]``);
    each provider renames its own state (``Provider.renamed``).  ``world``: the renamed world,
    when the caller has it already (``rename_world``)."""
    rp = pid_renaming(order, pids)
    if world is None:
        world = rename_world(providers, s.world, tuple(order), tuple(pids))
    regs = list(s.regs)
    regs[0] = rename_source(s.regs[0], order, rp)
    for new, old in enumerate(order):
        regs[1 + new] = renumber_target(s.regs[1 + old], new)
    chans = tuple([rename_chan(s.chans[old], rp) for old in order])
    return HandoffState(world, tuple(regs), chans, s.budget, s.faulted, s.stale_use, s.net)


def rename_source(src: Regs, order: Sequence[int], rp: Rename) -> SourceRegs:
    """The source's per-target registers in the new order, the pids it learned renamed."""
    assert isinstance(src, SourceRegs)
    return src._replace(
        phases=tuple([src.phases[old] for old in order]),
        pids=tuple([rp(src.pids[old]) for old in order]),
        pins=tuple([src.pins[old] for old in order]),
        infos=tuple([src.infos[old] for old in order]),
    )


def renumber_target(regs: Regs, new: int) -> TargetRegs:
    """A target's registers once it is target ``new`` (its pipe is named by its index)."""
    assert isinstance(regs, TargetRegs)
    return regs._replace(chan=new)


def pid_renaming(order: Sequence[int], pids: Sequence[int]) -> Rename:
    """The pid map of ``order`` as a function: a target's pid becomes its new place's."""
    pid_map = _renaming(order, pids)[1]

    def rp(p: int) -> int:
        return pid_map.get(p, p)

    return rp


def rename_world(
    providers: tuple[Provider, ...], w: World, order: tuple[int, ...], pids: tuple[int, ...]
) -> World:
    """The world with target ``order[i]`` renamed to target ``i`` (``_permute``'s world part);
    every process is renamed once, the targets moved to their new slots."""
    new_of, pid_map = _renaming(order, pids)
    slot_map = {1 + old: 1 + new for old, new in enumerate(new_of)}

    def rp(p: int) -> int:
        return pid_map.get(p, p)

    renamed = [_rename_proc(p, pid_map, slot_map) for p in w.procs]
    procs = list(renamed)
    for new, old in enumerate(order):
        procs[1 + new] = renamed[1 + old]
    sockets = tuple(_rename_sock(sock, rp) for sock in w.sockets)
    states = tuple(p.renamed(st, rp) for p, st in zip(providers, w.providers, strict=True))
    return World(tuple(procs), sockets, states, w.completions)


def _renaming(order: Sequence[int], pids: Sequence[int]) -> tuple[list[int], dict[int, int]]:
    """For ``order[new] = old``: each old target's new index, and the pid map that moves each
    target's pid to the one of its new place (the state's part and the world's part share it)."""
    new_of = [0] * len(order)
    for new, old in enumerate(order):
        new_of[old] = new
    return new_of, {pids[old]: pids[new] for old, new in enumerate(new_of)}


def _rename_proc(p: Process, pid_map: dict[int, int], slot_map: dict[int, int]) -> Process:
    handles = p.handles
    if any(h.kind is HandleKind.PROCESS for h in handles):
        handles = tuple(
            h._replace(obj=slot_map.get(h.obj, h.obj)) if h.kind is HandleKind.PROCESS else h
            for h in handles
        )
    elif p.pid not in pid_map:
        return p
    return p._replace(pid=pid_map.get(p.pid, p.pid), handles=handles)


def _rename_sock(sock: Sock, rp: Rename) -> Sock:
    if not sock.events and not sock.pending:
        return sock
    events = tuple((rp(pid), d, mask) for pid, d, mask in sock.events)
    pending = tuple((op, tag, rp(pid), entry) for op, tag, pid, entry in sock.pending)
    return sock._replace(events=events, pending=pending)


def rename_chan(chan: Channel, rp: Rename) -> Channel:
    def queue(q: tuple[Message, ...]) -> tuple[Message, ...]:
        if not q or not any(m.kind is Kind.PID_REPLY for m in q):
            return q
        return tuple(
            Message(m.kind, rp(m.payload))
            if m.kind is Kind.PID_REPLY and isinstance(m.payload, int)
            else m
            for m in q
        )

    inbox = (queue(chan.inbox[0]), queue(chan.inbox[1]))
    wire = (queue(chan.wire[0]), queue(chan.wire[1]))
    return Channel(inbox, wire, chan.open_ends)


# --- helper threads ------------------------------------------------------------------------------
def _helpers_sorted(pcs: tuple[int, ...]) -> tuple[int, ...]:
    return pcs if len(pcs) < 3 else (pcs[0], *sorted(pcs[1:]))


def _sort_helpers(
    regs: SourceRegs | TargetRegs | StrangerRegs,
) -> SourceRegs | TargetRegs | StrangerRegs:
    pcs = _helpers_sorted(regs.pcs)
    return regs if pcs == regs.pcs else regs._replace(pcs=pcs)
