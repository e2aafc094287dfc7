"""A sequence diagram of calls through a protocol chain: one lifeline per layer (R16).

The lifelines are the client processes, then every provider of the chain from its top down to
the base, then the switch; each call a ``sim.chain_trace`` log recorded is one row, an arrow from
the caller's lifeline to the callee's, labelled with the call and what it answered.  So a
duplication shows the way it really goes: the client calls the top, each layer calls the next,
the base does the work, and in the target each layer wraps what the one below handed it.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from wspshare.sim.chain_trace import SWITCH, ChainCall


def lanes(calls: Sequence[ChainCall], chain: Sequence[str]) -> list[str]:
    """The clients in order of appearance, the chain top first, then the switch."""
    parties = {c.caller for c in calls} | {c.callee for c in calls}
    clients = [p for p in dict.fromkeys(c.caller for c in calls) if p not in chain and p != SWITCH]
    return [*clients, *(p for p in chain if p in parties), SWITCH]


def figure(calls: Sequence[ChainCall], chain: Sequence[str], title: str = "") -> Figure:
    """The diagram as a matplotlib figure (deterministic: no clock, no randomness)."""
    names = lanes(calls, chain)
    x = {name: i for i, name in enumerate(names)}
    height = 0.8 + 0.32 * len(calls)
    fig = Figure(figsize=(2.1 * len(names) + 1.5, height))
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylim(len(calls) + 0.5, -0.9)
    ax.axis("off")
    for name, i in x.items():
        ax.plot([i, i], [0, len(calls) + 0.4], color="0.75", lw=1, zorder=0)
        ax.text(i, -0.4, name, ha="center", va="bottom", fontsize=9, weight="bold")
    for row, c in enumerate(calls, start=1):
        a, b = x[c.caller], x[c.callee]
        upcall = c.callee == SWITCH
        ax.annotate(
            "",
            xy=(b, row),
            xytext=(a, row),
            arrowprops={"arrowstyle": "->", "color": "tab:orange" if upcall else "tab:blue"},
        )
        label = c.call + (f" -> {c.result}" if c.result else "")
        ax.text((a + b) / 2, row - 0.12, label[:60], ha="center", va="bottom", fontsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    return fig
