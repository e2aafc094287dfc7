"""The two graph algorithms the liveness analysis needs, over fingerprints and successor lists.

Strongly connected components (Tarjan's algorithm, iterative so a long chain of states cannot
overflow the stack) and a breadth-first shortest path inside a set of nodes.  They live here
rather than coming from networkx because importing networkx costs most of a second, which every
check with an EVENTUALLY property would pay for a few dozen lines of work.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence


def strongly_connected(
    nodes: Sequence[int], successors: Callable[[int], Iterable[int]]
) -> list[list[int]]:
    """The components of the graph on ``nodes`` (edges to other nodes are ignored), each listed
    in discovery order; components come out in reverse topological order, as Tarjan's do."""
    inside = set(nodes)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components: list[list[int]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter([s for s in successors(root) if s in inside]))]
        while work:
            node, pending = work[-1]
            advanced = False
            for succ in pending:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter([s for s in successors(succ) if s in inside])))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                component.reverse()
                components.append(component)
    return components


def shortest_path(
    successors: Callable[[int], Iterable[int]], source: int, target: int, within: set[int]
) -> list[int]:
    """The nodes of a shortest path from ``source`` to ``target`` through ``within`` (both ends
    included); the first successor found wins a tie, so the answer is deterministic."""
    if source == target:
        return [source]
    prev: dict[int, int] = {source: source}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for succ in successors(node):
            if succ in within and succ not in prev:
                prev[succ] = node
                if succ == target:
                    path = [succ]
                    while path[-1] != source:
                        path.append(prev[path[-1]])
                    path.reverse()
                    return path
                queue.append(succ)
    raise ValueError(f"no path from {source} to {target} inside the given nodes")
