"""Serving the explorer on the loopback interface, in the foreground or in a background thread.

The socket is bound here, not by the web server, so that a port in use is an error the caller
words (werkzeug would print its own lines and exit), and ``port=0`` lets the system pick a free
port whose number is then known.  Only 127.0.0.1 is ever bound: the explorer has no
authentication and answers anyone who can reach it.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass, field

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

HOST = "127.0.0.1"


class PortInUse(OSError):
    """The port asked for cannot be bound."""


def bind(app: Flask, port: int) -> BaseWSGIServer:
    """A threaded WSGI server for ``app`` listening on ``HOST:port`` (0: a free port)."""
    try:
        listener = socket.create_server((HOST, port))
    except OSError as err:
        raise PortInUse(f"cannot listen on {HOST}:{port}: {err.strerror}") from None
    try:
        # Request lines would drown the address the command prints; errors still show.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        return make_server(HOST, port, app, threaded=True, fd=listener.fileno())
    finally:
        listener.close()  # the server works on its own duplicate of the descriptor


def url_of(server: BaseWSGIServer) -> str:
    return f"http://{HOST}:{server.port}/"


@dataclass
class Background:
    """An explorer served from a daemon thread, e.g. for a notebook; ``stop`` ends it."""

    server: BaseWSGIServer
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="wspshare-explorer", daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return url_of(self.server)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
