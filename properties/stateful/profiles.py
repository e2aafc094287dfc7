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


# The scenario machine's examples.  PCT meets the handoff's two races (a crash and a pid reuse
# between the pid reply and the duplicate; the source's helper thread running after the close and
# the reuse of its value) in roughly 1 of 100 to 200 uniformly drawn schedules, and Hypothesis's
# own choice of examples does worse: 3 of 4 unseeded runs of 1,000 found the pid race.  ``ci`` is
# derandomized, so its 1,000 are the same every run (and include both races); ``nightly`` draws
# fresh ones, 5,000 of them, so that a miss is a thousandth-of-a-night event, not a flaky test.
SCENARIO_EXAMPLES = {CI: 1000, NIGHTLY: 5000}


def scenario_examples() -> int:
    """How many behaviours the scenario machine tries under the active profile."""
    return SCENARIO_EXAMPLES.get(active_profile(), SCENARIO_EXAMPLES[CI])


def active_profile() -> str:
    """The profile named by ``HYPOTHESIS_PROFILE`` (``ci`` when unset)."""
    return os.environ.get("HYPOTHESIS_PROFILE", CI)


def load() -> settings:
    """Load the active profile and return its settings."""
    settings.load_profile(active_profile())
    return settings.get_profile(active_profile())
