"""Ctrl-C during z3 work, given back to Python as one ``KeyboardInterrupt``, within moments.

Left alone, z3 and Python lose a Ctrl-C between them in several ways:

- While ``Solver.check`` runs, z3 handles SIGINT itself, and only cancels the query: a query that
  was about to answer still answers ``sat`` or ``unsat``, an interrupted one answers ``unknown``,
  and either way Python never sees the signal, so a proof carries on with its next query.
- Python's own handler raises ``KeyboardInterrupt`` wherever the main thread is.  Inside z3's
  Python layer that can be a constructor (leaving an object that its finaliser then trips over), a
  finaliser (Python prints the exception and drops it), a ctypes callback (the same), or ctypes'
  conversion of an argument (``ctypes.ArgumentError: argument 1: KeyboardInterrupt``).

``solver_interrupts`` replaces both handlers for the duration of a block.  Its SIGINT handler only
notes the signal; a watcher thread, woken at once through ``signal.set_wakeup_fd`` even while
the main thread is inside z3, interrupts z3; and ``KeyboardInterrupt`` is raised at safe points:
after each query (``checked``), at ``poll``, and for a z3 call that the interruption cancelled.
z3 names an interrupted query's reason "canceled" (or "interrupted from keyboard"), which is also
what it says when a query's own timeout runs out; the noted signal tells the two apart.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import z3

TIMEOUT_MARGIN = 0.9  # a cancel before 90% of the query's timeout cannot be the timeout

_pending = threading.Event()  # a Ctrl-C seen by ``solver_interrupts`` and not yet acted upon


def checked(solver: z3.Solver, *assumptions: Any, timeout_ms: int | None = None) -> Any:
    """``solver.check(*assumptions)``; ``KeyboardInterrupt`` if Ctrl-C interrupted it, or came
    earlier and was lost.  ``timeout_ms`` is the timeout the solver was given, if any."""
    poll()
    start = time.monotonic()
    answer = solver.check(*assumptions)
    poll()  # whatever the query answered: a Ctrl-C came during it
    if answer != z3.unknown:
        return answer
    # z3 stopped by a Ctrl-C outside ``solver_interrupts`` (its own handler): told apart from a
    # timeout by the time it took.
    reason = solver.reason_unknown()
    elapsed_ms = 1000 * (time.monotonic() - start)
    early = timeout_ms is None or elapsed_ms < TIMEOUT_MARGIN * timeout_ms
    if "interrupted" in reason or (reason == "canceled" and early):
        raise KeyboardInterrupt
    return answer


def _remember(signum: int, frame: FrameType | None) -> None:
    """Note Ctrl-C; it is raised at the next safe point (``checked``, ``poll``, the end of the
    block).  Raising where the main thread happens to be would break z3's own objects: a
    ``KeyboardInterrupt`` inside a z3 constructor, finaliser or ctypes callback leaves half-built
    objects and printed tracebacks behind."""
    _pending.set()


def poll() -> None:
    """A safe point: raise ``KeyboardInterrupt`` if Ctrl-C came since the block began."""
    if _pending.is_set():
        raise KeyboardInterrupt


_STOP = b"\xff"  # not a signal number: tells the watcher to end


def _watch(wakeups: int) -> None:
    """Interrupt z3 at each signal written to ``wakeups``, until told to stop."""
    while True:
        data = os.read(wakeups, 64)
        if not data or _STOP in data:
            return
        _pending.set()
        z3.main_ctx().interrupt()


@contextmanager
def solver_interrupts() -> Iterator[None]:
    """Within the block, every Ctrl-C ends as ``KeyboardInterrupt`` within moments, however z3
    was busy.  Outside the main thread, or when something else handles SIGINT, the block runs
    unchanged: signals can then only reach the main thread's own handler."""
    _pending.clear()
    in_main = threading.current_thread() is threading.main_thread()
    if not in_main or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    watcher = threading.Thread(target=_watch, args=(read_end,), daemon=True)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    signal.signal(signal.SIGINT, _remember)
    z3.set_param("ctrl_c", False)
    watcher.start()
    try:
        yield
        poll()
    except (ctypes.ArgumentError, z3.Z3Exception):
        # A call that z3 cancelled, meanwhile, because of the Ctrl-C ("push canceled", ...).
        if not _pending.is_set():
            raise
        raise KeyboardInterrupt from None
    finally:
        z3.set_param("ctrl_c", True)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.set_wakeup_fd(previous_fd)
        os.write(write_end, _STOP)
        watcher.join()
        os.close(read_end)
        os.close(write_end)
        _pending.clear()
