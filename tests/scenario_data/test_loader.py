"""A malformed scenario file gets one clear line naming where and what was expected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from wspshare.models.scenario_data import ScenarioError, parse_scenario

GOOD = """\
name = "tiny"

[[process]]
name = "p"
steps = [
  {call = "WSASocket", out = "s"},
  {call = "closesocket", s = "s"},
]
"""


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "f.toml")
    return str(err.value)


def test_good_file_loads_into_dataclasses() -> None:
    sc = parse_scenario(GOOD)
    assert [s.call for s in sc.processes[0].threads[0].steps] == ["WSPSocket", "WSPCloseSocket"]
    assert sc.processes[0].threads[0].steps[1].line == 7


def test_toml_syntax_error_names_its_line() -> None:
    message = error_of(GOOD.replace('out = "s"}', 'out = "s"'))
    assert message.startswith("f.toml:6: not valid TOML")


def test_unknown_top_level_key_names_its_line() -> None:
    message = error_of(GOOD.replace('name = "tiny"', 'name = "tiny"\nproviders = "ifs"'))
    assert message.startswith("f.toml:2: providers: unknown key")


def test_unknown_call_names_the_step_and_its_line() -> None:
    message = error_of(GOOD.replace('"closesocket"', '"closesockt"'))
    assert message.startswith("f.toml:7: process[1].steps[2].call: unknown call 'closesockt'")


def test_register_never_written() -> None:
    message = error_of(GOOD.replace('s = "s"', 's = "sock"'))
    assert "f.toml:7:" in message and "register 'sock' is never written" in message


def test_pipe_must_be_declared_and_reached() -> None:
    text = GOOD.replace('{call = "closesocket", s = "s"}', '{send = "ipc", token = "hi"}')
    assert "no pipe named 'ipc'" in error_of(text)


def test_bad_choice_lists_the_choices() -> None:
    message = error_of(GOOD.replace('name = "tiny"', 'name = "tiny"\nprofile = "windows"'))
    assert message == "f.toml:2: profile: expected one of documented, wine, got 'windows'"


def test_no_process() -> None:
    assert "expected at least one [[process]] table" in error_of('name = "x"\n')


def test_sequential_steps_name_their_process() -> None:
    text = (
        'name = "x"\nmode = "sequential"\nsteps = [\n  {exit = true},\n]\n[[process]]\nname = "p"\n'
    )
    assert error_of(text).startswith("f.toml:4: steps[1].process: missing")


def test_sequential_steps_after_a_table_are_explained() -> None:
    text = 'name = "x"\nmode = "sequential"\n[[process]]\nname = "p"\nsteps = []\n'
    assert "top-level keys go before the first [[process]] table" in error_of(text)


def test_fault_budget_bounded() -> None:
    message = error_of(GOOD + "\n[faults]\ncrash = 9\n")
    assert "faults.crash: expected a budget 0..4, got 9" in message


@pytest.mark.parametrize(
    "text",
    [GOOD.replace('out = "s"}', 'out = "s"'), GOOD.replace('"closesocket"', '"closesockt"')],
)
def test_command_line_gives_one_line_and_exit_2(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "wspshare", "check", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("wspshare: error: ")
    assert "Traceback" not in proc.stderr


def test_missing_file_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wspshare", "check", str(tmp_path / "none.toml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_unknown_constant_is_a_typo_not_zero() -> None:
    text = GOOD.replace('{call = "closesocket", s = "s"}',
                        '{call = "WSAEventSelect", s = "s", mask = "FD_READ|FD_WRIT"}')  # fmt: skip
    message = error_of(text)
    assert message.startswith("f.toml:7: process[1].steps[2].mask: expected a number or one of")
