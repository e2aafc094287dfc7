"""Where the shares of a split search run: in this process, or in forked worker processes.

Each implementation offers ``call(method, args)``: the same ``Partition`` method on every share at
once, with one argument tuple per share, returning their answers in share order; ``abort()`` asks
a running ``expand`` to stop early.  Dask's shares are in ``cluster``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, Protocol

from .partition import Partition

PartitionMaker = Callable[[int, int, Callable[[], bool] | None], Partition[Any, Any]]


class Shares(Protocol):
    count: int

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...


class InProcessShares:
    """Every share in this process, one after the other (one worker, or tests)."""

    def __init__(self, make: PartitionMaker, count: int = 1) -> None:
        self.count = count
        self._flag = threading.Event()
        self.parts = [make(i, count, self._flag.is_set) for i in range(count)]

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]:
        return [getattr(part, method)(*a) for part, a in zip(self.parts, args, strict=True)]

    def abort(self) -> None:
        """Ask a running ``expand`` to stop (a deadline; Ctrl-C stops this process by itself)."""
        self._flag.set()

    def close(self) -> None:
        self.parts = []


def _serve(
    conn: Connection,
    others: list[Connection],
    make: PartitionMaker,
    index: int,
    count: int,
    flag: Any,
) -> None:
    # Ctrl-C reaches the whole process group; the coordinator alone decides what it means, and
    # tells the shares through the flag.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The coordinator's ends of every pipe were inherited too: closed here, so that when the
    # coordinator dies (even by SIGKILL) the pipe ends and this worker with it.
    for other in others:
        other.close()
    part = make(index, count, flag.is_set)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        method, args = request
        answer: tuple[bool, Any]
        try:
            answer = (True, getattr(part, method)(*args))
        except Exception as err:  # reported to the coordinator, which raises it
            answer = (False, f"{type(err).__name__}: {err}")
        try:
            conn.send(answer)
        except OSError:  # the coordinator is gone: so is the search
            return


class ForkedShares:
    """One forked process per share.  Forking hands each worker the model as it is, so nothing
    of it is pickled, and the workers inherit this process's hash seed; states travel between
    workers pickled, through the coordinator, as bytes it does not unpickle."""

    def __init__(self, make: PartitionMaker, count: int) -> None:
        context = multiprocessing.get_context("fork")
        self.count = count
        self._flag = context.Event()
        self._conns: list[Connection] = []
        self._procs = []
        pipes = [context.Pipe() for _ in range(count)]
        ends = [mine for mine, _ in pipes]
        for index, (_, theirs) in enumerate(pipes):
            others = [*ends, *(t for j, (_, t) in enumerate(pipes) if j != index)]
            proc = context.Process(
                target=_serve, args=(theirs, others, make, index, count, self._flag), daemon=True
            )
            proc.start()
            self._procs.append(proc)
        for mine, theirs in pipes:
            theirs.close()
            self._conns.append(mine)

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]:
        for conn, a in zip(self._conns, args, strict=True):
            conn.send((method, a))
        answers: list[Any] = []
        failure = None
        try:
            for conn in self._conns:
                ok, value = conn.recv()
                if not ok:
                    failure = value
                answers.append(value)
        except KeyboardInterrupt:
            # The workers finish (an expand stops early once flagged) before the coordinator
            # goes on, so every share is between two steps when the interrupt is handled.
            self.abort()
            for conn in self._conns[len(answers) :]:
                conn.recv()
            raise
        if failure is not None:
            raise RuntimeError(f"a worker failed: {failure}")
        return answers

    def abort(self) -> None:
        self._flag.set()

    def close(self) -> None:
        for conn in self._conns:
            with contextlib.suppress(OSError):  # a worker that died has nothing to be told
                conn.send(None)
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
        self._conns, self._procs = [], []
