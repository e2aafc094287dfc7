"""Implementation profiles for scenario files: where a real ws2_32 departs from the documentation.

``documented`` is the model as SPEC.md states it.  ``wine`` is Wine's ws2_32 as the conformance
run observed it (``conformance/observed/``); each switch below names the behaviour, the cases
that show it, and why Wine differs.  Issue #12 brings profiles to the SPI model itself; until
it lands, the few behaviours the conformance cases show live here, in this one place, and are
applied by the scenario interpreter around ``Semantics.call``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # WSADuplicateSocket with no output buffer: the documentation's API layer checks the socket
    # and the pid first (R13); Wine checks the buffer before anything else.
    buffer_checked_first: bool = False
    # WSASocket with an info already used in this process: R2 says it fails; Wine keeps no
    # record of use and hands back the same descriptor again.
    reuse_returns_same: bool = False


PROFILES = {
    "documented": Profile("documented"),
    "wine": Profile("wine", buffer_checked_first=True, reuse_returns_same=True),
}


def profile_named(name: str) -> Profile:
    return PROFILES[name]
