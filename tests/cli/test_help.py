"""Help and listings are plain text that fits a terminal: no reStructuredText markup and no
line over 100 columns."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Runner
from wspshare.cli import COMMANDS, build_parser

SUBCOMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def assert_plain(text: str) -> None:
    assert "``" not in text
    long = [line for line in text.splitlines() if len(line) > 100]
    assert not long, long


@pytest.mark.parametrize("argv", [[], *([name] for name in SUBCOMMANDS)])
def test_help_is_plain_and_narrow(run: Runner, argv: list[str]) -> None:
    result = run([*argv, "--help"])
    assert result.code == 0 and result.out.startswith("usage: wspshare")
    assert_plain(result.out)


def test_every_command_module_is_a_subcommand() -> None:
    assert len(SUBCOMMANDS) == len(COMMANDS)


@pytest.mark.parametrize("argv", [["mutants", "--list"], ["check", "--list"]])
def test_listings_are_plain_and_narrow(run: Runner, argv: list[str]) -> None:
    result = run(argv)
    assert result.code == 0 and result.out
    assert_plain(result.out)
