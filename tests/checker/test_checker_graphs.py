"""The liveness analysis's own graph algorithms agree with their definitions on random graphs."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from wspshare.properties.checker.graphs import shortest_path, strongly_connected


def reach(edges: dict[int, list[int]], start: int) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        for succ in edges[todo.pop()]:
            if succ not in seen:
                seen.add(succ)
                todo.append(succ)
    return seen


@pytest.mark.parametrize("seed", range(30))
def test_components_are_the_classes_of_mutual_reachability(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 25)
    edges = {i: [rng.randrange(n) for _ in range(rng.randint(0, 3))] for i in range(n)}
    components = strongly_connected(list(range(n)), edges.__getitem__)
    assert sorted(m for c in components for m in c) == list(range(n))
    reachable = {i: reach(edges, i) for i in range(n)}
    for component in components:
        for a in component:
            assert {b for b in range(n) if b in reachable[a] and a in reachable[b]} == set(
                component
            )


def test_a_chain_longer_than_the_recursion_limit_is_fine() -> None:
    n = 20_000
    edges = {i: [i + 1] if i + 1 < n else [0] for i in range(n)}
    assert [len(c) for c in strongly_connected(list(range(n)), edges.__getitem__)] == [n]


@pytest.mark.parametrize("seed", range(20))
def test_shortest_path_is_a_path_and_as_short_as_breadth_first_search(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 20)
    edges = {i: [rng.randrange(n) for _ in range(rng.randint(1, 3))] for i in range(n)}
    target = rng.choice(sorted(reach(edges, 0)))
    path = shortest_path(edges.__getitem__, 0, target, set(range(n)))
    assert path[0] == 0 and path[-1] == target
    assert all(b in edges[a] for a, b in pairwise(path))
    frontier, depth = {0}, 0
    while target not in frontier:
        frontier, depth = {s for f in frontier for s in edges[f]} | frontier, depth + 1
    assert len(path) - 1 == depth


def test_no_path_outside_the_allowed_nodes_is_an_error() -> None:
    with pytest.raises(ValueError, match="no path"):
        shortest_path({0: [1], 1: [2], 2: []}.__getitem__, 0, 2, {0, 2})
