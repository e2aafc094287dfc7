"""A checker's path through the handoff model, rendered: a table, a JSON file, a sequence diagram.

Every rendering starts by replaying the path's actions through the simulator's replay
(``sim.replay.replay_actions``), which executes them with ``model.execute`` and so also yields
what each action did (its ``Effect``); a path that does not replay is refused, not drawn.
"""

from __future__ import annotations

import io
import json
from typing import Any

from wspshare.commands.files import Output
from wspshare.models.scenario import Action, HandoffModel, HandoffState, Lose, Reorder
from wspshare.models.scenario.actions import Duplicate
from wspshare.models.scenario.messages import Direction, Message
from wspshare.models.scenario.schedule import Event
from wspshare.properties.checker import Path
from wspshare.properties.handoff import violations
from wspshare.render import descriptor_map, reference_counts, role_name, text_table
from wspshare.sim.replay import replay_actions
from wspshare.sim.trace import Record, event_record

HEADERS = ("#", "ACTION", "STEP", "PROCESS", "CALL", "RESULT", "DESCRIPTORS", "REFS")
Queue = tuple[int, Direction]


def replayed(model: HandoffModel, path: Path[HandoffState, Action]) -> list[Event]:
    """The path's actions executed again from the initial state; it must end where the path did."""
    events = replay_actions(model, [a for a in path.actions if a is not None])
    end = events[-1].state if events else model.init_states()[0]
    if end != path.last:
        raise RuntimeError("the path did not replay to the state the checker reported")
    return events


def path_table(model: HandoffModel, path: Path[HandoffState, Action]) -> str:
    """One row per action: the seed's step, who did what, and the descriptors and counts after."""
    rows: list[tuple[object, ...]] = [
        ("0", "init", "-", "-", "-", "-", descriptor_map(path.steps[0].state), "-")
    ]
    for i, ev in enumerate(replayed(model, path), start=1):
        mark = "@" if path.loop_index == i else ""
        rows.append(
            (
                f"{i}{mark}",
                str(ev.action),
                str(ev.effect.seed_step) if ev.effect.seed_step else "-",
                role_name(ev.state, ev.effect.slot),
                ev.effect.call,
                ev.effect.result,
                descriptor_map(ev.state),
                reference_counts(ev.state),
            )
        )
    return text_table(HEADERS, rows)


def ending(model: HandoffModel, path: Path[HandoffState, Action]) -> str:
    """How the path ends: the safety diagnoses at its last state, or the shape of a lasso."""
    found = violations(model, path.last)
    lines = [f"  {name}: {sentence}" for name, sentence in found]
    if path.loop_index is not None:
        lines.append(f"  the behaviour loops back to step {path.loop_index} (marked @) forever")
    elif not found:
        lines.append("  the behaviour stops here: no fair action is enabled")
    return "\n".join(lines)


def path_json(
    model: HandoffModel, path: Path[HandoffState, Action], meta: dict[str, Any]
) -> dict[str, Any]:
    """The checker's path JSON (``Path.to_json``, which ``Path.from_json`` reads back with the
    model) plus ``meta`` (configuration and property) and each step's effect."""
    data: dict[str, Any] = json.loads(path.to_json())
    for step, ev in zip(data["steps"][1:], replayed(model, path), strict=True):
        step["effect"] = ev.effect._asdict()
    return {**meta, **data}


def write_diagram(
    model: HandoffModel, path: Path[HandoffState, Action], target: str | Output
) -> None:
    """The simulator's sequence diagram of the path (one row per action)."""
    draw_trace(trace_records(model, path), target if isinstance(target, Output) else Output(target))


def draw_trace(records: list[Record], target: Output) -> None:
    """A trace's sequence diagram into ``target``: SVG on standard output, else by suffix.
    matplotlib is imported here, not at start-up: most runs draw nothing."""
    from wspshare.sim.diagram import draw

    data = io.BytesIO()
    draw(records, data, "png" if target.suffix == ".png" else "svg")
    if target.to_stdout:
        # SVG is text: written through the text stream, which need not have a byte buffer
        # underneath (a redirected or captured standard output).
        target.write_text(data.getvalue().decode("utf-8"))
    else:
        target.write_bytes(data.getvalue())


def trace_records(model: HandoffModel, path: Path[HandoffState, Action]) -> list[Record]:
    """The path as the simulator's trace records, with step numbers in place of times."""
    ledger = _InboxLedger(model.config.targets)
    records: list[Record] = []
    before = path.steps[0].state
    for n, ev in enumerate(replayed(model, path), start=1):
        ipc = ledger.follow(before, ev.action, ev.state)
        records.append(event_record(n, float(n), ev.action, ev.effect, ev.state, ipc))
        before = ev.state
    return records


class _InboxLedger:
    """Message ids for arrows, when messages go straight into the reader's inbox (the checker's
    model has no wire: ``explicit_delivery`` is off), so a send appends and a receive pops."""

    def __init__(self, channels: int) -> None:
        self.next_id = 1
        self.ids: dict[Queue, list[int]] = {(k, d): [] for k in range(channels) for d in Direction}

    def follow(self, before: HandoffState, action: Action, after: HandoffState) -> list[Record]:
        if isinstance(action, Lose | Duplicate | Reorder) and not action.on_wire:
            return self._fault(action)
        out: list[Record] = []
        for (k, d), ids in self.ids.items():
            old, new = before.chans[k].inbox[d], after.chans[k].inbox[d]
            taken = next(i for i in range(len(old) + 1) if new[: len(old) - i] == old[i:])
            for msg in old[:taken]:
                out.append(self._ipc("receive", ids.pop(0), k, d, msg))
            for msg in new[len(old) - taken :]:
                ids.append(self.next_id)
                out.append(self._ipc("send", self.next_id, k, d, msg))
                self.next_id += 1
        return out

    def _fault(self, action: Lose | Duplicate | Reorder) -> list[Record]:
        ids = self.ids[(action.chan, action.direction)]
        k, d = action.chan, action.direction
        if isinstance(action, Lose):
            return [self._ipc("lost", ids.pop(action.position), k, d, None)]
        if isinstance(action, Duplicate):
            ids.insert(action.position + 1, self.next_id)
            self.next_id += 1
            rec = self._ipc("duplicate", ids[action.position + 1], k, d, None)
            return [{**rec, "of": ids[action.position]}]
        ids[0], ids[1] = ids[1], ids[0]
        return [{**self._ipc("reorder", ids[0], k, d, None), "of": ids[1]}]

    def _ipc(self, op: str, mid: int, k: int, d: Direction, msg: Message | None) -> Record:
        rec: Record = {"op": op, "msg": mid, "chan": k, "dir": d.name}
        if msg is not None:
            rec["text"] = str(msg)
        return rec
