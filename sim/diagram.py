"""A sequence diagram of a trace: one lifeline per process, plus the kernel and the provider.

Time runs down the page in event order (one row per event, its simulated time in the margin), so
close events stay readable.  Calls are labelled on their process's lifeline; SPI calls draw a
thin arrow to the provider, process-handle calls and crashes (rundown, R11) to the kernel; every
IPC message is an arrow from the row it was written to the row it was read (a cross where it was
lost).  The format follows the file's extension (``.png`` or ``.svg``); output is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from matplotlib import rc_context
from matplotlib.figure import Figure
from wspshare.models.errors import ModelError
from wspshare.sim.trace import Record

FORMATS = (".png", ".svg")
KERNEL, PROVIDER = "kernel", "provider"


def lifelines(events: Sequence[Record]) -> list[str]:
    """Kernel, the processes in order of appearance (source first), then the provider."""
    procs: list[str] = []
    for rec in events:
        name = rec["process"]
        if name != "ipc" and name not in procs:
            procs.append(name)
    procs.sort(key=lambda p: (not p.startswith("source"), not p.startswith("target"), p))
    return [KERNEL, *procs, PROVIDER]


def _label(rec: Record) -> str:
    text = f"{rec['call']}"
    if rec["result"] and rec["kind"] != "fault":
        text += f" -> {rec['result']}"
    return text if len(text) <= 48 else text[:45] + "..."


def draw(records: Sequence[Record], path: str | Path | BinaryIO, fmt: str | None = None) -> None:
    """Write the sequence diagram of a trace's records to ``path`` (.png or .svg), or to an open
    binary stream in format ``fmt`` (``"svg"`` or ``"png"``)."""
    if isinstance(path, str | Path):
        suffix = Path(path).suffix.lower()
        if suffix not in FORMATS:
            raise ModelError(f"--diagram must end in .png or .svg, got {str(path)!r}")
    else:
        suffix = "." + (fmt or "svg")
        if suffix not in FORMATS:
            raise ModelError(f"a diagram is drawn as png or svg, not {fmt!r}")
    events = [r for r in records if r.get("event") == "action"]
    lines = lifelines(events)
    x = {name: i * 3.0 for i, name in enumerate(lines)}
    rows = len(events) + 1
    # A bare Figure (no pyplot): no global backend switch, so notebooks keep inline plots.
    fig = Figure(figsize=(3.0 * len(lines) + 2.0, 0.42 * rows + 1.5))
    ax = fig.subplots()
    for name, xpos in x.items():
        ax.plot([xpos, xpos], [0, rows], color="0.6", lw=1, zorder=1)
        ax.text(xpos, -0.4, name, ha="center", va="bottom", fontsize=9, weight="bold")
    sent: dict[int, tuple[float, float]] = {}
    for row, rec in enumerate(events, start=1):
        ax.text(-1.6, row, f"{rec['time']:.3f}", ha="right", va="center", fontsize=7, color="0.4")
        name = rec["process"]
        for ipc in rec["ipc"]:
            op, mid = ipc["op"], ipc["msg"]
            if op == "send" and name in x:
                sent[mid] = (x[name], row)
            elif op == "receive" and mid in sent and name in x:
                (x0, y0) = sent.pop(mid)
                _arrow(ax, x0, y0, x[name], row, "tab:blue", ipc.get("text", ""))
            elif op == "lost" and mid in sent:
                (x0, y0) = sent.pop(mid)
                ax.plot([x0 + 0.8], [row], "x", color="red")
                _arrow(ax, x0, y0, x0 + 0.8, row, "red", "lost")
            elif op == "duplicate" and ipc.get("of") in sent:
                sent[mid] = sent[ipc["of"]]
        if name == "ipc":
            continue
        xp = x[name]
        color = "red" if rec["kind"] == "fault" else "black"
        ax.plot([xp], [row], "o", ms=3, color=color, zorder=3)
        ax.text(xp + 0.1, row - 0.12, _label(rec), fontsize=7, va="bottom", color=color)
        call = rec["call"]
        if call.startswith("WSP"):
            _arrow(ax, xp, row, x[PROVIDER], row, "0.7", "")
        elif rec["kind"] == "fault" and "crashes" in call:
            _arrow(ax, xp, row, x[KERNEL], row, "red", "rundown")
        elif call.startswith(("OpenProcess", "CloseHandle")):
            _arrow(ax, xp, row, x[KERNEL], row, "0.7", "")
    ax.set_xlim(-2.2, x[PROVIDER] + 2.5)
    ax.set_ylim(rows + 0.5, -1.0)
    ax.axis("off")
    fig.tight_layout()
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    with rc_context({"svg.hashsalt": "wspshare"}):  # fixed ids: byte-identical SVGs
        fig.savefig(path, format=suffix[1:], metadata=metadata)


def _arrow(ax: object, x0: float, y0: float, x1: float, y1: float, color: str, text: str) -> None:
    ax.annotate(  # type: ignore[attr-defined]
        "",
        xy=(x1, y1),
        xytext=(x0, y0),
        arrowprops={"arrowstyle": "->", "color": color, "lw": 0.8, "shrinkA": 2, "shrinkB": 2},
    )
    if text:
        ax.text(  # type: ignore[attr-defined]
            (x0 + x1) / 2, (y0 + y1) / 2, text, fontsize=6, color=color, ha="center"
        )
