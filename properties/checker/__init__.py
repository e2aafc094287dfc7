"""The explicit-state model checker, generic over ``models.protocol.Model``.

It knows nothing of Winsock.  ``check`` runs breadth-first, depth-first or random-walk search and
returns a ``CheckResult`` value; ``state_graph`` exports small state spaces.  Modules:
``explore`` (the fingerprint-storing search), ``liveness`` (EVENTUALLY under weak fairness),
``lifted`` (the same on a symmetry-reduced state space, through the annotated quotient),
``random_walk``, ``path`` (counterexamples as values), ``result``, ``fingerprint``, ``graph``, and
``search`` (``check``).
"""

from .explore import Exploration, Visitor, explore
from .fingerprint import Fingerprint, fast_fingerprint, stable_fingerprint
from .graph import state_graph, to_dot, write_dot, write_graphml
from .path import Path, Step, replay, state_encoder
from .reachable import reachable_states
from .result import CheckResult, Progress, PropertyResult, Statistics, Verdict
from .search import Strategy, check

__all__ = [
    "CheckResult",
    "Exploration",
    "Fingerprint",
    "Path",
    "Progress",
    "PropertyResult",
    "Statistics",
    "Step",
    "Strategy",
    "Verdict",
    "Visitor",
    "check",
    "explore",
    "fast_fingerprint",
    "reachable_states",
    "replay",
    "stable_fingerprint",
    "state_encoder",
    "state_graph",
    "to_dot",
    "write_dot",
    "write_graphml",
]
