"""Command-line options shared by the commands: the scenario switches, outputs and progress.

One flag means one thing in every subcommand: ``--json FILE`` saves a result as JSON (``-`` for
standard output), ``--seed N`` is a non-negative seed, ``--progress`` asks for progress lines
when stderr is not a terminal, ``--quiet`` silences progress.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from wspshare.cli_errors import UsageError
from wspshare.commands.files import output_file
from wspshare.commands.values import seed, whole_number
from wspshare.models.profiles import DOCUMENTED, PROFILES
from wspshare.models.scenario import PROVIDER_NAMES, ScenarioConfig
from wspshare.progress import Mode, mode_for

# Every process adds its threads, handle table and pipe to each state; the seed-order run and a
# simulation stay under a second at these sizes, and an exhaustive search is hopeless far below.
MAX_TARGETS = 16
MAX_THREADS = 16

targets = whole_number(1, MAX_TARGETS, "more would only make the run slow")
threads = whole_number(1, MAX_THREADS, "more would only make the run slow")


def add_scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--provider",
        choices=PROVIDER_NAMES,
        default="ifs",
        help="service provider: ifs, non-ifs (reference at duplication), "
        "non-ifs-claim (reference at claim)",
    )
    p.add_argument(
        "--targets", type=targets, default=1, help=f"target processes (1..{MAX_TARGETS})"
    )
    p.add_argument(
        "--threads", type=threads, default=1, help=f"threads per process (1..{MAX_THREADS})"
    )
    p.add_argument(
        "--no-ack",
        action="store_true",
        help="the source closes without waiting for the target's acknowledgement",
    )
    p.add_argument(
        "--no-pin",
        action="store_true",
        help="the source does not pin the target's pid with a process handle",
    )
    add_profile_option(p)


def add_profile_option(p: argparse.ArgumentParser) -> None:
    """``--profile``: the implementation the machine follows (``models.profiles``); left out,
    the configuration's or the scenario file's own (the documentation for the built-in ones)."""
    p.add_argument(
        "--profile",
        choices=tuple(PROFILES),
        default=None,
        help="implementation: documented (SPEC.md as written) or wine (what Wine's ws2_32 does); "
        "default: the configuration's own",
    )


def scenario_config(args: argparse.Namespace) -> ScenarioConfig:
    return ScenarioConfig(
        provider=args.provider,
        targets=args.targets,
        threads=args.threads,
        ack=not args.no_ack,
        pin=not args.no_pin,
        profile=args.profile or DOCUMENTED.name,
    )


def add_seed(p: argparse.ArgumentParser | Any, help: str) -> None:
    p.add_argument("--seed", type=seed, default=0, help=help)


class FileValue(argparse.Action):
    """A flag that takes a file name, with a hint when it is given none (``simulate --json``
    was once a bare flag)."""

    def __init__(self, option_strings: list[str], dest: str, **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs="?", **kw)

    def __call__(
        self, parser: argparse.ArgumentParser, ns: argparse.Namespace, values: Any, *_: Any
    ) -> None:
        if values is None:
            raise UsageError(f"{self.option_strings[0]} takes a file name (- for standard output)")
        setattr(ns, self.dest, values)


def add_json(p: argparse.ArgumentParser | Any, what: str) -> None:
    p.add_argument(
        "--json",
        action=FileValue,
        type=output_file(),
        metavar="FILE",
        help=f"save {what} as JSON (- for standard output)",
    )


def add_progress(p: argparse.ArgumentParser | Any) -> None:
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument(
        "--progress",
        action="store_true",
        help="progress lines on stderr even when it is not a terminal",
    )


def progress_mode(args: argparse.Namespace) -> Mode:
    return mode_for(getattr(args, "quiet", False), getattr(args, "progress", False))


class Renamed(argparse.Action):
    """A flag that was renamed: using the old spelling says what to write instead."""

    def __init__(self, option_strings: list[str], dest: str, instead: str, **kw: Any) -> None:
        self.instead = instead
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS, **kw)

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        raise UsageError(f"{self.option_strings[0]} is not a flag of this command: {self.instead}")
