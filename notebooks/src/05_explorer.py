"""Notebook 05 source (percent format): the explorer.  Build: ``python notebooks/build.py``."""

# %% [markdown]
# # Walking the model in the explorer
#
# You will open wspshare's interactive explorer inside this notebook and walk the non-IFS handoff
# one action at a time, reading each process's handles, the socket's reference count, the
# provider's share records and the messages in the pipe. You will then learn how a link of
# state fingerprints names a state on a path, and how a counterexample of a seeded bug opens at
# the state that violates its property.

# %%
import json
import urllib.request
from urllib.parse import quote

from IPython.display import SVG, display
from wspshare.models.scenario.schedule import seed_order_run
from wspshare.properties.checker import check
from wspshare.properties.configs import Switches, model_for

import wspshare
from wspshare.commands.counterexample import path_json
from wspshare.render import text_table

# %% [markdown]
# ## The explorer in a frame
#
# `wspshare.explore(model)` serves the explorer for a model on the loopback interface, from a
# background thread of this kernel, and returns an object that a notebook shows as the page
# itself. `wspshare explore handoff --provider non-ifs` serves the same page from the command
# line. Naming the model (a configuration and its switches, as `wspshare check` takes them)
# lets links and counterexample files say which model they belong to.

# %%
NAME = "handoff --provider non-ifs"
model = model_for("handoff", Switches(provider="non-ifs"))
explorer = wspshare.explore(model, name=NAME, height=640)
display(explorer)

# %% [markdown]
# **Figure 1.** The explorer, live: the enabled actions on the left (click one to take it), the
# processes, sockets, providers and pipes of the current state in the middle, each property's
# verdict on the right, and the path so far as a sequence diagram below. Back, Forward and the
# steps of the path move along it; the address bar names the state shown.

# %% [markdown]
# ## Walking the seed's handoff through the explorer's interface
#
# The page asks the server for every move and only draws the answer, so Python can make the
# same requests. We take the seed's order, one action at a time, and record what the explorer
# shows after each: the socket's reference count, and the non-IFS provider's share records
# (token, socket, the pid it is meant for, and whether it holds a reference).


# %%
def ask(route, body):
    """POST ``body`` to one of the explorer's routes and return its JSON answer."""
    request = urllib.request.Request(
        explorer.url + route,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)


def shares(view):
    """The share records the non-IFS provider keeps in the state shown."""
    provider = next(p for p in view["state"]["providers"] if p["name"] == "non-ifs")
    return provider["state"]["shares"]


view = ask("api/session", {"model": NAME, "op": "view"})
rows = []
for event in seed_order_run(model):
    index = next(a["index"] for a in view["actions"] if a["label"] == str(event.action))
    path = [p["fingerprint"] for p in view["path"]]
    body = {"model": NAME, "path": path, "at": view["cursor"], "op": "take", "arg": index}
    view = ask("api/session", body)
    shown = [s["refs"] for s in view["state"]["sockets"]]
    assert shown == [s.refs for s in event.state.world.sockets], "the model's own count"
    records = ", ".join(f"{s['token']}->pid {s['target_pid']}" for s in shares(view)) or "-"
    rows.append((view["cursor"], event.effect.seed_step, str(event.action), shown, records))
print(text_table(("#", "SEED STEP", "ACTION", "REFS", "SHARE RECORDS"), rows))

# %% [markdown]
# The reference count the explorer shows is the model's own after every action (the cell checks
# it against the seed-order run). The non-IFS provider's share record appears with
# `WSPDuplicateSocket` (seed step 5) and holds the second reference until the target's
# `WSPSocket` claims it in step 8, when the record goes and the target's new descriptor takes
# over that reference; the count falls back to 1 only when the target closes.

# %%
duplicated = next(i for i, r in enumerate(rows) if "WSPDuplicateSocket" in r[2])
claimed = next(i for i, r in enumerate(rows) if "WSPSocket(info)" in r[2])
assert rows[duplicated][3] == [2] and rows[duplicated][4] != "-"
assert rows[claimed][3] == [2] and rows[claimed][4] == "-"

# %% [markdown]
# ## A link names a state on a path
#
# Every state has a fingerprint, a digest of its value that is the same in every run, and the
# explorer's address lists the fingerprints of the path from the initial state, as Stateright's
# explorer does. A fresh request with nothing but those fingerprints rebuilds the same path and
# the same state, so a link can be pasted into a bug report.

# %%
half = view["link"][: claimed + 2]
link = f"{explorer.url}?model={quote(NAME)}#/" + "/".join(half)
print(link)
again = ask("api/session", {"model": NAME, "path": half})
assert again["cursor"] == claimed + 1 and again["path"] == view["path"][: claimed + 2]
print(f"step {again['cursor']}: {again['path'][-1]['label']}, refs {again['state']['refs']}")

# %% [markdown]
# ## A counterexample, opened where it fails
#
# `wspshare check witness --variant close-before-claim --counterexample cx.json` writes the
# shortest path to a violation as JSON, with the configuration it was found in. The explorer
# opens such a file (its Load button, or `--counterexample` on the command line) in that
# configuration, whatever it was started with, with the cursor on the violating state. Here the
# same file is made in Python and handed to the explorer.

# %%
bug = "witness --variant close-before-claim"
bug_model = model_for("witness", Switches(variant="close-before-claim"))
found = check(bug_model)["no-premature-close"].path
text = json.dumps(
    path_json(bug_model, found, {"config": "witness", "switches": "--variant close-before-claim"})
)
opened = ask("api/load", {"text": text})
marked = [(p["name"], p["verdict"], p["why"]) for p in opened["properties"] if not p["holds"]]
print(f"{opened['model']}: step {opened['cursor']} of {len(found)}")
print(text_table(("PROPERTY", "VERDICT", "WHY"), marked))
assert opened["model"] == bug and opened["cursor"] == len(found)
assert ("no-premature-close", "violated") in [m[:2] for m in marked]

# %% [markdown]
# The source closes its descriptor right after sending the protocol info, before the target has
# claimed it, and this provider takes the target's reference only at the claim: the count drops
# to zero, the socket closes, and `no-premature-close` is violated in the state the file ends in.
# `handoff-succeeds` is a liveness property, so in one state the explorer can only say it is not
# reached yet. The sequence diagram below is the one the page shows under the path.

# %%
with urllib.request.urlopen(
    f"{explorer.url}api/diagram.svg?model={quote(bug)}&path=" + ".".join(opened["link"]),
    timeout=60,
) as answer:
    diagram = answer.read()
assert diagram.lstrip().startswith(b"<?xml")
display(SVG(diagram))

# %% [markdown]
# **Figure 2.** The counterexample's path as the explorer draws it, with the simulator's sequence
# diagram code: the source's steps 1 to 6 and its early `WSPCloseSocket`, and the INFO message
# still unread in the pipe (no arrow reaches the target).

# %%
explorer.stop()
