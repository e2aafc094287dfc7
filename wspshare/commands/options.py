"""Command-line options shared by the commands that run a handoff scenario."""

from __future__ import annotations

import argparse

from wspshare.models.scenario import PROVIDER_NAMES, ScenarioConfig


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def add_scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--provider",
        choices=PROVIDER_NAMES,
        default="ifs",
        help="service provider: ifs, non-ifs (reference at duplication), "
        "non-ifs-claim (reference at claim)",
    )
    p.add_argument("--targets", type=positive, default=1, help="number of target processes")
    p.add_argument("--threads", type=positive, default=1, help="threads per process")
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


def scenario_config(args: argparse.Namespace) -> ScenarioConfig:
    return ScenarioConfig(
        provider=args.provider,
        targets=args.targets,
        threads=args.threads,
        ack=not args.no_ack,
        pin=not args.no_pin,
    )
