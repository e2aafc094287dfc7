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


def _modules_after(argv: list[str]) -> set[str]:
    """The modules a fresh interpreter has imported once ``wspshare ARGV`` has answered."""
    import json
    import subprocess
    import sys

    script = (
        "import contextlib, io, json, sys\n"
        "from wspshare.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({argv!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


def test_version_builds_no_command() -> None:
    """``--version`` answers without importing the commands (the mutants' pull in Hypothesis
    and z3): the start-up aim of issue #14 is well under half a second."""
    loaded = _modules_after(["--version"])
    assert not any(name.startswith("wspshare.commands.") for name in loaded)
    assert "hypothesis" not in loaded and "z3" not in loaded


def test_a_check_imports_no_drawing_proving_or_cluster_library() -> None:
    """A plain ``check`` needs none of matplotlib, Hypothesis, z3 or Dask: they are imported
    where a run uses them (a diagram, a proof, a cluster), not at start-up."""
    loaded = _modules_after(["check", "handoff", "--quiet"])
    assert {"matplotlib", "hypothesis", "z3", "dask", "distributed"}.isdisjoint(loaded)
    assert "wspshare.commands.check" in loaded
