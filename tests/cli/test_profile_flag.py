"""``--profile documented|wine`` on check, simulate, bmc and handoff: the implementation the
machine follows (models/profiles.py), the configuration's own when left out."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Runner, assert_one_line_usage_error
from wspshare.cli import build_parser, command_named
from wspshare.commands.options import scenario_config

NOT_UNDER_WINE = "single-use"  # properties/profiles.py: not claimed under wine


def checked_properties(run: Runner, *argv: str) -> set[str]:
    result = run(["check", *argv, "--json", "-", "--quiet"])
    assert result.code == 0, result.err
    return set(json.loads(result.out)["properties"])


def test_check_profile_wine_checks_only_what_wine_claims(run: Runner) -> None:
    assert NOT_UNDER_WINE in checked_properties(run, "handoff")
    assert NOT_UNDER_WINE not in checked_properties(run, "handoff", "--profile", "wine")


def test_check_profile_overrides_the_configurations_own(run: Runner) -> None:
    assert NOT_UNDER_WINE not in checked_properties(run, "wine")
    assert NOT_UNDER_WINE in checked_properties(run, "wine", "--profile", "documented")


def test_simulate_runs_the_profile_asked_for(run: Runner) -> None:
    result = run(["simulate", "--profile", "wine", "--runs", "3", "--json", "-"])
    assert result.code == 0, result.err
    assert json.loads(result.out)["config"]["scenario"]["profile"] == "wine"


def test_handoff_builds_its_scenario_with_the_profile() -> None:
    for argv, want in ((["handoff"], "documented"), (["handoff", "--profile", "wine"], "wine")):
        args = build_parser(command_named(argv)).parse_args(argv)
        assert scenario_config(args).profile == want


def test_bmc_refuses_a_profile_the_twin_does_not_encode(run: Runner) -> None:
    result = run(["bmc", "handoff", "--depth", "1", "--profile", "wine"])
    assert_one_line_usage_error(result, "--profile wine", "documented")


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "handoff"],
        ["simulate"],
        ["bmc", "handoff", "--depth", "1"],
        ["handoff"],
    ],
)
def test_an_unknown_profile_is_one_line_and_exit_2(run: Runner, argv: list[str]) -> None:
    assert_one_line_usage_error(run([*argv, "--profile", "windows"]), "--profile", "windows")
