"""wspshare: a simulator and model checker of socket sharing in the Windows Sockets SPI.

``import wspshare`` loads nothing else; ``wspshare.explore(model)`` (the explorer in a notebook,
``wspshare.explorer.notebook``) loads the web stack on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wspshare.explorer.notebook import explore

__all__ = ["explore"]


def __getattr__(name: str) -> Any:
    if name == "explore":
        from wspshare.explorer.notebook import explore

        return explore
    raise AttributeError(f"module 'wspshare' has no attribute {name!r}")
