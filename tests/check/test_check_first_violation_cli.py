"""``wspshare check`` stops at the first violation unless ``--all``: the same shortest path and
exit status either way, with the undecided properties named as such."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wspshare.cli import main

BUG = ["handoff", "--provider", "non-ifs-claim", "--no-ack", "--quiet"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out


def test_the_default_stops_and_all_decides_every_property(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first_json, all_json = tmp_path / "first.json", tmp_path / "all.json"
    code_first, first = run(capsys, *BUG, "--json", str(first_json))
    code_all, every = run(capsys, *BUG, "--all", "--json", str(all_json))
    assert code_first == code_all == 1
    assert "stopped at the first violation (--all searches on)" in first
    assert "unknown (stopped at the first violation; --all decides it)" in first
    assert "stopped" not in every and "unknown" not in every
    shown = "no-premature-close: shortest path found (11 steps)"
    assert shown in first and shown in every
    assert first[first.index(shown) :] == every[every.index(shown) :]
    a, b = json.loads(first_json.read_text()), json.loads(all_json.read_text())
    assert a["stopped_at_first_violation"] and not b["stopped_at_first_violation"]
    assert a["paths"]["no-premature-close"] == b["paths"]["no-premature-close"]
    assert a["states"] < b["states"]


def test_a_holding_configuration_is_searched_to_the_end_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "handoff", "--quiet")
    assert code == 0 and "bfs: 29 states" in out and ", complete;" in out


@pytest.mark.parametrize(
    "argv",
    [BUG, ["fanout", "--crash", "--provider", "non-ifs", "--quiet"], [*BUG, "--all"]],
    ids=["violation", "all-hold", "violation-all"],
)
def test_two_workers_print_exactly_what_one_prints(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    one = run(capsys, *argv, "--workers", "1")
    two = run(capsys, *argv, "--workers", "2")
    if "--all" in argv or one[0] == 0:  # a stopped search may end a level later with two
        assert one == two
    else:
        assert one[0] == two[0] and one[1].split("bfs:")[0] == two[1].split("bfs:")[0]
        shown = one[1].index("shortest path found")
        assert one[1][shown:] == two[1][two[1].index("shortest path found") :]
