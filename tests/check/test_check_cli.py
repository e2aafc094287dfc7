"""``wspshare check``: exit 0 when every property holds, 1 with the path on a violation, 2 with one
line on stderr for bad input; files it writes read back."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from wspshare.properties.checker import Path as CheckerPath
from wspshare.properties.configs import CONFIGS, Switches, model_for

from wspshare.cli import main
from wspshare.commands import check as check_command


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv, "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def test_handoff_holds_on_the_correct_provider(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "handoff")
    assert code == 0 and err == ""
    assert "violated" not in out
    assert "bfs: 29 states" in out  # the seed's handoff, as the briefing counts it


def test_an_unknown_configuration_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "no-such-config")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "no-such-config" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["handoff", "--targets", "3"],  # --targets is fan-out's
        ["handoff", "--crash", "-1"],
        ["handoff", "--variant", "nope"],
        ["witness"],  # needs --variant
        [],
        ["handoff", "--diagram", "out.txt"],
        ["handoff", "--strategy", "sideways"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1


def test_list_names_every_configuration_once_with_its_description_under_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--list")
    entries = [line for line in out.strip().splitlines() if not line.startswith(" ")]
    assert code == 0 and len(entries) == len(CONFIGS)
    assert [line.split()[0] for line in entries] == list(CONFIGS)


def test_a_violation_exits_1_and_prints_the_shortest_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cx, svg, js = tmp_path / "cx.json", tmp_path / "cx.svg", tmp_path / "r.json"
    code, out, _ = run(
        capsys, "handoff", "--provider", "non-ifs-claim", "--no-ack",
        "--counterexample", str(cx), "--diagram", str(svg), "--json", str(js),
    )  # fmt: skip
    assert code == 1
    assert "no-premature-close: shortest path found (11 steps)" in out
    assert "socket 0 closed before pid 104 claimed it" in out
    # The saved path replays through the model to the same violation.
    model = model_for("handoff", Switches(provider="non-ifs-claim", ack=False))
    text = cx.read_text()
    path = CheckerPath.from_json(text, model)
    assert len(path) == 11 and json.loads(text)["property"] == "no-premature-close"
    assert not model.properties()[[p.name for p in model.properties()].index(
        "no-premature-close")].holds(path.last)  # fmt: skip
    assert svg.read_text().lstrip().startswith("<?xml")
    summary = json.loads(js.read_text())
    assert summary["ok"] is False and summary["properties"]["no-premature-close"] == "violated"


def test_a_seeded_bug_exits_1_through_the_witness_configuration(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "witness", "--variant", "accept-twice")
    assert code == 1 and "single-use" in out


def test_output_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "fanout", "--provider", "non-ifs-claim", "--no-ack")
    second = run(capsys, "fanout", "--provider", "non-ifs-claim", "--no-ack")
    assert first == second and first[0] == 1


def test_graph_export_writes_every_state(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    graphml, dot = tmp_path / "s.graphml", tmp_path / "s.dot"
    code, _, _ = run(capsys, "handoff", "--graph", str(graphml), "--dot", str(dot))
    assert code == 0
    graph = nx.read_graphml(graphml)
    assert graph.number_of_nodes() == 29 and graph.number_of_edges() == 37
    assert dot.read_text().startswith('digraph "handoff"')


def test_graph_export_refuses_a_big_state_space(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_command, "GRAPH_LIMIT", 10)
    code, out, err = run(capsys, "handoff", "--graph", str(tmp_path / "g.graphml"))
    assert code == 2 and out == "" and "more than 10 states" in err
