"""Notebook 01 source (percent format): the handoff.  Build: ``python notebooks/build.py``."""

# %% [markdown]
# # The handoff, step by step
#
# You will see the seed's ten-step handoff of a socket from a source process to a target process
# run on the IFS and the non-IFS provider, as a table of calls and as a sequence diagram.
# You will then learn what the acknowledgement of step 10 buys: which provider still works when the
# source closes its descriptor without waiting for the target, and which one loses the socket.

# %%
import os
import tempfile

from IPython.display import Image, display
from wspshare.models.calls import WSPDuplicateSocket, WSPSocket
from wspshare.models.providers.layered import install_chain
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.schedule import seed_order_run
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.properties.checker import Path, Step, check
from wspshare.properties.handoff import checkable, violations
from wspshare.sim.chain_diagram import figure
from wspshare.sim.chain_trace import client_call, traced
from wspshare.sim.config import SimConfig
from wspshare.sim.diagram import draw
from wspshare.sim.montecarlo import sweep
from wspshare.sim.run import simulate
from wspshare.sim.timing import Timing

from wspshare.commands.counterexample import trace_records
from wspshare.commands.simulate import trace_table
from wspshare.render import descriptor_map, reference_counts, role_name, text_table

# %% [markdown]
# ## The seed's table, run
#
# `seed_order_run` runs the scenario once without faults, always taking the step lowest in the
# seed's table, so with one target it follows the table row by row. Each row is one atomic action
# of the executable semantics: the seed's step number, the process and thread, the call and its
# result, every process's socket descriptors (`~` marks a handle the IFS provider has already
# duplicated into the target that the target has not claimed yet), and the socket's reference
# count (`x`: closed). The run is turned into the
# simulator's trace records (the renderer of `wspshare check --diagram`), which give both the
# table and the diagram; the seed-order run has no clock, so the `TIME` column counts actions.


# %%
def seed_records(provider):
    """The seed-order run of ``provider`` as simulator trace records (time = action number)."""
    model = HandoffModel(ScenarioConfig(provider=provider))
    steps = [Step.of(None, model.init_states()[0])]
    steps += [Step.of(ev.action, ev.state) for ev in seed_order_run(model)]
    return trace_records(model, Path(tuple(steps)))


def show_diagram(records):
    """Draw the sequence diagram of ``records`` and display it."""
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "diagram.png")
        draw(records, png)
        display(Image(filename=png, width=760))


seed_runs = {provider: seed_records(provider) for provider in ("ifs", "non-ifs")}
for provider, records in seed_runs.items():
    print(f"provider {provider}")
    print(trace_table(records))
    print()

# %% [markdown]
# The two providers make the same calls and differ in where the target's reference comes from.
# The IFS provider (M3) duplicates the kernel handle into the target already in step 5, so the
# reference count rises to 2 before the protocol info has even left the source; the target's
# `WSPSocket` in step 8 only adopts that handle. The non-IFS provider (M4) keeps a share record
# that holds the second reference from step 5, and the target's descriptor is created from it in
# step 8 with `WPUCreateSocketHandle`. In both, the target's acknowledgement (`send ACK`, step 10's
# arrow) is what lets the source close.

# %% [markdown]
# ## The same runs as sequence diagrams

# %%
show_diagram(seed_runs["ifs"])

# %% [markdown]
# **Figure 1.** The seed-order handoff on the IFS provider. Each vertical line is a participant:
# the kernel, the source and target processes, and the provider; time runs down the page, one
# row per action (the margin numbers the actions). Blue arrows are IPC messages from the row that
# wrote them to the row that read them; grey arrows mark calls into the provider (SPI calls) or
# the kernel (`OpenProcess`, `CloseHandle`).

# %%
show_diagram(seed_runs["non-ifs"])

# %% [markdown]
# **Figure 2.** The same handoff on the non-IFS provider: the picture is the same shape, because
# what differs between the providers happens inside them (a handle duplicated at once for IFS, a
# share record for non-IFS), visible in the tables' `DESCRIPTORS` and `REFS` columns above.

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
HEADERS = ("STEP", "PROCESS", "THREAD", "CALL", "RESULT", "DESCRIPTORS", "REFS", "VIOLATED")
claim_model = checkable(HandoffModel(ScenarioConfig(provider="non-ifs-claim", ack=False)))
failed = check(claim_model)["handoff-succeeds"]
state = claim_model.init_states()[0]
rows = []
for action in failed.path.actions:
    state, eff = claim_model.execute(state, action)
    rows.append(
        (
            eff.seed_step or "-",
            role_name(state, eff.slot),
            f"T{eff.thread}" if eff.thread >= 0 else "-",
            eff.call,
            eff.result,
            descriptor_map(state),
            reference_counts(state),
            ", ".join(name for name, _ in violations(claim_model, state)) or "-",
        )
    )
print(text_table(HEADERS, rows))

# %% [markdown]
# Read the last rows: the source's `WSPCloseSocket` in step 10 drops the only reference, the
# socket closes (`x`) and the peer sees the connection end, while the target holds a protocol
# info it has not used yet — `no-premature-close` is violated from that row on. The target's
# `WSPSocket` in step 8 then fails, so it never gets its descriptor. Waiting for the
# acknowledgement of step 10 closes this window; the notebook `04_race_window` measures how often
# the race is lost when the source does not wait.

# %% [markdown]
# ## The race, with a clock
#
# The checker says the bad order *can* happen; the simulator shows it happening in time. It
# gives each call and each IPC delivery a random duration (1 ms per call and 2 ms per message on
# average, from a seeded generator) and checks the same properties after every action. Among
# the first 50 seeds we take the first run that ends in a premature close, and replay it.

# %%
race = SimConfig(ScenarioConfig(provider="non-ifs-claim", ack=False), Timing())
seed = sweep(race, 50, workers=1).first_failure.seed
run = simulate(race, seed)
print(f"seed {seed}: {run.result.outcome} - {run.result.detail}")
print(trace_table(run.trace()))

# %%
actions = [r for r in run.trace() if r.get("event") == "action"]
assert actions[-1]["call"].startswith("WSPCloseSocket"), "the run ends at the source's close"
assert not any(r["result"].startswith("INFO") for r in actions), "the INFO was never read"
show_diagram(run.trace())

# %% [markdown]
# **Figure 3.** A simulated handoff on the `non-ifs-claim` provider without the acknowledgement;
# the margin gives each action's time in simulated milliseconds. The INFO message the source sent
# has no arrow: the target had not read it yet when the source's `WSPCloseSocket` (last row)
# dropped the socket's only reference. The run stops at that action, because `no-premature-close`
# is violated there. With the acknowledgement, the source would still be waiting for the target's
# `ACK` at that moment.

# %% [markdown]
# ## Through a chain of layered providers
#
# Firewalls and proxies install layered service providers (LSPs) between the switch and the base
# provider, so every call goes down a protocol chain. Here a non-IFS layer (`lsp2`, which makes
# its own descriptors with `WPUCreateSocketHandle`) sits over an IFS layer (`lsp1`, which takes
# the base's handle over with `WPUModifyIFSHandle`) over the IFS base. `traced` records every
# call that crosses from one party to another: the client's call into the top, each layer's call
# into the next, and each provider's upcall to the switch. The source creates a socket and
# duplicates it for the target, which claims it.

# %%
layered, log = traced(
    Semantics(providers=install_chain(standard_providers(), "ifs", ("non-ifs", "ifs")))
)
w = layered.initial_world()
w, _ = layered.spawn(w)
w, _ = layered.spawn(w)
client_call(log, "source")
w, made = layered.call(w, 0, 0, WSPSocket(2002))
w, info = layered.call(w, 0, 0, WSPDuplicateSocket(made.value, w.procs[1].pid))
client_call(log, "target")
w, claimed = layered.call(w, 1, 0, WSPSocket(0, info.value))
print(f"source got {made.value}, the info names {info.value}, the target got {claimed.value}")
for proc in w.procs:
    print(f"P{proc.pid}:", [(h.value, h.kind.name, h.catalog) for h in proc.handles])

# %%
with tempfile.TemporaryDirectory() as tmp:
    png = os.path.join(tmp, "chain.png")
    figure(log.calls, ["lsp2", "lsp1", "ifs"]).savefig(png, dpi=80)
    display(Image(filename=png, width=760))

# %% [markdown]
# **Figure 4.** The seed's creation, duplication and claim through a two-layer chain, one
# lifeline per layer. The duplication goes down the chain: each layer calls the next provider's
# `WSPDuplicateSocket` and puts its own catalog entry on top of the info it returns, so the
# target presents `lsp2`'s info. In the target the claim comes back up: the base finds its
# duplicated handle and gives it to the switch, `lsp1` takes that same handle over as its own,
# and `lsp2` wraps it in a descriptor of its own. The handle tables above show the result: each
# process holds the base's kernel handle (now dispatched to `lsp1`) and `lsp2`'s descriptor,
# which is the only one its client sees.
