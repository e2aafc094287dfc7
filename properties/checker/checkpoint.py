"""Checkpoints of a split search (TLC's habit: a long check is never lost).

A checkpoint is one file, ``checkpoint.pickle`` in its directory, replaced atomically (written
beside it, then renamed), so a crash while saving leaves the previous one intact.  It holds what
the coordinator knows between two levels and every share's snapshot, with a description of the
search (the configuration, symmetry, the fingerprint) that a resumed search must match: resuming
a different question would silently answer neither.  Fingerprints must mean the same in the
run that resumes, so a saved search always uses ``PortableFingerprint``.
"""

from __future__ import annotations

import copy
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .split import Ledger

FILE = "checkpoint.pickle"
FORMAT = 1


@dataclass(frozen=True)
class Saved:
    """A loaded checkpoint: the coordinator's ledger and the shares' snapshots."""

    meta: dict[str, Any]
    ledger: Ledger
    snapshots: list[bytes]


class CheckpointMismatch(ValueError):
    """The checkpoint was made by another search."""


class Checkpoint:
    """Saves into ``directory`` every ``every`` seconds (between levels), at the end and on
    Ctrl-C.  ``meta`` describes the search; ``load`` refuses a checkpoint whose meta differs."""

    def __init__(self, directory: str | FilePath, every: float, meta: dict[str, Any]) -> None:
        self.directory = FilePath(directory)
        self.every = every
        self.meta = {**meta, "format": FORMAT}
        self.saves = 0

    def due(self, last_save: float) -> bool:
        return time.monotonic() - last_save >= self.every

    def save(self, ledger: Ledger, snapshots: list[bytes], started: float) -> None:
        saved = copy.copy(ledger)
        saved.seconds = ledger.seconds + time.monotonic() - started
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / FILE
        partial = self.directory / (FILE + ".partial")
        with open(partial, "wb") as out:
            pickle.dump((self.meta, saved, snapshots), out, protocol=5)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        self.saves += 1


def load(directory: str | FilePath, meta: dict[str, Any]) -> Saved:
    """The checkpoint in ``directory``, after checking it was made by the same search."""
    source = FilePath(directory) / FILE
    if not source.exists():
        raise FileNotFoundError(2, "no checkpoint here (nothing was saved)", str(source))
    with open(source, "rb") as data:
        saved_meta, ledger, snapshots = pickle.load(data)
    wanted = {**meta, "format": FORMAT}
    if saved_meta != wanted:
        keys = set(saved_meta) | set(wanted)
        differ = sorted(k for k in keys if saved_meta.get(k) != wanted.get(k))
        raise CheckpointMismatch(
            f"the checkpoint in {directory} was made by another search (it differs in "
            f"{', '.join(differ)}): resume with the same configuration and switches"
        )
    return Saved(saved_meta, ledger, snapshots)
