"""Ctrl-C during z3 work, given back to Python as one ``KeyboardInterrupt``.

Three things hide a Ctrl-C from a proof or a bounded search that uses z3:

- While ``Solver.check`` runs, z3 handles SIGINT itself: it stops the query and answers
  ``unknown``, and Python never sees the signal.  The caller would carry on with the next query as
  if one had merely timed out; ``checked`` raises ``KeyboardInterrupt`` instead.  z3 names the
  reason "interrupted from keyboard" for a one-shot query, but "canceled" in an incremental one
  (after ``push``), which is also what it says when the query's own timeout runs out, so
  "canceled" counts as Ctrl-C only when it came clearly before that timeout.
- z3's own SIGINT handler only cancels the query: a query that was about to answer still answers
  ``sat`` or ``unsat``, and the signal is gone.
- A signal that arrives while ctypes converts the arguments of a z3 call comes out as
  ``ctypes.ArgumentError("argument 1: KeyboardInterrupt: ")``.
- A signal that arrives in a finaliser (z3 objects free their C side in ``__del__``) is printed
  and dropped by Python.

``solver_interrupts`` covers them all.  It turns z3's handler off and keeps Python's, which
remembers the signal before raising; Python's handler runs only between bytecodes, so a watcher
thread, woken by the signal through ``signal.set_wakeup_fd``, interrupts z3 meanwhile.  ``checked``
raises at the end of any query during which a Ctrl-C came, whatever the query answered, and the
ctypes error is turned back into Ctrl-C.
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
    if _pending.is_set():
        raise KeyboardInterrupt
    start = time.monotonic()
    answer = solver.check(*assumptions)
    if answer != z3.unknown:
        return answer
    reason = solver.reason_unknown()
    elapsed_ms = 1000 * (time.monotonic() - start)
    early = timeout_ms is None or elapsed_ms < TIMEOUT_MARGIN * timeout_ms
    if "interrupted" in reason or (reason == "canceled" and early) or _pending.is_set():
        raise KeyboardInterrupt
    return answer


def _remember_and_raise(signum: int, frame: FrameType | None) -> None:
    _pending.set()
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
    signal.signal(signal.SIGINT, _remember_and_raise)
    z3.set_param("ctrl_c", False)
    watcher.start()
    try:
        yield
    except ctypes.ArgumentError as error:
        if "KeyboardInterrupt" not in str(error) and not _pending.is_set():
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
