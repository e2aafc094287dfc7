"""Plain-text rendering of twin states, proof results and BMC paths (byte-for-byte stable)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

KINDS = {0: "PENDING", 1: "IFS", 2: "WPU", 3: "PROCESS"}
STATUS = {0: "CREATED", 1: "CONNECTED", 2: "CLOSED"}


def table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    all_rows: list[tuple[str, ...]] = [headers, *rows]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in all_rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def state_lines(d: dict[str, Any]) -> list[str]:
    """One line per process, socket and share table of a decoded twin state."""
    out = []
    for i, (pid, alive, threads, handles, issued, out_flag, fail) in enumerate(d["procs"]):
        hs = " ".join(f"{v}->{KINDS.get(k, k)}:{o}@{c}" for v, o, c, k in handles) or "-"
        extra = " +outside" if out_flag else ""
        life = "alive" if alive else "exited"
        out.append(
            f"P{i} pid={pid} {life} threads={threads} fail_next={fail} handles: {hs} "
            f"issued={list(issued)}{extra}"
        )
    for k, (cat, refs, status, opts, nev, _first, sent, inbox, last) in enumerate(d["sockets"]):
        set_opts = {hex(key): v for key, v in opts if v}
        out.append(
            f"socket{k} cat={cat} refs={refs} {STATUS.get(status, status)} options={set_opts} "
            f"registrations={nev} sent={sent} inbox={inbox} last_set={last}"
        )
    for cat, (next_token, rows) in zip((1002, 1003), d["shares"], strict=True):
        if rows:
            rs = " ".join(f"token{t}->sock{s}/pid{p}{'/ref' if h else ''}" for t, s, p, h in rows)
            out.append(f"shares@{cat} next={next_token}: {rs}")
    if d.get("stranger") or d.get("reclaimed"):
        out.append(f"ghosts: stranger={d.get('stranger')} reclaimed={d.get('reclaimed')}")
    return out


def args_text(args: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items())
