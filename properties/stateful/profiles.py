"""Hypothesis settings profiles: ``ci`` (fast, derandomized so CI output is reproducible) and
``nightly`` (many long histories).  ``HYPOTHESIS_PROFILE`` selects one; the default is ``ci``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

CI = "ci"
NIGHTLY = "nightly"
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    CI,
    max_examples=30,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    NIGHTLY,
    max_examples=1000,
    stateful_step_count=200,
    deadline=None,
    suppress_health_check=_QUIET,
)


# The scenario machine's examples, in every profile: PCT finds the handoff's two races (a crash and
# a pid reuse between the pid reply and the duplicate; the source's helper thread running after
# the close and the reuse of its value) in roughly 1 of 100 to 200 behaviours.
SCENARIO_EXAMPLES = 1000


def active_profile() -> str:
    """The profile named by ``HYPOTHESIS_PROFILE`` (``ci`` when unset)."""
    return os.environ.get("HYPOTHESIS_PROFILE", CI)


def load() -> settings:
    """Load the active profile and return its settings."""
    settings.load_profile(active_profile())
    return settings.get_profile(active_profile())
