"""One case run live under Wine (where Wine and mingw-w64 are installed): the program built
from the scenario reproduces the recorded observations, step by step."""

from __future__ import annotations

import pytest

from wspshare.conformance import suite, wine

# Needs Wine and mingw-w64: marker "wine", deselected by default, run by .ci/run after it has
# installed them (a missing tool then fails the test instead of skipping it).
pytestmark = pytest.mark.wine


def test_a_case_under_wine_reproduces_its_recorded_observations() -> None:
    cases = [c for c in suite.load_cases() if c.name in ("wine-dup-tcp-info", "doc-single-use")]
    fresh = wine.observe(cases)
    recorded = suite.load_observed()
    assert fresh["wine"] == recorded["wine"]
    got, saved = fresh["cases"], recorded["cases"]
    assert isinstance(got, dict) and isinstance(saved, dict)
    for case in cases:
        assert got[case.name] == saved[case.name]
