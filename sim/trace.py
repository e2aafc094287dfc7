"""Structured traces: one JSON record per applied action, written as JSON Lines.

A trace file holds a ``run`` header (the configuration and seed), one ``event`` record per action
(simulated time, process, thread, seed step, call, result, descriptors, reference counts, IPC
messages, and the action itself in a form ``sim.replay`` rebuilds), and an ``end`` record (the
outcome).  Keys come in a fixed order and times are rounded to 6 decimals, so the same
configuration and seed give a byte-identical file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from wspshare.models.scenario import (
    Action,
    Deliver,
    Direction,
    Duplicate,
    Effect,
    HandoffState,
    Lose,
    Reorder,
    SourceRegs,
    Step,
    TargetRegs,
    Timeout,
)
from wspshare.models.state import HandleKind, Process, SocketStatus

Record = dict[str, Any]


def fmt_time(t: float) -> float:
    return round(t, 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def role(state: HandoffState, slot: int) -> str:
    """``source``, ``target1``..., ``stranger``, or ``ipc`` for slot -1."""
    if slot < 0:
        return "ipc"
    regs = state.regs[slot]
    if isinstance(regs, SourceRegs):
        return "source"
    if isinstance(regs, TargetRegs):
        return f"target{regs.chan + 1}"
    strangers = sum(1 for r in state.regs if not isinstance(r, SourceRegs | TargetRegs))
    return "stranger" if strangers == 1 else f"stranger{slot}"


def action_fields(action: Action) -> Record:
    """The action as a JSON object: its type and fields (enums by name)."""
    out: Record = {"type": type(action).__name__}
    for key, value in action._asdict().items():
        out[key] = value.name if isinstance(value, Enum) else value
    return out


def kind_of(action: Action) -> str:
    if isinstance(action, Step):
        return "step"
    if isinstance(action, Deliver):
        return "deliver"
    if isinstance(action, Timeout):
        return "timeout"
    return "fault"


def socket_handle_labels(proc: Process) -> list[str]:
    """A process's socket handles as ``4`` or ``4~`` (``~``: duplicated, not yet claimed)."""
    return [
        f"{h.value}{'~' if h.kind is HandleKind.PENDING else ''}"
        for h in proc.handles
        if h.kind is not HandleKind.PROCESS
    ]


def descriptors(state: HandoffState) -> dict[str, list[str]]:
    """Each process's socket handles by role; ``~`` marks a duplicated handle not yet claimed."""
    out: dict[str, list[str]] = {}
    for slot, proc in enumerate(state.world.procs):
        values = socket_handle_labels(proc)
        if values:
            out[role(state, slot)] = values
    return out


def refs(state: HandoffState) -> list[int | None]:
    """Each socket's reference count, ``None`` once it is closed."""
    return [None if s.status is SocketStatus.CLOSED else s.refs for s in state.world.sockets]


class MessageLedger:
    """Gives every IPC message an id and follows it from write to read, so a trace can draw an
    arrow for each one (mirroring the model's queues through the actions' effects on them)."""

    def __init__(self, channels: int) -> None:
        self.next_id = 1
        self.wire: dict[tuple[int, Direction], list[int]] = {}
        self.inbox: dict[tuple[int, Direction], list[int]] = {}
        for k in range(channels):
            for d in Direction:
                self.wire[(k, d)] = []
                self.inbox[(k, d)] = []

    def follow(self, before: HandoffState, action: Action, after: HandoffState) -> list[Record]:
        out: list[Record] = []
        if isinstance(action, Deliver):
            q = (action.chan, action.direction)
            mid = self.wire[q].pop(0)
            self.inbox[q].append(mid)
            return [self._ipc("arrive", mid, q, after.chans[q[0]].inbox[q[1]][-1])]
        if isinstance(action, Lose | Duplicate | Reorder):
            q = (action.chan, action.direction)
            ids = self.wire[q] if action.on_wire else self.inbox[q]
            if isinstance(action, Lose):
                out.append(self._ipc("lost", ids.pop(action.position), q, None))
            elif isinstance(action, Duplicate):
                copy = self._new()
                ids.insert(action.position + 1, copy)
                out.append(self._ipc("duplicate", copy, q, None, of=ids[action.position]))
            else:
                ids[0], ids[1] = ids[1], ids[0]
                out.append(self._ipc("reorder", ids[0], q, None, of=ids[1]))
            return out
        for q, ids in self.inbox.items():
            k, d = q
            if len(after.chans[k].inbox[d]) < len(before.chans[k].inbox[d]):
                out.append(self._ipc("receive", ids.pop(0), q, before.chans[k].inbox[d][0]))
        for q, ids in self.wire.items():
            k, d = q
            if len(after.chans[k].wire[d]) > len(before.chans[k].wire[d]):
                mid = self._new()
                ids.append(mid)
                out.append(self._ipc("send", mid, q, after.chans[k].wire[d][-1]))
        return out

    def _new(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _ipc(self, op: str, mid: int, q: tuple[int, Direction], msg: object, of: int = 0) -> Record:
        rec: Record = {"op": op, "msg": mid, "chan": q[0], "dir": Direction(q[1]).name}
        if msg is not None:
            rec["text"] = str(msg)
        if of:
            rec["of"] = of
        return rec


def event_record(
    n: int,
    time: float,
    action: Action,
    effect: Effect,
    after: HandoffState,
    ipc: list[Record],
) -> Record:
    slot = effect.slot
    pid = after.world.procs[slot].pid if 0 <= slot < len(after.world.procs) else None
    return {
        "event": "action",
        "n": n,
        "time": fmt_time(time),
        "kind": kind_of(action),
        "slot": slot,
        "pid": pid,
        "process": role(after, slot),
        "thread": effect.thread,
        "step": effect.seed_step,
        "call": effect.call,
        "result": effect.result,
        "descriptor": effect.descriptor,
        "descriptors": descriptors(after),
        "refs": refs(after),
        "ipc": ipc,
        "action": str(action),
        "act": action_fields(action),
    }


def dumps(record: Record) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def write_jsonl(path: str | Path, records: Iterable[Record]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for rec in records:
            out.write(dumps(rec) + "\n")


def read_jsonl(path: str | Path) -> list[Record]:
    return list(iter_jsonl(path))


def iter_jsonl(path: str | Path) -> Iterator[Record]:
    with open(path, encoding="utf-8") as src:
        for line in src:
            if line.strip():
                yield json.loads(line)
