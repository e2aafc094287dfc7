"""Notebook 02 source (percent format): the state space.  Build: ``python notebooks/build.py``."""

# %% [markdown]
# # The state space
#
# You will see every state the handoff can reach in a small configuration, drawn as a graph with
# the shortest path to a violation highlighted. You will then learn how fast the number of states
# grows with processes, threads and targets, and how much symmetry reduction saves.

# %%
import itertools

import matplotlib.pyplot as plt
import networkx as nx
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.properties.checker import check, stable_fingerprint, state_graph
from wspshare.properties.handoff import checkable

from wspshare.render import text_table

# %% [markdown]
# ## A small state space, drawn
#
# The smallest configuration with a bug: one source, one target, one thread each, the non-IFS
# provider that takes its reference only when the target claims (`non-ifs-claim`), and a source
# that closes without waiting for the target's acknowledgement (`ack=False`). `state_graph`
# explores it breadth-first and returns a `networkx.DiGraph` whose nodes are the states and whose
# edges are the actions; each node says whether it is initial, final, or violates a property.
# `check` gives the shortest path to the first state that violates `no-premature-close`.

# %%
model = checkable(HandoffModel(ScenarioConfig(provider="non-ifs-claim", ack=False)))
graph = state_graph(model)
result = check(model)
bad = result["no-premature-close"]
path_nodes = [stable_fingerprint(state) for state in bad.path.states]
assert all(node in graph for node in path_nodes), "the path runs through the graph"
path_edges = set(itertools.pairwise(path_nodes))
violating = [n for n, d in graph.nodes(data=True) if d["violated"]]
print(f"{graph.number_of_nodes()} states, {graph.number_of_edges()} transitions")
kinds = sorted({graph.nodes[n]["violated"] for n in violating})
print(f"{len(violating)} states violate a property: {', '.join(kinds)}")
print(f"the shortest path to a violation takes {len(bad.path)} steps")

# %%
initial = next(n for n, d in graph.nodes(data=True) if d["initial"])
for node, depth in nx.single_source_shortest_path_length(graph, initial).items():
    graph.nodes[node]["depth"] = depth
pos = nx.multipartite_layout(graph, subset_key="depth")


def colour(attrs):
    if attrs["violated"]:
        return "tab:orange"
    if attrs["initial"]:
        return "tab:blue"
    if attrs["final"]:
        return "tab:green"
    return "lightgrey"


fig, ax = plt.subplots(figsize=(13, 5))
nx.draw_networkx_edges(
    graph, pos, ax=ax, edgelist=[e for e in graph.edges if e not in path_edges],
    edge_color="silver", arrowsize=8, node_size=140,
)  # fmt: skip
nx.draw_networkx_edges(
    graph, pos, ax=ax, edgelist=list(path_edges), edge_color="crimson", width=2.5,
    arrowsize=12, node_size=140,
)  # fmt: skip
for final, shape in ((False, "o"), (True, "s")):
    nodes = [n for n, d in graph.nodes(data=True) if d["final"] == final]
    nx.draw_networkx_nodes(
        graph, pos, ax=ax, nodelist=nodes, node_shape=shape, node_size=140, edgecolors="black",
        linewidths=0.5, node_color=[colour(graph.nodes[n]) for n in nodes],
    )  # fmt: skip
for label, col in (
    ("initial state", "tab:blue"),
    ("final state, all programs done (square)", "tab:green"),
    ("violates no-premature-close", "tab:orange"),
    ("other state", "lightgrey"),
):
    marker = "s" if "square" in label else "o"
    ax.scatter([], [], color=col, marker=marker, edgecolors="black", label=label)
ax.plot([], [], color="crimson", linewidth=2.5, label="shortest path to a violation")
ax.legend(loc="upper left", fontsize=8, frameon=False, bbox_to_anchor=(1.0, 1.0))
ax.set_xlabel("steps from the initial state (breadth-first depth)")
ax.set_ylabel("states at that depth")
ax.tick_params(left=False, bottom=False, labelleft=False, labelbottom=False)
for side in ("top", "right"):
    ax.spines[side].set_visible(False)
ax.set_title("State graph of a one-target handoff, non-ifs-claim provider, no acknowledgement")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Figure 1.** Every reachable state of the configuration, placed left to right by its distance
# from the initial state (blue). Grey arrows are actions; the red ones are the shortest behaviour
# that reaches a premature close (orange). The graph splits where the source's close races with the
# target's claim: where the target claims first, the run ends in the green final state with the
# handoff done; where the source closes first, the states in which the target holds a protocol
# info for a socket that is already closed are violations, and that branch ends in a final state
# (the orange square) where the target never got its descriptor.

# %% [markdown]
# The actions along the highlighted path, as the checker reports them (`P0` is the source,
# `P1` the target, `T0` their main thread):

# %%
for number, action in enumerate(bad.path.actions, start=1):
    print(f"{number:>3}  {action}")

# %% [markdown]
# ## How the state space grows
#
# Each process adds threads whose steps interleave with everyone else's, and each target adds a
# whole handoff (a pipe, a pid, a protocol info) that the source may serve in any order (M7).
# Below we count the reachable states of the fault-free handoff with the IFS provider for 1 to 3
# targets (2 to 4 processes) and 1 to 3 threads per process, first plainly and then with
# symmetry reduction (`check(model, symmetry=True)`): the targets run the same program and the
# source serves them in any order, so two states that differ only by a renaming of the targets
# (or of a process's interchangeable helper threads) behave alike, and the checker stores one of
# them. Each search stops at 20 000 states to keep this notebook fast; a configuration cut there
# is drawn as a hollow marker (its real count is larger), and the largest one (3 targets with 3
# threads each) is left out.

# %%
CAP = 20_000
TARGETS = (1, 2, 3)
THREADS = (1, 2, 3)


def count(targets, threads, symmetry):
    model = HandoffModel(ScenarioConfig(targets=targets, threads=threads))
    result = check(model, symmetry=symmetry, max_states=CAP)
    return result.statistics.states, result.complete


growth = {}
for symmetry in (False, True):
    for threads in THREADS:
        for targets in TARGETS:
            if (threads, targets) == (3, 3):
                continue  # far over the cap, and the slowest search of all
            growth[(threads, targets, symmetry)] = count(targets, threads, symmetry)
rows = []
for (threads, targets, symmetry), (states, complete) in sorted(growth.items()):
    rows.append(
        (threads, targets, "yes" if symmetry else "no", f"{states}{'' if complete else '+'}")
    )
print(text_table(("THREADS", "TARGETS", "SYMMETRY", "STATES"), rows))

# %%
fig, ax = plt.subplots(figsize=(7.5, 4.8))
for threads, colour_ in zip(THREADS, ("tab:blue", "tab:orange", "tab:green"), strict=True):
    for symmetry, style in ((False, "-"), (True, "--")):
        points = sorted(
            (t, n, c)
            for (th, t, sym), (n, c) in growth.items()
            if th == threads and sym == symmetry
        )
        xs = [t + 1 for t, _, _ in points]
        label = f"{threads} thread(s) per process" + (", symmetry reduced" if symmetry else "")
        ax.plot(xs, [n for _, n, _ in points], style, color=colour_, label=label)
        for x, (_, n, complete) in zip(xs, points, strict=True):
            marker = "s" if symmetry else "o"
            face = colour_ if complete else "white"
            ax.plot(x, n, marker, color=colour_, markerfacecolor=face)
ax.axhline(CAP, color="grey", linestyle=":", linewidth=1)
ax.text(2, CAP * 1.15, "search cut here (hollow: at least this many)", fontsize=8, color="grey")
ax.set_yscale("log")
ax.set_xticks([t + 1 for t in TARGETS])
ax.set_xlabel("processes (one source + targets)")
ax.set_ylabel("reachable states stored (log scale)")
ax.set_title("Growth of the handoff's state space (IFS provider, no faults)")
ax.legend(fontsize=7, ncol=2, loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Figure 2.** Reachable states against the number of processes, one colour per number of threads
# in each process, on a log scale; solid lines count every state, dashed lines the states left
# after symmetry reduction. Each extra target multiplies the count by a factor of 20 to 70, and
# each extra thread by 2 to 7: the interleavings of independent steps make the growth
# exponential, which is why the checker's configurations stay small. Symmetry reduction does not
# change the exponent, but it divides the count by up to the number of ways to order the targets
# (2 for two targets, 6 for three): below, exactly 2 with two targets and more than 4 with three
# (where the unreduced search was cut), so it buys about one more target or thread at the same
# cost. With one target and one thread there is nothing to permute, and the counts agree.

# %%
assert growth[(1, 2, True)][0] < growth[(1, 2, False)][0], "symmetry merges permuted targets"
for targets in TARGETS:
    (plain, complete), (reduced, _) = growth[(1, targets, False)], growth[(1, targets, True)]
    bound = "" if complete else "at least "
    print(
        f"{targets} target(s), 1 thread: symmetry stores {bound}{plain / reduced:.1f}x fewer states"
    )
