"""The `wspshare` command: one subcommand per job, each in `wspshare.commands`.

Bad input never ends in a traceback: a bad flag, value or file gives one line on stderr and exit
status 2.  Ctrl-C stops any command within a second with a one-line summary and exit status 130.
An unexpected internal error also gives one line (exit status 70); `--debug`, anywhere on the
command line, shows its traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from wspshare.cli_errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from wspshare.models.errors import ModelError

# The modules of ``wspshare.commands``, in the order help lists them.  They are imported by
# name, and a run imports only its own: z3, Hypothesis, matplotlib and the web stack cost
# more than a second together, and most runs need none of them.
COMMANDS = ["handoff", "check", "mutants", "simulate", "prove", "bmc", "explore", "conform"]
DEBUG_FLAG = "--debug"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions keep their own line breaks (they are written to fit 100 columns)."""


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("wspshare")
    except metadata.PackageNotFoundError:  # running from a tree that was never installed
        return "unknown (not installed)"


class VersionAction(argparse.Action):
    """``--version``, looking the version up only when asked: reading the installed package's
    metadata costs a tenth of a second that every other run would pay."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        print(f"wspshare {version()}")
        parser.exit()


def build_parser(only: str | None = None, *, commands: bool = True) -> Parser:
    """The parser of every command, or with ``only`` the parser of that one command (the rest
    are then neither imported nor offered); without ``commands``, of the top-level flags
    alone (``--version`` needs no command, and importing them all costs a second)."""
    parser = Parser(prog="wspshare", description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        DEBUG_FLAG, action="store_true", help="show the traceback of an internal error"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name in (COMMANDS if only is None else [only]) if commands else []:
        importlib.import_module(f"wspshare.commands.{name}").register(sub)
    for choice in sub.choices.values():
        choice.formatter_class = HelpFormatter
        plain_help(choice)
    return parser


def plain_help(parser: argparse.ArgumentParser) -> None:
    """Help shows plain text: the docstrings that serve as descriptions are written for the
    API documentation, whose double-backquote markup would only be noise in a terminal."""
    parser.description = plain(parser.description)
    parser.epilog = plain(parser.epilog)
    for action in parser._actions:
        if isinstance(action.help, str):
            action.help = plain(action.help)


def plain(text: str | None) -> str | None:
    return None if text is None else text.replace("``", "")


def command_named(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs, when its first word names one; None for top-level help,
    ``--version`` or a misspelt command, which need the full parser to answer."""
    first = next((a for a in argv if not a.startswith("-")), None)
    before = argv[: argv.index(first)] if first is not None else argv
    return first if first in COMMANDS and not before else None


def one_line(message: str) -> str:
    text = " ".join(str(message).split())
    return f"wspshare: error: {text}".replace("wspshare: error: wspshare", "wspshare")


def main(argv: Sequence[str] | None = None) -> int:
    code = _run(argv)
    if code == EXIT_INTERRUPTED:
        forget_handled_interrupt()
    return code


def forget_handled_interrupt() -> None:
    """Tell CPython that the Ctrl-C the command stopped for was handled.

    CPython marks a ``KeyboardInterrupt`` raised inside code run from a string (``exec`` of
    source, as ``dataclasses`` and ``namedtuple`` do when a class is made, which happens while
    a command imports what it needs) as unhandled for good, even when it is caught; run as
    ``python -m wspshare``, the process then ends by killing itself with SIGINT instead of
    exiting with 130 (seen: ``bmc`` interrupted during its imports, about one time in eight).
    The mark is a C global with no Python interface; where it cannot be found (another
    interpreter), nothing is done."""
    try:
        import ctypes

        ctypes.c_int.in_dll(ctypes.pythonapi, "_Py_UnhandledKeyboardInterrupt").value = 0
    except (ImportError, ValueError, AttributeError):
        pass


def _run(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = DEBUG_FLAG in args_list
    args_list = [a for a in args_list if a != DEBUG_FLAG]
    try:
        parser = build_parser(command_named(args_list), commands=args_list != ["--version"])
        args = parser.parse_args(args_list)
        code: int = args.run(args)
    except (UsageError, ModelError) as err:
        print(one_line(str(err)), file=sys.stderr)
        return EXIT_USAGE
    except OSError as err:
        name = f"{err.filename}: " if err.filename else ""
        print(one_line(f"{name}{err.strerror or err}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # A command that can summarise partial work catches Ctrl-C itself; this is the rest
        # (an interrupt while parsing or while writing the output).
        print("wspshare: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as exit_:  # --help and --version end here; keep their status
        return exit_.code if isinstance(exit_.code, int) else 0
    except Exception as err:
        if debug:
            traceback.print_exc()
        else:
            print(
                one_line(
                    f"internal error: {type(err).__name__}: {err} "
                    f"(please report it; {DEBUG_FLAG} shows the traceback)"
                ),
                file=sys.stderr,
            )
        return EXIT_INTERNAL
    return code


if __name__ == "__main__":
    sys.exit(main())
