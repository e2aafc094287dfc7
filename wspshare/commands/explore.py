"""``wspshare explore CONFIG``: walk the model in a browser, one action at a time.

Serves the explorer on 127.0.0.1 and prints its address: the current state (processes with their
threads and handle tables, sockets, provider state, pipes), the enabled actions to choose from,
each property's verdict, and the path so far as a sequence diagram.  Takes the configurations and
switches of ``wspshare check``; ``--counterexample FILE`` opens a file that check wrote.  Stop it
with Ctrl-C (exit status 130); bad input gives one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path as FilePath
from urllib.parse import quote

from wspshare.cli_errors import UsageError

DEFAULT_PORT = 3000
INTERRUPTED = 130  # the shell's status for a command stopped by SIGINT


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from wspshare.explorer.switches import add_switch_options

    p = sub.add_parser(
        "explore", help="walk the model in a browser, one action at a time", description=__doc__
    )
    p.add_argument(
        "model",
        metavar="CONFIG|SCENARIO_FILE",
        help="a configuration name (wspshare check --list shows them)",
    )
    p.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)",
    )  # fmt: skip
    p.add_argument(
        "--counterexample", metavar="FILE", help="open a file of wspshare check --counterexample"
    )
    add_switch_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The web stack loads only when the explorer runs, so other commands start as fast as before.
    from wspshare.explorer.app import create_app
    from wspshare.explorer.counterexample import open_counterexample
    from wspshare.explorer.models import Models, model_from_argument, model_name
    from wspshare.explorer.server import PortInUse, bind, url_of
    from wspshare.explorer.switches import switches_from

    switches = switches_from(args)
    name = model_name(args.model, switches)
    models = Models(model_from_argument(args.model, switches), name)
    start: tuple[str, list[str]] | None = None
    if args.counterexample:
        text = read_text(args.counterexample)
        found, session = open_counterexample(models, text)
        start = (found, session.fingerprints())
    try:
        server = bind(create_app(models, start), args.port)
    except PortInUse as err:
        raise UsageError(f"{err}; choose another port with --port (0 picks a free one)") from None
    address = url_of(server)
    if start is not None:
        address += f"?model={quote(start[0])}#/" + "/".join(start[1])
    # werkzeug's loop ends quietly on Ctrl-C, and nothing else here ever stops it, so its end
    # is always an interrupt; the except clause covers one that arrives outside the loop.
    try:
        print(address, flush=True)
        print("serving the explorer; Ctrl-C stops it", file=sys.stderr, flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("explorer stopped", file=sys.stderr)
    return INTERRUPTED


def read_text(name: str) -> str:
    try:
        return FilePath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "not UTF-8 text"
        raise UsageError(f"--counterexample: cannot read {name}: {why}") from None
