"""The kill matrix: every seeded bug is caught, the correct machine raises no alarm."""

from __future__ import annotations

import json

import pytest
from wspshare.models.variants import CORRECT, VARIANTS, mutants

from wspshare.cli import main
from wspshare.matrix import run_matrix


@pytest.fixture(scope="module")
def matrix_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("matrix") / "matrix.json"
    code = main(["mutants", "--checkers", "exhaustive", "--budget", "30", "--json", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert isinstance(data, dict)
    return data


def test_the_control_row_raises_no_alarm_in_any_column(matrix_json: dict[str, object]) -> None:
    rows = matrix_json["rows"]
    assert isinstance(rows, list)
    control = [r for r in rows if r["control"]]
    assert [r["variant"] for r in control] == [CORRECT]
    assert all(not cell["caught"] for cell in control[0]["cells"].values())


def test_every_seeded_bug_is_caught_by_exhaustive_search_with_its_named_property(
    matrix_json: dict[str, object],
) -> None:
    rows = {r["variant"]: r for r in matrix_json["rows"]}  # type: ignore[union-attr]
    assert set(rows) == set(VARIANTS)
    for variant in mutants():
        cell = rows[variant.name]["cells"]["exhaustive"]
        assert cell["caught"], variant.name
        assert cell["found"] in variant.caught_by, (variant.name, cell["found"])
        assert cell["length"] >= 1


def test_run_matrix_puts_the_control_first_and_keeps_the_selection() -> None:
    chosen = [VARIANTS["close-drops-twice"]]
    matrix = run_matrix(chosen, ["exhaustive"], budget=30)
    assert [r.variant for r in matrix.rows] == [CORRECT, "close-drops-twice"]
    assert matrix.false_alarms == [] and matrix.uncaught == []
    assert matrix.only_catchers() == {"close-drops-twice": "exhaustive"}


def test_bad_flags_give_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutants", "--checkers", "telepathy"]) == 2
    assert main(["mutants", "--bug", "no-such-bug"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("wspshare") for line in err)


def test_the_list_names_every_variant(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutants", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in VARIANTS)


def test_the_simulation_column_catches_a_race_and_spares_the_control() -> None:
    chosen = [VARIANTS["close-before-claim"], VARIANTS["no-pid-pin"]]
    matrix = run_matrix(chosen, ["simulation"], budget=20)
    assert matrix.false_alarms == []
    assert matrix.row("close-before-claim").cells["simulation"].found == "no-premature-close"
    assert matrix.row("no-pid-pin").cells["simulation"].found == "no-strangers"


def test_a_narrow_race_is_missed_by_simulation_but_caught_by_search() -> None:
    """The stale handle needs the helper thread to run after close and reuse: timings almost
    never line up, so only exhaustive search finds it (the matrix says so)."""
    matrix = run_matrix([VARIANTS["stale-handle-reuse"]], ["exhaustive", "simulation"], 20)
    assert matrix.only_catchers() == {"stale-handle-reuse": "exhaustive"}


@pytest.mark.slow  # over a minute on two busy cores; .ci/run runs the slow tier
def test_the_hypothesis_and_z3_columns_catch_a_double_close() -> None:
    from wspshare.matrix.bmc_column import bmc_cell
    from wspshare.matrix.hypothesis_column import hypothesis_cell

    variant = VARIANTS["close-drops-twice"]
    shrunk = hypothesis_cell(variant, budget=30)
    assert shrunk.caught and shrunk.found in variant.caught_by
    found = bmc_cell(variant, budget=30)
    assert found.caught and found.found in variant.caught_by
    assert found.length is not None and found.length <= 12


def test_the_z3_column_says_when_a_bug_lies_outside_its_twin() -> None:
    from wspshare.matrix.bmc_column import bmc_cell

    cell = bmc_cell(VARIANTS["stale-handle-reuse"], budget=5)
    assert not cell.caught and cell.note == "outside the call-level twin"
