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
from wspshare.models.scenario import ScenarioConfig
from wspshare.models.variants import variant_named
from wspshare.sim.config import SimConfig
from wspshare.sim.montecarlo import sweep, wilson
from wspshare.sim.timing import Timing

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
NO_ACK = {p: ScenarioConfig(provider=p, ack=False) for p in ("ifs", "non-ifs", "non-ifs-claim")}
RUNS = 600  # per point: enough for an interval of about +-4 points at a rate near 50%
PREMATURE = "no-premature-close"


def premature_rate(scenario, ipc, close_delay):
    """How often ``no-premature-close`` fails, as (rate, low, high), the 95% Wilson interval."""
    config = SimConfig(scenario, Timing(ipc=ipc, close_delay=close_delay))
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
# a quarter of a call's duration to sixteen calls. Besides the three providers without the
# acknowledgement, two seeded bugs of the catalogue (`models.variants`) race in the same way:
# a non-IFS provider that takes its reference at duplication but frees the share record when the
# source closes (`free-share-on-source-close`), and a target that acknowledges as soon as the info
# arrives, before its `WSPSocket` has claimed, on the late-reference provider with the
# acknowledgement (`ack-before-claim`).

# %%
IPC_DELAYS = (0.25, 0.5, 1, 2, 4, 8, 16)
LINES = {  # label: (scenario, colour, marker)
    "ifs, no ack": (NO_ACK["ifs"], "tab:blue", "s"),  # ifs and non-ifs overlap at 0
    "non-ifs, no ack": (NO_ACK["non-ifs"], "tab:green", "^"),
    "non-ifs-claim, no ack": (NO_ACK["non-ifs-claim"], "tab:red", "o"),
    "bug free-share-on-source-close": (
        variant_named("free-share-on-source-close").config(),
        "tab:purple",
        "D",
    ),
    "bug ack-before-claim": (variant_named("ack-before-claim").config(), "tab:brown", "v"),
}
by_ipc = {
    label: [premature_rate(scenario, ipc, 0.0) for ipc in IPC_DELAYS]
    for label, (scenario, _, _) in LINES.items()
}

same_race = by_ipc["bug free-share-on-source-close"] == by_ipc["non-ifs-claim, no ack"]
assert same_race, "both mistakes lose the same race in the same runs"

fig, ax = plt.subplots(figsize=(7.5, 4.5))
for label, (_, colour, marker) in LINES.items():
    dashed = "--" if label.startswith("bug free-share") else "-"
    plot_rates(
        ax, IPC_DELAYS, by_ipc[label], color=colour, marker=marker, markerfacecolor="none",
        label=label, linestyle=dashed,
    )  # fmt: skip
ax.set_xscale("log", base=2)
ax.set_xticks(IPC_DELAYS, [str(d) for d in IPC_DELAYS])
ax.set_ylim(-0.03, 1.03)
ax.set_xlabel("mean IPC delay of one message (simulated ms; a call takes 1 ms on average)")
ax.set_ylabel("share of handoffs with a premature close")
ax.set_title("How often the socket closes before the target claims it")
ax.legend(fontsize=8, loc="center right")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Figure 1.** Share of simulated handoffs in which the socket closed before the target could
# claim it, against the mean IPC delay (log scale); the shaded bands are 95% confidence intervals
# (Wilson) over 600 runs per point. Without the acknowledgement, the late-reference provider
# (`non-ifs-claim`) loses most of the time even when IPC is nearly free, because the source needs
# one call to close while the target needs two (read the pipe, claim), and slower IPC only makes
# it worse. The provider that frees the share on the source's close loses in exactly the same
# runs (same seeds, same race), so its line hides the red one. A target
# that acknowledges before claiming shows the opposite trend: the source now waits for the ACK,
# so the slower the ACK travels, the more time the target has to claim, and the rate falls as IPC
# slows. With `ifs` and `non-ifs` the target's reference exists before the info is sent, so the
# rate is zero at every delay: their two lines lie on top of each other at 0 (the thin band above
# them is what 600 clean runs can exclude).

# %% [markdown]
# ## Waiting before the close
#
# A tempting fix is to have the source wait a little before it closes. Here the IPC delay is
# held at three values and the source waits a fixed extra time before `WSPCloseSocket`.

# %%
WAITS = (0, 1, 2, 4, 8, 16, 32)
HELD_IPC = (0.5, 2, 8)
SHADES = ("tab:orange", "tab:red", "darkred")
late = NO_ACK["non-ifs-claim"]
by_wait = {ipc: [premature_rate(late, ipc, w) for w in WAITS] for ipc in HELD_IPC}
safe = {p: [premature_rate(NO_ACK[p], 8, w) for w in WAITS] for p in ("ifs", "non-ifs")}
with_ack = [premature_rate(late.with_(ack=True), 8, w) for w in WAITS]

fig, ax = plt.subplots(figsize=(7, 4.2))
xs = [w + 0.5 for w in WAITS]  # shifted so that a wait of 0 fits on the log axis
for ipc, shade in zip(HELD_IPC, SHADES, strict=True):
    plot_rates(ax, xs, by_wait[ipc], color=shade, label=f"non-ifs-claim, IPC {ipc} ms")
for provider in ("ifs", "non-ifs"):
    _, colour, marker = LINES[f"{provider}, no ack"]
    plot_rates(
        ax, xs, safe[provider], color=colour, marker=marker, markerfacecolor="none",
        label=f"{provider}, IPC 8 ms",
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
