"""The z3 twin takes the same step as the executable semantics on the calls beyond the seed:
bind, listen, accept, sendto, recvfrom, shutdown, and the network's connections, datagrams and
peer closes (``properties.smt.endpoints``)."""

from __future__ import annotations

from collections import Counter

import pytest
from wspshare.models.kernel import Kernel
from wspshare.models.providers.buggy import DoubleAcceptIfs, replace_provider
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.properties.smt import endpoint_worlds
from wspshare.properties.smt.crosscheck import compare, python_step, random_pairs
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.twin import Twin

BOUNDS = Bounds(procs=3, threads=2, handles=4, sockets=3, shares=2, queue=2)
ENDPOINT_ACTIONS = {
    "WSPBind", "WSPListen", "WSPAccept", "WSPSendTo", "WSPRecvFrom", "WSPShutdown",
    "ClientConnects", "DatagramArrives", "PeerCloses",
}  # fmt: skip


def semantics() -> Semantics:
    return Semantics(kernel=Kernel(max_handles=BOUNDS.handles))


NETWORK = ("ClientConnects", "DatagramArrives", "PeerCloses")


def scripted(
    sem: Semantics, twin: Twin, catalogs: tuple[int, ...], quick: bool = False
) -> tuple[list[str], Counter[str]]:
    """Endpoint ops from the scripted worlds (``quick``: two of them, the sharing target's
    descriptors, each call's first argument value): the mismatches, and the successes by
    action (so the test shows the successful paths were compared, not only the errors)."""
    mismatches, succeeded = [], Counter[str]()
    for catalog in catalogs:
        for label, w in endpoint_worlds.worlds(sem, catalog):
            if quick and label not in ("datagram", "accepted"):
                continue
            slots = (1,) if quick else (0, 1)
            for op in endpoint_worlds.ops(w, slots, every_value=not quick):
                _, result, name, _ = python_step(sem, w, op, [])
                if result is not None and result.ok and (name not in NETWORK or result.value):
                    succeeded[name] += 1
                found = compare(twin, sem, w, op, [])
                if found is not None:
                    mismatches.append(f"{label} (catalog {catalog}): {found}")
    return mismatches, succeeded


def test_the_seed_twin_has_no_endpoint_actions_or_state() -> None:
    """Without queue cells the seed's proofs see the very terms they saw before."""
    twin = Twin(Bounds())
    assert not ENDPOINT_ACTIONS & set(twin.actions)
    assert Twin(BOUNDS).actions.keys() >= ENDPOINT_ACTIONS


def test_twin_and_semantics_agree_on_endpoint_calls_from_the_listener_and_datagram_worlds() -> None:
    """One provider and a few ops keep the default tier quick; the slow tier tries them all."""
    mismatches, succeeded = scripted(semantics(), Twin(BOUNDS), (1002,), quick=True)
    assert mismatches == []
    for action in ENDPOINT_ACTIONS:
        assert succeeded[action] > 0, f"{action} never succeeded: {succeeded}"


@pytest.mark.slow
def test_twin_and_semantics_agree_on_endpoint_calls_for_every_provider() -> None:
    mismatches, _ = scripted(semantics(), Twin(BOUNDS), (1001, 1002, 1003))
    assert mismatches == []


def test_twin_and_semantics_agree_on_random_pairs_with_endpoint_calls() -> None:
    sem, twin = semantics(), Twin(BOUNDS)
    mismatches = [
        m
        for w, infos, op in random_pairs(sem, twin, 40, seed=11)
        if (m := compare(twin, sem, w, op, infos)) is not None
    ]
    assert mismatches == []


def test_crosscheck_notices_a_provider_that_accepts_a_connection_twice() -> None:
    """The endpoint comparison can fail: a provider that leaves the accepted connection on the
    backlog differs from the twin on the accept."""
    buggy = Semantics(
        providers=replace_provider(standard_providers(), DoubleAcceptIfs()),
        kernel=Kernel(max_handles=BOUNDS.handles),
    )
    mismatches, _ = scripted(buggy, Twin(BOUNDS), (1001,), quick=True)
    assert any("WSPAccept" in m for m in mismatches)
