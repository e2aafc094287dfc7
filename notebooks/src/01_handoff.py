"""Notebook 01 source (percent format): the handoff.  Build: ``python notebooks/build.py``."""

# %% [markdown]
# # The handoff, step by step
#
# You will see the seed's ten-step handoff of a socket from a source process to a target process
# run on the IFS and the non-IFS provider, as a table of calls and as a sequence diagram.
# You will then learn what the acknowledgement of step 10 buys: which provider still works when the
# source closes its descriptor without waiting for the target, and which one loses the socket.

# %%
import matplotlib.pyplot as plt

from models.scenario import HandoffModel, ScenarioConfig
from models.scenario.schedule import seed_order_run
from properties.checker import check
from properties.handoff import checkable, violations
from wspshare.render import descriptor_map, reference_counts, role_name, text_table

# %% [markdown]
# ## The seed's table, run
#
# `seed_order_run` runs the scenario once without faults, always taking the step lowest in the
# seed's table, so with one target it follows the table row by row. Each row below is one atomic
# call of the executable semantics: the seed's step number, the process and thread that made it,
# the call and its result, every process's socket descriptors (`~` marks a handle the IFS provider
# has already duplicated into the target but that the target has not claimed yet), and the
# socket's reference count (`x`: closed).

# %%
HEADERS = ("STEP", "PROCESS", "THREAD", "CALL", "RESULT", "DESCRIPTORS", "REFS")


def trace_rows(steps):
    """One row per ``(effect, state)`` pair, in the columns of ``wspshare handoff``."""
    return [
        (
            effect.seed_step or "-",
            role_name(state, effect.slot),
            f"T{effect.thread}" if effect.thread >= 0 else "-",
            effect.call,
            effect.result,
            descriptor_map(state),
            reference_counts(state),
        )
        for effect, state in steps
    ]


runs = {}
for provider in ("ifs", "non-ifs"):
    model = HandoffModel(ScenarioConfig(provider=provider))
    runs[provider] = seed_order_run(model)
    print(f"provider {provider}")
    print(text_table(HEADERS, trace_rows((ev.effect, ev.state) for ev in runs[provider])))
    print()

# %% [markdown]
# The two providers make the same calls and differ in where the target's reference comes from.
# The IFS provider (M3) duplicates the kernel handle into the target already in step 5, so the
# reference count rises to 2 before the protocol info has even left the source; the target's
# `WSPSocket` in step 8 only adopts that handle. The non-IFS provider (M4) keeps a share record
# that holds the second reference from step 5, and the target's descriptor is created from it in
# step 8 with `WPUCreateSocketHandle`.

# %% [markdown]
# ## The same run as a sequence diagram

# %%
SEQUENCE_DIAGRAM = None  # replaced once the simulator's renderer is in place

# %% [markdown]
# ## Without the acknowledgement of step 10
#
# With `ack=False` the source closes its descriptor as soon as it has sent the protocol info,
# without waiting for the target to say it holds its own. The seed's order hides the difference
# (the target always claims in step 8 before the source reaches step 10), so we ask the model
# checker instead: it explores every interleaving of the two processes. The third provider,
# `non-ifs-claim`, is a non-IFS provider that takes its reference only when the target claims.

# %%
verdicts = []
for provider in ("ifs", "non-ifs", "non-ifs-claim"):
    for ack in (True, False):
        model = checkable(HandoffModel(ScenarioConfig(provider=provider, ack=ack)))
        result = check(model)
        verdicts.append(
            (
                provider,
                "yes" if ack else "no",
                result.statistics.states,
                result["no-premature-close"].verdict.value,
                result["handoff-succeeds"].verdict.value,
            )
        )
print(text_table(("PROVIDER", "ACK", "STATES", "NO-PREMATURE-CLOSE", "HANDOFF-SUCCEEDS"), verdicts))

# %% [markdown]
# Only the provider that takes its reference late needs the acknowledgement. With `ifs` and
# `non-ifs` the second reference exists from step 5 on, so the source's close in step 10 can only
# drop the count from 2 to 1, whatever the order. With `non-ifs-claim` the socket has a single
# reference until the target claims, and the checker finds an order in which the source's close
# drops it to zero first. Here is its counterexample to `handoff-succeeds`, replayed through the
# model so that each row shows the call and its result; the last column names the safety
# properties violated in the state after that row.

# %%
claim_model = checkable(HandoffModel(ScenarioConfig(provider="non-ifs-claim", ack=False)))
failed = check(claim_model)["handoff-succeeds"]
state = claim_model.init_states()[0]
steps, broken = [], []
for action in failed.path.actions:
    state, effect = claim_model.execute(state, action)
    steps.append((effect, state))
    broken.append(", ".join(name for name, _ in violations(claim_model, state)) or "-")
rows = [(*row, names) for row, names in zip(trace_rows(steps), broken, strict=True)]
print(text_table((*HEADERS, "VIOLATED"), rows))

# %% [markdown]
# Read the last rows: the source's `WSPCloseSocket` in step 10 drops the only reference, the
# socket closes (`x`) and the peer sees the connection end, while the target holds a protocol
# info it has not used yet — `no-premature-close` is violated from that row on. The target's
# `WSPSocket` in step 8 then fails, so it never gets its descriptor. Waiting for the
# acknowledgement of step 10 closes this window; the notebook `04_race_window` measures how often
# the race is lost when the source does not wait.

# %%
plt.close("all")
