"""``wspshare.explore(model)``: the explorer inside a notebook.

The server runs in a background thread of the kernel, and the returned object displays as the
page in a frame below the cell (it is also a handle: its ``url``, and ``stop()``).  It needs no
IPython import: a notebook displays any object with ``_repr_html_``.
"""

from __future__ import annotations

import html

from wspshare.explorer.app import create_app
from wspshare.explorer.models import Models
from wspshare.explorer.server import Background, bind
from wspshare.models.scenario import HandoffModel


class Explorer:
    """A running explorer: shown as the page in a notebook, printed as its address."""

    def __init__(self, model: HandoffModel, name: str, port: int, height: int) -> None:
        self.models = Models(model, name)
        self._running = Background(bind(create_app(self.models), port))
        self.height = height

    @property
    def url(self) -> str:
        return self._running.url

    def stop(self) -> None:
        """Stop serving; the frame in the notebook goes blank."""
        self._running.stop()

    def __repr__(self) -> str:
        return f"wspshare explorer at {self.url}"

    def _repr_html_(self) -> str:
        src = html.escape(self.url, quote=True)
        return (
            f'<iframe src="{src}" width="100%" height="{self.height}" '
            'style="border: 1px solid #d8dde3"></iframe>'
            f'<div><a href="{src}" target="_blank">open the explorer in its own tab</a></div>'
        )


def explore(model: HandoffModel, name: str = "", port: int = 0, height: int = 720) -> Explorer:
    """Serve the explorer for ``model`` on the loopback interface and return it for display.

    ``name`` is the model's name in links, a configuration and its switches (``"handoff
    --provider non-ifs"``), if it has one; ``port=0`` takes a free port.  A model without
    properties gets every property of SPEC "What must hold"."""
    return Explorer(model, name, port, height)
