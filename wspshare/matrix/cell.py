"""One cell of the kill matrix: what one checker made of one variant within its time budget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from wspshare.models.variants import Variant


@dataclass(frozen=True)
class Cell:
    """``caught``: the checker reported a violation (or a deadlock); ``length``: the number of
    actions in the shortest story it found; ``found``: which property it named."""

    caught: bool
    found: str = ""
    length: int | None = None
    seconds: float = 0.0
    note: str = ""

    def __str__(self) -> str:
        if not self.caught:
            return f"missed {self.seconds:.1f}s" + (f" ({self.note})" if self.note else "")
        length = "" if self.length is None else f" len={self.length}"
        return f"caught{length} {self.seconds:.1f}s"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


CellRunner = Callable[[Variant, float], Cell]
