"""The mutation report's arithmetic: what counts as killed, equivalent and surviving."""

from __future__ import annotations

from pathlib import Path

from tests.mutation.report import parse, report, survivors

RESULTS = """\
    wspshare.models.kernel.x_spawn__mutmut_1: killed
    wspshare.models.kernel.x_spawn__mutmut_2: survived
    wspshare.models.kernel.x_spawn__mutmut_3: survived
    wspshare.models.kernel.x_spawn__mutmut_4: timeout
    wspshare.models.switch.xǁSwitchǁdescriptor__mutmut_1: survived
"""
EQUIVALENT = """\
[equivalent]
"wspshare.models.kernel.x_spawn__mutmut_3" = "same value by another spelling"
"wspshare.models.kernel.x_gone__mutmut_9" = "a method since removed"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_the_survivors_to_look_at_are_the_live_mutants_no_reason_covers() -> None:
    names = survivors(parse(RESULTS), {"wspshare.models.kernel.x_spawn__mutmut_3": "why"})
    assert names == [
        "wspshare.models.kernel.x_spawn__mutmut_2",
        "wspshare.models.switch.xǁSwitchǁdescriptor__mutmut_1",
    ]


def test_equivalent_mutants_are_left_out_of_the_share_and_timeouts_count_as_killed(
    tmp_path: Path,
) -> None:
    out = tmp_path / "report.txt"
    table = report(write(tmp_path, "r", RESULTS), write(tmp_path, "e", EQUIVALENT), out)
    rows = {line.split("  ")[0]: line.split("  ")[1:] for line in table.splitlines()[1:]}
    # mutants, killed, survived, equivalent, not run, share of the non-equivalent killed
    assert rows["wspshare.models.kernel"] == ["4", "2", "1", "1", "0", "66.7%"]
    assert rows["wspshare.models.switch"] == ["1", "0", "1", "0", "0", "0.0%"]
    assert rows["total"] == ["5", "2", "2", "1", "0", "50.0%"]
    text = out.read_text("utf-8")
    assert "x_spawn__mutmut_3: same value by another spelling" in text
    assert (
        "## Listed as equivalent, not generated here\nwspshare.models.kernel.x_gone__mutmut_9"
        in text
    )


def test_a_survivor_the_rest_of_the_suite_kills_counts_only_in_the_whole_suite_share(
    tmp_path: Path,
) -> None:
    whole = write(tmp_path, "w", "wspshare.models.kernel.x_spawn__mutmut_2: killed\n")
    out = tmp_path / "report.txt"
    table = report(write(tmp_path, "r", RESULTS), write(tmp_path, "e", EQUIVALENT), out, whole)
    rows = {line.split("  ")[0]: line.split("  ")[1:] for line in table.splitlines()[1:]}
    assert rows["wspshare.models.kernel"][-2:] == ["66.7%", "100.0%"]
    assert rows["total"][-2:] == ["50.0%", "75.0%"]
    assert "x_spawn__mutmut_2: survived (killed by the rest of the suite)" in out.read_text("utf-8")
