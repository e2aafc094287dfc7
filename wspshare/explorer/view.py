"""A handoff state, its enabled actions and the properties, as JSON-ready data for the page.

The page draws what this module returns and computes nothing itself, so what a user sees is
decided here, in typed Python, where a test can read it: every process with its threads and
handle table, every socket with its count, status, options and event registration, each
provider's own state (a non-IFS provider's share records), every pipe with the messages waiting in
it, and each property's verdict in the current state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from enum import Enum
from typing import Any

from wspshare.explorer.session import Session
from wspshare.models.protocol import Expectation
from wspshare.models.scenario import Action, Direction, HandoffModel, HandoffState
from wspshare.models.scenario.config import Faults
from wspshare.models.scenario.state import DONE
from wspshare.models.state import Handle, HandleKind, Process, ProtocolInfo, Sock, SocketStatus
from wspshare.properties.handoff import violations
from wspshare.render import reference_counts, role_name
from wspshare.sim.trace import kind_of

Data = dict[str, Any]
BUDGETS = tuple(f.name for f in fields(Faults))  # the order of ``HandoffState.budget``


def plain(value: object) -> Any:
    """A value of the model as JSON: records as objects, enums by name, tuples as lists."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, ProtocolInfo):
        return str(value)  # its own short form, as traces print it
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def program_counter(pc: int) -> str:
    """A thread's program counter by its step's name (``DONE`` past the last step)."""
    if pc == DONE:
        return "done"
    return pc.name if isinstance(pc, Enum) else str(pc)


def handle_row(h: Handle) -> Data:
    what = f"process P{h.obj}" if h.kind is HandleKind.PROCESS else f"socket {h.obj}"
    return {"value": h.value, "kind": h.kind.name, "object": what, "catalog": h.catalog}


def process_card(state: HandoffState, slot: int, proc: Process, actions: Sequence[str]) -> Data:
    regs = state.regs[slot]
    prefix = f"P{slot}.T"
    return {
        "slot": slot,
        "name": role_name(state, slot),
        "pid": proc.pid,
        "alive": proc.alive,
        "fail_next": proc.fail_next.name,
        "threads": [
            {
                "thread": t,
                "pc": program_counter(pc),
                "next": [a for a in actions if a.startswith(f"{prefix}{t}:")],
            }
            for t, pc in enumerate(regs.pcs)
        ],
        "handles": [handle_row(h) for h in proc.handles],
        "registers": {k: plain(v) for k, v in regs._asdict().items() if k != "pcs"},
    }


def socket_row(index: int, sock: Sock) -> Data:
    return {
        "index": index,
        "catalog": sock.catalog,
        "refs": sock.refs,
        "status": sock.status.name,
        "closed": sock.status is SocketStatus.CLOSED,
        "options": [{"option": f"0x{k:x}", "value": v} for k, v in sock.options],
        "events": [{"pid": p, "descriptor": d, "mask": f"0x{m:x}"} for p, d, m in sock.events],
        "sent": sock.sent,
        "inbox": sock.inbox,
    }


def pipe_rows(model: HandoffModel, state: HandoffState) -> list[Data]:
    out = []
    for k, chan in enumerate(state.chans):
        target = model.target_slot(k)
        ends = (role_name(state, model.source_slot), role_name(state, target))
        out.append(
            {
                "channel": k,
                "ends": list(ends),
                "open": list(chan.open_ends),
                "queues": [
                    {
                        "direction": d.name,
                        "from": ends[0] if d is Direction.DOWN else ends[1],
                        "to": ends[1] if d is Direction.DOWN else ends[0],
                        "inbox": [str(m) for m in chan.inbox[d]],
                        "wire": [str(m) for m in chan.wire[d]],
                    }
                    for d in Direction
                ],
            }
        )
    return out


def state_data(model: HandoffModel, state: HandoffState, actions: Sequence[str]) -> Data:
    """Everything about one state the page shows, apart from the actions and properties."""
    w = state.world
    return {
        "processes": [process_card(state, i, p, actions) for i, p in enumerate(w.procs)],
        "sockets": [socket_row(i, s) for i, s in enumerate(w.sockets)],
        "refs": reference_counts(state),
        "providers": [
            {"name": p.name, "catalog": p.catalog_id, "state": plain(st)}
            for p, st in zip(model.semantics.providers, w.providers, strict=True)
        ],
        "pipes": pipe_rows(model, state),
        "budget": dict(zip(BUDGETS, state.budget, strict=True)),
        "faulted": state.faulted,
        "final": model.is_final(state),
    }


def property_rows(model: HandoffModel, session: Session[HandoffState, Action]) -> list[Data]:
    """Each property in the current state; a safety property also names the first step of the
    path (up to the cursor) where it failed, since a counterexample may go on past it."""
    state = session.current.state
    why = dict(violations(model, state))
    states = [v.state for v in session.visits[: session.cursor + 1]]
    rows = []
    for prop in model.properties():
        holds = prop.holds(state)
        if prop.expectation is Expectation.ALWAYS:
            verdict = "holds" if holds else "violated"
            first = next((i for i, s in enumerate(states) if not prop.holds(s)), None)
        else:
            verdict = "reached" if holds else "not yet"
            first = None
        rows.append(
            {
                "name": prop.name,
                "rule": prop.rule,
                "kind": prop.expectation.value,
                "verdict": verdict,
                "holds": holds,
                "why": why.get(prop.name, "" if holds else prop.explanation),
                "first_violation": first,
            }
        )
    return rows


def view(model: HandoffModel, session: Session[HandoffState, Action]) -> Data:
    """The whole page's data for the session's current state."""
    choices = session.choices()
    labels = [str(c.action) for c in choices]
    return {
        "cursor": session.cursor,
        "path": [
            {
                "step": i,
                "label": "init" if v.action is None else str(v.action),
                "fingerprint": v.fingerprint,
                "refs": reference_counts(v.state),
            }
            for i, v in enumerate(session.visits)
        ],
        "actions": [
            {"index": i, "label": label, "kind": kind_of(c.action), "fingerprint": c.fingerprint}
            for i, (label, c) in enumerate(zip(labels, choices, strict=True))
        ],
        "state": state_data(model, session.current.state, labels),
        "properties": property_rows(model, session),
    }
