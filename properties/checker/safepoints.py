"""Ctrl-C during a search, raised only where the search's tables are whole.

Python's own SIGINT handler raises ``KeyboardInterrupt`` between any two bytecodes of the main
thread.  In a search that can be half-way through adding a state to the store (its fingerprint
appended, its parent not yet) or through a compact-form table being widened, and the partial
result is then read from those tables: an interrupted ``check`` ended in an internal error
(``zip()`` of store columns of different lengths) instead of its partial statistics.

``deferred_interrupts`` replaces the handler for the duration of a block with one that only
notes the signal; the search asks ``Interrupts.pending`` once per expansion, where everything
is consistent, and raises ``KeyboardInterrupt`` there.  An expansion takes microseconds to
milliseconds, so Ctrl-C still stops the search at once.  Outside the main thread, or when
something else already handles SIGINT (a worker process, a test harness), the block changes
nothing and ``pending`` is always false.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupts:
    """Whether a Ctrl-C came during the block and has not been raised yet."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending = False

    def note(self, signum: int, frame: FrameType | None) -> None:
        self.pending = True

    def raise_if_pending(self) -> None:
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


@contextmanager
def deferred_interrupts() -> Iterator[Interrupts]:
    """Within the block, SIGINT is noted in the yielded ``Interrupts`` instead of raised; one
    still pending at the end of the block is raised there."""
    interrupts = Interrupts()
    in_main = threading.current_thread() is threading.main_thread()
    if not in_main or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield interrupts
        return
    signal.signal(signal.SIGINT, interrupts.note)
    try:
        yield interrupts
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupts.raise_if_pending()
