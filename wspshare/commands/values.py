"""Argument types for the command line: every value is checked before any work starts.

Each type is a callable that argparse applies to the text of one argument; a bad value raises
``argparse.ArgumentTypeError``, which the parser turns into one line on stderr and exit 2.  Counts
that size the work (targets, threads, workers, runs) have an upper bound, stated in the message,
so that a typo such as ``--targets 1000`` is refused at once instead of running for an hour.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable

MAX_SEED = 2**63 - 1


def whole_number(low: int, high: int | None = None, why: str = "") -> Callable[[str], int]:
    """An integer in ``[low, high]``; ``why`` says what the upper bound protects."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a number of at least {low}, got {value}")
        if high is not None and value > high:
            reason = f" ({why})" if why else ""
            raise argparse.ArgumentTypeError(
                f"expected a number of at most {high}{reason}, got {text.strip()}"
            )
        return value

    parse.__name__ = "whole number"  # argparse names the type in its messages
    return parse


def number(low: float = 0.0, high: float | None = None, unit: str = "") -> Callable[[str], float]:
    """A finite decimal number in ``[low, high]`` (``inf`` and ``nan`` are refused)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number{unit}, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number{unit}, got {text!r}")
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a number >= {low:g}{unit}, got {text!r}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"expected a number <= {high:g}{unit}, got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


def number_or_infinity(low: float = 0.0, unit: str = "") -> Callable[[str], float]:
    """Like ``number``, but ``inf`` is allowed: for a timeout that may be switched off."""
    finite = number(low, unit=unit)

    def parse(text: str) -> float:
        if text.strip().lower() in ("inf", "infinity"):
            return math.inf
        return finite(text)

    parse.__name__ = "number"
    return parse


positive = whole_number(1)
non_negative = whole_number(0)
seed = whole_number(0, MAX_SEED, "a 63-bit seed")
seconds = number(0.001, unit=" of seconds")


# A Dask scheduler address: tcp://HOST:PORT (or another Dask protocol), or HOST:PORT.
SCHEDULER = re.compile(
    r"^(?:(?:tcp|tls|ws|wss|ucx|inproc)://)?[A-Za-z0-9._\-\[\]:]+:[0-9]{1,5}/?$"
)


def scheduler_address(text: str) -> str:
    if not SCHEDULER.match(text.strip()):
        raise argparse.ArgumentTypeError(
            f"expected a Dask scheduler address such as tcp://HOST:8786, got {text!r}"
        )
    return text.strip()
