"""Notebook 03 source (percent format): bugs and proofs.  Build: ``python notebooks/build.py``."""

# %% [markdown]
# # Bugs and proofs
#
# You will see every seeded bug of the catalogue run against the checkers, as a kill matrix that
# says which property catches which mistake, and one counterexample from each checker.
# You will then learn what the z3 encoding proves for every state at once, and what a
# counterexample to induction looks like when an invariant is too weak to prove on its own.

# %%
import matplotlib.pyplot as plt
import numpy as np
from hypothesis import settings

from models.variants import CATALOGUE, variant_named
from properties.checker import check
from properties.handoff import checkable, handoff_properties, violations
from properties.stateful import profiles
from properties.stateful.machines import call_machine
from properties.stateful.run import find_failure
from wspshare.render import descriptor_map, reference_counts, role_name, text_table

# %% [markdown]
# ## The catalogue
#
# `models.variants` holds twenty realistic mistakes, each a mutation of one part of the machine
# (a provider, the kernel, the switch, or the programs) together with its *witness
# configuration*: the smallest provider, faults and processes in which the mistake can show.
# The first row, `correct`, is the control: the real machine in the richest witness
# configuration (a stranger, a crash, a duplicated message and a reused pid).

# %%
rows = [(v.name, v.mutates, v.summary[:90]) for v in CATALOGUE]
print(text_table(("VARIANT", "MUTATES", "WHAT GOES WRONG"), rows))

# %% [markdown]
# ## The kill matrix
#
# Each variant's witness model goes through two checkers of the same properties: exhaustive
# breadth-first search, which decides every property, and 200 seeded random walks of at most 60
# steps, which can only find bugs. A cell is dark when breadth-first search finds the property
# violated; a dot marks the properties the catalogue says must catch the mistake.

# %%
PROPERTIES = [p.name for p in handoff_properties(variant_named("correct").model())]
exhaustive, walks = {}, {}
for v in CATALOGUE:
    model = checkable(v.model())
    exhaustive[v.name] = check(model)
    walks[v.name] = check(model, strategy="random", walks=200, max_depth=60, seed=7)

matrix = np.array(
    [[exhaustive[v.name][p].failed for p in PROPERTIES] for v in CATALOGUE], dtype=float
)
fig, ax = plt.subplots(figsize=(9, 7.5))
ax.imshow(matrix, cmap="Greys", vmin=0, vmax=1.6, aspect="auto")
for i, v in enumerate(CATALOGUE):
    for name in v.caught_by:
        ax.plot(PROPERTIES.index(name), i, "o", color="tab:orange", markersize=6)
ax.set_xticks(range(len(PROPERTIES)), PROPERTIES, rotation=50, ha="right", fontsize=8)
ax.set_yticks(range(len(CATALOGUE)), [v.name for v in CATALOGUE], fontsize=8)
ax.set_xlabel("property checked (safety properties, then the liveness property handoff-succeeds)")
ax.set_ylabel("seeded bug (variant), in its witness configuration")
ax.set_title("Kill matrix: which property the model checker finds violated")
ax.plot([], [], "s", color="dimgrey", label="violated (breadth-first search)")
ax.plot([], [], "o", color="tab:orange", label="expected to catch it (catalogue)")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=2, fontsize=8, frameon=False)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Figure 1.** Rows are the seeded bugs, columns the properties. Every row but the control has at
# least one dark cell, so every mistake is caught; every orange dot sits on a dark cell, so each
# is caught by the property the catalogue names. Extra dark cells are consequences: a socket
# closed too early also makes the handoff fail (`handoff-succeeds`), a reference dropped too
# often also leaves descriptors that name a closed socket (`descriptor-validity`).

# %%
control = exhaustive["correct"]
assert control.complete and not any(r.failed for r in control.properties), "the control is clean"
for v in CATALOGUE:
    missed = [p for p in v.caught_by if not exhaustive[v.name][p].failed]
    assert not missed, f"{v.name} escapes {missed}"  # every orange dot is on a dark cell
table = []
for v in CATALOGUE:
    full, walk = exhaustive[v.name], walks[v.name]
    caught = [p for p in PROPERTIES if full[p].failed]
    found = [p for p in caught if walk[p].failed]
    table.append(
        (
            v.name,
            full.statistics.states,
            "clean" if not caught else ", ".join(caught),
            "-" if not caught else f"{len(found)} of {len(caught)}",
        )
    )
print(text_table(("VARIANT", "STATES", "BFS: VIOLATED", "RANDOM WALKS FIND"), table))

# %% [markdown]
# Random walks find most bugs without exploring everything, but not all: a bug that needs a
# particular fault at a particular moment is a needle that uniform choices rarely pick. Only the
# exhaustive search lets us say *clean* for the control row.

# %% [markdown]
# ## One counterexample from each checker
#
# ### Breadth-first search
#
# The shortest behaviour in which the non-IFS provider that does not check the target's pid
# (`no-pid-check`) hands the socket to a stranger. Each row is one action replayed through the
# model; the last column names the properties violated after it.

# %%
HEADERS = ("STEP", "PROCESS", "THREAD", "CALL", "RESULT", "DESCRIPTORS", "REFS", "VIOLATED")


def replay_rows(model, path):
    """The path's actions executed one by one, as table rows."""
    state = model.init_states()[0]
    rows = []
    for action in path.actions:
        state, eff = model.execute(state, action)
        rows.append(
            (
                eff.seed_step or "-",
                role_name(state, eff.slot),
                f"T{eff.thread}" if eff.thread >= 0 else "-",
                eff.call,
                eff.result,
                descriptor_map(state),
                reference_counts(state),
                ", ".join(name for name, _ in violations(model, state)) or "-",
            )
        )
    return rows


bfs_model = checkable(variant_named("no-pid-check").model())
bfs_path = exhaustive["no-pid-check"]["no-strangers"].path
print(text_table(HEADERS, replay_rows(bfs_model, bfs_path)))

# %% [markdown]
# ### Random walks
#
# The shortest walk that reached a violation of `single-use` in the variant whose non-IFS provider
# accepts a protocol info twice (`accept-twice`), which shows only when the pipe duplicates the
# INFO message. A walk stumbles on a bug rather than aiming at it, so its path can be longer than
# the breadth-first one and contain detours.

# %%
walk_model = checkable(variant_named("accept-twice").model())
walk_path = walks["accept-twice"]["single-use"].path
bfs_length = len(exhaustive["accept-twice"]["single-use"].path)
print(f"random walk: {len(walk_path)} steps; breadth-first search: {bfs_length} steps")
print(text_table(HEADERS, replay_rows(walk_model, walk_path)))

# %% [markdown]
# ### Hypothesis
#
# The Hypothesis state machines drive the same semantics with arbitrary calls, good and bad
# arguments, process exits and injected failures, check every property after each, and shrink a
# failing history to the shortest one that still fails. Run against the kernel that drops a
# socket's count twice on close (`close-drops-twice`), the call-level machine (with the
# derandomized `ci` settings, so this output is the same on every run) needs no handoff at all
# to break the reference count: one socket and one process exit.

# %%
failure = find_failure(
    call_machine(variant_named("close-drops-twice").semantics), settings.get_profile(profiles.CI)
)
print(failure.render())

# %% [markdown]
# `P0+` marks a process that has exited. Its exit ran down handle 4 (R11), and the mutated close
# took two references for one handle, so the count went from 1 to -1: the reference-count
# invariant (the count equals the references that really exist) fails at once. Hypothesis started
# from histories of up to 40 random calls and shrank them to these two.
