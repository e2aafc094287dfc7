"""How long things take in simulated time (M6): calls, IPC deliveries, patience of a receive.

Times are in simulated milliseconds.  Durations and delays are drawn from exponential
distributions with the given means, from the run's own seeded ``random.Random``, so a run is a
pure function of its configuration and seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from wspshare.models.errors import ModelError


@dataclass(frozen=True)
class Timing:
    call: float = 1.0  # mean duration of one call (an SPI call, a pipe read or write)
    ipc: float = 2.0  # mean delay before a message written to the pipe can be read
    close_delay: float = 0.0  # extra time the source waits before its WSPCloseSocket (step 10)
    receive_timeout: float = 1000.0  # a blocked receive gives up after this long (inf: never)
    horizon: float = 1e7  # a run still going at this time is cut short

    def __post_init__(self) -> None:
        for name in ("call", "ipc", "close_delay", "receive_timeout", "horizon"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or math.isnan(value) or value < 0:
                raise ModelError(f"timing {name} must be a number >= 0, got {value!r}")
        if self.receive_timeout == 0:
            raise ModelError("--receive-timeout must be positive (use inf to never time out)")

    @property
    def timeouts(self) -> bool:
        return self.receive_timeout < math.inf


def draw(rng: random.Random, mean: float) -> float:
    """An exponential duration with this mean (zero mean: instantaneous)."""
    return rng.expovariate(1.0 / mean) if mean > 0 else 0.0
