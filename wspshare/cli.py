"""The ``wspshare`` command: one subcommand per job, each in ``wspshare.commands``.

Bad input never ends in a traceback: a bad flag or file gives one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from wspshare.cli_errors import UsageError
from wspshare.commands import bmc, check, explore, handoff, mutants, prove, simulate
from wspshare.models.errors import ModelError

COMMANDS = [handoff, check, mutants, simulate, prove, bmc, explore]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> Parser:
    parser = Parser(prog="wspshare", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.run(args)
    except (UsageError, ModelError) as err:
        print(
            f"wspshare: error: {err}".replace("wspshare: error: wspshare", "wspshare"),
            file=sys.stderr,
        )
        return 2
    except OSError as err:
        print(f"wspshare: error: {err.filename or ''}: {err.strerror}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
