"""Notebook 04 source (percent format): the race window.  Build: ``python notebooks/build.py``."""

# %% [markdown]
# # The race window
#
# You will see, from thousands of simulated handoffs, how often a source that does not wait for
# the acknowledgement of step 10 closes the socket before the target has claimed it, for each
# provider. You will learn how that rate depends on the IPC delay and on how long the source
# waits before it closes, with 95% confidence intervals, and why waiting a fixed time is no fix.

# %%
import matplotlib.pyplot as plt

from models.scenario import ScenarioConfig
from sim.config import SimConfig
from sim.montecarlo import sweep, wilson
from sim.timing import Timing
from wspshare.render import text_table

# %% [markdown]
# ## The race
#
# Without the acknowledgement, the source closes its descriptor right after sending the protocol
# info (step 6 to step 10). Meanwhile the info has to cross the pipe, the target has to read it
# (step 7) and call `WSPSocket` with it (step 8). With a provider that takes the target's
# reference only at that claim (`non-ifs-claim`), the socket has a single reference until then,
# so whichever comes first decides: the target's claim, or the source's close, which ends the
# connection (the model's `no-premature-close` property is violated).
#
# The simulator gives every call and every IPC delivery a duration drawn from an exponential
# distribution with a given mean, from a seeded random generator (M6), and checks the model's
# properties after every action. A run's outcome is a pure function of its configuration and
# seed, so every number below is reproducible. Times are simulated milliseconds; a call takes
# 1 ms on average.

# %%
PROVIDERS = ("ifs", "non-ifs", "non-ifs-claim")
RUNS = 600  # per point: enough for an interval of about +-4 points at a rate near 50%
PREMATURE = "no-premature-close"


def premature_rate(provider, ipc, close_delay, ack=False):
    """How often ``no-premature-close`` fails, as (rate, low, high), the 95% Wilson interval."""
    config = SimConfig(
        ScenarioConfig(provider=provider, ack=ack), Timing(ipc=ipc, close_delay=close_delay)
    )
    report = sweep(config, RUNS, workers=1)
    for rate in report.outcomes:
        if rate.name == PREMATURE:
            return rate.rate, rate.low, rate.high
    return (0.0, *wilson(0, report.runs))  # never seen: the interval still bounds it


def plot_rates(ax, xs, points, **style):
    rates = [p[0] for p in points]
    style.setdefault("marker", "o")
    ax.plot(xs, rates, **style)
    ax.fill_between(
        xs, [p[1] for p in points], [p[2] for p in points], alpha=0.2, color=style.get("color")
    )


# %% [markdown]
# ## How the IPC delay widens the window
#
# First the source closes as soon as it can (no extra wait), and the mean IPC delay varies from
# a quarter of a call's duration to sixteen calls.

# %%
IPC_DELAYS = (0.25, 0.5, 1, 2, 4, 8, 16)
COLOURS = {"ifs": "tab:blue", "non-ifs": "tab:green", "non-ifs-claim": "tab:red"}
MARKERS = {"ifs": "s", "non-ifs": "^", "non-ifs-claim": "o"}  # ifs and non-ifs overlap at 0
by_ipc = {p: [premature_rate(p, ipc, 0.0) for ipc in IPC_DELAYS] for p in PROVIDERS}

fig, ax = plt.subplots(figsize=(7, 4.2))
for provider in PROVIDERS:
    plot_rates(
        ax, IPC_DELAYS, by_ipc[provider], color=COLOURS[provider], marker=MARKERS[provider],
        markerfacecolor="none", label=provider,
    )  # fmt: skip
ax.set_xscale("log", base=2)
ax.set_xticks(IPC_DELAYS, [str(d) for d in IPC_DELAYS])
ax.set_ylim(-0.03, 1.03)
ax.set_xlabel("mean IPC delay of one message (simulated ms; a call takes 1 ms on average)")
ax.set_ylabel("share of handoffs with a premature close")
ax.set_title("Source closes right after sending the info (no acknowledgement)")
ax.legend(title="provider", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Figure 1.** Share of simulated handoffs in which the source's close ended the connection
# before the target could claim the socket, against the mean IPC delay (log scale), one line per
# provider; the shaded bands are 95% confidence intervals (Wilson) over 600 runs per point.
# With `non-ifs-claim` the source wins the race most of the time even when IPC is nearly free,
# because it needs one call to close while the target needs two (read the pipe, claim); slower
# IPC only makes it worse. With `ifs` and `non-ifs` the target's reference exists before the info
# is sent, so the rate is zero at every delay: their two lines lie on top of each other at 0
# (the thin band above them is what 600 clean runs can exclude).

# %% [markdown]
# ## Waiting before the close
#
# A tempting fix is to have the source wait a little before it closes. Here the IPC delay is
# held at three values and the source waits a fixed extra time before `WSPCloseSocket`.

# %%
WAITS = (0, 1, 2, 4, 8, 16, 32)
HELD_IPC = (0.5, 2, 8)
SHADES = ("tab:orange", "tab:red", "darkred")
by_wait = {ipc: [premature_rate("non-ifs-claim", ipc, w) for w in WAITS] for ipc in HELD_IPC}
safe = {p: [premature_rate(p, 8, w) for w in WAITS] for p in ("ifs", "non-ifs")}
with_ack = [premature_rate("non-ifs-claim", 8, w, ack=True) for w in WAITS]

fig, ax = plt.subplots(figsize=(7, 4.2))
xs = [w + 0.5 for w in WAITS]  # shifted so that a wait of 0 fits on the log axis
for ipc, shade in zip(HELD_IPC, SHADES, strict=True):
    plot_rates(ax, xs, by_wait[ipc], color=shade, label=f"non-ifs-claim, IPC {ipc} ms")
for provider in ("ifs", "non-ifs"):
    plot_rates(
        ax, xs, safe[provider], color=COLOURS[provider], marker=MARKERS[provider],
        markerfacecolor="none", label=f"{provider}, IPC 8 ms",
    )  # fmt: skip
plot_rates(
    ax, xs, with_ack, color="black", marker="x", linestyle="--",
    label="non-ifs-claim with the ack, IPC 8 ms",
)  # fmt: skip
ax.set_xscale("log", base=2)
ax.set_xticks(xs, [str(w) for w in WAITS])
ax.set_ylim(-0.03, 1.03)
ax.set_xlabel("extra time the source waits before it closes (simulated ms)")
ax.set_ylabel("share of handoffs with a premature close")
ax.set_title("A fixed wait narrows the window but never closes it")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Figure 2.** Share of handoffs with a premature close against the extra time the source
# waits before closing (log scale; 0 means no wait), for the late-reference provider at three IPC
# delays, with 95% confidence bands over 600 runs per point. Waiting helps, but each wait only
# suits one IPC delay: a wait that is enough when IPC takes 0.5 ms still loses often when it
# takes 8 ms, and since durations are random there is always a tail in which the target is
# slower. The lines at zero are the two providers that take the reference at duplication and the
# late-reference provider with the acknowledgement of step 10 (dashed): only waiting for the
# target's word removes the race.

# %%
rows = []
for ipc in HELD_IPC:
    for w, (rate, low, high) in zip(WAITS, by_wait[ipc], strict=True):
        rows.append((ipc, w, f"{rate:.3f}", f"[{low:.3f}, {high:.3f}]"))
print(text_table(("IPC MS", "WAIT MS", "PREMATURE CLOSE", "95% INTERVAL"), rows))
