"""Run as ``python -m tests.cli.interrupted_in_exec``: a Ctrl-C that arrives while code made
from a string runs (as when a dataclass is made during an import), and that the command then
handles, must still end the process with exit status 130 (``cli.forget_handled_interrupt``)."""

from __future__ import annotations

import os
import signal
import sys

from wspshare import cli


def interrupt_inside_exec() -> None:
    try:
        exec("import os, signal\nos.kill(os.getpid(), signal.SIGINT)\nfor _ in range(10**6): pass")
    except KeyboardInterrupt:
        return
    raise SystemExit("the interrupt never came")


def parser_that_is_interrupted(only: str | None = None, *, commands: bool = True) -> object:
    interrupt_inside_exec()
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cli.build_parser = parser_that_is_interrupted  # type: ignore[assignment]
    sys.exit(cli.main(os.environ.get("PROBE_ARGV", "check handoff").split()))
