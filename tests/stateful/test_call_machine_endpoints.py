"""The call-level machine with the calls beyond the seed (``call_machine(..., endpoints=True)``):
it draws them with good and bad arguments and passes on the correct providers, seeing only the
codes each call's page names (the driver fails the machine on any other)."""

from __future__ import annotations

from collections import Counter

from hypothesis.stateful import run_state_machine_as_test
from wspshare.models.errors import WSAError
from wspshare.models.semantics import Semantics
from wspshare.properties.stateful import profiles
from wspshare.properties.stateful.machines import call_machine

SETTINGS = profiles.load()
NEW_CALLS = {"WSPBind", "WSPListen", "WSPAccept", "WSPSendTo", "WSPRecvFrom", "WSPShutdown"}


def test_the_call_machine_drives_the_endpoint_calls_and_sees_only_documented_codes() -> None:
    answered: Counter[tuple[str, WSAError]] = Counter()
    machine = call_machine(Semantics, endpoints=True)

    class Counting(machine):  # type: ignore[misc,valid-type]
        def teardown(self) -> None:
            answered.update(self.driver.answered)  # codes outside ``allowed`` already failed

    run_state_machine_as_test(Counting, settings=SETTINGS)
    drawn = {name for name, _ in answered}
    assert drawn >= NEW_CALLS, NEW_CALLS - drawn
    for name in NEW_CALLS:  # bad arguments reached each call, and so did good ones
        codes = {code for n, code in answered if n == name}
        assert codes - {WSAError.NO_ERROR}, name
    assert any(code is WSAError.NO_ERROR for n, code in answered if n in NEW_CALLS)
