"""The state graph of a small model as a ``networkx.DiGraph``, and writers for GraphML and DOT.

Nodes are stable fingerprints (the same in every run, so exported graphs can be compared) with
attributes ``label`` (the state's repr, trimmed), ``initial``, ``final``, ``deadlock`` and
``violated`` (the names of the ALWAYS properties false there, comma-separated; empty when none).
Edges carry ``action``: the ``str`` of the action, several joined by ``" | "`` when more than one
action leads between the same two states.  The whole graph is held in memory: for small models only.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Generic, TypeVar

from wspshare.models.protocol import Expectation, Model

from .explore import Edge, explore
from .fingerprint import Fingerprint, stable_fingerprint

if TYPE_CHECKING:  # networkx is imported where a graph is built: most checks need none
    import networkx as nx

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)


class _GraphBuilder(Generic[S, A]):
    def __init__(self, model: Model[S, A], label_width: int) -> None:
        import networkx as nx

        self.model, self.width = model, label_width
        self.graph = nx.DiGraph()
        self.always = [p for p in model.properties() if p.expectation is Expectation.ALWAYS]

    def visit(self, key: int, state: S, depth: int) -> bool:
        label = repr(state)
        if len(label) > self.width:
            label = label[: self.width - 3] + "..."
        violated = ",".join(p.name for p in self.always if not p.holds(state))
        self.graph.add_node(
            key, label=label, initial=depth == 0, final=self.model.is_final(state),
            deadlock=False, violated=violated,
        )  # fmt: skip
        return False

    def expanded(
        self, key: int, state: S, enabled: int, edges: list[Edge[A]], depth: int
    ) -> None:
        if enabled == 0 and not self.model.is_final(state):
            self.graph.nodes[key]["deadlock"] = True
        for _, action, succ in edges:
            if self.graph.has_edge(key, succ):
                self.graph[key][succ]["action"] += f" | {action}"
            else:
                self.graph.add_edge(key, succ, action=str(action))


def state_graph(
    model: Model[S, A],
    *,
    symmetry: bool = False,
    max_states: int | None = 10_000,
    fingerprint: Fingerprint = stable_fingerprint,
    label_width: int = 80,
) -> nx.DiGraph:
    """Explore ``model`` breadth-first and return its state graph (cut at ``max_states``; the graph
    attribute ``complete`` says whether it was)."""
    builder: _GraphBuilder[S, A] = _GraphBuilder(model, label_width)
    run = explore(
        model, builder, symmetry=symmetry, fingerprint=fingerprint, max_states=max_states,
        record_edges=True,
    )  # fmt: skip
    builder.graph.graph["complete"] = run.complete
    return builder.graph


def write_graphml(graph: nx.DiGraph, target: str | FilePath) -> None:
    """Write ``graph`` as GraphML (readable by yEd, Gephi and ``networkx.read_graphml``)."""
    import networkx as nx

    nx.write_graphml(graph, str(target))


def to_dot(graph: nx.DiGraph, name: str = "states") -> str:
    """``graph`` in Graphviz DOT: initial states bold, deadlocks red, violations filled orange."""
    lines = [f"digraph {_quote(name)} {{", "  node [shape=box, fontname=monospace];"]
    for node, attrs in graph.nodes(data=True):
        style = []
        if attrs.get("initial"):
            style.append("penwidth=2")
        if attrs.get("deadlock"):
            style.append("color=red")
        if attrs.get("violated"):
            style.append("style=filled, fillcolor=orange, tooltip=" + _quote(attrs["violated"]))
        label = _quote(str(attrs.get("label", node)))
        lines.append(f"  {_quote(str(node))} [label={label}{''.join(', ' + s for s in style)}];")
    for src, dst, attrs in graph.edges(data=True):
        label = _quote(str(attrs.get("action", "")))
        lines.append(f"  {_quote(str(src))} -> {_quote(str(dst))} [label={label}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(graph: nx.DiGraph, target: str | FilePath, name: str = "states") -> None:
    """Write ``to_dot(graph)`` to ``target``."""
    FilePath(target).write_text(to_dot(graph, name), encoding="utf-8")


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
