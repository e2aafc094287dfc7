"""The network peer of a real conformance run: a loopback TCP server in Python.

Every connection a case makes (its ``connect`` steps) lands here, in order; the peer greets
each with one byte (the model's peer greets on connect, so one ``recv`` has something to
read), counts the bytes that arrive and notes when the connection ends.  A second loopback
port answers the program's questions: ``Q conn want_eof`` gets ``eof=E data=N`` for that
connection, after waiting a moment for a close or for data still in flight.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

SETTLE = 0.4  # seconds to let a FIN or a byte cross the loopback before answering


@dataclass
class Connection:
    data: int = 0
    eof: bool = False
    changed: threading.Event = field(default_factory=threading.Event)


class Peer:
    """Start with ``with Peer() as peer``; ``peer.port`` and ``peer.control_port`` are what the
    program is told.  Binds 127.0.0.1 only."""

    def __init__(self) -> None:
        self.conns: list[Connection] = []
        self.lock = threading.Lock()
        self.data = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.control = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port = self.data.getsockname()[1]
        self.control_port = self.control.getsockname()[1]
        self.stopping = False

    def __enter__(self) -> Peer:
        for target in (self._accept_data, self._accept_control):
            threading.Thread(target=target, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping = True
        self.data.close()
        self.control.close()

    def reset(self) -> None:
        with self.lock:
            self.conns = []

    def _accept_data(self) -> None:
        while not self.stopping:
            try:
                sock, _ = self.data.accept()
            except OSError:
                return
            conn = Connection()
            with self.lock:
                self.conns.append(conn)
            threading.Thread(target=self._serve, args=(sock, conn), daemon=True).start()

    def _serve(self, sock: socket.socket, conn: Connection) -> None:
        try:
            sock.sendall(b"g")
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                conn.data += len(chunk)
                conn.changed.set()
        except OSError:
            pass
        conn.eof = True
        conn.changed.set()
        sock.close()

    def _accept_control(self) -> None:
        while not self.stopping:
            try:
                sock, _ = self.control.accept()
            except OSError:
                return
            with sock:
                try:
                    words = sock.recv(64).decode().split()
                    k, want_eof = int(words[1]), int(words[2])
                    sock.sendall(self.answer(k, want_eof).encode())
                except (OSError, ValueError, IndexError):
                    continue

    def answer(self, k: int, want_eof: int) -> str:
        deadline = time.monotonic() + SETTLE
        while time.monotonic() < deadline:
            with self.lock:
                conn = self.conns[k] if k < len(self.conns) else None
            if conn is not None and want_eof == 1 and conn.eof:
                break
            time.sleep(0.02)
        with self.lock:
            conn = self.conns[k] if k < len(self.conns) else None
        if conn is None:
            return "none\n"
        return f"eof={int(conn.eof)} data={conn.data}\n"
