"""What a long command is doing, on stderr: a live display on a terminal, plain lines on request.

Standard output carries the result and must stay byte-for-byte reproducible, so progress never
goes there.  On a terminal a command shows a live line unless ``--quiet``; when stderr is a file
or a pipe (CI logs, a test harness) it stays silent unless ``--progress`` asks for plain lines,
which are printed at most once a second so a log does not fill up.
"""

from __future__ import annotations

import sys
import time
from enum import Enum
from types import TracebackType
from typing import Any, TextIO


class Mode(Enum):
    OFF = "off"
    LIVE = "live"  # a rich display that redraws itself (a terminal)
    LINES = "lines"  # timestamped lines, at most one a second (a log)


def mode_for(quiet: bool, asked: bool, stream: TextIO | None = None) -> Mode:
    """``--quiet`` silences; a terminal gets the live display; elsewhere lines only if asked."""
    if quiet:
        return Mode.OFF
    out = stream if stream is not None else sys.stderr
    if out.isatty():
        return Mode.LIVE
    return Mode.LINES if asked else Mode.OFF


class Reporter:
    """Progress of one command.  ``update`` replaces the current status (throttled in line
    mode); ``note`` prints a line that stays (a finished step, such as one proved invariant)."""

    LINE_INTERVAL = 1.0

    def __init__(self, mode: Mode, label: str, total: int | None = None) -> None:
        self.mode = mode
        self.label = label
        self._total = total
        self._started = time.monotonic()
        self._last_line = -self.LINE_INTERVAL
        self._bar: Any = None
        self._task: Any = None
        self._done = 0

    def __enter__(self) -> Reporter:
        if self.mode is Mode.LIVE:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            columns: list[Any] = [TextColumn(self.label), BarColumn()]
            if self._total is not None:
                columns.append(MofNCompleteColumn())
            columns += [TextColumn("{task.fields[info]}"), TimeElapsedColumn()]
            self._bar = Bar(*columns, console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(self.label, total=self._total, info="")
            self._bar.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, value, tb)
            self._bar = None

    def update(self, info: str, completed: int | None = None, total: int | None = None) -> None:
        if self.mode is Mode.LIVE and self._bar is not None:
            fields: dict[str, Any] = {"info": info}
            if completed is not None:
                fields["completed"] = completed
            if total is not None:
                fields["total"] = total
            self._bar.update(self._task, **fields)
        elif self.mode is Mode.LINES:
            now = time.monotonic()
            if now - self._last_line >= self.LINE_INTERVAL:
                self._last_line = now
                self._line(info)

    def advance(self, runs: int, info: str = "") -> None:
        """For work counted in units (runs of a sweep): ``runs`` more are done."""
        if self.mode is Mode.LIVE and self._bar is not None:
            self._bar.update(self._task, advance=runs, info=info)
        elif self.mode is Mode.LINES:
            self._done += runs
            total = f"/{self._total}" if self._total is not None else ""
            self.update(f"{self._done}{total} {info}".rstrip())

    def note(self, text: str) -> None:
        if self.mode is Mode.LIVE and self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        elif self.mode is not Mode.OFF:
            self._line(text)

    def _line(self, text: str) -> None:
        elapsed = time.monotonic() - self._started
        print(f"[{elapsed:7.1f}s] {self.label}: {text}", file=sys.stderr, flush=True)
