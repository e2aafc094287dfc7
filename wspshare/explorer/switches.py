"""The switches of ``wspshare check`` (provider, faults, stranger, variant...), reused as they are.

The explorer accepts exactly the configurations and switches the checker does, and a counterexample
file records them in the checker's own words (``"switches": "--variant close-before-claim"``).  So
the explorer does not define them again: it takes the argument definitions from the ``check``
command's parser, leaving out what only a search needs (strategy, bounds, output files), and reads
the result with ``check.switches_from``.  A switch added to ``check`` is a switch here too.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import fields
from typing import NoReturn

from wspshare.cli_errors import UsageError
from wspshare.commands import check
from wspshare.properties.configs import Switches

# ``Switches`` names most flags by their field; the command line spells the other three so.
SWITCH_DESTS = frozenset({f.name for f in fields(Switches)} | {"no_ack", "no_pin", "faults"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _check_parser() -> argparse.ArgumentParser:
    scratch: argparse._SubParsersAction[argparse.ArgumentParser]
    scratch = _Parser(prog="wspshare").add_subparsers(parser_class=_Parser)
    check.register(scratch)
    return scratch.choices["check"]


def add_switch_options(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the check command's switches, in the same groups with the same help.

    The argument objects are shared, as ``argparse``'s own ``parents=`` shares them; only the
    switches are taken, so the check command's other options cannot clash with the caller's."""
    source = _check_parser()
    for group in source._action_groups:
        taken = [a for a in group._group_actions if a.dest in SWITCH_DESTS]
        if not taken:
            continue
        default_group = group.title in ("options", "optional arguments")
        target = parser if default_group else parser.add_argument_group(group.title)
        for action in taken:
            target._add_action(action)


def switches_from(args: argparse.Namespace) -> Switches:
    """The switches a parsed command line chose (an unknown variant is a ``UsageError``)."""
    return check.switches_from(args)


def parse_switches(text: str) -> Switches:
    """Switches written as flags, as ``Switches.describe`` writes them (and a counterexample
    file records them)."""
    parser = _Parser(prog="switches", add_help=False)
    add_switch_options(parser)
    try:
        words = shlex.split(text)
    except ValueError as err:
        raise UsageError(f"cannot read the switches {text!r}: {err}") from None
    return switches_from(parser.parse_args(words))
