"""What every role's program needs: making a call, updating registers, using the pipe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.calls import Call
from wspshare.models.kernel import replace_at
from wspshare.models.scenario.actions import Effect, Step
from wspshare.models.scenario.messages import Direction, Message
from wspshare.models.scenario.state import DONE, HandoffState, Regs
from wspshare.models.state import Result

if TYPE_CHECKING:
    from wspshare.models.scenario.model import HandoffModel

Outcome = tuple[HandoffState, Effect]


def set_regs(s: HandoffState, slot: int, regs: Regs) -> HandoffState:
    return s._replace(regs=replace_at(s.regs, slot, regs))


def set_pc(pcs: tuple[int, ...], thread: int, pc: int) -> tuple[int, ...]:
    return replace_at(pcs, thread, pc)


def call(
    m: HandoffModel, s: HandoffState, step: Step, seed_step: int, c: Call, expect_sock: int = -1
) -> tuple[HandoffState, Result, Effect]:
    """One SPI call by the stepping thread.  ``expect_sock`` is the socket the thread believes its
    descriptor names: reaching another one through a reused value sets the ``stale_use`` ghost."""
    w = s.world
    if expect_sock >= 0 and hasattr(c, "s"):
        # What the switch will dispatch the value to (for the correct switch: the process's own
        # descriptor entry), so a switch that dispatches wrongly is seen as well as a stale value.
        handle = m.semantics.switch.descriptor(w, step.slot, getattr(c, "s"))  # noqa: B009
        if handle is not None and handle.obj != expect_sock:
            s = s._replace(stale_use=True)
    w, result = m.world_call(w, step.slot, step.thread, c)
    value = result.value if isinstance(result.value, int) else getattr(c, "s", 0)
    effect = Effect(step.slot, step.thread, seed_step, str(c), str(result), value or 0)
    return s._replace(world=w), result, effect


def note(step: Step, seed_step: int, what: str, result: str = "") -> Effect:
    """An effect that is not an SPI call (IPC, a join, a process handle)."""
    return Effect(step.slot, step.thread, seed_step, what, result, 0)


def send(
    m: HandoffModel, s: HandoffState, chan: int, direction: Direction, msg: Message
) -> HandoffState:
    """Write to the pipe; a write whose reader has gone is lost (a broken pipe).

    The writer asks about the other end: writing down, the writer is the source and the reader
    is the target; writing up, the other way round."""
    if peer_gone(m, s, chan, reader_is_source=direction is Direction.DOWN):
        return s
    channel = s.chans[chan].put(direction, msg, m.config.explicit_delivery)
    return s._replace(chans=replace_at(s.chans, chan, channel))


def peer_gone(m: HandoffModel, s: HandoffState, chan: int, reader_is_source: bool) -> bool:
    """The other end of the pipe is closed, or its process is dead.

    ``reader_is_source`` names the end that asks (the source when true): a reader asks about
    its writer, a writer about its reader."""
    channel = s.chans[chan]
    other_slot = m.target_slot(chan) if reader_is_source else m.source_slot
    other_end = 1 if reader_is_source else 0
    return not channel.open_ends[other_end] or not s.world.procs[other_slot].alive


def broken(m: HandoffModel, s: HandoffState, chan: int, direction: Direction) -> bool:
    """A read sees a broken pipe: the writer is gone and nothing it wrote is still in flight
    (a pipe keeps what was written before its writer closed or died)."""
    if s.chans[chan].wire[direction]:
        return False
    return peer_gone(m, s, chan, reader_is_source=direction is Direction.UP)


def readable(s: HandoffState, chan: int, direction: Direction) -> bool:
    return bool(s.chans[chan].inbox[direction])


def take(s: HandoffState, chan: int, direction: Direction) -> tuple[HandoffState, Message]:
    msg, channel = s.chans[chan].take(direction)
    return s._replace(chans=replace_at(s.chans, chan, channel)), msg


def close_end(s: HandoffState, chan: int, end: int) -> HandoffState:
    return s._replace(chans=replace_at(s.chans, chan, s.chans[chan].close_end(end)))


def all_done(pcs: tuple[int, ...], first: int = 1) -> bool:
    return all(pc == DONE for pc in pcs[first:])
