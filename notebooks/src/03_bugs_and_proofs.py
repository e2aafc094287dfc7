"""Notebook 03 source (percent format): bugs and proofs.  Build: ``python notebooks/build.py``."""

# %% [markdown]
# # Bugs and proofs
#
# You will see every seeded bug of the catalogue run against the checkers, as a kill matrix that
# says which property catches which mistake, and one counterexample from each checker.
# You will then learn what the z3 encoding proves for every state at once, and what a
# counterexample to induction looks like when an invariant is too weak to prove on its own.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from hypothesis import settings
from IPython.display import Image, display
from wspshare.models.variants import CATALOGUE as FULL_CATALOGUE
from wspshare.models.variants import variant_named
from wspshare.properties.checker import check
from wspshare.properties.handoff import checkable, handoff_properties
from wspshare.properties.smt.bmc import bmc, bounds_for
from wspshare.properties.smt.induction import prove
from wspshare.properties.smt.parametric import prove_parametric
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.variants import semantics_for, twin_for
from wspshare.properties.stateful import profiles
from wspshare.properties.stateful.machines import call_machine
from wspshare.properties.stateful.run import find_failure
from wspshare.sim.diagram import draw

from wspshare.commands.bmc import render as render_bmc
from wspshare.commands.counterexample import ending, path_table, trace_records
from wspshare.commands.prove import render as render_proof
from wspshare.matrix import run_matrix
from wspshare.render import text_table

# The seed's handoff bugs; the listener and datagram patterns' bugs have bigger state spaces and
# their own rows in the README's kill matrix, and would take this notebook past its minute, as
# would the layered providers' (notebook 01 draws a chain; the README's matrix has their rows).
CATALOGUE = tuple(
    v for v in FULL_CATALOGUE if v.witness.pattern == "handoff" and not v.witness.chain
)

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
# breadth-first search, which decides every property, and 100 seeded random walks of at most 60
# steps, which can only find bugs. A cell is dark when breadth-first search finds the property
# violated; a dot marks the properties the catalogue says must catch the mistake.

# %%
PROPERTIES = [p.name for p in handoff_properties(variant_named("correct").model())]
exhaustive, walks = {}, {}
for v in CATALOGUE:
    model = checkable(v.model())
    exhaustive[v.name] = check(model)
    walks[v.name] = check(model, strategy="random", walks=100, max_depth=60, seed=7)
    # The listener and datagram patterns add properties of their own (accepted-once, ...).
    PROPERTIES += [r.name for r in exhaustive[v.name].properties if r.name not in PROPERTIES]


def failed(result, name):
    """Whether ``name`` failed in ``result``; a property the model does not have did not."""
    return any(r.name == name and r.failed for r in result.properties)


matrix = np.array(
    [[failed(exhaustive[v.name], p) for p in PROPERTIES] for v in CATALOGUE], dtype=float
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
    missed = [p for p in v.caught_by if not failed(exhaustive[v.name], p)]
    assert not missed, f"{v.name} escapes {missed}"  # every orange dot is on a dark cell
table = []
for v in CATALOGUE:
    full, walk = exhaustive[v.name], walks[v.name]
    caught = [p for p in PROPERTIES if failed(full, p)]
    found = [p for p in caught if failed(walk, p)]
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
# ## The kill matrix across checkers
#
# The same question asked per checker: does it catch the mistake at all, and with how short a
# story? `wspshare.matrix.run_matrix` (the engine of `wspshare mutants`) runs checker columns on
# the control row and on every seeded bug; here the two fast ones (`wspshare mutants` adds the
# Hypothesis and z3 columns, shown in the README): `exhaustive` is the breadth-first search above,
# `simulation` runs seeded Monte Carlo handoffs in the simulator, with fault plans drawn from the
# witness's fault budget, until one stops on a violated property or its time budget (here 0.3 s a
# cell) runs out. The random walks of the previous section form a third column. A simulation cell
# depends on how many runs fit in its time budget, so on a slow machine it may miss a rare bug
# that a faster one catches.

# %%
seeded = [v for v in CATALOGUE if v.name != "correct"]
matrix = run_matrix(seeded, ["exhaustive", "simulation"], budget=0.3)
assert not matrix.false_alarms, "no checker flags the correct machine"
checkers = ["exhaustive", "random walks", *(c for c in matrix.columns if c != "exhaustive")]
grid, notes = [], []
for row in matrix.rows:
    walk = walks[row.variant]
    found = [r for r in walk.properties if r.failed and r.path is not None]
    cells = {
        "random walks": (bool(found), min((len(r.path) for r in found), default=None)),
        **{name: (cell.caught, cell.length) for name, cell in row.cells.items()},
    }
    grid.append([cells[c][0] for c in checkers])
    notes.append(["" if cells[c][1] is None else str(cells[c][1]) for c in checkers])

fig, ax = plt.subplots(figsize=(6, 7.5))
ax.imshow(np.array(grid, dtype=float), cmap="Greens", vmin=0, vmax=1.6, aspect="auto")
for i, row in enumerate(notes):
    for j, text in enumerate(row):
        ax.text(j, i, text or "missed", ha="center", va="center", fontsize=7)
ax.set_xticks(range(len(checkers)), checkers, fontsize=9)
ax.set_yticks(range(len(matrix.rows)), [r.variant for r in matrix.rows], fontsize=8)
ax.set_xlabel("checker")
ax.set_ylabel("seeded bug (variant); the first row is the correct control")
ax.set_title("Kill matrix: which checker catches which bug")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Figure 2.** Rows are the control and the seeded bugs, columns the checkers; a green cell
# caught the bug, and its number is the length (in actions) of the shortest failing behaviour that
# checker found. The control row must stay white in every column (no false alarm). Exhaustive
# search catches every bug, with the shortest story. Random walks and the simulator miss some of
# the bugs that need a stranger, a stale value in a helper thread, or a fault at a particular
# moment; the simulator's stories are longer because every IPC delivery is an action of its own.

# %% [markdown]
# ## One counterexample from each checker
#
# A counterexample is a path: the actions from the initial state to the violation. The command
# line's renderer (`wspshare.commands.counterexample`, behind `wspshare check --diagram`) replays
# it through the model into the simulator's trace records, which give a table and a sequence
# diagram; a checker's path has no clock, so the diagram's margin numbers the actions.


# %%
def show_counterexample(model, path):
    """Print the path as a table with its diagnosis, and display its sequence diagram."""
    print(path_table(model, path))
    print(ending(model, path))
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "diagram.png"
        draw(trace_records(model, path), png)
        display(Image(filename=str(png), width=760))


# %% [markdown]
# ### Breadth-first search
#
# The shortest behaviour in which the non-IFS provider that does not check the target's pid
# (`no-pid-check`) hands the socket to a stranger: a process that was never named as a target but
# got hold of a copy of the protocol info.

# %%
bfs_model = checkable(variant_named("no-pid-check").model())
show_counterexample(bfs_model, exhaustive["no-pid-check"]["no-strangers"].path)

# %% [markdown]
# **Figure 3.** Breadth-first search's counterexample for `no-pid-check`. The source duplicates
# the socket for the target's pid; the stranger, which holds a forged copy of the protocol info,
# calls `WSPSocket` with it before the source has even sent the info to the target. The provider
# does not compare the caller's pid with the one the info was made for, and hands the stranger a
# descriptor (last row).

# %% [markdown]
# ### Random walks
#
# A walk stumbles on a bug rather than aiming at it: nothing makes its story the shortest, though
# in a state space this small the best of 100 walks often is. Here the shortest walk that reached
# a violation of `single-use` in the variant whose non-IFS provider accepts a protocol info twice
# (`accept-twice`), which shows only when the pipe duplicates the INFO message.

# %%
walk_model = checkable(variant_named("accept-twice").model())
walk_path = walks["accept-twice"]["single-use"].path
shortest = len(exhaustive["accept-twice"]["single-use"].path)
print(f"random walk: {len(walk_path)} actions; breadth-first search: {shortest} actions")
show_counterexample(walk_model, walk_path)

# %% [markdown]
# **Figure 4.** The random walk's counterexample for `accept-twice`. The pipe duplicates the INFO
# message (a fault: two arrows leave the one `send INFO`), the target serves both copies, and the
# second `WSPSocket` with the same protocol info succeeds (last row): the target holds two
# descriptors from one info, which R2 forbids.

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
#
# Hypothesis's histories are call-level (any process makes any call, not the seed's programs), so
# they are shown as a table: the sequence diagram draws the handoff scenario's processes.

# %% [markdown]
# ### Bounded model checking with z3
#
# The z3 twin (`properties.smt`) encodes every action of the semantics as a formula over a
# symbolic world, and `bmc` asks the solver for the shortest sequence of calls, with any
# arguments, that breaks an invariant, starting from the processes of the `handoff`
# configuration. Against the kernel that does not run down an exited process's handles
# (`no-rundown`), a handle opened and a process exit are enough; the path is then replayed through
# the executable semantics, which must fail the same way. Like Hypothesis's, the path is
# call-level and shown as a table.

# %%
BMC_BOUNDS = bounds_for("handoff", 3)  # 3 handle values per table keeps the solver quick
found = bmc(
    twin_for("no-rundown", BMC_BOUNDS), semantics_for("no-rundown", BMC_BOUNDS), "handoff", 3
)
assert found.path is not None, "bmc finds the missing rundown within 3 steps"
print(render_bmc(found, "handoff", 3, "no-rundown"))

# %% [markdown]
# ## What z3 proves
#
# The checkers above explore behaviours; z3 can instead prove an invariant for *every* state
# within the bounds at once, reachable or not, by induction: for each invariant and each action,
# is there a state that satisfies every invariant, in which the action is enabled, and whose
# successor violates the invariant? If the solver answers *unsat* for every pair, and the initial
# world satisfies the invariants, then no reachable state can violate them. The small bounds below
# (2 processes of 1 thread, 3 handle values, 1 socket, 1 share record) keep this notebook fast;
# `wspshare prove` uses larger ones by default. The formulas `S1` to `S5` are strengthenings:
# facts about the world's shape that the invariants need in order to be inductive.

# %%
PROOF_BOUNDS = Bounds(procs=2, threads=1, handles=3, sockets=1, shares=1)
proof = prove(twin_for("correct", PROOF_BOUNDS))
assert proof.holds, "the correct machine's invariants are inductive"
print(render_proof(proof, "correct"))

# %% [markdown]
# ### A counterexample to induction
#
# When the answer is *sat*, z3 hands back a counterexample to induction (CTI): a state that
# satisfies every invariant, an action, and the successor that breaks one. A CTI is not yet a
# bug: its pre-state may be unreachable, in which case the invariants are too weak to be proved on
# their own and need a strengthening (that is how `S1` to `S5` came about). Here it is a bug: with
# the kernel that drops two references on close (`close-drops-twice`), the CTI's pre-state is an
# ordinary world whose socket counts exactly the handles that refer to it, and a single
# `WSPCloseSocket` removes one handle but two references.

# %%
cti = prove(twin_for("close-drops-twice", PROOF_BOUNDS), formulas=["reference-count"])
first = cti.ctis[0]
assert first.action == "WSPCloseSocket", "only close mutates the count in this variant"
print(render_proof(cti, "close-drops-twice"))

# %% [markdown]
# ### For a world of any size
#
# Induction within bounds says nothing about a fourth process or a ninth handle value. For the
# reference count, `prove_parametric` removes the bounds: counts become ghosts, each operation
# that touches a handle table, a reference or a share record changes them through a transfer
# lemma (store a cell, clear a process's row, store a record, purge a pid's records), and z3
# proves that every operation preserves `refs(k) = handles naming k + records holding k` for any
# number of processes, values, sockets and records. The lemmas are facts about finite sums, and
# are themselves proved (against explicit sums at small sizes, and by induction on a sum's
# length); each operation is checked equal to the twin's own helper at small bounds.

# %%
unbounded = prove_parametric(twin_for("correct", PROOF_BOUNDS))
assert unbounded.holds, "the reference count is preserved at every size"
print("\n".join(unbounded.lines()))

broken = prove_parametric(twin_for("close-drops-twice", PROOF_BOUNDS))
[refuted] = [v for v in broken.counterexamples() if v.operation == "close_handle"]
assert refuted.values["drops"] == 2 and not broken.holds
print({k: refuted.values[k] for k in ("refs_before", "handles_before", "shares_before")})
print({k: refuted.values[k] for k in ("refs_after", "handles_after", "shares_after")})

# %% [markdown]
# With the kernel that drops two references on close, the proof fails and the failure is a
# concrete world, not a ghost artefact: before the close the count equals the handles plus the
# holding records; after it, one handle is gone but two references are.
