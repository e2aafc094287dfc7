"""Graph export of small state spaces: networkx, GraphML and DOT."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from wspshare.properties.checker import state_graph, to_dot, write_dot, write_graphml

from tests.checker.checker_toys import LostUpdate, OppositeLocks


def test_the_graph_has_one_node_per_state_and_one_edge_per_transition() -> None:
    graph = state_graph(LostUpdate(2))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (13, 14)
    assert graph.graph["complete"]
    assert sum(1 for _, init in graph.nodes(data="initial") if init) == 1


def test_nodes_flag_violations_and_deadlocks_edges_name_actions() -> None:
    race = state_graph(LostUpdate(2))
    assert [v for _, v in race.nodes(data="violated") if v] == ["no lost update"]
    locks = state_graph(OppositeLocks())
    assert [label for _, label in locks.nodes(data="label") if "1, 1" in label] == ["(1, 1)"]
    assert sum(1 for _, d in locks.nodes(data="deadlock") if d) == 1
    assert {a for _, _, a in locks.edges(data="action")} == {
        "lock 0",
        "lock 1",
        "unlock 0",
        "unlock 1",
    }


def test_graphml_round_trips_through_networkx(tmp_path: Path) -> None:
    graph = state_graph(OppositeLocks())
    write_graphml(graph, tmp_path / "locks.graphml")
    back = nx.read_graphml(tmp_path / "locks.graphml")
    assert (back.number_of_nodes(), back.number_of_edges()) == (13, 14)


def test_dot_lists_every_node_and_edge_and_escapes_quotes(tmp_path: Path) -> None:
    graph = state_graph(OppositeLocks())
    graph.nodes[next(iter(graph))]["label"] = 'say "hi"'
    text = to_dot(graph)
    assert text.startswith('digraph "states" {') and text.rstrip().endswith("}")
    assert text.count(" -> ") == 14
    assert text.count("[label=") == 13 + 14
    assert 'say \\"hi\\"' in text
    write_dot(graph, tmp_path / "locks.dot")
    assert (tmp_path / "locks.dot").read_text() == text


def test_node_ids_are_the_same_in_every_run() -> None:
    assert set(state_graph(OppositeLocks())) == set(state_graph(OppositeLocks()))
