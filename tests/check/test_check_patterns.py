"""The listener and datagram configurations (R15): every property holds for the correct
providers, liveness included; the state counts are pinned; symmetry over workers stays sound."""

from __future__ import annotations

import itertools

import pytest
from wspshare.models.scenario.symmetry import _permute, canonical
from wspshare.properties.checker import check, reachable_states
from wspshare.properties.configs import Switches, model_for

# Exact counts, full search and with symmetry, no faults (README "What holds").
COUNTS = {
    ("listener", "ifs"): (1697, 862),
    ("listener", "non-ifs"): (2899, 1460),
    ("datagram", "ifs"): (1216, 621),
    ("datagram", "non-ifs"): (2010, 1015),
}


@pytest.mark.parametrize(("config", "provider"), list(COUNTS))
def test_every_property_holds_and_every_client_is_served_exactly_once(
    config: str, provider: str
) -> None:
    model = model_for(config, Switches(provider=provider))
    full = check(model)
    assert full.ok and full.complete and full.deadlock_count == 0
    names = {r.name for r in full.properties}
    once = "accepted-once" if config == "listener" else "read-once"
    assert {once, "queue-kept", "handoff-succeeds"} <= names
    assert ("listener-held-open" in names) == (config == "listener")
    reduced = check(model, symmetry=True)
    assert reduced.ok
    assert (full.statistics.states, reduced.statistics.states) == COUNTS[config, provider]


@pytest.mark.parametrize("provider", ["ifs", "non-ifs"])
def test_listener_with_two_workers_and_a_crash_holds(provider: str) -> None:
    # wspshare check listener --targets 2 --crash: a worker (or the source) may crash anywhere;
    # the listener stays open for the others and no connection is accepted twice.
    result = check(model_for("listener", Switches(provider=provider, targets=2, crash=1)))
    assert result.ok and result.complete


def test_datagram_with_a_crash_holds() -> None:
    assert check(model_for("datagram", Switches(crash=1, duplicate=1))).ok


@pytest.mark.parametrize("config", ["listener", "datagram"])
def test_the_canonical_form_of_a_serving_pattern_is_a_reachable_member_of_its_class(
    config: str,
) -> None:
    # Accepted connections are sockets of whichever worker took them; renaming workers moves
    # their handles with them, so every renaming of a reachable state must be reachable.
    model = model_for(config, Switches(crash=1))
    states = reachable_states(model)
    seen = set(states)
    for state in states[:: max(1, len(states) // 3000)]:
        pids = [state.world.procs[1 + k].pid for k in range(2)]
        rep = canonical(model, state)
        assert rep in seen and canonical(model, rep) == rep
        for order in itertools.permutations(range(2)):
            image = _permute(state, list(order), pids, model.semantics.providers)
            assert image in seen and canonical(model, image) == rep
