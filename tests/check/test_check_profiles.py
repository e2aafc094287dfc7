"""Implementation profiles (models/profiles.py): what Wine's ws2_32 does where the documentation
says otherwise, and which properties each profile claims (properties/profiles.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from wspshare.models.api import Ws2
from wspshare.models.calls import WSPConnect, WSPDuplicateSocket, WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.profiles import WINE
from wspshare.models.scenario import Faults, HandoffModel, ScenarioConfig
from wspshare.models.state import ProtocolInfo, World
from wspshare.properties.checker import check, reachable_states
from wspshare.properties.configs import Switches, model_for
from wspshare.properties.handoff import SCENARIO_INVARIANTS, WORLD_CHECKS
from wspshare.properties.profiles import NOT_CLAIMED, claimed_under

from tests.conftest import Machine

FAULTS = Faults(crash=1, duplicate=1, reuse_pid=1)


def wine(m: Machine) -> Machine:
    return m._replace(sem=replace(m.sem, profile=WINE))


def duplicated(m: Machine, catalog: int = 1001) -> tuple[World, int, ProtocolInfo]:
    w, r = m.sem.call(m.world, m.source, 0, WSPSocket(catalog))
    assert isinstance(r.value, int)
    s = r.value
    w, _ = m.sem.call(w, m.source, 0, WSPConnect(s))
    w, r = m.sem.call(w, m.source, 0, WSPDuplicateSocket(s, w.procs[m.target].pid))
    assert isinstance(r.value, ProtocolInfo)
    return w, s, r.value


def test_wine_imports_one_info_twice_with_the_same_descriptor(machine: Machine) -> None:
    m = wine(machine)
    w, _, info = duplicated(m)
    w, first = m.sem.call(w, m.target, 0, WSPSocket(info=info))
    w, second = m.sem.call(w, m.target, 0, WSPSocket(info=info))
    assert first.ok and second.ok and first.value == second.value  # R2 not enforced
    assert w.sockets[0].refs == 2  # but no second descriptor: one handle, one reference
    # The documentation refuses the second import.
    w, _, info = duplicated(machine)
    w, _ = machine.sem.call(w, machine.target, 0, WSPSocket(info=info))
    assert machine.sem.call(w, machine.target, 0, WSPSocket(info=info))[1].error is (
        WSAError.WSAEINVAL
    )


def test_wine_hands_a_process_the_info_was_not_made_for_the_stored_value(
    machine: Machine,
) -> None:
    m = wine(machine)
    w, _, info = duplicated(m)
    w, stranger = m.sem.spawn(w, 1)
    after, r = m.sem.call(w, stranger, 0, WSPSocket(info=info))
    assert r.ok and r.value == info.provider_reserved
    assert find_handle(after.procs[stranger], info.provider_reserved) is None  # names nothing
    assert after.sockets == w.sockets and after.procs[m.target] == w.procs[m.target]


def test_wine_duplicates_for_an_exited_process_a_handle_still_holds(machine: Machine) -> None:
    for m, expect in ((wine(machine), WSAError.NO_ERROR), (machine, WSAError.WSAEINVAL)):
        w, r = m.sem.call(m.world, m.source, 0, WSPSocket(1001))
        assert isinstance(r.value, int)
        pid = w.procs[m.target].pid
        w, pin = m.sem.kernel.open_process(w, m.source, pid)
        assert isinstance(pin, int)
        w = m.sem.exit_process(w, m.target)
        after, dup = m.sem.call(w, m.source, 0, WSPDuplicateSocket(r.value, pid))
        assert dup.error is expect and after.sockets == w.sockets  # nothing referenced


def test_wine_checks_the_output_buffer_only_for_null_in_the_documented_order(
    machine: Machine,
) -> None:
    for m, small in ((wine(machine), True), (machine, False)):
        api = Ws2(m.sem)
        w, _ = api.startup(m.world, m.source, 0x0202)
        w, r = api.socket(w, m.source, 0)
        assert isinstance(r.value, int)
        pid = w.procs[m.target].pid
        assert api.duplicate(w, m.source, 0, 40, 9999, None)[1].error is WSAError.WSAENOTSOCK
        assert api.duplicate(w, m.source, 0, r.value, 9999, None)[1].error is WSAError.WSAEINVAL
        assert api.duplicate(w, m.source, 0, r.value, pid, None)[1].error is WSAError.WSAEFAULT
        assert api.duplicate(w, m.source, 0, r.value, pid, 16)[1].ok is small


@pytest.mark.parametrize("catalog", [1002, 1003])
def test_non_ifs_providers_behave_as_documented_under_wine(machine: Machine, catalog: int) -> None:
    m = wine(machine)
    w, _, info = duplicated(m, catalog)
    w, _ = m.sem.call(w, m.target, 0, WSPSocket(info=info))
    assert m.sem.call(w, m.target, 0, WSPSocket(info=info))[1].error is WSAError.WSAEINVAL


@pytest.mark.slow  # over a minute on two busy cores; .ci/run runs the slow tier
def test_every_property_claimed_under_wine_holds_in_wine_with_faults_and_a_stranger() -> None:
    for name in ("wine", "fanout", "listener"):
        switches = Switches(profile="wine", stranger=name != "listener", crash=1, duplicate=1)
        model = model_for(name, switches)
        names = {p.name for p in model.properties()}
        assert not names & set(NOT_CLAIMED["wine"])
        result = check(model, symmetry=name != "wine")
        assert result.ok, {r.name: len(r.path) for r in result.properties if r.failed and r.path}


def test_each_property_not_claimed_under_wine_really_fails_there() -> None:
    model = HandoffModel(ScenarioConfig(profile="wine", stranger=True, faults=FAULTS))
    states = reachable_states(model)
    for name in NOT_CLAIMED["wine"]:
        if name in WORLD_CHECKS:
            check_world = WORLD_CHECKS[name]
            fails = any(check_world(model.semantics, s.world) is not None for s in states)
        else:
            check_scenario = SCENARIO_INVARIANTS[name][1]
            fails = any(check_scenario(model, s) is not None for s in states)
        assert fails, f"{name} is left out under wine but holds there"


def test_the_documented_profile_claims_every_property_and_wine_says_why_not() -> None:
    model = model_for("handoff")
    assert all("documented" in claimed_under(p.name) for p in model.properties())
    for name, why in NOT_CLAIMED["wine"].items():
        assert claimed_under(name) == ("documented",) and "(doc-" in why
    assert model_for("wine").semantics.profile is WINE


@pytest.mark.parametrize("profile", ["documented", "wine"])
def test_a_zeroed_info_is_wsaeinval_in_both_profiles(machine: Machine, profile: str) -> None:
    # Wine: no marker, so WSASocketW takes family, type and protocol 0 from the info and
    # refuses them (WSAEINVAL); documented: catalog entry 0 names no provider (WSAEINVAL).
    m = wine(machine) if profile == "wine" else machine
    zeroed = ProtocolInfo(0, 0, (0,), 0, 0, 0, 0)
    after, r = m.sem.call(m.world, m.target, 0, WSPSocket(info=zeroed))
    assert r.error is WSAError.WSAEINVAL and after == m.world
