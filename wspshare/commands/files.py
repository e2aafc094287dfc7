"""Files the commands read and write, checked when the command line is parsed.

An output path is probed for writing before any work starts, so that a search of ten minutes is
not lost to a missing directory at the end; ``-`` means standard output wherever a command
writes a file.  An input file must be UTF-8 text; anything else (a binary file, UTF-16) gets one
line naming the file and what is wrong with it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

STDIO = "-"


@dataclass(frozen=True)
class Output:
    """Where a command writes one of its results: a file, or standard output for ``-``."""

    path: str

    @property
    def to_stdout(self) -> bool:
        return self.path == STDIO

    @property
    def suffix(self) -> str:
        return "" if self.to_stdout else Path(self.path).suffix.lower()

    def write_text(self, text: str) -> None:
        if self.to_stdout:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        with open(self.path, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)

    def write_lines(self, lines: Iterable[str]) -> None:
        self.write_text("".join(line + "\n" for line in lines))

    def write_bytes(self, data: bytes) -> None:
        if self.to_stdout:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        with open(self.path, "wb") as out:
            out.write(data)

    def __str__(self) -> str:
        return "standard output" if self.to_stdout else self.path


def report_stream(*outputs: Output | None) -> TextIO:
    """Where a command prints its human report: standard output, unless one of ``outputs``
    claims it (``--json -`` and the like), so that standard output is exactly that document."""
    return sys.stderr if any(o is not None and o.to_stdout for o in outputs) else sys.stdout


def output_file(suffixes: tuple[str, ...] = ()) -> Callable[[str], Output]:
    """An argparse type for a path to write: ``-``, or a file whose directory exists and takes
    a new file (probed by creating it, and removing it again if it was not there before: as
    root, permission bits alone do not tell)."""

    def parse(text: str) -> Output:
        if text == STDIO:
            return Output(text)
        if not text.strip():
            raise argparse.ArgumentTypeError("expected a file name (or - for standard output)")
        if suffixes and Path(text).suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(
                f"{text}: the file name must end in {' or '.join(suffixes)}"
            )
        probe_writable(text)
        return Output(text)

    parse.__name__ = "output file"
    return parse


def probe_writable(text: str) -> None:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: is a directory, not a file")
    parent = path.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: directory {str(parent)!r} does not exist")
    existed = path.exists()
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as err:
        raise argparse.ArgumentTypeError(f"{text}: cannot write: {err.strerror}") from None
    if not existed:
        os.unlink(path)


def text_input(text: str) -> str:
    """An argparse type for a file to read as UTF-8 text (``-``: standard input); returns its
    contents, so a bad file is reported while the command line is parsed."""
    name = "standard input" if text == STDIO else text
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a file name (or - for standard input)")
    try:
        data = sys.stdin.buffer.read() if text == STDIO else Path(text).read_bytes()
    except IsADirectoryError:
        raise argparse.ArgumentTypeError(f"{name}: is a directory, not a file") from None
    except OSError as err:
        raise argparse.ArgumentTypeError(f"{name}: cannot read: {err.strerror}") from None
    return decode_text(name, data)


def decode_text(name: str, data: bytes) -> str:
    """``data`` as UTF-8 text, or one line saying why it is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise argparse.ArgumentTypeError(f"{name}: is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise argparse.ArgumentTypeError(f"{name}: is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise argparse.ArgumentTypeError(
            f"{name}: is not UTF-8 text (byte {data[err.start]:#04x} at offset {err.start})"
        ) from None
