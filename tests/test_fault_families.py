"""Every provider under every fault family (M5), each alone and resource failures combined with
crashes, checked exhaustively: every property holds and nothing deadlocks, except the one cost
M4 documents for the provider that takes its reference at claim time - a source that crashes,
gives up on a lost message, or runs out of buffers before the target claims closes the socket
under the target (no-premature-close), and that property alone."""

from __future__ import annotations

import pytest
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.config import PROVIDER_NAMES, Faults
from wspshare.models.variants import CATALOGUE
from wspshare.properties.checker import Verdict, check
from wspshare.properties.handoff import checkable

FAMILIES = {
    "crash": Faults(crash=1),
    "lose": Faults(lose=1),
    "duplicate": Faults(duplicate=1),
    "reorder": Faults(reorder=1),
    "reuse-pid": Faults(reuse_pid=1),
    "exhaust": Faults(exhaust=1),
    "exhaust+crash": Faults(exhaust=1, crash=1),
}
# The families under which the claim-time provider lets the socket close before its claim.
PREMATURE_AT_CLAIM = {"crash", "lose", "exhaust", "exhaust+crash"}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_every_property_holds_under_each_fault_family_but_the_documented_m4_cost(
    provider: str, family: str
) -> None:
    config = ScenarioConfig(provider=provider, faults=FAMILIES[family])
    result = check(checkable(HandoffModel(config)))
    assert result.complete and result.deadlock_count == 0
    violated = {r.name for r in result.properties if r.verdict is Verdict.VIOLATED}
    expected = (
        {"no-premature-close"}
        if provider == "non-ifs-claim" and family in PREMATURE_AT_CLAIM
        else set()
    )
    assert violated == expected
    undecided = {Verdict.UNKNOWN, Verdict.NOT_FOUND}
    assert not [r.name for r in result.properties if r.verdict in undecided]


STRANGER_FAMILIES = {"none": Faults(), "crash": Faults(crash=1), "exhaust": Faults(exhaust=1)}


@pytest.mark.parametrize("family", STRANGER_FAMILIES)
@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_a_stranger_forging_infos_breaks_no_property_under_each_fault_family(
    provider: str, family: str
) -> None:
    """A process never named as a target guesses dwProviderReserved (handle values, share
    tokens): it never gets a descriptor (no-strangers) and the handoff's properties all hold, but
    the claim-time provider's documented cost under a crash or a shortage."""
    config = ScenarioConfig(provider=provider, stranger=True, faults=STRANGER_FAMILIES[family])
    result = check(checkable(HandoffModel(config)))
    assert result.complete and result.deadlock_count == 0
    verdicts = {r.name: r.verdict for r in result.properties}
    assert verdicts["no-strangers"] is Verdict.HOLDS
    violated = {n for n, v in verdicts.items() if v is Verdict.VIOLATED}
    costly = provider == "non-ifs-claim" and family in PREMATURE_AT_CLAIM
    assert violated == ({"no-premature-close"} if costly else set())


def test_a_stranger_let_in_by_a_missing_pid_check_takes_the_share_and_closes_it_again() -> None:
    """The seeded bug no-pid-check: a forged share token is claimed by the stranger, so the
    target's claim fails (the handoff does not succeed, and the socket can close before the
    target could claim it); the stranger then closes what it took, so nothing leaks."""
    variant = next(v for v in CATALOGUE if v.name == "no-pid-check")
    result = check(checkable(variant.model()), stop_early=False)
    assert result.complete and result.deadlock_count == 0
    violated = {r.name for r in result.properties if r.verdict is Verdict.VIOLATED}
    assert violated == {"no-strangers", "handoff-succeeds", "no-premature-close"}
