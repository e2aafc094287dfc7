"""Every class of bad input is refused before any work starts: one line on stderr, exit 2.

Each case is one of the invocations a new user tried (issue: hardening) or a neighbour of it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_one_line_usage_error


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["handoff", "--threads", "99999999999999999999"], "at most 16"),
        (["handoff", "--targets", "1000"], "at most 16"),
        (["simulate", "--targets", "1000"], "at most 16"),
        (["check", "fanout", "--targets", "1000", "--max-seconds", "5"], "at most 16"),
        (["check", "handoff", "--threads", "1000", "--max-seconds", "5"], "at most 16"),
        (["simulate", "--runs", "4", "--workers", "99999999999999999999"], "at most 256"),
        (["check", "handoff", "--crash", "1000"], "at most 8"),
        (["prove", "--bound", "9,2,8,2,2"], "at most 6 processes"),
        (["bmc", "handoff", "--depth", "1000"], "at most 64"),
        (["handoff", "--targets", "0"], "at least 1"),
        (["handoff", "--targets", "two"], "whole number"),
    ],
)
def test_a_count_out_of_range_names_its_bound(run: Runner, argv: list[str], fragment: str) -> None:
    assert_one_line_usage_error(run(argv), fragment)


@pytest.mark.parametrize("flag", ["--call-time", "--ipc-delay", "--close-delay"])
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999"])
def test_a_time_must_be_a_finite_number(run: Runner, flag: str, value: str) -> None:
    assert_one_line_usage_error(run(["simulate", f"{flag}={value}"]), "finite")


def test_a_receive_timeout_may_be_infinite(run: Runner) -> None:
    assert run(["simulate", "--receive-timeout", "inf"]).code == 0


@pytest.mark.parametrize(
    ("command", "seed"),
    [(["check", "handoff"], "-1"), (["simulate"], "-1"), (["simulate"], str(2**64))],
)
def test_a_seed_is_non_negative_and_63_bits_everywhere(
    run: Runner, command: list[str], seed: str
) -> None:
    assert_one_line_usage_error(run([*command, "--seed", seed]), "--seed")


@pytest.mark.parametrize(
    ("contents", "fragment"),
    [
        (b"\x00\x01\x02binary\xff", "binary"),
        ("crash target1@after:5\n".encode("utf-16"), "UTF-16"),
        (b"crash target1@after:5 \xe9\n", "not UTF-8"),
        (b"explode source@after:2\n", "line 1"),
        (b"# a plan\nlose 6\ncrash nobody@after:1\n", "line 3"),
        (b'["crash target1@after:5", 7]', "list of strings"),
        (b'[{"crash": "target1@after:5"}]', "list of strings"),
        (b"[1, 2", "not valid JSON"),
    ],
)
def test_a_fault_plan_must_be_utf8_text_of_faults(
    run: Runner, tmp_path: Path, contents: bytes, fragment: str
) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_bytes(contents)
    result = run(["simulate", "--fault-plan", str(plan)])
    assert_one_line_usage_error(result, fragment)
    if fragment not in ("line 1", "line 3", "list of strings", "not valid JSON"):
        assert str(plan) in result.err  # the file is named, not an empty string


def test_an_unreadable_fault_plan_is_named(run: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    assert_one_line_usage_error(run(["simulate", "--fault-plan", str(missing)]), str(missing))
    assert_one_line_usage_error(run(["simulate", "--fault-plan", str(tmp_path)]), "directory")


def test_a_good_fault_plan_is_used(run: Runner, tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("# the info never arrives\nlose 6\n", encoding="utf-8")
    result = run(["simulate", "--fault-plan", str(plan)])
    assert result.code == 0 and "outcome: leak" in result.out


@pytest.mark.parametrize(
    "command",
    [
        ["check", "handoff", "--json"],
        ["check", "handoff", "--counterexample"],
        ["check", "handoff", "--diagram"],
        ["simulate", "--trace"],
        ["simulate", "--json"],
        ["prove", "--json"],
        ["bmc", "handoff", "--depth", "1", "--json"],
        ["mutants", "--json"],
    ],
)
@pytest.mark.parametrize("where", ["missing-dir", "directory", "empty"])
def test_an_output_path_is_checked_before_the_work(
    run: Runner, tmp_path: Path, command: list[str], where: str
) -> None:
    target = {
        "missing-dir": str(tmp_path / "no" / "such" / "out.svg"),
        "directory": str(tmp_path),
        "empty": "",
    }[where]
    start = time.monotonic()
    result = run([*command, target])
    assert_one_line_usage_error(result)
    assert time.monotonic() - start < 5  # refused at parse time, not after a search or proof


def test_an_output_path_that_is_fine_is_left_as_it_was(run: Runner, tmp_path: Path) -> None:
    """The writability probe must not leave an empty file behind when the command then fails."""
    out = tmp_path / "verdicts.json"
    assert_one_line_usage_error(run(["check", "nosuch", "--json", str(out)]), "nosuch")
    assert not out.exists()


def test_dash_means_standard_output(run: Runner) -> None:
    import json

    result = run(["check", "handoff", "--json", "-", "--quiet"])
    assert result.code == 0
    assert json.loads(result.out)["ok"] is True  # stdout is exactly the document
    assert "PROPERTY" in result.err  # the human report moved to stderr
    assert not Path("-").exists()


def test_a_diagram_on_standard_output_is_svg_text_even_without_a_byte_buffer() -> None:
    """``--diagram -`` writes SVG through the text stream: a captured or redirected standard
    output (here a ``StringIO``, which has no ``buffer``) takes it as well as a terminal does.
    It used to end in exit 70, an AttributeError on ``sys.stdout.buffer``."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from wspshare.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["simulate", "--diagram", "-", "--workers", "1"])
    assert code == 0, err.getvalue()
    assert "<svg" in out.getvalue()
    assert "Traceback" not in err.getvalue()


def test_only_one_output_may_take_standard_output(run: Runner) -> None:
    assert_one_line_usage_error(
        run(["simulate", "--json", "-", "--trace", "-"]), "only one output"
    )


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["simulate", "--faults", "plan.txt"], "--fault-plan"),
        (["simulate", "--json"], "takes a file name"),
        (["simulate", "--runs", "10", "--scheduler", "garbage"], "scheduler address"),
        (["check", "--list", "nosuch"], "nosuch"),
        (["check", "handoff", "--variant", "nosuch"], "nosuch"),
        (["check"], "name a configuration"),
        (["check", "handoff", "--diagram", "x.pdf"], ".svg or .png"),
        (["mutants", "--checkers", "nosuch"], "nosuch"),
        (["nosuch"], "invalid choice"),
    ],
)
def test_a_misspelt_or_renamed_flag_says_what_to_write(
    run: Runner, argv: list[str], fragment: str
) -> None:
    assert_one_line_usage_error(run(argv), fragment)


def test_check_list_with_a_name_describes_that_configuration(run: Runner) -> None:
    result = run(["check", "--list", "fanout"])
    assert result.code == 0 and result.out.startswith("fanout") and result.out.count("\n") == 1


def test_a_switch_that_hides_a_seeded_bug_warns(run: Runner) -> None:
    result = run(["check", "witness", "--variant", "accept-twice", "--provider", "ifs", "--quiet"])
    assert result.code == 0  # the bug is unreachable with this provider: nothing is found...
    assert "warning: accept-twice may be unreachable here: provider ifs" in result.err  # ...said


def test_the_witness_itself_draws_no_warning(run: Runner) -> None:
    result = run(["check", "witness", "--variant", "accept-twice", "--quiet"])
    assert result.code == 1 and "warning" not in result.err


def test_version_names_the_installed_distribution(run: Runner) -> None:
    from importlib.metadata import version

    result = run(["--version"])
    assert result.code == 0 and result.out.strip() == f"wspshare {version('wspshare')}"


def test_an_internal_error_is_one_line_unless_debug(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wspshare.commands import handoff

    def broken(_: object) -> tuple[str, bool]:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(handoff, "handoff_table", broken)
    result = run(["handoff"])
    assert result.code == 70 and result.err.count("\n") == 1
    assert "internal error: ZeroDivisionError: a bug" in result.err and "--debug" in result.err
    debug = run(["--debug", "handoff"])
    assert debug.code == 70 and "Traceback" in debug.err
