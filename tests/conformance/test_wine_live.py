"""One case run live under Wine (where Wine and mingw-w64 are installed): the program built
from the scenario reproduces the recorded observations, step by step."""

from __future__ import annotations

import shutil

import pytest

from wspshare.conformance import suite, wine

LIVE = shutil.which("x86_64-w64-mingw32-gcc") is not None and (
    shutil.which("wine64") is not None or shutil.which("wine") is not None
)


@pytest.mark.skipif(not LIVE, reason="needs Wine and mingw-w64")
def test_a_case_under_wine_reproduces_its_recorded_observations() -> None:
    cases = [c for c in suite.load_cases() if c.name in ("wine-dup-tcp-info", "doc-single-use")]
    fresh = wine.observe(cases)
    recorded = suite.load_observed()
    assert fresh["wine"] == recorded["wine"]
    got, saved = fresh["cases"], recorded["cases"]
    assert isinstance(got, dict) and isinstance(saved, dict)
    for case in cases:
        assert got[case.name] == saved[case.name]
