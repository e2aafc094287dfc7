"""The path so far as the simulator's sequence diagram, in SVG, for the page.

The drawing is the one ``wspshare check --diagram`` makes (``commands.counterexample``): the path
is replayed through ``sim.replay`` into the simulator's trace records and drawn by
``sim.diagram``, so the page and the command line never disagree about what a path did.
Drawings are remembered by path, since the page asks again for every step it revisits.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from pathlib import Path as FilePath

from wspshare.commands.counterexample import trace_records
from wspshare.models.scenario import Action, HandoffModel, HandoffState
from wspshare.properties.checker import Path
from wspshare.sim.diagram import draw

KEEP = 64  # drawings remembered per explorer

_matplotlib = threading.Lock()  # its rc settings are global: one drawing at a time


class Diagrams:
    """Drawings of paths, remembered by the names of the model and the path."""

    def __init__(self) -> None:
        self._drawn: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()  # the server answers requests in threads

    def svg(
        self, model: HandoffModel, path: Path[HandoffState, Action], key: tuple[str, ...]
    ) -> bytes:
        """The diagram of ``path`` as SVG; ``key`` names it (the model's name, the fingerprints)."""
        with self._lock:
            found = self._drawn.get(key)
            if found is None:
                found = draw_svg(model, path)
                self._drawn[key] = found
                while len(self._drawn) > KEEP:
                    self._drawn.popitem(last=False)
            else:
                self._drawn.move_to_end(key)
            return found


def draw_svg(model: HandoffModel, path: Path[HandoffState, Action]) -> bytes:
    """Replay ``path`` into trace records and draw them, through a file since ``draw`` picks the
    format from the file's name."""
    records = trace_records(model, path)
    with _matplotlib, tempfile.TemporaryDirectory() as tmp:
        target = FilePath(tmp) / "path.svg"
        draw(records, target)
        return target.read_bytes()
